/// A session that is already fixed (planned, held or inside the freeze window): it blocks its staff,
/// room and participants, counts toward limits, and informs continuity and group stability.
public struct ExistingSession: Sendable, Codable, Equatable {
    /// Session id in the store.
    public var id: String
    /// Staff members holding it.
    public var staffIds: [String]
    /// Room used, if any.
    public var roomId: String?
    /// Participants attending.
    public var participantIds: [String]
    /// Start slot (may be negative for sessions before the horizon; only the overlap matters).
    public var start: Int
    /// Length in slots.
    public var durationSlots: Int
    /// Session type.
    public var sessionType: String
    /// Requirement it counts toward.
    public var requirementId: String
    /// Group key, for group sessions, so later groups can keep the same members together.
    public var groupKey: String?
    /// Centre where it takes place; needed only for open seats.
    public var centreId: String?
    /// Seats a group session still offers (room capacity and group maximum minus those booked): a group demand of the
    /// same requirement may join it instead of opening a new group. Nil or 0: nobody joins.
    public var openSeats: Int?

    /// Makes an existing session.
    public init(
        id: String, staffIds: [String], roomId: String?, participantIds: [String], start: Int,
        durationSlots: Int, sessionType: String, requirementId: String, groupKey: String? = nil,
        centreId: String? = nil, openSeats: Int? = nil
    ) {
        self.id = id
        self.staffIds = staffIds
        self.roomId = roomId
        self.participantIds = participantIds
        self.start = start
        self.durationSlots = durationSlots
        self.sessionType = sessionType
        self.requirementId = requirementId
        self.groupKey = groupKey
        self.centreId = centreId
        self.openSeats = openSeats
    }

    /// The slots the session occupies.
    public var slots: SlotRange { SlotRange(start: start, end: start + durationSlots) }
}
