/// The hard rules a plan must keep, as snake_case codes.
public enum ViolationCode: String, Sendable, Codable, Equatable, CaseIterable {
    /// A session or unplaced entry names a staff member, room, participant or demand the instance lacks.
    case unknownReference = "unknown_reference"
    /// A demand is served by two sessions (or reported unplaced twice).
    case demandPlacedTwice = "demand_placed_twice"
    /// A demand is both served and reported unplaced.
    case demandPlacedAndUnplaced = "demand_placed_and_unplaced"
    /// A demand is neither served nor reported unplaced.
    case demandMissing = "demand_missing"
    /// A session's participants, mode, centre, type, duration or group key disagree with its demands.
    case sessionMismatch = "session_mismatch"
    /// A staff member is in two sessions at once (fixed sessions included).
    case staffDoubleBooked = "staff_double_booked"
    /// A room holds two sessions at once.
    case roomDoubleBooked = "room_double_booked"
    /// A participant attends two sessions at once.
    case participantDoubleBooked = "participant_double_booked"
    /// The staff member lacks the demand's role.
    case staffLacksRole = "staff_lacks_role"
    /// A paediatric-only demand is held by a non-paediatric staff member.
    case staffNotPaediatric = "staff_not_paediatric"
    /// A child attends (or clearance is required) but the staff member is not cleared.
    case staffNotChildCleared = "staff_not_child_cleared"
    /// No shared language (one common language for groups).
    case noCommonLanguage = "no_common_language"
    /// The room is not of a kind the demand accepts.
    case wrongRoomKind = "wrong_room_kind"
    /// The room seats fewer than attend.
    case roomTooSmall = "room_too_small"
    /// The room belongs to another centre.
    case wrongCentre = "wrong_centre"
    /// A group is smaller than its minimum or larger than its maximum.
    case groupSize = "group_size"
    /// A participant is not available at the centre then (school hours, timetable, placement).
    case participantUnavailable = "participant_unavailable"
    /// The staff member does not work at the centre then.
    case staffUnavailable = "staff_unavailable"
    /// The room is closed then.
    case roomUnavailable = "room_unavailable"
    /// A participant has more sessions on a day than allowed.
    case participantDailyLimit = "participant_daily_limit"
    /// A staff member is booked beyond a weekly limit.
    case staffWeeklyLimit = "staff_weekly_limit"
    /// A session lies outside its demand's window or the horizon.
    case outsideWindow = "outside_window"
}
