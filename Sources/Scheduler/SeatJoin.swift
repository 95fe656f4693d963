/// A group demand met by a seat in an existing group session: the participant joins it, no new session is opened.
public struct SeatJoin: Sendable, Codable, Equatable {
    /// The demand served.
    public var demandId: String
    /// Who takes the seat.
    public var participantId: String
    /// The existing session joined (`ExistingSession.id`).
    public var sessionId: String
    /// Its start slot.
    public var start: Int
    /// Its length in slots.
    public var durationSlots: Int
    /// Its staff.
    public var staffIds: [String]

    /// Makes a seat join.
    public init(demandId: String, participantId: String, sessionId: String, start: Int, durationSlots: Int, staffIds: [String]) {
        self.demandId = demandId
        self.participantId = participantId
        self.sessionId = sessionId
        self.start = start
        self.durationSlots = durationSlots
        self.staffIds = staffIds
    }
}

extension Instance {
    /// The existing sessions with the participants of `joins` seated in them: what the plan's other sessions must
    /// not clash with and what counts toward daily limits.
    public func existingSessions(seating joins: [SeatJoin]) -> [ExistingSession] {
        guard !joins.isEmpty else { return existingSessions }
        var extra: [String: [String]] = [:]
        for j in joins { extra[j.sessionId, default: []].append(j.participantId) }
        return existingSessions.map { e in
            guard let more = extra[e.id] else { return e }
            var seated = e
            seated.participantIds += more
            seated.openSeats = Swift.max(0, (e.openSeats ?? 0) - more.count)
            return seated
        }
    }
}
