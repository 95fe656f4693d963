/// One planned session: which demand units it serves, who attends, who holds it, where and when.
public struct PlacedSession: Sendable, Codable, Equatable {
    /// Demand units served (one, or one per group member).
    public var demandIds: [String]
    /// Participants attending.
    public var participantIds: [String]
    /// Staff member holding the session.
    public var staffId: String
    /// Room used.
    public var roomId: String
    /// Centre where it takes place.
    public var centreId: String
    /// First slot.
    public var start: Int
    /// Length in slots.
    public var durationSlots: Int
    /// Session type.
    public var sessionType: String
    /// Requirement it counts toward.
    public var requirementId: String
    /// Individual, family or group.
    public var mode: DemandMode
    /// Language the session is held in.
    public var language: String

    /// Makes a placed session.
    public init(
        demandIds: [String], participantIds: [String], staffId: String, roomId: String, centreId: String,
        start: Int, durationSlots: Int, sessionType: String, requirementId: String, mode: DemandMode,
        language: String
    ) {
        self.demandIds = demandIds
        self.participantIds = participantIds
        self.staffId = staffId
        self.roomId = roomId
        self.centreId = centreId
        self.start = start
        self.durationSlots = durationSlots
        self.sessionType = sessionType
        self.requirementId = requirementId
        self.mode = mode
        self.language = language
    }

    /// The slots the session occupies.
    public var slots: SlotRange { SlotRange(start: start, end: start + durationSlots) }
}

extension PlacedSession {
    /// The order of a plan's sessions (`Solution.sessions`): by start, then staff, then room.
    static func inPlanOrder(_ a: PlacedSession, _ b: PlacedSession) -> Bool {
        (a.start, a.staffId, a.roomId) < (b.start, b.staffId, b.roomId)
    }
}
