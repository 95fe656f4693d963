/// How long the improvement phase may run: whichever of the two caps is hit first stops it.
/// Runs that end on `maxIterations` are reproducible; runs cut by `maxMilliseconds` depend on the machine.
public struct Budget: Sendable, Codable, Equatable {
    /// Most improvement iterations (one repair or move attempt each).
    public var maxIterations: Int
    /// Wall-clock cap for the whole solve, in milliseconds.
    public var maxMilliseconds: Int

    /// Makes a budget; the default is 2 seconds and a generous iteration cap.
    public init(maxIterations: Int = 200_000, maxMilliseconds: Int = 2_000) {
        self.maxIterations = maxIterations
        self.maxMilliseconds = maxMilliseconds
    }

    /// A budget decided by iterations only (for tests and reproducible runs).
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
