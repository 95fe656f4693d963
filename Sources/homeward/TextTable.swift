import Foundation

/// Rows of text printed as an aligned table, CSV (RFC 4180) or a JSON array of objects.
struct TextTable {
    var columns: [String]
    var rows: [[String?]] = []
    /// The columns a table keeps when the whole does not fit its width, in their order (nil: all of them).
    var narrow: [String]?

    init(columns: [String], rows: [[String?]] = [], narrow: [String]? = nil) {
        self.columns = columns
        self.rows = rows
        self.narrow = narrow
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
    ///
    /// The table fits `TableWidth.limit` (the terminal's width, 100 columns when stdout is not a terminal, no limit with
    /// `--wide`): the widest columns are cut first, never one of 16 characters or fewer (codes,
    /// case numbers, days), a longer one to no less than its heading or 12, with "…" marking a
    /// cut cell; when that is not enough the rightmost columns are left out, and the last line says so.
    private func renderTable(limit: Int? = TableWidth.limit) -> String {
        var columns = columns
        var rows = rows.map { $0.map { $0?.escapingControlCharacters() ?? "" } }
        var left: [String] = []
        if let limit, let narrow, Self.width(of: columns, rows) > limit {
            let kept = columns.indices.filter { narrow.contains(columns[$0]) }
            left = columns.indices.filter { !kept.contains($0) }.map { columns[$0] }
            columns = kept.map { columns[$0] }
            rows = rows.map { row in kept.map { $0 < row.count ? row[$0] : "" } }
        }
        var widths = columns.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        let (shown, fitted) = Self.fit(widths: widths, headings: columns.map(\.count), limit: limit)
        func cut(_ cell: String, _ width: Int) -> String {
            cell.count <= width ? cell : String(cell.prefix(max(0, width - 1))) + "…"
        }
        func line(_ cells: [String]) -> String {
            (0..<shown).map { index in
                let cell = cut(index < cells.count ? cells[index] : "", fitted[index])
                return index == shown - 1 ? cell : cell + String(repeating: " ", count: fitted[index] - cell.count)
            }.joined(separator: "  ")
        }
        var out = line(columns) + "\n"
        out += line(fitted.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { out += line(row) + "\n" }
        out += "(\(rows.count) \(rows.count == 1 ? "row" : "rows")"
        left += columns[shown...]
        if !left.isEmpty {
            out += "; \(left.count) more column\(left.count == 1 ? "" : "s") with --wide"
        } else if fitted != widths {
            out += "; cut cells end in …, --wide shows them whole"
        }
        return out + ")\n"
    }

    /// The width of a whole table, every column at full width.
    private static func width(of columns: [String], _ rows: [[String]]) -> Int {
        var widths = columns.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        return widths.reduce(0, +) + 2 * max(0, widths.count - 1)
    }

    /// How many columns to show and their widths, so the table fits `limit` (nil: every column at full width).
    static func fit(widths: [Int], headings: [Int], limit: Int?) -> (shown: Int, widths: [Int]) {
        guard let limit, !widths.isEmpty else { return (widths.count, widths) }
        for shown in stride(from: widths.count, through: 1, by: -1) {
            var fitted = Array(widths[..<shown])
            // Codes, case numbers, days and times (16 characters or fewer) are never cut; longer text keeps 12 at least.
            let floor = (0..<shown).map { fitted[$0] <= 16 ? fitted[$0] : max(headings[$0], 12) }
            var total = fitted.reduce(0, +) + 2 * (shown - 1)
            while total > limit {
                // Cut the widest column that can still give way (the leftmost of equals, so every run cuts the same).
                guard let widest = (0..<shown).filter({ fitted[$0] > floor[$0] }).max(by: { fitted[$0] < fitted[$1] || (fitted[$0] == fitted[$1] && $0 > $1) })
                else { break }
                fitted[widest] -= 1
                total -= 1
            }
            if total <= limit || shown == 1 { return (shown, fitted) }
        }
        return (widths.count, widths)
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

/// How wide a table may be at this terminal.
enum TableWidth {
    /// Set by `--wide`: tables show every column in full.
    nonisolated(unsafe) static var wide = false

    /// The terminal's width when stdout is one, 100 columns when it is not (a pipe, a file, cron), nil with `--wide`.
    static var limit: Int? {
        if wide { return nil }
        if isatty(STDOUT_FILENO) == 1 {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        }
        return 100
    }
}
