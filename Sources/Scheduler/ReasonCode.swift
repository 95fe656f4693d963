/// Why a demand stayed unplaced; the first failing check wins, static filters before capacity.
public enum ReasonCode: String, Sendable, Codable, Equatable, CaseIterable {
    /// The demand itself is malformed (unknown participant, empty window, bad duration or size).
    case invalidDemand = "invalid_demand"
    /// Nobody holding the role works at the centre.
    case noStaffWithRole = "no_staff_with_role"
    /// Staff with the role exist, but none speaks the participants' (common) language.
    case noStaffWithLanguage = "no_staff_with_language"
    /// A child attends or clearance is required, but no suitable staff member is cleared or paediatric.
    case noChildClearedStaff = "no_child_cleared_staff"
    /// The centre has no room of the listed kinds.
    case noRoomOfKind = "no_room_of_kind"
    /// Rooms of the kind exist but none seats everyone.
    case roomTooSmall = "room_too_small"
    /// Participant, a suitable staff member and a suitable room are never free together in the window.
    case noCommonTime = "no_common_time"
    /// Every suitable staff member with common time has used up their weekly hours.
    case staffWeeklyLimit = "staff_weekly_limit"
    /// The participant already has the most sessions allowed on every day with common time.
    case participantDailyLimit = "participant_daily_limit"
    /// Fewer than the group minimum of eligible participants could meet together.
    case groupTooSmall = "group_too_small"
    /// The participant has no free time in the window at the centre.
    case participantUnavailable = "participant_unavailable"
    /// Feasible on its own, but the capacity it needs went to other sessions.
    case displacedByHigherPriority = "displaced_by_higher_priority"
}
