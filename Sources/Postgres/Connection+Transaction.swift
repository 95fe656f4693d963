import CLibPQ

extension Connection {
    /// Runs `body` inside BEGIN … COMMIT; any error thrown rolls the whole transaction back and is rethrown.
    ///
    /// Transactions do not nest: calling this inside another transaction is a programming error and throws.
    ///
    /// If the ROLLBACK itself fails, the body's error is still the one thrown, but the failure is not hidden: it goes
    /// to `noticeHandler` (severity `.error`, source `.client`), is attached as `rollbackFailure` when the body's
    /// error is a `PostgresError`, and the connection is marked broken (`isBroken`), so that nothing else runs in a
    /// transaction state nobody knows.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        guard !isInTransaction else {
            throw PostgresError(kind: .client, message: "a transaction is already open on this connection")
        }
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            throw rollBack(after: error)
        }
    }

    /// Rolls back the open transaction after `error`, returning the error to throw: `error` itself, carrying a
    /// failed ROLLBACK when it is a `PostgresError`.
    private func rollBack(after error: any Error) -> any Error {
        // After a failed COMMIT the server has already ended the transaction (a second ROLLBACK would only draw a
        // "no transaction in progress" warning), and a connection libpq knows is lost took its transaction with it.
        guard isInTransaction else { return error }
        let failure: PostgresError
        do {
            try execute("ROLLBACK")
            return error
        } catch let rollbackError {
            failure = rollbackError
        }
        markBroken("ROLLBACK failed: \(failure.message)")
        // Name the body's error by its type and SQLSTATE only: its message may quote input values.
        let cause = (error as? PostgresError).map { "a \($0.kind) error" + ($0.sqlState.map { " \($0)" } ?? "") }
            ?? String(reflecting: type(of: error))
        report(PostgresNotice(
            severity: .error,
            message: "ROLLBACK failed after the transaction body threw (\(cause)): \(failure.message)",
            source: .client))
        guard var attached = error as? PostgresError else { return error }
        if attached.rollbackFailure == nil { attached.rollbackFailure = failure.message }
        return attached
    }
}
