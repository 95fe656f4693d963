import Foundation
import PropertyBased
import TestSupport
import Testing

/// Random argument lists for the real binary: every run ends with a sysexits status and, when it fails, one message in
/// words, never a trap, a signal or Swift-internal text. Generated from a fixed seed, so every run checks the same lists,
/// against a migrated database of its own holding nothing (so most lists end in "no such …", after parsing).
@Suite struct ArgumentPropertyTests {
    /// Commands with their arguments chosen from what users type, and from what they mistype.
    static let paths: [[String]] = [
        ["participant", "add"], ["participant", "list"], ["participant", "show"], ["participant", "transfer"], ["participant", "discharge"],
        ["participant", "export"], ["participant", "last-contact"], ["centre", "list"], ["centre", "show"], ["room", "list"],
        ["staff", "list"], ["staff", "show"], ["staff", "availability", "set"], ["staff", "leave", "add"], ["enrolment", "add"],
        ["enrolment", "list"], ["enrolment", "advance"], ["school", "enrol"], ["course", "progress"], ["session", "add"],
        ["session", "list"], ["session", "cancel"], ["session", "reschedule"], ["attendance", "record"], ["schedule", "show"],
        ["schedule", "gaps"], ["schedule", "explain"], ["schedule", "generate"], ["schedule", "runs"], ["flags", "list"],
        ["flags", "digest"], ["flags", "ack"], ["progress"], ["import", "participants"], ["audit"], ["db", "status"],
    ]
    static let options = ["--centre", "--from", "--to", "--days", "--format", "--participant", "--start", "--minutes", "--staff",
                          "--type", "--status", "--on", "--week", "--room", "--override", "--reason", "--by", "--hours", "--role",
                          "--severity", "--kind", "--dry-run", "--wide", "--open", "--birth-date", "--sex", "--languages"]
    static let values = ["AKT-RC", "NOPE", "", " ", "2026-13-45", "0001-01-01", "9999-12-31", "2026-12-07", "-5", "0", "999999999999",
                         String(repeating: "Ж", count: 3_000), "KZ-2026-0001", "json", "csv", "table", "\u{1B}[31mred", "Әлия",
                         "'; DROP TABLE homeward.sessions; --", "%s%n", "2026-W99", "2026-W50", "25:00", "2026-12-07 10:00",
                         "individual-counselling", "psychologist", "urgent", "female", "kk,ru", "1e309", "NaN", "--", "-"]

    struct Arguments: Sendable, CustomTestStringConvertible {
        var list: [String]
        var testDescription: String { list.map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }.joined(separator: " ") }
    }

    /// 160 lists from a fixed seed: a command, then up to seven options and values in any order.
    static let lists: [Arguments] = {
        var rng = Xoshiro(seed: (0x4152_4753, 0x4655_5A5A, 0x2026_1201, 0x4857_4152))
        let tokens = options + values
        let generator = zip(Gen.int(in: 0...(paths.count - 1)), Gen.int(in: 0...(tokens.count - 1)).array(of: 0...7)).map { path, picks in
            Arguments(list: paths[path] + picks.map { tokens[$0] })
        }
        return (0..<160).map { _ in generator.run(using: &rng) }
    }()

    static let statuses: Set<Int32> = [0, 3, 64, 65, 66, 69, 74, 75, 77, 78]

    @Test func everyArgumentListEndsWithAStatusAndAMessageInWords() throws {
        try TestDatabase.withMigrated { database in
            var seen: [Int32: Int] = [:]
            for arguments in Self.lists {
                let outcome = try database.cli(arguments.list)
                seen[outcome.status, default: 0] += 1
                #expect(Self.statuses.contains(outcome.status), "\(arguments.testDescription): \(outcome)")
                if outcome.status != 0 && outcome.status != 3 {
                    #expect(!outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(arguments.testDescription): \(outcome)")
                }
                for leak in ["Fatal error", "Swift.", "Swift/", "DecodingError", "Optional(", "_NSCocoaError", "PostgresError("] {
                    #expect(!outcome.stderr.contains(leak), "\(arguments.testDescription): \(outcome)")
                }
            }
            // The lists reach past the parser: some succeed, some are refused by it, some by the data.
            #expect(Set(seen.keys).isSuperset(of: [0, 64, 65]), "\(seen)")
        }
    }
}
