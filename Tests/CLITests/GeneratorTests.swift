import Foundation
import Homeward
import Postgres
import TestSupport
import Testing
import WorldGenerator

/// `homeward demo generate`: a world in the demo's proportions, the same for a seed, whose history holds to every rule.
@Suite struct GeneratorTests {
    static let arguments = ["demo", "generate", "--participants", "200", "--centres", "6", "--history-weeks", "2", "--seed", "generator-test"]

    /// What two generations with one seed must agree on: the people, the staff, the sessions with who and where, attendance.
    static let fingerprint = """
        SELECT md5(string_agg(line, E'\\n' ORDER BY line)) FROM (
            SELECT concat_ws('|', 'p', case_number, given_name, family_name, birth_date, sex, languages::text, status) AS line
            FROM homeward.participants
            UNION ALL SELECT concat_ws('|', 's', code, given_name, languages::text, weekly_hour_limit) FROM homeward.staff
            UNION ALL SELECT concat_ws('|', 'e', p.case_number, e.programme_id, e.started_on, e.current_phase_id)
            FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id
            UNION ALL SELECT concat_ws('|', 'x', s.id, r.code, s.starts_at, s.session_type,
                                       (SELECT string_agg(st.code, ',' ORDER BY st.code) FROM homeward.session_staff x
                                        JOIN homeward.staff st ON st.id = x.staff_id WHERE x.session_id = s.id),
                                       (SELECT string_agg(p.case_number || ':' || coalesce(a.status, '-'), ',' ORDER BY p.case_number)
                                        FROM homeward.session_participants sp JOIN homeward.participants p ON p.id = sp.participant_id
                                        LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
                                        WHERE sp.session_id = s.id))
            FROM homeward.sessions s JOIN homeward.rooms r ON r.id = s.room_id
            UNION ALL SELECT concat_ws('|', 'a', participant_id, day, status) FROM homeward.school_attendance
        ) lines
        """

    private func generate(_ database: TestDatabase, _ arguments: [String] = Self.arguments) throws -> (CLI.Outcome, String) {
        let outcome = try database.cli(arguments)
        let print = try database.connect().query(Self.fingerprint).scalar(String.self)
        return (outcome, print)
    }

