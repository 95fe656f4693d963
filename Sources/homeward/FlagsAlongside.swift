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
final class FlagsAlongside: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var outcome: Result<FlagEvaluationSummary, any Error>?
    private var store: Store?
    private var pid: Int?
    private var milliseconds = 0
    private var collected = false

    /// Starts evaluating the flags under `policy` over a new connection to `conninfo`, labelled `applicationName`, with
    /// `timeouts`; a SIGINT or SIGTERM cancels it like the main connection.
    static func start(conninfo: String, applicationName: String, timeouts: SessionTimeouts, policy: FlagPolicy) -> FlagsAlongside {
        let job = FlagsAlongside()
        let thread = Thread {
            let clock = ContinuousClock.now
            let result = Result<FlagEvaluationSummary, any Error> {
                let store = try Store.open(conninfo: conninfo, applicationName: applicationName)
                Interrupts.watch(store)
                let pid = try store.backendPID()
                job.lock.withLock { job.store = store; job.pid = pid }
                try store.apply(timeouts)
                return try store.evaluateFlags(policy: policy)
            }
            job.lock.withLock {
                job.outcome = result
                job.milliseconds = Int((ContinuousClock.now - clock) / .milliseconds(1))
            }
            job.finished.signal()
        }
        thread.name = "homeward nightly flags"
        thread.start()
        return job
    }

    /// Waits for the evaluation and returns its summary, or throws what stopped it.
    func result() throws -> FlagEvaluationSummary {
        wait()
        return try lock.withLock { outcome! }.get()
    }

    /// Waits for the evaluation to end, however it ends (also when the night stops before its write).
    func wait() {
        let first = lock.withLock { () -> Bool in
            defer { collected = true }
            return !collected
        }
        if first { finished.wait() }
    }

    /// The server process that wrote the flags (nil when the connection could not be opened).
    var backendPID: Int? { lock.withLock { pid } }

    /// How long the evaluation took on its own connection, in milliseconds.
    var durationMilliseconds: Int { lock.withLock { milliseconds } }
}
