import CLibPQ

/// An error from PostgreSQL or from talking to it, carrying the server's diagnostic fields
/// (SQLSTATE, constraint, detail…) so callers can turn it into a sentence a coordinator understands.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// Where the error came from.
    public enum Kind: String, Sendable {
        /// The connection could not be opened or was lost.
        case connection
        /// The server rejected a statement (it carries a SQLSTATE).
        case server
        /// A value could not be decoded into the Swift type asked for.
        case decoding
        /// A parameter value could not be encoded (e.g. a `JSON` value whose `Encodable` conformance threw).
        case encoding
        /// The client misused the API (e.g. a nested transaction).
        case client
    }

    public var kind: Kind
    /// The primary message, one line.
    public var message: String
    /// Five-character SQLSTATE code, e.g. `23505` for a unique violation.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    /// The statement that failed, named by the first line of its SQL text (trimmed, at most 80 characters).
    ///
    /// Only the SQL text is ever recorded, never the parameter values: those may be personal data.
    public var statement: String?
    /// When this error made `transaction {}` roll back and the ROLLBACK itself failed, that failure, in one line.
    public var rollbackFailure: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, schema: String? = nil, table: String? = nil, column: String? = nil,
        statement: String? = nil, rollbackFailure: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.schema = schema
        self.table = table
        self.column = column
        self.statement = statement
        self.rollbackFailure = rollbackFailure
    }

    /// The SQLSTATE class this error belongs to, named in words.
    public var condition: Condition? { sqlState.map(Condition.init(sqlState:)) }

    /// Well-known SQLSTATEs callers branch on.
    public enum Condition: Equatable, Sendable {
        case uniqueViolation, foreignKeyViolation, exclusionViolation, checkViolation, notNullViolation
        case syntaxError, undefinedTable, undefinedColumn, invalidTextRepresentation, insufficientPrivilege
        case serializationFailure, deadlockDetected, lockNotAvailable, queryCanceled, raisedException
        case other(String)

        public init(sqlState: String) {
            switch sqlState {
            case "23505": self = .uniqueViolation
            case "23503": self = .foreignKeyViolation
            case "23P01": self = .exclusionViolation
            case "23514": self = .checkViolation
            case "23502": self = .notNullViolation
            case "42601": self = .syntaxError
            case "42P01": self = .undefinedTable
            case "42703": self = .undefinedColumn
            case "22P02": self = .invalidTextRepresentation
            case "42501": self = .insufficientPrivilege
            case "40001": self = .serializationFailure
            case "40P01": self = .deadlockDetected
            case "55P03": self = .lockNotAvailable
            case "57014": self = .queryCanceled
            case "P0001": self = .raisedException
            default: self = .other(sqlState)
            }
        }
    }

    /// One readable line: the message, then detail and hint when the server gave them, the statement that
    /// failed, and a failed ROLLBACK if there was one.
    public var description: String {
        var parts = [message]
        if let detail, !detail.isEmpty { parts.append(detail) }
        if let hint, !hint.isEmpty { parts.append("Hint: \(hint)") }
        if let statement, !statement.isEmpty { parts.append("statement: \(statement)") }
        if let rollbackFailure, !rollbackFailure.isEmpty { parts.append("ROLLBACK also failed: \(rollbackFailure)") }
        return parts.joined(separator: " — ")
    }

    /// Names a statement for messages: its first non-blank line, trimmed, cut to `limit` characters.
    ///
    /// Takes only SQL text; parameter values (which may be personal data) never pass through here.
    public static func statementLabel(_ sql: String, limit: Int = 80) -> String {
        let line = sql.split(whereSeparator: \.isNewline)
            .lazy.map { $0.trimmingWhitespace() }
            .first { !$0.isEmpty } ?? ""
        guard line.count > limit else { return line }
        return String(line.prefix(max(0, limit - 1))) + "…"
    }

    /// This error, naming `sql` as the statement that failed (unless it already names one).
    func naming(_ sql: String) -> PostgresError {
        guard statement == nil else { return self }
        var copy = self
        copy.statement = Self.statementLabel(sql)
        return copy
    }

    /// Builds an error from a failed result's diagnostic fields.
    static func fromResult(_ result: OpaquePointer?, connection: OpaquePointer?) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: value)
        }
        let primary = field(UInt8(ascii: "M"))
            ?? connection.map { String(cString: PQerrorMessage($0)) }
            ?? "unknown PostgreSQL error"
        return PostgresError(
            kind: .server,
            message: oneLine(primary),
            sqlState: field(UInt8(ascii: "C")),
            detail: field(UInt8(ascii: "D")).map(oneLine),
            hint: field(UInt8(ascii: "H")).map(oneLine),
            constraint: field(UInt8(ascii: "n")),
            schema: field(UInt8(ascii: "s")),
            table: field(UInt8(ascii: "t")),
            column: field(UInt8(ascii: "c"))
        )
    }

    /// A parameter that could not be encoded. Names its position and Swift type, never its value (which may be
    /// personal data): an `EncodingError` contributes only its context's description, any other error its type.
    static func encodingFailure(_ error: any Error, of value: any PostgresEncodable, what: String) -> PostgresError {
        let reason: String
        switch error {
        case EncodingError.invalidValue(_, let context): reason = context.debugDescription
        case let error as PostgresError: reason = error.message
        default: reason = "\(String(reflecting: type(of: error))) was thrown"
        }
        return PostgresError(
            kind: .encoding, message: "cannot encode \(what) (\(type(of: value))): \(oneLine(reason))")
    }

    /// libpq's connection-level error text, folded into one line.
    static func fromConnection(_ connection: OpaquePointer?, prefix: String) -> PostgresError {
        let text = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
        return PostgresError(kind: .connection, message: "\(prefix): \(oneLine(text))")
    }

    /// Folds libpq's multi-line, tab-indented messages into one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var s = self[...]
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
