import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ImportCommandTests {
    private static let header =
        "case_number,given_name,family_name,patronymic,birth_date,sex,languages,region_of_origin,legal_situation,sentence_ends_on,status,returned_on,centre,placed_from"
    private static let good = [
        "KZ-2025-0001,Әсел,Қасымова,Серікқызы,1995-04-12,female,kk;ru,\"Mangystau, Aktau\",free,,residential_rehabilitation,2026-10-01,AKT-RC,",
        "KZ-2025-0002,Айша,Қасымова,,2019-06-30,female,ar,Atyrau,free,,residential_rehabilitation,2025-11-27,AKT-RC,",
    ]

    /// The three demo centres, with plain SQL.
    private func createCentres(_ database: TestDatabase) throws {
        try database.connect().execute(
            """
            INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity) VALUES
              ('AKT-RC', 'Aktau Rehabilitation Centre', 'rehabilitation_centre', 'Mangystau', 'Aktau', 'Asia/Aqtau', 200),
              ('ALM-NGO', 'Almaty children''s day centre', 'ngo_day_centre', 'Almaty', 'Almaty', 'Asia/Almaty', 80),
              ('KAR-PRISON', 'Karaganda penal colony', 'prison', 'Karaganda', 'Karaganda', 'Asia/Almaty', 400)
            """)
    }

    /// Writes `text` to a fresh temporary file called `name`.
    private func file(_ name: String, _ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hw-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func participants(_ database: TestDatabase) throws -> Int {
        try database.connect().query("SELECT count(*) FROM homeward.participants").scalar(Int.self)
    }

    @Test func aGoodFileImportsWithOneSummaryLineOnStderr() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            let path = try file("participants.csv", ([Self.header] + Self.good).joined(separator: "\n") + "\n")
            let outcome = try CLI.run(["import", "participants", path], database: database)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr == "imported 2 participants (2 placements) from participants.csv\n")
            #expect(try database.connect().query("SELECT family_name FROM homeward.participants WHERE case_number = 'KZ-2025-0001'")
                .scalar(String.self) == "Қасымова")
        }
    }

    @Test func aBadRowExits65NamingLineAndFieldAndWritesNothing() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            let rows = Self.good + [
                "KZ-2025-0003,Мадина,Омарова,,2031-02-30,female,kk,Atyrau,free,,intake,2026-01-01,AKT-RC,",
                "KZ-2025-0001,Дина,Бекова,,1990-01-01,female,kk,Atyrau,free,,intake,2026-01-01,AKT-XX,",
            ]
            let path = try file("participants.csv", ([Self.header] + rows).joined(separator: "\n"))
            let outcome = try CLI.run(["import", "participants", path], database: database)
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stdout.isEmpty)
            let lines = outcome.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first == "homeward: error: participants.csv: 3 problems, nothing was imported:")
            #expect(lines.contains("  line 4, birth_date: \"2031-02-30\" is not a date (YYYY-MM-DD)"))
            #expect(lines.contains("  line 5, case_number: case number \"KZ-2025-0001\" is also on line 2; each may appear only once in the file"))
            #expect(lines.contains("  line 5, centre: no centre with code \"AKT-XX\""))
            #expect(try participants(database) == 0)
        }
    }

    @Test func aCaseNumberAlreadyInTheDatabaseExits65() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            let first = try CLI.run(["import", "participants", "-"], database: database, stdin: Self.header + "\n" + Self.good[0] + "\n")
            #expect(first.status == 0, "\(first)")
            #expect(first.stderr == "imported 1 participant (1 placement) from stdin\n")
            let again = try CLI.run(["import", "participants", "-"], database: database,
                                    stdin: ([Self.header] + Self.good).joined(separator: "\n"))
            #expect(again.status == 65)
            #expect(again.stderr.contains("line 2, case_number: \"KZ-2025-0001\" already belongs to a participant in the database"))
            #expect(try participants(database) == 1)
        }
    }

    @Test func aMissingHeaderColumnIsNamedWithTheExpectedColumns() throws {
        try TestDatabase.withMigrated { database in
            let header = Self.header.replacingOccurrences(of: "region_of_origin,", with: "")
            let outcome = try CLI.run(["import", "participants", "-"], database: database, stdin: header + "\n")
            #expect(outcome.status == 65)
            #expect(outcome.stderr.contains("line 1: missing required column \"region_of_origin\""))
            #expect(outcome.stderr.contains("required: case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on"))
        }
    }

    @Test func aRuleOnlyTheDatabaseKnowsExits65NamingTheRuleAndWritesNothing() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            try database.connect().execute(
                "ALTER TABLE homeward.participants ADD CONSTRAINT participants_not_atyrau CHECK (region_of_origin <> 'Atyrau')")
            let outcome = try CLI.run(["import", "participants", "-"], database: database,
                                      stdin: ([Self.header] + Self.good).joined(separator: "\n"))
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("[participants_not_atyrau]"))
            #expect(outcome.stderr.split(separator: "\n").count == 1)
            #expect(try participants(database) == 0)
        }
    }

    @Test func crlfWithByteOrderMarkImports() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            let path = try file("excel.csv", "\u{FEFF}" + ([Self.header] + Self.good).joined(separator: "\r\n") + "\r\n")
            let outcome = try CLI.run(["import", "participants", path], database: database)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(try participants(database) == 2)
        }
    }

    @Test func dryRunReportsButWritesNothing() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            let path = try file("participants.csv", ([Self.header] + Self.good).joined(separator: "\n"))
            let outcome = try CLI.run(["import", "participants", path, "--dry-run"], database: database)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stderr == "checked participants.csv: 2 participants (2 placements) would be imported; nothing was written (--dry-run)\n")
            #expect(try participants(database) == 0)
        }
    }

    @Test func theDemoFilesImportAfterTheCentresExist() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            let demo = TestDatabase.repositoryRoot.appendingPathComponent("Config/demo")
            let staff = try CLI.run(["import", "staff", demo.appendingPathComponent("staff.csv").path], database: database)
            #expect(staff.status == 0, "\(staff)")
            // One staff member per data line of the file (the demo generator decides how many).
            let rows = try String(contentsOf: demo.appendingPathComponent("staff.csv"), encoding: .utf8)
                .split(separator: "\n").count - 1
            #expect(rows >= 30)
            #expect(staff.stderr.hasPrefix("imported \(rows) staff members ("))
            let people = try CLI.run(["import", "participants", demo.appendingPathComponent("participants.csv").path], database: database)
            #expect(people.status == 0, "\(people)")
            #expect(people.stderr == "imported 120 participants (120 placements) from participants.csv\n")
        }
    }

    @Test func aMissingFileIsAUsageError() throws {
        let outcome = try CLI.run(["import", "staff", "/tmp/homeward-no-such-file.csv"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("cannot read /tmp/homeward-no-such-file.csv"))
    }

    @Test func helpListsTheColumnsAndAnExample() throws {
        /// Help text with its line wrapping undone.
        func help(_ arguments: [String]) throws -> String {
            let outcome = try CLI.run(arguments + ["--help"])
            #expect(outcome.status == 0)
            return outcome.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        for kind in ["participants", "staff", "school-attendance", "attendance"] {
            let text = try help(["import", kind])
            #expect(text.contains("Example"), "\(kind)")
            #expect(text.contains("required:"), "\(kind)")
        }
        #expect(try help(["import", "staff"]).contains("optional: may_work_with_children"))
        #expect(try CLI.run(["import", "--help"]).stdout.contains("Example"))
    }

    @Test func aCp1251FileIsReadExactlyWithEncodingAndASemicolonFileWithDelimiter() throws {
        try TestDatabase.withMigrated { database in
            try createCentres(database)
            let utf8 = "case_number;given_name;family_name;birth_date;sex;languages;region_of_origin;returned_on;centre\n"
                + "KZ-2099-0001;Мадина;Омарова;1990-01-01;female;ru;\"Атырау; Кульсары\";2026-01-01;AKT-RC\n"
            // The same text as Excel's "CSV" writes it on Russian-language Windows (Windows-1251).
            let cp1251 = Array(utf8.unicodeScalars).map { scalar -> UInt8 in
                switch scalar.value {
                case 0x0410...0x044F: UInt8(scalar.value - 0x0410 + 0xC0)
                default: UInt8(scalar.value)
                }
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hw-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("excel.csv").path
            try Data(cp1251).write(to: URL(fileURLWithPath: path))

            let refused = try CLI.run(["import", "participants", path], database: database)
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("line 2: is not UTF-8 text (byte 0xCC)"), "\(refused)")
            let semicolons = try CLI.run(["import", "participants", path, "--encoding", "cp1251"], database: database)
            #expect(semicolons.status == 65)
            #expect(semicolons.stderr.contains("line 1: the columns are separated by semicolons (;)"), "\(semicolons)")
            #expect(try participants(database) == 0)

            let imported = try CLI.run(["import", "participants", path, "--encoding", "cp1251", "--delimiter", ";"], database: database)
            #expect(imported.status == 0, "\(imported)")
            let row = try database.connect().query(
                "SELECT given_name || ' ' || family_name || ' / ' || region_of_origin FROM homeward.participants").scalar(String.self)
            #expect(row == "Мадина Омарова / Атырау; Кульсары")
            #expect(!row.contains("\u{FFFD}"))
        }
    }
}
