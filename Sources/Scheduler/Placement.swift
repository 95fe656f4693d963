/// A chosen placement for a demand or a group.
struct Placement {
    var staff: Int
    var room: Int
    var start: Int
    var lang: Int
    var score: Double
    var members: [Int] = []
}
