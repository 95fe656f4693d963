/// Why the improvement phase ended; only `timeCap` depends on the machine.
public enum StopReason: String, Codable, Sendable {
    /// Every unit not provably unplaceable was placed (placed == `SolveStats.upperBound`), so the search stopped early.
    case allPlaced = "all_placed"
    /// The search stalled and no restart was left worth running.
    case converged
    /// The work budget (`Budget.maxIterations`) was used up.
    case iterations
    /// The wall-clock safety cap (`Budget.maxMilliseconds`) cut the run.
    case timeCap = "time_cap"
}
