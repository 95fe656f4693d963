import Foundation

/// Work run on a thread of its own while the caller goes on: its result (or error) is waited for at the first `value()`
/// or `wait()`, and kept for every later one.
public final class Alongside<Value>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var outcome: Result<Value, any Error>?

    /// Starts `work` on a thread named `name`.
    public init(name: String, _ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let result = Result { try work() }
            lock.withLock { outcome = result }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits for the work, however it ends, and returns how it ended.
    @discardableResult
    public func wait() -> Result<Value, any Error> {
        if let done = lock.withLock({ outcome }) { return done }
        finished.wait()
        finished.signal()  // another waiter passes too
        return lock.withLock { outcome! }
    }

    /// Waits for the work and returns its value, or throws what stopped it.
    public func value() throws -> Value { try wait().get() }
}
