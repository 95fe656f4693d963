import Foundation
import Postgres
import TestSupport
import Testing

/// The bad-input corpus: every file in `BadInput/` is one case, run against a database of its own with three centres,
/// one staff member and one participant. Each must end with its status, a message naming what is wrong, nothing on
/// stdout, nothing written, no trap and no Swift-internal text.
///
/// A case file is a few `key: value` lines, then the files the command reads:
///
///     # What the case is about.
///     run: import participants {participants.csv}      the arguments; {name} is the path of the file called name,
///                                                      {dir} the folder that holds them; "…" keeps spaces together
///     status: 65
///     stderr: line 2, given_name: contains a NUL byte   each must appear in stderr (repeatable)
///     seconds: 10                                       the longest the run may take (default 30)
///     --- participants.csv                              the file's text up to the next "--- " line or the end;
///     case_number,...                                   \xNN is one byte, \\ a backslash, {{text*N}} text N times
@Suite struct BadInputTests {
    /// One case file, parsed.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var status: Int32
        var stderr: [String]
        var seconds: Double
        var files: [(name: String, bytes: [UInt8])]
        var testDescription: String { name }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInput")

    static let cases: [Case] = {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".case") }.sorted()
        return names.map { name in
            // A file that cannot be read or parsed becomes a case that fails with the reason.
            (try? parse(name: name, text: String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)))
                ?? Case(name: name, arguments: [], status: -1, stderr: ["(the case file could not be read)"], seconds: 0, files: [])
        }
    }()

    @Test func theCorpusHasItsCases() {
        #expect(Self.cases.count >= 30, "BadInput/ holds \(Self.cases.count) cases")
        #expect(Self.cases.allSatisfy { $0.status >= 0 }, "\(Self.cases.filter { $0.status < 0 }.map(\.name))")
    }

    @Test(arguments: cases)
    func everyBadInputEndsWithItsStatusAndMessageAndWritesNothing(_ badInput: Case) throws {
        try TestDatabase.withMigrated { database in
            try Self.seed(database)
            let before = try Self.fingerprint(database)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hw-bad-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            for file in badInput.files {
                let url = folder.appendingPathComponent(file.name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.bytes).write(to: url)
            }
            let arguments = badInput.arguments.map { argument in
                badInput.files.reduce(argument.replacingOccurrences(of: "{dir}", with: folder.path)) { text, file in
                    text.replacingOccurrences(of: "{\(file.name)}", with: folder.appendingPathComponent(file.name).path)
                }
            }
            let started = ContinuousClock.now
            let outcome = try CLI.run(arguments, database: database)
            let elapsed = ContinuousClock.now - started
            #expect(outcome.status == badInput.status, "\(outcome)")
            for expected in badInput.stderr {
                #expect(outcome.stderr.contains(expected), "missing \(expected.debugDescription) in\n\(outcome.stderr)")
            }
            #expect(outcome.stdout.isEmpty, "\(outcome)")
            #expect(outcome.stderr.hasPrefix("homeward: error: "), "\(outcome)")
            for leak in ["Fatal error", "Program crashed", "Backtrac", "DecodingError", "Error Domain", "Cannot initialize", "Swift."] {
                #expect(!outcome.stderr.contains(leak), "\(outcome)")
            }
            #expect(elapsed < .seconds(badInput.seconds), "took \(elapsed)")
            #expect(try Self.fingerprint(database) == before, "the database changed")
        }
    }

    /// Three centres, one staff member available on Monday mornings, one participant: enough for every filter to have
    /// something it could have named.
    static func seed(_ database: TestDatabase) throws {
        for (code, kind) in [("AKT-RC", "rehabilitation-centre"), ("ALM-NGO", "ngo-day-centre"), ("KAR-PRISON", "prison")] {
            try seedRun(["centre", "add", code, "--name", "Centre \(code)", "--kind", kind, "--region", "Mangystau", "--address", "Aktau",
                         "--time-zone", "Asia/Aqtau", "--capacity", "40", "--hours", "mon-sat 08:00-19:00"], database)
        }
        try seedRun(["staff", "add", "ST-001", "--given-name", "Dana", "--family-name", "Abenova", "--role", "psychologist",
                     "--centre", "AKT-RC", "--languages", "kk,ru", "--weekly-hours", "36"], database)
        try seedRun(["staff", "availability", "set", "ST-001", "--centre", "AKT-RC", "mon 09:00-13:00", "--from", "2026-01-05"], database)
        try seedRun(["participant", "add", "KZ-2025-0001", "--given-name", "Aigerim", "--family-name", "Sadykova", "--birth-date",
                     "1994-03-12", "--sex", "female", "--languages", "kk,ru", "--region", "Atyrau", "--returned-on", "2025-05-10",
                     "--centre", "AKT-RC"], database)
    }

    private static func seedRun(_ arguments: [String], _ database: TestDatabase) throws {
        let outcome = try CLI.run(arguments, database: database)
        guard outcome.status == 0 else { throw SeedFailed(description: "\(arguments.joined(separator: " ")): \(outcome)") }
    }

    struct SeedFailed: Error, CustomStringConvertible { var description: String }

    /// Row counts of the tables a bad input could write to.
    static func fingerprint(_ database: TestDatabase) throws -> [Int] {
        let tables = ["centres", "centre_opening_hours", "rooms", "staff", "staff_availability", "participants", "participant_placements",
                      "programmes", "enrolments", "sessions", "schedule_runs", "attendance", "school_attendance", "flags"]
        let sql = "SELECT ARRAY[" + tables.map { "(SELECT count(*)::int FROM homeward.\($0))" }.joined(separator: ", ") + "]"
        return try database.connect().query(sql).scalar([Int].self)
    }

    // MARK: The case file format

    static func parse(name: String, text: String) throws -> Case {
        var result = Case(name: name, arguments: [], status: -1, stderr: [], seconds: 30, files: [])
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.first, !line.hasPrefix("--- ") {
            lines = lines.dropFirst()
            if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else { throw CaseFileError(name: name, line: line) }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch line[..<colon] {
            case "run": result.arguments = words(value)
            case "status": result.status = Int32(value) ?? -1
            case "stderr": result.stderr.append(value)
            case "seconds": result.seconds = Double(value) ?? 30
            default: throw CaseFileError(name: name, line: line)
            }
        }
        while let header = lines.first {
            lines = lines.dropFirst()
            let fileName = String(header.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            var body: [String] = []
            while let line = lines.first, !line.hasPrefix("--- ") {
                body.append(line)
                lines = lines.dropFirst()
            }
            result.files.append((fileName, bytes(body.joined(separator: "\n"))))
        }
        return result
    }

    struct CaseFileError: Error { var name: String; var line: String }

    /// Splits on spaces, keeping "quoted words" together.
    static func words(_ text: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, started = false
        for character in text {
            if character == "\"" { quoted.toggle(); started = true; continue }
            if character == " ", !quoted {
                if started { words.append(current) }
                current = ""
                started = false
                continue
            }
            current.append(character)
            started = true
        }
        if started { words.append(current) }
        return words
    }

    /// A body's bytes: `\xNN` is a byte, `\\` a backslash, `{{text*N}}` the text N times; everything else is UTF-8.
    static func bytes(_ body: String) -> [UInt8] {
        var expanded = body
        while let open = expanded.range(of: "{{"), let close = expanded.range(of: "}}", range: open.upperBound..<expanded.endIndex) {
            let inner = expanded[open.upperBound..<close.lowerBound]
            guard let star = inner.lastIndex(of: "*"), let count = Int(inner[inner.index(after: star)...]) else { break }
            expanded.replaceSubrange(open.lowerBound..<close.upperBound, with: String(repeating: String(inner[..<star]), count: count))
        }
        let utf8 = Array(expanded.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 1 < utf8.count {
                if utf8[index + 1] == UInt8(ascii: "\\") {
                    out.append(UInt8(ascii: "\\"))
                    index += 2
                    continue
                }
                if utf8[index + 1] == UInt8(ascii: "x"), index + 3 < utf8.count,
                    let byte = UInt8(String(decoding: utf8[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
                {
                    out.append(byte)
                    index += 4
                    continue
                }
            }
            out.append(utf8[index])
            index += 1
        }
        return out
    }
}
