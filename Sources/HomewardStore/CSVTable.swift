/// A CSV file read per RFC 4180: a header line, then records, each remembering the source line it started on.
///
/// Accepts quoted fields with embedded commas, doubled quotes and line breaks, CRLF or LF line ends and a UTF-8 BOM.
/// Blank lines are skipped. A record whose field count differs from the header's is a problem naming its line.
public struct CSVTable: Sendable, Equatable {
    /// One data record: its fields, in header order, and the line of the file where it starts.
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]

        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// The header's column names, as written (trimmed of surrounding spaces).
    public var header: [String]
    /// The line the header is on (1 unless the file starts with blank lines).
    public var headerLine: Int
    public var records: [Record]

    /// The file could not be read as CSV; every problem names its line.
    public struct Malformed: Error, Sendable, Equatable {
        public var problems: [ImportProblem]
    }

    /// Parses UTF-8 text, e.g. the contents of a file or of stdin.
    public init(parsing text: String) throws(Malformed) {
        try self.init(bytes: Array(text.utf8))
    }

    /// Parses UTF-8 bytes; a leading byte-order mark is ignored.
    public init(bytes input: [UInt8]) throws(Malformed) {
        var parser = Parser(bytes: input)
        var problems: [ImportProblem] = []
        var header: (line: Int, fields: [String])?
        var records: [Record] = []
        while let (line, fields) = parser.nextRecord() {
            if let failure = parser.failure {
                problems.append(failure)
                break
            }
            if fields.count == 1, fields[0].isEmpty { continue }  // a blank line
            guard let head = header else {
                header = (line, fields.map { $0.trimmingSpaces() })
                continue
            }
            if fields.count != head.fields.count {
                problems.append(ImportProblem(
                    line: line, field: nil,
                    message: "has \(fields.count) field\(fields.count == 1 ? "" : "s") but the header has \(head.fields.count)"))
                continue
            }
            records.append(Record(line: line, fields: fields))
        }
        if let failure = parser.failure, !problems.contains(failure) { problems.append(failure) }
        guard problems.isEmpty else { throw Malformed(problems: problems) }
        guard let header else {
            throw Malformed(problems: [ImportProblem(line: 1, field: nil, message: "the file is empty: the first line must be the header")])
        }
        self.header = header.fields
        self.headerLine = header.line
        self.records = records
    }

    /// A byte-level RFC 4180 scanner that counts physical lines.
    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        var line = 1
        var failure: ImportProblem?

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        /// The next record and the line it starts on, or nil at the end of the input.
        mutating func nextRecord() -> (Int, [String])? {
            guard position < bytes.count, failure == nil else { return nil }
            let startLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            while true {
                if position < bytes.count, bytes[position] == Self.quote, field.isEmpty {
                    // A quoted field: runs to the closing quote, doubled quotes stand for one.
                    let openedOn = line
                    position += 1
                    var closed = false
                    while position < bytes.count {
                        let byte = bytes[position]
                        position += 1
                        if byte == Self.quote {
                            if position < bytes.count, bytes[position] == Self.quote {
                                field.append(Self.quote)
                                position += 1
                            } else {
                                closed = true
                                break
                            }
                        } else {
                            if byte == Self.lf { line += 1 }
                            field.append(byte)
                        }
                    }
                    guard closed else {
                        failure = ImportProblem(line: openedOn, field: nil, message: "a quoted field is never closed (missing \")")
                        return (startLine, fields)
                    }
                    if position < bytes.count, ![Self.comma, Self.cr, Self.lf].contains(bytes[position]) {
                        failure = ImportProblem(
                            line: line, field: nil,
                            message: "text after a closing quote: quote the whole field and double any quote inside it (\"\")")
                        return (startLine, fields)
                    }
                }
                // An unquoted field (or what follows a quoted one) runs to a comma or line end.
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == Self.comma || byte == Self.cr || byte == Self.lf { break }
                    if byte == Self.quote {
                        failure = ImportProblem(
                            line: line, field: nil,
                            message: "a quote inside an unquoted field: quote the whole field and double the quote (\"\")")
                        return (startLine, fields)
                    }
                    field.append(byte)
                    position += 1
                }
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                guard position < bytes.count else { return (startLine, fields) }
                let separator = bytes[position]
                position += 1
                if separator == Self.comma { continue }
                if separator == Self.cr, position < bytes.count, bytes[position] == Self.lf { position += 1 }
                line += 1
                return (startLine, fields)
            }
        }
    }
}
