/// How the solve went; milliseconds vary between machines, everything else is reproducible.
public struct SolveStats: Sendable, Codable, Equatable {
    /// Units placed by the greedy construction.
    public var constructionPlaced: Int
    /// Improvement iterations run.
    public var iterations: Int
    /// Improvement steps accepted.
    public var improvements: Int
    /// Randomised restarts run after the first search stalled (the best plan is kept).
    public var restarts: Int
    /// Whether the time cap (not the iteration cap or convergence) ended the improvement phase.
    public var stoppedByTime: Bool
    /// Milliseconds spent building indexes and the greedy plan.
    public var constructionMs: Int
    /// Milliseconds in total.
    public var totalMs: Int

    /// Makes stats.
    public init(
        constructionPlaced: Int = 0, iterations: Int = 0, improvements: Int = 0, restarts: Int = 0, stoppedByTime: Bool = false,
        constructionMs: Int = 0, totalMs: Int = 0
    ) {
        self.constructionPlaced = constructionPlaced
        self.iterations = iterations
        self.improvements = improvements
        self.restarts = restarts
        self.stoppedByTime = stoppedByTime
        self.constructionMs = constructionMs
        self.totalMs = totalMs
    }
}
