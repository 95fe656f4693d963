import Foundation
import TestSupport
import Testing

@Suite struct StaffCommandTests {
    static let dana = [
        "staff", "add", "st-0042", "--given-name", "Dana", "--family-name", "Abenova", "--role", "psychologist",
        "--role", "paediatric-psychologist", "--centre", "akt-rc", "--languages", "kk,ru", "--weekly-hours", "36", "--children",
    ]

    @Test func addListShowUpdateRoundTrip() throws {
        try ParticipantCommandTests.withCentres { database in
            let added = try ParticipantCommandTests.ok(Self.dana, database)
            #expect(added.stderr.contains("added staff member ST-0042"))

            let table = try ParticipantCommandTests.ok(["staff", "list", "--wide"], database)
            #expect(table.stdout.contains("ST-0042"))
            #expect(table.stdout.contains("Dana Abenova"))
            #expect(table.stdout.contains("paediatric-psychologist,psychologist"))
            #expect(table.stdout.contains("(1 row)"))
            let other = try ParticipantCommandTests.ok(["staff", "list", "--centre", "ATY-CO"], database)
            #expect(other.stdout.contains("(0 rows)"))
            let byLanguage = try ParticipantCommandTests.ok(["staff", "list", "--role", "psychologist", "--language", "kk"], database)
            #expect(byLanguage.stdout.contains("ST-0042"))

            let listed = try #require(try ParticipantCommandTests.ok(["staff", "list", "--format", "json"], database).json() as? [[String: Any]])
            #expect(listed.first?["code"] as? String == "ST-0042")
            #expect(listed.first?["centre_codes"] as? [String] == ["AKT-RC"])
            #expect(listed.first?["weekly_hour_limit"] as? Double == 36)
            #expect(listed.first?["may_work_with_children"] as? Bool == true)

            try ParticipantCommandTests.ok(["staff", "update", "ST-0042", "--add-role", "social-worker", "--remove-role", "psychologist",
                                            "--add-centre", "aty-co", "--weekly-hours", "20", "--inactive"], database)
            let detail = try #require(try ParticipantCommandTests.ok(["staff", "show", "ST-0042", "--format", "json"], database).json() as? [String: Any])
            let member = try #require(detail["member"] as? [String: Any])
            #expect(member["roles"] as? [String] == ["paediatric_psychologist", "social_worker"])
            #expect(member["centre_codes"] as? [String] == ["AKT-RC", "ATY-CO"])
            #expect(member["weekly_hour_limit"] as? Double == 20)
            #expect(member["active"] as? Bool == false)

            let show = try ParticipantCommandTests.ok(["staff", "show", "ST-0042"], database)
            #expect(show.stdout.contains("Active:"))
            #expect(show.stdout.contains("social-worker"))

            let unknown = try CLI.run(["staff", "show", "ST-9999"], database: database)
            #expect(unknown.status == 65)
            #expect(unknown.stderr.contains("no staff member with code \"ST-9999\""))
        }
    }

    @Test func aDuplicateCodeExits65WithTheConstraintSentence() throws {
        try ParticipantCommandTests.withCentres { database in
            try ParticipantCommandTests.ok(Self.dana, database)
            let again = try CLI.run(Self.dana, database: database)
            #expect(again.status == 65, "\(again)")
            #expect(again.stderr.contains("another staff member already uses this code"))
        }
    }

    @Test func overlappingLeaveExits65NamingTheRule() throws {
        try ParticipantCommandTests.withCentres { database in
            try ParticipantCommandTests.ok(Self.dana, database)
            try ParticipantCommandTests.ok(["staff", "leave", "add", "ST-0042", "--from", "2030-03-02", "--to", "2030-03-13", "--kind", "leave",
                                            "--note", "spring holiday"], database)
            let overlap = try CLI.run(["staff", "leave", "add", "ST-0042", "--from", "2030-03-10", "--to", "2030-03-20", "--kind", "sick"],
                                      database: database)
            #expect(overlap.status == 65, "\(overlap)")
            #expect(overlap.stderr.contains("this staff member already has leave recorded on some of these days"))
            #expect(overlap.stderr.contains("staff_leave_no_overlap"))

            let list = try ParticipantCommandTests.ok(["staff", "leave", "list", "ST-0042"], database)
            #expect(list.stdout.contains("2030-03-02"))
            #expect(list.stdout.contains("spring holiday"))
            #expect(list.stdout.contains("(1 row)"))
            let show = try ParticipantCommandTests.ok(["staff", "show", "ST-0042"], database)
            #expect(show.stdout.contains("2030-03-13"))
        }
    }

    @Test func availabilityIsSetAtWorkedCentresOnly() throws {
        try ParticipantCommandTests.withCentres { database in
            try ParticipantCommandTests.ok(Self.dana, database)
            let elsewhere = try CLI.run(["staff", "availability", "set", "ST-0042", "--centre", "ATY-CO", "mon-fri 09:00-13:00"],
                                        database: database)
            #expect(elsewhere.status == 65, "\(elsewhere)")
            #expect(elsewhere.stderr.contains("this staff member does not work at that centre, so cannot be available there"))
            #expect(elsewhere.stderr.contains("staff_availability_works_at_centre_fk"))

            try ParticipantCommandTests.ok(["staff", "availability", "set", "ST-0042", "--centre", "AKT-RC", "mon-fri 09:00-13:00",
                                            "tue 14:00-18:00", "--from", "2030-01-07"], database)
            let detail = try #require(try ParticipantCommandTests.ok(["staff", "show", "ST-0042", "--format", "json"], database).json() as? [String: Any])
            let availability = try #require(detail["availability"] as? [[String: Any]])
            #expect(availability.count == 6)
            let show = try ParticipantCommandTests.ok(["staff", "show", "ST-0042"], database)
            #expect(show.stdout.contains("14:00"))

            let overlapping = try CLI.run(["staff", "availability", "set", "ST-0042", "--centre", "AKT-RC", "mon 09:00-13:00",
                                           "mon 12:00-14:00"], database: database)
            #expect(overlapping.status == 65, "\(overlapping)")
            #expect(overlapping.stderr == "homeward: error: ST-0042: hours \"Mon 09:00-13:00 and Mon 12:00-14:00\" overlap: give each "
                    + "weekday's hours once (for a break, end one window when the next begins)\n")

            // A window that clashes with the pattern at another centre is explained in words, not as a key dump.
            try ParticipantCommandTests.ok(["staff", "update", "ST-0042", "--add-centre", "ATY-CO"], database)
            let elsewhereClash = try CLI.run(["staff", "availability", "set", "ST-0042", "--centre", "ATY-CO", "tue 17:00-19:00",
                                              "--from", "2030-02-04"], database: database)
            #expect(elsewhereClash.status == 65, "\(elsewhereClash)")
            #expect(elsewhereClash.stderr == "homeward: error: ST-0042: hours \"Tue 17:00-19:00\" overlaps their availability at AKT-RC, "
                    + "Tue 14:00-18:00 (from 2030-01-07 on): nobody can be available in two places at once; change that centre's pattern first\n")
        }
    }

    @Test func everyStaffCommandHasHelpWithAnExample() throws {
        for command in ["staff add", "staff list", "staff show", "staff update", "staff availability set", "staff leave add",
                        "staff leave list"] {
            let help = try CLI.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0, "\(command): \(help)")
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
        }
    }
}
