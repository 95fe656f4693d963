import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open connection to PostgreSQL through libpq.
///
/// A connection is used by one thread at a time: it is deliberately not `Sendable`. Open one per
/// task or test. Queries are always parameterized (`PQexecParams`); user text never becomes SQL.
public final class Connection {
    let handle: OpaquePointer
    /// Where server notices go; kept alive as long as the handle, which points at it.
    private let notices: NoticeSink
    /// Set when the connection can no longer be trusted (e.g. a ROLLBACK failed, so the transaction state is unknown).
    private(set) var brokenReason: String?

    /// Receives server notices at `minimumNoticeSeverity` or above (and problems the wrapper could not throw, such
    /// as a failed ROLLBACK). Default: `Connection.writeToStandardError`, one line `postgres: warning: <message>`.
    ///
    /// It is called synchronously on the connection's thread while a statement runs: it must not use the connection.
    public var noticeHandler: (PostgresNotice) -> Void {
        get { notices.handler }
        set { notices.handler = newValue }
    }

    /// The least severe notice passed to `noticeHandler`; `.warning` by default, so NOTICE, INFO and DEBUG are dropped
    /// (e.g. "relation already exists, skipping" must not pollute cron output).
    public var minimumNoticeSeverity: PostgresNotice.Severity {
        get { notices.minimumSeverity }
        set { notices.minimumSeverity = newValue }
    }

    /// True once the connection is lost, or after a failed ROLLBACK left its transaction state unknown; every
    /// statement then throws a `.connection` error. Open a new connection.
    public var isBroken: Bool { brokenReason != nil || PQstatus(handle) != CONNECTION_OK }