    @Test func aSmallWorldHasTheDemosProportionsHoldsToEveryRuleAndTheNightlyRunsOnIt() throws {
        try TestDatabase.withMigrated { database in
            let (outcome, first) = try generate(database)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stdout.contains("200 participants"), "\(outcome)")
            let connection = try database.connect()
            let counts = try connection.query(
                """
                SELECT (SELECT count(*) FROM homeward.centres), (SELECT count(*) FROM homeward.participants),
                       (SELECT count(*) FROM homeward.staff),
                       (SELECT count(*) FROM homeward.participants WHERE status = 'in_prison'),
                       (SELECT count(*) FROM homeward.participants WHERE homeward.age_on(birth_date, homeward.today()) >= 18 AND sex = 'female'),
                       (SELECT count(*) FROM homeward.enrolments WHERE status = 'active'),
                       (SELECT count(*) FROM homeward.school_enrolments), (SELECT count(*) FROM homeward.families),
                       (SELECT count(*) FROM homeward.attendance),
                       (SELECT count(*) FROM homeward.sessions WHERE starts_at < homeward.now() - interval '14 days' - interval '1 day')
                """).rows[0]
            #expect(try counts.decode(0, as: Int.self) == 6)
            #expect(try counts.decode(1, as: Int.self) == 200)
            // The demo's 37 staff per 120 participants (each line of its staff plan keeps at least one person).
            let staff = try counts.decode(2, as: Int.self)
            #expect((55...75).contains(staff), "staff \(staff)")
            // A sixth of them men in prison, a third women, every one enrolled; schoolchildren and families.
            #expect(try counts.decode(3, as: Int.self) == 34)
            #expect((60...72).contains(try counts.decode(4, as: Int.self)))
            #expect(try counts.decode(5, as: Int.self) == 200)
            #expect(try counts.decode(6, as: Int.self) > 10)
            #expect(try counts.decode(7, as: Int.self) > 10)
            // Two weeks of history: some four sessions a participant a week, none before it.
            let attendance = try counts.decode(8, as: Int.self)
            #expect((800...3000).contains(attendance), "attendance \(attendance)")
            #expect(try counts.decode(9, as: Int.self) == 0)

            // The second cluster is a copy of the first: as many sessions at each of its centres.
            let perCentre = try connection.query(
                """
                SELECT c.code, count(s.id) FROM homeward.centres c LEFT JOIN homeward.sessions s ON s.centre_id = c.id
                GROUP BY c.id, c.code ORDER BY c.id
                """).rows.map { try $0.decode(1, as: Int.self) }
            #expect(perCentre.count == 6 && Array(perCentre[0..<3]) == Array(perCentre[3..<6]), "\(perCentre)")
            #expect(perCentre.allSatisfy { $0 > 0 }, "\(perCentre)")

            // Every session, copies included, keeps every hard rule, checked independently in plain SQL.
            let check = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("SQL/checks/schedule_hard_rules.sql"),
                                   encoding: .utf8)
            let violations = try connection.query(check)
            #expect(violations.count == 0, "\(violations.rows.prefix(5).map { ($0.text(0) ?? "") + " " + ($0.text(2) ?? "") })")
            // Every copied row points at rows of its own cluster (the copy ran with triggers, foreign keys among them, off).
            #expect(try connection.query(
                """
                SELECT count(*) FROM homeward.session_participants sp
                JOIN homeward.sessions s ON s.id = sp.session_id
                LEFT JOIN homeward.participant_placements pl ON pl.participant_id = sp.participant_id AND pl.centre_id = s.centre_id
                LEFT JOIN homeward.participants p ON p.id = sp.participant_id
                WHERE pl.id IS NULL OR p.id IS NULL OR sp.during <> s.during
                """).scalar(Int.self) == 0)
            #expect(try connection.query(
                """
                SELECT count(*) FROM homeward.session_staff x JOIN homeward.sessions s ON s.id = x.session_id
                LEFT JOIN homeward.staff_centres sc ON sc.staff_id = x.staff_id AND sc.centre_id = s.centre_id
                WHERE sc.staff_id IS NULL OR x.during <> s.during
                """).scalar(Int.self) == 0)

            // A database that already holds a world is refused, and nothing is written.
            let again = try database.cli(Self.arguments)
            #expect(again.status == 65, "\(again)")
            #expect(again.stderr.contains("already holds data"), "\(again)")

            // The nightly runs on it, as the scheduler login runs it from cron.
            let nightly = try database.cli(["nightly", "--days", "7"])
            #expect([0, 3].contains(nightly.status), "\(nightly)")
            #expect(nightly.stdout.contains("nightly "), "\(nightly)")
            #expect(try connection.query("SELECT count(*) FROM homeward.sessions WHERE starts_at >= homeward.now()").scalar(Int.self) > 100)
            _ = first
        }
    }

    @Test func theSameSeedGivesTheSameWorldAndAnotherSeedAnother() throws {
        let first = try TestDatabase.withMigrated { try generate($0) }
        let second = try TestDatabase.withMigrated { try generate($0) }
        #expect(first.0.status == 0 && second.0.status == 0, "\(first.0)\n\(second.0)")
        #expect(first.0.stdout == second.0.stdout)
        #expect(first.1 == second.1)
        let other = try TestDatabase.withMigrated {
            try generate($0, Self.arguments.dropLast() + ["generator-test-2"])
        }
        #expect(other.0.status == 0, "\(other.0)")
        #expect(other.1 != first.1)
    }

    /// The pure generator: the shape follows the demo's proportions, and copies agree with their template in what rules read.
    @Test func copiesOfATemplateAgreeInWhatTheRulesRead() throws {
        let shape = WorldShape(participants: 10_000, historyWeeks: 4, seed: 1)
        #expect(shape.clusters == 83 && shape.centres == 249)
        #expect(WorldIDs(shape).staff * shape.clusters >= 3_000 && WorldIDs(shape).staff * shape.clusters <= 3_200)
        #expect(shape.templates == [0, 40])
        let generator = WorldGenerator(shape: shape, today: day("2026-12-01"))
        let template = generator.cluster(0), copy = generator.cluster(7)
        #expect(template.participants.map(\.birthDate) == copy.participants.map(\.birthDate))
        #expect(template.participants.map(\.languages) == copy.participants.map(\.languages))
        #expect(template.staff.map(\.roles) == copy.staff.map(\.roles))
        #expect(template.participants.map(\.caseNumber) != copy.participants.map(\.caseNumber))
        #expect(copy.participants.map(\.id) == template.participants.map { $0.id + 7 * WorldIDs(shape).participants })
        #expect((0..<shape.clusters).map(shape.size(ofCluster:)).reduce(0, +) == 10_000)
    }
}
