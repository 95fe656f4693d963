/// How the solve went; milliseconds vary between machines, everything else is reproducible unless the time
/// cap cut the run (`stopReason == .timeCap`).
public struct SolveStats: Sendable, Codable, Equatable {
    /// Units placed by the greedy construction.
    public var constructionPlaced: Int
    /// Improvement iterations run (the work the budget counts, over all runs).
    public var iterations: Int
    /// Improvement steps accepted.
    public var improvements: Int
    /// Randomised restarts run after the first search stalled (the best plan is kept).
    public var restarts: Int
    /// Why the improvement phase ended.
    public var stopReason: StopReason
    /// Demand units not provably unplaceable: an upper bound on the units any plan can place.
    public var upperBound: Int
    /// Milliseconds spent building indexes and the greedy plan.
    public var constructionMs: Int
    /// Milliseconds in total.
    public var totalMs: Int

    /// Whether the time cap (not the work budget or convergence) ended the improvement phase.
    public var stoppedByTime: Bool {
        get { stopReason == .timeCap }
        set {
            if newValue { stopReason = .timeCap } else if stopReason == .timeCap { stopReason = .converged }
        }
    }

    /// Makes stats; `stopReason` defaults to `.timeCap` when `stoppedByTime`, else `.converged`.
    public init(
        constructionPlaced: Int = 0, iterations: Int = 0, improvements: Int = 0, restarts: Int = 0, stoppedByTime: Bool = false,
        constructionMs: Int = 0, totalMs: Int = 0, stopReason: StopReason? = nil, upperBound: Int = 0
    ) {
        self.constructionPlaced = constructionPlaced
        self.iterations = iterations
        self.improvements = improvements
        self.restarts = restarts
        self.stopReason = stopReason ?? (stoppedByTime ? .timeCap : .converged)
        self.upperBound = upperBound
        self.constructionMs = constructionMs
        self.totalMs = totalMs
    }

    private enum CodingKeys: String, CodingKey {
        case constructionPlaced, iterations, improvements, restarts, stopReason, upperBound, stoppedByTime, constructionMs, totalMs
    }

    /// Decodes leniently: every field is optional (older stats have no `stopReason` or `upperBound`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            constructionPlaced: try c.decodeIfPresent(Int.self, forKey: .constructionPlaced) ?? 0,
            iterations: try c.decodeIfPresent(Int.self, forKey: .iterations) ?? 0,
            improvements: try c.decodeIfPresent(Int.self, forKey: .improvements) ?? 0,
            restarts: try c.decodeIfPresent(Int.self, forKey: .restarts) ?? 0,
            stoppedByTime: try c.decodeIfPresent(Bool.self, forKey: .stoppedByTime) ?? false,
            constructionMs: try c.decodeIfPresent(Int.self, forKey: .constructionMs) ?? 0,
            totalMs: try c.decodeIfPresent(Int.self, forKey: .totalMs) ?? 0,
            stopReason: (try? c.decodeIfPresent(StopReason.self, forKey: .stopReason)) ?? nil,
            upperBound: try c.decodeIfPresent(Int.self, forKey: .upperBound) ?? 0
        )
    }

    /// Encodes every field, `stoppedByTime` included.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(constructionPlaced, forKey: .constructionPlaced)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(improvements, forKey: .improvements)
        try c.encode(restarts, forKey: .restarts)
        try c.encode(stopReason, forKey: .stopReason)
        try c.encode(upperBound, forKey: .upperBound)
        try c.encode(stoppedByTime, forKey: .stoppedByTime)
        try c.encode(constructionMs, forKey: .constructionMs)
        try c.encode(totalMs, forKey: .totalMs)
    }
}