    /// Opens a connection.
    ///
    /// - Parameters:
    ///   - conninfo: a libpq connection string (`host=… dbname=…`) or URI (`postgresql://…`);
    ///     empty means libpq's own defaults: `PGHOST`, `PGDATABASE`, `PGSERVICE`, `.pgpass`, …
    ///   - applicationName: shown in `pg_stat_activity` and recorded by the audit trail.
    ///   - noticeHandler: receives server notices at `minimumNoticeSeverity` or above (see `noticeHandler`).
    ///   - minimumNoticeSeverity: the least severe notice passed on; `.warning` by default.
    public init(
        conninfo: String = "", applicationName: String? = nil,
        noticeHandler: @escaping (PostgresNotice) -> Void = Connection.writeToStandardError,
        minimumNoticeSeverity: PostgresNotice.Severity = .warning
    ) throws(PostgresError) {
        // dbname first, then application_name: libpq expands a conninfo/URI given as dbname,
        // and later keywords override, so we can label the connection whatever the user passed.
        var keywords: [String] = ["dbname"]
        var values: [String] = [conninfo]
        if let applicationName {
            keywords.append("application_name")
            values.append(applicationName)
        }
        let connection: OpaquePointer? = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let error = PostgresError.fromConnection(connection, prefix: "cannot connect to PostgreSQL")
            if let connection { PQfinish(connection) }
            throw error
        }
        self.handle = connection
        self.notices = NoticeSink(handler: noticeHandler, minimumSeverity: minimumNoticeSeverity)
        notices.install(on: connection)
        // Timestamps travel in UTC and ISO format, whatever the user's PGTZ or DateStyle, so decoding is exact.
        try execute("SET TimeZone = 'UTC'")
        try execute("SET DateStyle = 'ISO, YMD'")
        try execute("SET IntervalStyle = 'iso_8601'")
    }

    deinit { PQfinish(handle) }

    /// Where this connection points, for messages: `database "homeward" on /tmp/x:5432 as postgres`.
    public var endpoint: String {
        func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
        return "database \"\(text(PQdb(handle)))\" on \(text(PQhost(handle))):\(text(PQport(handle))) as \(text(PQuser(handle)))"
    }

    /// The server's process id for this connection (to cancel or terminate it from another).
    public var backendPID: Int { Int(PQbackendPID(handle)) }

    /// True while a transaction block is open (or failed and awaiting ROLLBACK).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Runs one statement with parameters passed separately from the SQL text (`$1`, `$2`, …).
    ///
    /// A parameter that cannot be encoded (e.g. a `JSON` value whose `Encodable` conformance throws) fails the call
    /// with an `.encoding` error before anything is sent; it is never sent as NULL.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws(PostgresError) -> QueryResult {
        try ensureUsable(sql)
        let texts = try Self.encode(parameters, sql: sql)
        let result: OpaquePointer? = withOptionalCStringArray(texts) { pointers in
            PQexecParams(handle, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        return try checked(result, sql: sql)
    }

    /// Runs a statement for its effect and returns the number of rows it touched.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws(PostgresError) -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs a trusted multi-statement SQL script, such as a migration file shipped with Homeward.
    ///
    /// Uses the simple query protocol (`PQexec`), which cannot take parameters: never pass user text here.
    public func runScript(_ trustedSQL: String) throws(PostgresError) {
        try ensureUsable(trustedSQL)
        let result = PQexec(handle, trustedSQL)
        _ = try checked(result, sql: trustedSQL)
    }

    /// Quotes an identifier (database or role name) for the few statements that cannot take parameters.
    public func quoteIdentifier(_ identifier: String) -> String {
        guard let quoted = PQescapeIdentifier(handle, identifier, identifier.utf8.count) else {
            return "\"" + identifier.replacingAll("\"", with: "\"\"") + "\""
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Asks the server to cancel whatever this connection is running (safe to call from a signal handler's thread).
    public func cancelHandle() -> CancelHandle { CancelHandle(connection: handle) }

    /// Wraps the result of `sql`, turning failure statuses into a `PostgresError` that names the statement.
    func checked(_ result: OpaquePointer?, sql: String) throws(PostgresError) -> QueryResult {
        guard let result else {
            throw PostgresError.fromConnection(handle, prefix: "lost connection to PostgreSQL").naming(sql)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return QueryResult(handle: result, sql: sql)
        default:
            let error = PostgresError.fromResult(result, connection: handle).naming(sql)
            PQclear(result)
            if PQstatus(handle) != CONNECTION_OK {
                throw PostgresError(
                    kind: .connection, message: "lost connection to PostgreSQL: \(error.message)", statement: error.statement)
            }
            throw error
        }
    }

    /// Refuses to run `sql` on a connection marked broken.
    func ensureUsable(_ sql: String) throws(PostgresError) {
        if let brokenReason {
            throw PostgresError(kind: .connection, message: "connection to PostgreSQL is unusable: \(brokenReason)").naming(sql)
        }
    }

    /// Marks the connection unusable: later statements throw instead of running in an unknown state.
    func markBroken(_ reason: String) {
        if brokenReason == nil { brokenReason = reason }
    }

    /// Passes a problem the wrapper met but could not throw to the notice handler, whatever the severity threshold.
    func report(_ notice: PostgresNotice) {
        notices.handler(notice)
    }

    /// Encodes parameters to text, turning an encoding failure into an `.encoding` error naming the statement.
    static func encode(_ parameters: [any PostgresEncodable], sql: String) throws(PostgresError) -> [String?] {
        var texts: [String?] = []
        texts.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            do {
                texts.append(try parameter.encodedPostgresText())
            } catch {
                throw PostgresError.encodingFailure(error, of: parameter, what: "parameter $\(index + 1)").naming(sql)
            }
        }
        return texts
    }
}

@available(*, unavailable, message: "A Connection is used by one thread at a time; open one per task.")
extension Connection: Sendable {}

/// A way to cancel a running query from another thread (e.g. on SIGINT), independent of the connection.
public final class CancelHandle: @unchecked Sendable {
    private let cancel: OpaquePointer?

    init(connection: OpaquePointer) { cancel = PQgetCancel(connection) }
    deinit { if let cancel { PQfreeCancel(cancel) } }

    /// Sends the cancel request; returns false when the server could not be reached.
    @discardableResult
    public func send() -> Bool {
        guard let cancel else { return false }
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(cancel, &buffer, Int32(buffer.count)) == 1
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStringArray(strings.map { Optional($0) }, body)
}

/// Like `withCStringArray`, where a nil element stays a NULL pointer (SQL NULL for parameters).
func withOptionalCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { for pointer in duplicates { free(pointer) } }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
