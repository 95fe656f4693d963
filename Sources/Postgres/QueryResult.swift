import CLibPQ

/// The rows a statement returned. Owns the libpq result and clears it when released.
///
/// Values are decoded lazily from libpq's text format, so reading a large result costs no copy up front.
public final class QueryResult {
    let handle: OpaquePointer
    /// The statement's SQL text, to name it in decoding errors (never its parameters).
    let sql: String?

    init(handle: OpaquePointer, sql: String? = nil) {
        self.handle = handle
        self.sql = sql
    }
    deinit { PQclear(handle) }

    /// Number of rows returned.
    public var count: Int { Int(PQntuples(handle)) }

    /// Column names in order.
    public var columns: [String] {
        (0..<Int(PQnfields(handle))).map { String(cString: PQfname(handle, Int32($0))) }
    }

    /// Rows touched by INSERT/UPDATE/DELETE/COPY (or returned by SELECT).
    public var affectedRows: Int {
        Int(String(cString: PQcmdTuples(handle))) ?? count
    }

    /// The rows, in order.
    public var rows: [Row] { (0..<count).map { Row(result: self, index: $0) } }

    /// The first row, if any.
    public var first: Row? { count > 0 ? Row(result: self, index: 0) : nil }

    /// The single value of a one-row, one-column result (e.g. `SELECT count(*)`).
    public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws(PostgresError) -> T {
        guard let row = first else {
            throw named(PostgresError(kind: .decoding, message: "expected one row, the query returned none"))
        }
        return try row.decode(0, as: type)
    }

    /// `error`, naming this result's statement.
    func named(_ error: PostgresError) -> PostgresError {
        guard let sql else { return error }
        return error.naming(sql)
    }

    func columnIndex(_ name: String) -> Int? {
        let index = Int(PQfnumber(handle, "\"\(name)\""))
        return index >= 0 ? index : nil
    }

    func text(row: Int, column: Int) -> String? {
        if PQgetisnull(handle, Int32(row), Int32(column)) == 1 { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }
}

@available(*, unavailable, message: "Results belong to their connection's thread.")
extension QueryResult: Sendable {}

/// One row of a `QueryResult`, decoded column by column into Swift types.
public struct Row {
    let result: QueryResult
    let index: Int

    /// Decodes the column at `column` (0-based). Optional types decode SQL NULL as nil; others reject it.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard column >= 0, column < Int(PQnfields(result.handle)) else {
            throw result.named(PostgresError(kind: .decoding, message: "no column \(column) in the result"))
        }
        return try decodeValue(result.text(row: index, column: column), column: column)
    }

    /// Decodes the column named `name`.
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let column = result.columnIndex(name) else {
            throw result.named(PostgresError(kind: .decoding, message: "no column \"\(name)\" in the result"))
        }
        return try decodeValue(result.text(row: index, column: column), column: column)
    }

    /// The raw text of a column, nil for NULL.
    public func text(_ column: Int) -> String? { result.text(row: index, column: column) }

    private func decodeValue<T: PostgresDecodable>(_ text: String?, column: Int) throws(PostgresError) -> T {
        let name = String(cString: PQfname(result.handle, Int32(column)))
        guard let text else {
            if let optional = T.self as? any OptionalPostgresDecodable.Type {
                return optional.nullValue as! T
            }
            throw result.named(PostgresError(
                kind: .decoding, message: "column \"\(name)\" is NULL but \(T.self) was expected", column: name))
        }
        do {
            return try T(postgresText: text)
        } catch {
            throw result.named(PostgresError(
                kind: .decoding, message: "column \"\(name)\": cannot read \"\(text.prefix(40))\" as \(T.self)",
                column: name))
        }
    }
}
