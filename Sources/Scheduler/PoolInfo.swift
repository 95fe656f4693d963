/// Group demands that may share a session: same group key, centre, window and session shape.
struct PoolInfo {
    var members: [Int] = []
    var centre = 0
    var winStart = 0
    var winEnd = 0
    var dur = 1
    var groupMin = 2
    var groupMax = 8
    var staff: [StaffCandidate] = []
    var rooms: [Int] = []
    var groupKey = ""
    var staffPool = -1
    var roomPool = -1
}
