import Foundation
import Homeward
import HomewardStore

/// The nightly's flag evaluation, run on a connection and a thread of its own while the main connection writes the
/// schedule: the server evaluates the flags on one core while it writes the plan on the other (the client, which has
/// read and solved by then, waits for the server). The write's COMMIT waits for the flags (`result()`): the flags never
/// see tonight's plan, as when they ran first, and a flag evaluation that fails rolls the write back, so the night stops
/// with nothing of the schedule written, as it did then.
///
/// The connection stays open until the object goes (after the nightly has recorded its completion), so the server
/// process that wrote the flags (`backendPID`) is still this nightly's when the completion leaves its writes out.
final class FlagsAlongside: Sendable {
    /// What the evaluation left: its summary, its connection (kept open) and server process, and how long it took.
    private struct Evaluated: @unchecked Sendable {
        var summary: FlagEvaluationSummary
        var store: Store
        var pid: Int
        var milliseconds: Int
    }

    private let evaluation: Alongside<Evaluated>

    private init(_ evaluation: Alongside<Evaluated>) { self.evaluation = evaluation }

    /// Starts evaluating the flags under `policy` over a new connection to `conninfo`, labelled `applicationName`, with
    /// `timeouts`; a SIGINT or SIGTERM cancels it like the main connection.
    static func start(conninfo: String, applicationName: String, timeouts: SessionTimeouts, policy: FlagPolicy) -> FlagsAlongside {
        FlagsAlongside(Alongside(name: "homeward nightly flags") {
            let clock = ContinuousClock.now
            let store = try Store.open(conninfo: conninfo, applicationName: applicationName)
            Interrupts.watch(store)
            let pid = try store.backendPID()
            try store.apply(timeouts)
            let summary = try store.evaluateFlags(policy: policy)
            return Evaluated(summary: summary, store: store, pid: pid, milliseconds: Int((ContinuousClock.now - clock) / .milliseconds(1)))
        })
    }

    /// Waits for the evaluation and returns its summary, or throws what stopped it.
    func result() throws -> FlagEvaluationSummary { try evaluation.value().summary }

    /// Waits for the evaluation to end, however it ends (also when the night stops before its write).
    func wait() { evaluation.wait() }

    /// The server process that wrote the flags (nil when the evaluation did not end well).
    var backendPID: Int? { try? evaluation.value().pid }

    /// How long the evaluation took on its own connection, in milliseconds (0 when it did not end well).
    var durationMilliseconds: Int { (try? evaluation.value().milliseconds) ?? 0 }
}
