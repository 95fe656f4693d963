import Homeward
import Postgres

/// All-or-nothing CSV imports: every row is checked before anything is written, then the file goes in one transaction.
///
/// Checking order: header first (missing and unknown columns), then every row's fields, references resolved in one
/// query per kind, duplicates inside the file. Any problem → `StoreError.importRejected` listing all of them.
public struct Importer {
    /// What a file holds; each kind has its own columns (see `columns`).
    public enum Kind: String, CaseIterable, Sendable {
        case participants
        case staff
        case schoolAttendance = "school-attendance"
        case attendance

        /// The header a file of this kind must have: every required column, any of the optional ones, in any order.
        public var columns: Columns {
            switch self {
            case .participants:
                return Columns(
                    required: ["case_number", "given_name", "family_name", "birth_date", "sex", "languages", "region_of_origin",
                               "returned_on"],
                    optional: ["patronymic", "legal_situation", "sentence_ends_on", "status", "centre", "placed_from"])
            case .staff:
                return Columns(
                    required: ["code", "given_name", "family_name", "roles", "centres", "languages", "weekly_hour_limit"],
                    optional: ["may_work_with_children"])
            case .schoolAttendance:
                return Columns(required: ["case_number", "day", "status", "reported_by"], optional: [])
            case .attendance:
                return Columns(required: ["session_id", "case_number", "status", "recorded_by"], optional: ["note"])
            }
        }
    }

    /// The required and optional columns of a kind of file.
    public struct Columns: Sendable, Equatable {
        public var required: [String]
        public var optional: [String]

        /// One sentence listing both, for --help and for header problems.
        public var sentence: String {
            "required: " + required.joined(separator: ", ") + (optional.isEmpty ? "" : "; optional: " + optional.joined(separator: ", "))
        }
    }

    /// What an import wrote (or, for a dry run, would write), as the one-line summary says it.
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        public var kind: Kind
        public var file: String
        public var rows: Int
        /// Rows written to companion tables, e.g. ("placements", 40).
        public var related: [(String, Int)]
        public var dryRun: Bool

        public static func == (lhs: Summary, rhs: Summary) -> Bool {
            lhs.kind == rhs.kind && lhs.file == rhs.file && lhs.rows == rhs.rows && lhs.dryRun == rhs.dryRun
                && lhs.related.map(\.0) == rhs.related.map(\.0) && lhs.related.map(\.1) == rhs.related.map(\.1)
        }

        public var description: String {
            let noun: String
            switch kind {
            case .participants: noun = rows == 1 ? "participant" : "participants"
            case .staff: noun = rows == 1 ? "staff member" : "staff members"
            case .schoolAttendance: noun = rows == 1 ? "school attendance day" : "school attendance days"
            case .attendance: noun = rows == 1 ? "attendance record" : "attendance records"
            }
            let extra = related.isEmpty ? "" : " (" + related.map { name, count in
                "\(count) " + (count == 1 && name.hasSuffix("s") ? String(name.dropLast()) : name)
            }.joined(separator: ", ") + ")"
            return dryRun
                ? "checked \(file): \(rows) \(noun)\(extra) would be imported; nothing was written (--dry-run)"
                : "imported \(rows) \(noun)\(extra) from \(file)"
        }
    }

    public let store: Store

    public init(store: Store) { self.store = store }

    /// Checks and imports a CSV file of `kind`; `file` names it in messages. With `dryRun`, checks only.
    @discardableResult
    public func importCSV(
        _ kind: Kind, bytes: [UInt8], file: String, options: CSVTable.Options = CSVTable.Options(), dryRun: Bool = false
    ) throws -> Summary {
        let table: CSVTable
        do {
            table = try CSVTable(bytes: bytes, options: options)
        } catch {
            throw StoreError.importRejected(file: file, problems: error.problems)
        }
        return try importTable(kind, table, file: file, dryRun: dryRun)
    }

    /// Checks and imports an already parsed table.
    @discardableResult
    public func importTable(_ kind: Kind, _ table: CSVTable, file: String, dryRun: Bool = false) throws -> Summary {
        let rows = try ImportRows(table: table, columns: kind.columns, file: file)
        // Validation reads inside the write's transaction; anything that slips in meanwhile is caught by the
        // constraints and rolls the whole file back.
        let body: () throws -> Summary = {
            switch kind {
            case .participants: return try importParticipants(rows, dryRun: dryRun)
            case .staff: return try importStaff(rows, dryRun: dryRun)
            case .schoolAttendance: return try importSchoolAttendance(rows, dryRun: dryRun)
            case .attendance: return try importAttendance(rows, dryRun: dryRun)
            }
        }
        return dryRun ? try store.translatingErrors(body) : try store.transaction(body)
    }
}

