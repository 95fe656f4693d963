import Foundation

/// Milliseconds per phase of a command, printed as one machine-readable line on stderr when `HOMEWARD_TIMINGS` is set
/// (`make bench` reads it): `timings nightly mark_ms=12 flags_ms=340 … total_ms=2210`.
struct PhaseTimings {
    private let started = ContinuousClock.now
    private var last = ContinuousClock.now
    private(set) var laps: [(String, Int)] = []

    /// Ends the phase that began at the previous lap (or at the start).
    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        laps.append((phase, Int((now - last) / .milliseconds(1))))
        last = now
    }

    /// Prints the laps, then `parts` (sub-phases measured elsewhere), then the total, if `HOMEWARD_TIMINGS` is set.
    func report(command: String, parts: [(String, Int)] = []) {
        guard ProcessInfo.processInfo.environment["HOMEWARD_TIMINGS"].map({ !$0.isEmpty }) ?? false else { return }
        let total = Int((ContinuousClock.now - started) / .milliseconds(1))
        let fields = (laps + parts + [("total", total)]).map { "\($0.0)_ms=\($0.1)" }
        FileHandle.standardError.write(Data(("timings \(command) " + fields.joined(separator: " ") + "\n").utf8))
    }
}
