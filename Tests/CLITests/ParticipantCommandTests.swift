import Foundation
import TestSupport
import Testing

@Suite struct ParticipantCommandTests {
    /// Runs the CLI and records an issue unless it exits 0.
    @discardableResult
    static func ok(_ arguments: [String], _ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Outcome {
        let outcome = try CLI.run(arguments, database: database)
        #expect(outcome.status == 0, "\(arguments.joined(separator: " ")): \(outcome)", sourceLocation: sourceLocation)
        return outcome
    }

    /// A migrated database with two centres, AKT-RC (residential) and ATY-CO (community office).
    static func withCentres(_ body: (TestDatabase) throws -> Void) throws {
        try TestDatabase.withMigrated { database in
            for (code, kind) in [("AKT-RC", "rehabilitation-centre"), ("ATY-CO", "community-office")] {
                try ok(["centre", "add", code, "--name", "Centre \(code)", "--kind", kind, "--region", "Mangystau",
                        "--address", "Aktau", "--time-zone", "Asia/Aqtau", "--capacity", "40"], database)
            }
            try body(database)
        }
    }

    static let aigerim = [
        "participant", "add", "kz-2019-0417", "--given-name", "Aigerim", "--family-name", "Sadykova", "--birth-date", "1994-03-12",
        "--sex", "female", "--languages", "kk,ru", "--region", "Atyrau", "--returned-on", "2019-05-10",
        "--status", "residential-rehabilitation", "--centre", "akt-rc", "--placed-from", "2019-05-10",
    ]

    @Test func addListShowUpdateRoundTrip() throws {
        try Self.withCentres { database in
            let added = try Self.ok(Self.aigerim, database)
            #expect(added.stderr.contains("added participant KZ-2019-0417 placed at AKT-RC"))

            let table = try Self.ok(["participant", "list"], database)
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) ==
                    ["case", "name", "age", "sex", "languages", "status", "centre"])
            #expect(table.stdout.contains("KZ-2019-0417"))
            #expect(table.stdout.contains("Aigerim Sadykova"))
            #expect(table.stdout.contains("residential-rehabilitation"))
            #expect(table.stdout.contains("AKT-RC"))
            #expect(table.stdout.contains("(1 row)"))

            let listed = try #require(try Self.ok(["participant", "list", "--format", "json"], database).json() as? [[String: Any]])
            #expect(listed.count == 1)
            #expect(listed.first?["case_number"] as? String == "KZ-2019-0417")
            #expect(listed.first?["centre_code"] as? String == "AKT-RC")
            #expect(listed.first?["languages"] as? [String] == ["kk", "ru"])
            #expect(listed.first?["is_child"] as? Bool == false)

            let show = try Self.ok(["participant", "show", "KZ-2019-0417"], database)
            #expect(show.stdout.contains("Current centre:"))
            #expect(show.stdout.contains("Placements"))
            #expect(show.stdout.contains("2019-05-10"))

            try Self.ok(["participant", "update", "KZ-2019-0417", "--status", "in-prison", "--legal-situation", "convicted",
                         "--sentence-ends-on", "2027-06-30", "--languages", "ru,kk"], database)
            let detail = try #require(try Self.ok(["participant", "show", "KZ-2019-0417", "--format", "json"], database).json() as? [String: Any])
            let participant = try #require(detail["participant"] as? [String: Any])
            #expect(participant["status"] as? String == "in_prison")
            #expect(participant["legal_situation"] as? String == "convicted")
            #expect(participant["sentence_ends_on"] as? String == "2027-06-30")
            #expect(participant["languages"] as? [String] == ["ru", "kk"])
            #expect((detail["current_placement"] as? [String: Any])?["centre_code"] as? String == "AKT-RC")

            let filtered = try Self.ok(["participant", "list", "--status", "in-prison", "--centre", "AKT-RC", "--adult", "--format", "csv"], database)
            #expect(filtered.stdout.contains("KZ-2019-0417"))
            let none = try Self.ok(["participant", "list", "--child"], database)
            #expect(none.stdout.contains("(0 rows)"))
        }
    }

    @Test func aDuplicateCaseNumberExits65WithTheConstraintSentence() throws {
        try Self.withCentres { database in
            try Self.ok(Self.aigerim, database)
            let again = try CLI.run(Self.aigerim, database: database)
            #expect(again.status == 65, "\(again)")
            #expect(again.stderr.contains("another participant already has this case number"))
            #expect(again.stderr.contains("participants_case_number_key"))
        }
    }

    @Test func anOverlappingPlacementExits65NamingTheRule() throws {
        try Self.withCentres { database in
            try Self.ok(Self.aigerim, database)
            // No placement holds 2019-01-01, so the new one starts there and runs into the placement from 2019-05-10.
            let outcome = try CLI.run(["participant", "transfer", "KZ-2019-0417", "--to", "ATY-CO", "--on", "2019-01-01"], database: database)
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("this participant is already placed somewhere else during these dates"))
            #expect(outcome.stderr.contains("participant_placements_no_overlap"))

            let same = try CLI.run(["participant", "transfer", "KZ-2019-0417", "--to", "AKT-RC", "--on", "2019-07-05"], database: database)
            #expect(same.status == 65, "\(same)")
            #expect(same.stderr.contains("already placed"))
        }
    }

    @Test func transferClosesTheOldPlacementAndDischargeEndsTheNewOne() throws {
        try Self.withCentres { database in
            try Self.ok(Self.aigerim, database)
            try Self.ok(["participant", "transfer", "KZ-2019-0417", "--to", "ATY-CO", "--on", "2019-07-05", "--reason", "returned home"], database)
            var detail = try #require(try Self.ok(["participant", "show", "KZ-2019-0417", "--format", "json"], database).json() as? [String: Any])
            var placements = try #require(detail["placements"] as? [[String: Any]])
            #expect(placements.count == 2)
            #expect(placements.first?["centre_code"] as? String == "AKT-RC")
            #expect(placements.first?["last_day"] as? String == "2019-07-04")
            #expect(placements.last?["centre_code"] as? String == "ATY-CO")
            #expect(placements.last?["first_day"] as? String == "2019-07-05")
            #expect(placements.last?["last_day"] == nil)
            #expect((detail["current_placement"] as? [String: Any])?["centre_code"] as? String == "ATY-CO")

            try Self.ok(["participant", "discharge", "KZ-2019-0417", "--on", "2020-03-01", "--status", "completed"], database)
            detail = try #require(try Self.ok(["participant", "show", "KZ-2019-0417", "--format", "json"], database).json() as? [String: Any])
            placements = try #require(detail["placements"] as? [[String: Any]])
            #expect(placements.last?["last_day"] as? String == "2020-03-01")
            #expect((detail["participant"] as? [String: Any])?["status"] as? String == "completed")
            #expect(detail["current_placement"] == nil)

            let badStatus = try CLI.run(["participant", "discharge", "KZ-2019-0417", "--on", "2020-03-01", "--status", "intake"], database: database)
            #expect(badStatus.status == 64)
        }
    }

    @Test func aParticipantBorn17YearsAnd364DaysAgoIsAChild() throws {
        try Self.withCentres { database in
            let connection = try database.connect()
            let almost18 = try connection.query("SELECT ((homeward.actual_today() - interval '18 years')::date + 1)::text").scalar(String.self)
            let just18 = try connection.query("SELECT (homeward.actual_today() - interval '18 years')::date::text").scalar(String.self)
            for (caseNumber, born) in [("KZ-CHILD", almost18), ("KZ-ADULT", just18)] {
                try Self.ok(["participant", "add", caseNumber, "--given-name", "Arman", "--family-name", "Sadykov", "--birth-date", born,
                             "--sex", "male", "--languages", "kk", "--region", "Atyrau", "--returned-on", born], database)
            }
            let children = try #require(try Self.ok(["participant", "list", "--child", "--format", "json"], database).json() as? [[String: Any]])
            #expect(children.map { $0["case_number"] as? String } == ["KZ-CHILD"])
            #expect(children.first?["age"] as? Int == 17)
            let adults = try #require(try Self.ok(["participant", "list", "--adult", "--format", "json"], database).json() as? [[String: Any]])
            #expect(adults.map { $0["case_number"] as? String } == ["KZ-ADULT"])
            #expect(adults.first?["age"] as? Int == 18)
            let show = try Self.ok(["participant", "show", "KZ-CHILD"], database)
            #expect(show.stdout.contains("17 (child)"))
        }
    }

    @Test func consentsAreRecordedAndWithdrawn() throws {
        try Self.withCentres { database in
            try Self.ok(Self.aigerim, database)
            let consent = ["participant", "consent", "KZ-2019-0417", "--kind", "data-processing", "--given-by", "participant", "--given-on", "2019-05-12"]
            try Self.ok(consent, database)
            let twice = try CLI.run(consent, database: database)
            #expect(twice.status == 65, "\(twice)")
            #expect(twice.stderr.contains("this participant already has a current consent of this kind"))
            try Self.ok(["participant", "consent", "KZ-2019-0417", "--kind", "data-processing", "--withdraw", "--on", "2020-01-15"], database)
            let show = try Self.ok(["participant", "show", "KZ-2019-0417"], database)
            #expect(show.stdout.contains("2020-01-15"))
        }
    }

    @Test func familiesRelativesAndLinks() throws {
        try Self.withCentres { database in
            try Self.ok(Self.aigerim, database)
            try Self.ok(["participant", "add", "KZ-2019-0418", "--given-name", "Arman", "--family-name", "Sadykov", "--birth-date", "2015-09-01",
                         "--sex", "male", "--languages", "kk", "--region", "Atyrau", "--returned-on", "2019-05-10"], database)
            let relative = try Self.ok(["family", "relative", "add", "--given-name", "Gulnara", "--family-name", "Sadykova", "--region", "Atyrau"], database)
            let relativeID = relative.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Int(relativeID) != nil, "\(relative)")

            try Self.ok(["family", "link", "KZ-2019-0418", "--relative", relativeID, "--relationship", "grandmother",
                         "--guardian", "--guardian-since", "2019-08-01"], database)
            try Self.ok(["family", "link", "KZ-2019-0418", "--participant", "KZ-2019-0417", "--relationship", "mother"], database)

            let both = try CLI.run(["family", "link", "KZ-2019-0418", "--relative", relativeID, "--participant", "KZ-2019-0417",
                                    "--relationship", "aunt"], database: database)
            #expect(both.status == 65, "\(both)")
            #expect(both.stderr.contains("link the participant to either a relative or another participant, not both or neither"))
            #expect(both.stderr.contains("family_links_exactly_one_person"))

            let family = try Self.ok(["family", "add", "Sadykova household", "--member", "KZ-2019-0417", "--member", "KZ-2019-0418"], database)
            let familyID = family.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let list = try Self.ok(["family", "list"], database)
            #expect(list.stdout.contains("Sadykova household"))
            #expect(list.stdout.contains("KZ-2019-0417,KZ-2019-0418"))
            let show = try Self.ok(["family", "show", familyID], database)
            #expect(show.stdout.contains("Gulnara Sadykova"))
            #expect(show.stdout.contains("grandmother"))
            #expect(show.stdout.contains("yes (since 2019-08-01)"))
            #expect(show.stdout.contains("participant KZ-2019-0417"))

            let unknown = try CLI.run(["family", "add", "Nobody", "--member", "KZ-NOBODY"], database: database)
            #expect(unknown.status == 65)
            #expect(unknown.stderr.contains("no participant with case number \"KZ-NOBODY\""))
        }
    }

    @Test func everyParticipantAndFamilyCommandHasHelpWithAnExample() throws {
        for command in ["participant add", "participant list", "participant show", "participant update", "participant transfer",
                        "participant discharge", "participant consent", "family add", "family list", "family show",
                        "family relative add", "family link"] {
            let help = try CLI.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0, "\(command): \(help)")
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
        }
    }
}
