import Dispatch
import Foundation
import HomewardStore

/// SIGINT and SIGTERM end a command in one line: the statement running on the server is cancelled (a libpq cancel
/// request), its transaction rolls back as the error unwinds, and the process exits 130 or 143 with
/// `homeward: error: interrupted by SIGINT: …`. When nothing is running on the server (the scheduler is solving) or
/// the unwinding takes longer than `grace`, the process ends anyway: the server rolls back whatever the closed
/// connection left open. A second signal ends it at once.
enum Interrupts {
    /// How long the command may take to unwind after the cancel request.
    static let grace: DispatchTimeInterval = .seconds(3)

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var handles: [StoreCancelHandle] = []
        var received: Int32?
        /// The line was printed, or the command finished its work: nobody else may report.
        var reported = false
        var sources: [DispatchSourceSignal] = []
    }

    private static let state = State()

    /// Takes SIGINT and SIGTERM over from their default (silent death), once, at start.
    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { received(number) }
            source.resume()
            state.lock.withLock { state.sources.append(source) }
        }
    }

    /// Lets a signal cancel what `store` is running.
    static func watch(_ store: Store) {
        let handle = store.cancelHandle()
        state.lock.withLock { state.handles.append(handle) }
    }

    /// Called by `HomewardCommand.main` when the command failed: after a signal, reports it and exits.
    static func exitIfInterrupted() {
        guard let number = state.lock.withLock({ state.received }) else { return }
        report(number)
    }

    /// Called by `HomewardCommand.main` when the command's work is done (committed): a signal that comes now no longer
    /// interrupts anything, so the command ends with its own status.
    static func completed() {
        state.lock.withLock { state.reported = true }
    }

    private static func received(_ number: Int32) {
        let (first, handles) = state.lock.withLock { () -> (Bool, [StoreCancelHandle]) in
            defer { if state.received == nil { state.received = number } }
            return (state.received == nil, state.handles)
        }
        guard first else { report(number) }
        for handle in handles { handle.send() }
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { report(number) }
    }

    /// Prints the one line and exits with 128 + the signal's number; only the first caller prints.
    private static func report(_ number: Int32) -> Never {
        let first = state.lock.withLock { () -> Bool in
            defer { state.reported = true }
            return !state.reported
        }
        if first {
            let name = number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)"
            Log.error("interrupted by \(name): the statement running was cancelled and what it had not committed was rolled back")
            _exit(128 + number)
        }
        // Another thread is printing and exiting, or the command finished: wait for it.
        while true { sleep(1) }
    }
}
