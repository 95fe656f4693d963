/// One weekly cap of one staff member, with what is booked against it.
struct LimitState {
    var start: Int
    var end: Int
    var max: Int
    var used: Int
}
