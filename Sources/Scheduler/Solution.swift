/// The scheduler's answer: sessions to create, demands it could not serve and why, the score and run stats.
public struct Solution: Sendable, Codable, Equatable {
    /// Planned sessions, sorted by start, then staff id.
    public var sessions: [PlacedSession]
    /// Group demands met by a seat in an existing group session, sorted by demand id.
    public var joins: [SeatJoin]
    /// Demands left unplaced, sorted by demand id.
    public var unplaced: [UnplacedDemand]
    /// Quality by component.
    public var score: Score
    /// Run statistics.
    public var stats: SolveStats

    /// Makes a solution.
    public init(
        sessions: [PlacedSession], unplaced: [UnplacedDemand], score: Score = Score(), stats: SolveStats = SolveStats(),
        joins: [SeatJoin] = []
    ) {
        self.sessions = sessions
        self.joins = joins
        self.unplaced = unplaced
        self.score = score
        self.stats = stats
    }

    /// Decodes leniently: joins are optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sessions: try c.decode([PlacedSession].self, forKey: .sessions),
            unplaced: try c.decode([UnplacedDemand].self, forKey: .unplaced),
            score: try c.decodeIfPresent(Score.self, forKey: .score) ?? Score(),
            stats: try c.decodeIfPresent(SolveStats.self, forKey: .stats) ?? SolveStats(),
            joins: try c.decodeIfPresent([SeatJoin].self, forKey: .joins) ?? [])
    }
}
