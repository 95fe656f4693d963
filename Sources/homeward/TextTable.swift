import Foundation

/// Rows of text printed as an aligned table, CSV (RFC 4180) or a JSON array of objects.
struct TextTable {
    var columns: [String]
    var rows: [[String?]] = []

    init(columns: [String], rows: [[String?]] = []) {
        self.columns = columns
        self.rows = rows
    }

    mutating func append(_ row: [String?]) { rows.append(row) }

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return renderTable()
        case .csv: return renderCSV()
        case .json: return renderJSON()
        }
    }

    /// Prints to stdout in the chosen format.
    func print(_ format: OutputFormat) { Printer.write(render(format)) }

    /// Aligned columns; cells show control characters escaped, so a stored ESC or newline cannot reach the terminal.
    private func renderTable() -> String {
        let rows = rows.map { $0.map { $0?.escapingControlCharacters() } }
        var widths = columns.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], (cell ?? "").count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
        var out = line(columns) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { out += line(row.map { $0 ?? "" }) + "\n" }
        out += "(\(rows.count) \(rows.count == 1 ? "row" : "rows"))\n"
        return out
    }

    private func renderCSV() -> String {
        func field(_ value: String?) -> String {
            guard let value else { return "" }
            if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return value
        }
        var out = columns.map(field).joined(separator: ",") + "\r\n"
        for row in rows { out += row.map(field).joined(separator: ",") + "\r\n" }
        return out
    }

    private func renderJSON() -> String {
        let objects: [[String: String?]] = rows.map { row in
            Dictionary(uniqueKeysWithValues: zip(columns, row))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(objects)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
