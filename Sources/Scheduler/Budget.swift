/// How much improvement work a solve may do. Work decides: `maxIterations` bounds the search the same way on any
/// machine; `maxMilliseconds` is only a wall-clock safety cap, and a run it cuts reports `StopReason.timeCap`.
public struct Budget: Sendable, Codable, Equatable {
    /// Most improvement iterations over all runs (one repair, move or relocation attempt each): the work budget.
    public var maxIterations: Int
    /// Wall-clock safety cap for the whole solve, in milliseconds; no search decision reads time otherwise.
    public var maxMilliseconds: Int

    /// Makes a budget; the default is 200,000 iterations with a 2-second safety cap.
    public init(maxIterations: Int = 200_000, maxMilliseconds: Int = 2_000) {
        self.maxIterations = maxIterations
        self.maxMilliseconds = maxMilliseconds
    }

    /// A budget of `n` iterations with no practical time cap (for tests and reproducible runs).
    public static func iterations(_ n: Int) -> Budget { Budget(maxIterations: n, maxMilliseconds: Int.max / 4) }

    /// Decodes leniently: a missing cap takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Budget()
        self.init(
            maxIterations: try c.decodeIfPresent(Int.self, forKey: .maxIterations) ?? d.maxIterations,
            maxMilliseconds: try c.decodeIfPresent(Int.self, forKey: .maxMilliseconds) ?? d.maxMilliseconds
        )
    }
}
