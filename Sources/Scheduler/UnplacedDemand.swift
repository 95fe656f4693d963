/// A demand unit the plan could not serve, with a machine-readable reason and a sentence naming the blocker.
public struct UnplacedDemand: Sendable, Codable, Equatable {
    /// The demand.
    public var demandId: String
    /// Its participants.
    public var participantIds: [String]
    /// Why it was not placed.
    public var reason: ReasonCode
    /// A coordinator-readable explanation, e.g. "no psychologist speaking ar is available at AKT-RC in week 2026-W49".
    public var detail: String

    /// Makes an unplaced entry.
    public init(demandId: String, participantIds: [String], reason: ReasonCode, detail: String) {
        self.demandId = demandId
        self.participantIds = participantIds
        self.reason = reason
        self.detail = detail
    }
}