/// The data rows of a file whose header has been checked, with helpers that parse fields and collect problems.
struct ImportRows {
    let file: String
    let records: [CSVTable.Record]
    private let index: [String: Int]
    /// Problems found so far; the import is rejected unless this stays empty.
    var problems: [ImportProblem] = []

    /// Checks the header against `columns` (missing required and unknown columns), or throws naming them.
    init(table: CSVTable, columns: Importer.Columns, file: String) throws {
        self.file = file
        var index: [String: Int] = [:]
        var problems: [ImportProblem] = []
        let known = Set(columns.required + columns.optional)
        for (position, name) in table.header.enumerated() {
            let key = name.lowercased()
            if index[key] != nil {
                problems.append(ImportProblem(line: table.headerLine, field: nil, message: "column \"\(name)\" appears twice"))
            } else if !known.contains(key) {
                problems.append(ImportProblem(line: table.headerLine, field: nil, message: "unknown column \"\(name)\""))
            }
            index[key] = position
        }
        for name in columns.required where index[name] == nil {
            problems.append(ImportProblem(line: table.headerLine, field: nil, message: "missing required column \"\(name)\""))
        }
        if !problems.isEmpty {
            problems.append(ImportProblem(line: table.headerLine, field: nil, message: "expected columns, in any order — \(columns.sentence)"))
            throw StoreError.importRejected(file: file, problems: problems)
        }
        self.index = index
        self.records = table.records
    }

    /// Where the problems of the record `checkEach` is parsing start.
    private var recordStart = 0

    /// True while the record `checkEach` is parsing has raised no problem yet (check before running a domain validator,
    /// so a row reports its field problems only).
    var recordIsClean: Bool { problems.count == recordStart }

    /// Parses every record with `parse` and keeps what it returns for the records that raised no problem.
    mutating func checkEach<T>(_ parse: (inout ImportRows, CSVTable.Record) -> T?) -> [T] {
        var checked: [T] = []
        for record in records {
            recordStart = problems.count
            if let value = parse(&self, record), recordIsClean { checked.append(value) }
        }
        return checked
    }

    /// Throws `importRejected` with every problem collected, if there are any.
    func throwIfProblems() throws {
        guard !problems.isEmpty else { return }
        // By line; problems of one line keep the order they were found in.
        let ordered = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        throw StoreError.importRejected(file: file, problems: ordered)
    }

    /// Records one problem of a row.
    mutating func problem(_ line: Int, _ field: String?, _ message: String) {
        problems.append(ImportProblem(line: line, field: field, message: message))
    }

    /// Records a domain validator's complaint about a row.
    mutating func problem(_ line: Int, _ invalid: InvalidInput) {
        problem(line, invalid.field, invalid.value.isEmpty ? invalid.reason : "\"\(invalid.value)\" \(invalid.reason)")
    }

    /// The raw text of a column on a record, trimmed; empty when the optional column is absent.
    func text(_ record: CSVTable.Record, _ column: String) -> String {
        guard let position = index[column] else { return "" }
        return record.fields[position].trimmingSpaces()
    }

    /// A column's text, or nil (with a problem for required columns) when it is empty.
    mutating func value(_ record: CSVTable.Record, _ column: String, required: Bool) -> String? {
        let value = text(record, column)
        if value.isEmpty {
            if required { problem(record.line, column, "is required") }
            return nil
        }
        return value
    }

    /// Runs a domain validator on a field, recording its complaint instead of throwing.
    mutating func checked<T>(_ line: Int, _ body: () throws(InvalidInput) -> T) -> T? {
        do { return try body() } catch { problem(line, error); return nil }
    }

    /// A code column (case number, centre or staff code), uppercased; nil when empty or invalid.
    mutating func code(_ record: CSVTable.Record, _ column: String, required: Bool) -> String? {
        guard let text = value(record, column, required: required) else { return nil }
        return checked(record.line) { () throws(InvalidInput) in try Rules.code(text, field: column) }
    }

    /// A `YYYY-MM-DD` date column; nil when empty or invalid (a problem is recorded unless an optional column is empty).
    mutating func date(_ record: CSVTable.Record, _ column: String, required: Bool) -> LocalDate? {
        guard let text = value(record, column, required: required) else { return nil }
        return checked(record.line) { () throws(InvalidInput) in try Rules.date(text, field: column) }
    }

