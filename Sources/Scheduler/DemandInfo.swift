/// A demand unit after interning and static filtering: everything the search needs by index.
struct DemandInfo {
    var parts: [Int] = []
    var centre = -1
    var winStart = 0
    var winEnd = 0
    var dur = 1
    var mode = DemandMode.individual
    var type = 0
    var staff: [StaffCandidate] = []
    var rooms: [Int] = []
    var pool = -1
    var preferred = -1
    var priority = 0
    var behind = 0.0
    var needsClearance = false
    var needsPaediatric = false
    var prevStart = -1
    var prevStaff = -1
    var prevRoom = -1
    var staticReason: ReasonCode?
    var staticDetail = ""
    var staffPool = -1
    var roomPool = -1
    var flexibility = 0
}
