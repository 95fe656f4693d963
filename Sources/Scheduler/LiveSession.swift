/// A live session in the search state.
struct LiveSession {
    var demands: [Int]
    var parts: [Int]
    var staff: Int
    var room: Int
    var start: Int
    var dur: Int
    var lang: Int
    var pool: Int
    var type: Int
    var alive = true
}
