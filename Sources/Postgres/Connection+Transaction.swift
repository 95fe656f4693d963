extension Connection {
    /// Runs `body` inside BEGIN … COMMIT; any error thrown rolls the whole transaction back and is rethrown.
    ///
    /// Transactions do not nest: calling this inside another transaction is a programming error and throws.
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
            // The server may already have aborted it; a failed ROLLBACK must not hide the real error.
            _ = try? execute("ROLLBACK")
            throw error
        }
    }
}