    /// A vocabulary column (`absent-excused` or `absent_excused`); `fallback` when an optional column is empty.
    mutating func word<V: Vocabulary>(_ record: CSVTable.Record, _ column: String, _ type: V.Type, fallback: V? = nil) -> V? {
        guard let text = value(record, column, required: fallback == nil) else { return fallback }
        return checked(record.line) { () throws(InvalidInput) in try V.parse(text, field: column) }
    }

    /// A list column such as `kk;ru` (semicolons; commas inside a quoted field are accepted too).
    func list(_ record: CSVTable.Record, _ column: String) -> [String] {
        text(record, column).split(whereSeparator: { $0 == ";" || $0 == "," }).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// A `languages` column such as `kk;ru`, checked by the domain rule (two-letter ISO 639-1 codes).
    mutating func languages(_ record: CSVTable.Record) -> [String]? {
        guard value(record, "languages", required: true) != nil else { return nil }
        let codes = list(record, "languages")
        return checked(record.line) { () throws(InvalidInput) in try Rules.languages(codes) }
    }

    /// What the database says of an attendance row's participant: is the case number known, may they attend what the
    /// row names (booked into the session, enrolled at school that day), and is their attendance already recorded.
    struct Attendee {
        var known: Bool
        var eligible: Bool
        var recorded: Bool

        /// Reads the three flags from `column` and the two after it.
        init(_ row: Row, at column: Int) throws {
            known = try row.decode(column, as: Bool.self)
            eligible = try row.decode(column + 1, as: Bool.self)
            recorded = try row.decode(column + 2, as: Bool.self)
        }
    }

    /// Reports the first thing wrong with an attendance row's participant: an unknown case number, then `ineligible`,
    /// then `alreadyRecorded` (each a field and a message).
    mutating func report(
        _ line: Int, caseNumber: String, _ attendee: Attendee, ineligible: (field: String, message: String),
        alreadyRecorded: (field: String, message: String)
    ) {
        if !attendee.known {
            problem(line, "case_number", "no participant with case number \"\(caseNumber)\"")
        } else if !attendee.eligible {
            problem(line, ineligible.field, ineligible.message)
        } else if attendee.recorded {
            problem(line, alreadyRecorded.field, alreadyRecorded.message)
        }
    }

    /// Reports values seen on more than one line, naming both lines; returns the lines of the first occurrences.
    mutating func reportDuplicates<Key: Hashable>(_ keys: [(line: Int, key: Key)], field: String, describe: (Key) -> String) {
        var first: [Key: Int] = [:]
        for (line, key) in keys {
            if let earlier = first[key] {
                problem(line, field, "\(describe(key)) is also on line \(earlier); each may appear only once in the file")
            } else {
                first[key] = line
            }
        }
    }
}

extension Importer {
    /// What the database says of every participant an attendance file names, in one query: `query` returns each key's
    /// columns (read by `key`) followed by `Attendee`'s three flags.
    func attendees<Key: Hashable>(
        _ query: String, _ parameters: [any PostgresEncodable], key: (Row) throws -> Key
    ) throws -> [Key: ImportRows.Attendee] {
        let rows = try store.fetch(query, parameters) { row in (try key(row), try ImportRows.Attendee(row, at: 2)) }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// Creates `name` as a temporary table dropped at commit (`columns` like `"line int"`) and COPYs `rows` into it.
    func stage(_ name: String, columns: [String], rows: [[any PostgresEncodable]]) throws {
        try store.connection.execute("CREATE TEMP TABLE \(name) (\(columns.joined(separator: ", "))) ON COMMIT DROP")
        let names = columns.map { String($0.split(separator: " ")[0]) }.joined(separator: ", ")
        try store.connection.copy("COPY \(name) (\(names)) FROM STDIN", rows: rows)
    }

    /// Writes the checked rows of a kind without companion tables: stages them as `table`, runs `insert` (which reads
    /// `table`) and checks that every row went in. A dry run only returns the summary.
    func stageAndInsert(
        _ kind: Kind, file: String, dryRun: Bool, table: String, columns: [String], rows: [[any PostgresEncodable]],
        insert: String, what: String
    ) throws -> Summary {
        let summary = Summary(kind: kind, file: file, rows: rows.count, related: [], dryRun: dryRun)
        if dryRun { return summary }
        try stage(table, columns: columns, rows: rows)
        try expectWritten(try store.connection.execute(insert), rows.count, what: what, file: file)
        return summary
    }

    /// Stops the import when a set-based insert wrote fewer rows than validated (the data changed meanwhile).
    func expectWritten(_ written: Int, _ expected: Int, what: String, file: String) throws {
        guard written == expected else {
            throw StoreError.database(
                "\(file): only \(written) of \(expected) \(what) could be written because the database changed during the import; nothing was imported, run it again")
        }
    }
}
