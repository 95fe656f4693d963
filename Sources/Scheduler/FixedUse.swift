/// A fixed session's footprint on one participant, for the soft goals.
struct FixedUse {
    var start: Int
    var end: Int
    var type: Int
}
