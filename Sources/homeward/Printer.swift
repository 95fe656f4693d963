import Foundation

/// A record that prints as one row of a table or CSV.
protocol TabularRecord {
    static var columns: [String] { get }
    /// The columns a table keeps when the whole is wider than the terminal (or 100 columns); `--wide` shows all.
    static var narrowColumns: [String] { get }
    var cells: [String?] { get }
}

extension TabularRecord {
    static var narrowColumns: [String] { columns }
}

/// Writes results to stdout: tables for people, JSON (snake_case keys) or CSV for scripts. Tables and detail views
/// show control characters escaped (`String.escapingControlCharacters`); JSON and CSV carry the stored text exactly.
enum Printer {
    /// Prints records as a table, CSV, or a JSON array of the full records.
    static func list<T: TabularRecord & Encodable>(_ records: [T], format: OutputFormat) {
        if format == .json { return json(records) }
        TextTable(columns: T.columns, rows: records.map(\.cells), narrow: T.narrowColumns).print(format)
    }

    /// Prints any Codable value as pretty JSON with snake_case keys.
    static func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(LocalTime.iso(date))
        }
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// Prints `label: value` lines, aligned, for a record's detail view.
    static func fields(_ pairs: [(String, String?)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        var out = ""
        for (label, value) in pairs {
            out += label + ":" + String(repeating: " ", count: width - label.count + 1) + (value?.escapingControlCharacters() ?? "—") + "\n"
        }
        write(out)
    }

    /// Prints a section heading inside a detail view.
    static func heading(_ title: String) { write("\n\(title.escapingControlCharacters())\n") }

    /// Prints a table (always as a table: used inside detail views).
    static func table(_ columns: [String], _ rows: [[String?]]) {
        write(TextTable(columns: columns, rows: rows).render(.table))
    }

    /// Writes to stdout (see `StandardStreams`).
    static func write(_ text: String) { StandardStreams.write(text) }
}

extension Optional where Wrapped: CustomStringConvertible {
    /// The value's text, or nil, for table cells.
    var text: String? { self?.description }
}
