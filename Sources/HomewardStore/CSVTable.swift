/// A CSV file read per RFC 4180: a header line, then records, each remembering the source line it started on.
///
/// Accepts quoted fields with embedded delimiters, doubled quotes and line breaks, CRLF or LF line ends and a UTF-8 BOM.
/// Blank lines are skipped. A record whose field count differs from the header's is a problem naming its line.
/// The text must be UTF-8 unless `Options.encoding` names another encoding; NUL bytes, fields longer than
/// `maxFieldCharacters` and lines longer than `maxLineBytes` are refused naming their line, never cut or dropped.
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

    /// How to read the bytes: their encoding and the field delimiter.
    public struct Options: Sendable, Equatable {
        public var encoding: CSVEncoding
        /// The field delimiter: `,` (RFC 4180), `;` (Excel where the comma is the decimal separator) or a tab.
        public var delimiter: Character

        public init(encoding: CSVEncoding = .utf8, delimiter: Character = ",") {
            self.encoding = encoding
            self.delimiter = delimiter
        }

        /// The delimiters a file may use.
        public static let delimiters: [Character] = [",", ";", "\t"]
    }

    /// The longest field accepted, in characters (Unicode code points): longer text is refused, never truncated.
    public static let maxFieldCharacters = 4_000
    /// The longest physical line accepted, in bytes.
    public static let maxLineBytes = 65_536

    /// The header's column names, as written (trimmed of surrounding spaces).
    public var header: [String]
    /// The line the header is on (1 unless the file starts with blank lines).
    public var headerLine: Int
    public var records: [Record]
    /// The delimiter the file was read with.
    public var delimiter: Character = ","

    /// The file could not be read as CSV; every problem names its line.
    public struct Malformed: Error, Sendable, Equatable {
        public var problems: [ImportProblem]
    }

    /// Parses UTF-8 text, e.g. the contents of a file or of stdin.
    public init(parsing text: String, options: Options = Options()) throws(Malformed) {
        try self.init(bytes: Array(text.utf8), options: options)
    }

    /// Parses bytes in `options.encoding` (UTF-8 by default; a leading byte-order mark is ignored).
    public init(bytes raw: [UInt8], options: Options = Options()) throws(Malformed) {
        let input = try options.encoding.decode(raw)
        guard let delimiter = options.delimiter.asciiValue, Options.delimiters.contains(options.delimiter) else {
            throw Malformed(problems: [ImportProblem(line: 1, field: nil, message: "the delimiter must be a comma, a semicolon or a tab")])
        }
        var parser = Parser(bytes: input, delimiter: delimiter)
        var problems: [ImportProblem] = []
        var header: (line: Int, fields: [String])?
        var records: [Record] = []
        func column(_ index: Int?) -> String? {
            guard let index else { return nil }
            guard let header, index < header.fields.count else { return "field \(index + 1)" }
            return header.fields[index]
        }
        while let (line, fields) = parser.nextRecord() {
            if let failure = parser.failure {
                problems.append(ImportProblem(line: failure.line, field: column(failure.field), message: failure.message))
                break
            }
            if fields.count == 1, fields[0].isEmpty { continue }  // a blank line
            guard let head = header else {
                if fields.count == 1, options.delimiter != ";", fields[0].contains(";") {
                    // Excel's "CSV" where the comma is the decimal separator: say so, not "unknown column a;b;c".
                    throw Malformed(problems: [ImportProblem(
                        line: line, field: nil,
                        message: "the columns are separated by semicolons (;), as Excel writes CSV where the comma is the "
                            + "decimal separator: import it with --delimiter ';', or save it with commas")])
                }
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
        if let failure = parser.failure {
            let problem = ImportProblem(line: failure.line, field: column(failure.field), message: failure.message)
            if !problems.contains(problem) { problems.append(problem) }
        }
        guard problems.isEmpty else { throw Malformed(problems: problems) }
        guard let header else {
            throw Malformed(problems: [ImportProblem(line: 1, field: nil, message: "the file is empty: the first line must be the header")])
        }
        self.header = header.fields
        self.headerLine = header.line
        self.records = records
        self.delimiter = options.delimiter
    }

    /// A byte-level RFC 4180 scanner that counts physical lines and enforces the limits.
    private struct Parser {
        /// What stopped the scan: the line, the field's position on its record (when it is about one field) and why.
        struct Failure {
            var line: Int
            var field: Int?
            var message: String
        }

        let bytes: [UInt8]
        let delimiter: UInt8
        var position = 0
        var line = 1
        /// Where the current physical line starts, for the line-length limit.
        var lineStart = 0
        var failure: Failure?

        init(bytes: [UInt8], delimiter: UInt8) {
            self.bytes = bytes
            self.delimiter = delimiter
        }

        private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        /// A field of more bytes than this cannot be short enough (a code point is at most 4 bytes): stop reading it.
        private static let maxFieldBytes = 4 * CSVTable.maxFieldCharacters

        /// Checks one byte of a field (NUL, field and line length); false when the scan must stop.
        private mutating func accept(_ byte: UInt8, field: [UInt8], index: Int) -> Bool {
            if byte == 0 {
                failure = Failure(
                    line: line, field: index,
                    message: "contains a NUL byte: the file is binary or UTF-16, not CSV text (save it as \"CSV UTF-8\")")
                return false
            }
            if field.count >= Self.maxFieldBytes {
                failure = fieldTooLong(index)
                return false
            }
            if position - lineStart >= CSVTable.maxLineBytes {
                failure = lineTooLong()
                return false
            }
            return true
        }

        private func lineTooLong() -> Failure {
            Failure(line: line, field: nil, message: "is longer than \(CSVTable.maxLineBytes.grouped) bytes, the most a line may hold")
        }

        private func fieldTooLong(_ index: Int) -> Failure {
            Failure(line: line, field: index, message: "is longer than \(CSVTable.maxFieldCharacters.grouped) characters, the most a field may hold")
        }

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
                        guard accept(byte, field: field, index: fields.count) else { return (startLine, fields) }
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
                            if byte == Self.lf {
                                line += 1
                                lineStart = position
                            }
                            field.append(byte)
                        }
                    }
                    guard closed else {
                        failure = Failure(line: openedOn, field: nil, message: "a quoted field is never closed (missing \")")
                        return (startLine, fields)
                    }
                    if position < bytes.count, ![delimiter, Self.cr, Self.lf].contains(bytes[position]) {
                        failure = Failure(
                            line: line, field: nil,
                            message: "text after a closing quote: quote the whole field and double any quote inside it (\"\")")
                        return (startLine, fields)
                    }
                }
                // An unquoted field (or what follows a quoted one) runs to a delimiter or line end.
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == delimiter || byte == Self.cr || byte == Self.lf { break }
                    if byte == Self.quote {
                        failure = Failure(
                            line: line, field: nil,
                            message: "a quote inside an unquoted field: quote the whole field and double the quote (\"\")")
                        return (startLine, fields)
                    }
                    guard accept(byte, field: field, index: fields.count) else { return (startLine, fields) }
                    field.append(byte)
                    position += 1
                }
                let text = String(decoding: field, as: UTF8.self)
                if field.count > CSVTable.maxFieldCharacters, text.unicodeScalars.count > CSVTable.maxFieldCharacters {
                    failure = fieldTooLong(fields.count)
                    return (startLine, fields)
                }
                fields.append(text)
                field.removeAll(keepingCapacity: true)
                guard position < bytes.count else { return (startLine, fields) }
                let separator = bytes[position]
                position += 1
                if separator == delimiter {
                    guard position - lineStart < CSVTable.maxLineBytes || position >= bytes.count else {
                        failure = lineTooLong()
                        return (startLine, fields)
                    }
                    continue
                }
                if separator == Self.cr, position < bytes.count, bytes[position] == Self.lf { position += 1 }
                line += 1
                lineStart = position
                return (startLine, fields)
            }
        }
    }
}

extension Int {
    /// The number with thousands separated by commas, for messages (65,536).
    var grouped: String {
        let digits = Array(String(self))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
