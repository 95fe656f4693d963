/// The scheduler's answer: sessions to create, demands it could not serve and why, the score and run stats.
public struct Solution: Sendable, Codable, Equatable {
    /// Planned sessions, sorted by start, then staff id.
    public var sessions: [PlacedSession]
    /// Demands left unplaced, sorted by demand id.
    public var unplaced: [UnplacedDemand]
    /// Quality by component.
    public var score: Score
    /// Run statistics.
    public var stats: SolveStats

    /// Makes a solution.
    public init(sessions: [PlacedSession], unplaced: [UnplacedDemand], score: Score = Score(), stats: SolveStats = SolveStats()) {
        self.sessions = sessions
        self.unplaced = unplaced
        self.score = score
        self.stats = stats
    }
}
