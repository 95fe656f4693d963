import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CopyTests {
    @Test func copiesAHundredThousandRows() throws {
        try TestDatabase.withConnection { connection in
            try connection.execute("CREATE TABLE bulk (n int, label text, at timestamptz)")
            let start = Date(timeIntervalSince1970: 1_764_028_800)
            let rows = (0..<100_000).lazy.map { n -> [any PostgresEncodable] in
                [n, "row \(n)", start.addingTimeInterval(Double(n))]
            }
            let copied = try connection.copy("COPY bulk (n, label, at) FROM STDIN", rows: rows)
            #expect(copied == 100_000)
            let row = try #require(connection.query("SELECT count(*), sum(n), max(at) FROM bulk").first)
            #expect(try row.decode(0, as: Int.self) == 100_000)
            #expect(try row.decode(1, as: Int.self) == 99_999 * 100_000 / 2)
            #expect(try row.decode(2, as: Date.self) == start.addingTimeInterval(99_999))
        }
    }

    @Test func copyEscapesAndCountsUTF8Bytes() throws {
        try TestDatabase.withConnection { connection in
            try connection.execute("CREATE TABLE texts (id int, body text)")
            let bodies: [String?] = [
                "Әйгерім Серікқызы", "Щукина Ёлка", "tab\there", "new\nline", "back\\slash", "\\N", nil, "🇰🇿👩‍👧", "\r",
            ]
            let rows = bodies.enumerated().map { index, body -> [any PostgresEncodable] in [index, body] }
            #expect(try connection.copy("COPY texts FROM STDIN", rows: rows) == bodies.count)
            let back = try connection.query("SELECT body FROM texts ORDER BY id").rows.map { try $0.decode(0, as: String?.self) }
            #expect(back == bodies)
        }
    }

    @Test func copyFailureReportsTheServerErrorAndLeavesNothing() throws {
        try TestDatabase.withConnection { connection in
            try connection.execute("CREATE TABLE strict (n int NOT NULL CONSTRAINT strict_positive CHECK (n > 0))")
            let rows: [[any PostgresEncodable]] = [[1], [2], [-3], [4]]
            let error = #expect(throws: PostgresError.self) {
                try connection.copy("COPY strict FROM STDIN", rows: rows)
            }
            #expect(error?.constraint == "strict_positive")
            #expect(try connection.query("SELECT count(*) FROM strict").scalar(Int.self) == 0)
            // The connection is still usable afterwards.
            #expect(try connection.query("SELECT 1").scalar(Int.self) == 1)
        }
    }
}
