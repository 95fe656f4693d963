/// Supply and expected demand of one resource class (staff of a role at a centre, or rooms of some kinds)
/// per slot; their ratio steers placements away from times others will need.
struct ContentionPool {
    var demand: [Double]
    var supply: [Int32]
}
