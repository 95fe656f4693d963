import Foundation
import Postgres
import TestSupport
import Testing

/// `make demo`'s main job, run for real against a database of its own: it must finish, and what it produces must hold up.
@Suite struct DemoTests {
    /// Runs `Scripts/demo` against `database` (the script rebuilds the database it is pointed at).
    private func runDemo(_ database: TestDatabase) throws -> CLI.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestDatabase.repositoryRoot.appendingPathComponent("Scripts/demo").path]
        var environment = ProcessInfo.processInfo.environment
        environment["PGDATABASE"] = database.name
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Outcome(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    @Test func theDemoRunsEndToEndAndItsNumbersHoldUp() throws {
        try TestDatabase.withEmpty { database in
            let demo = try runDemo(database)
            #expect(demo.status == 0, "\(demo.stdout.suffix(3000))")
            #expect(demo.stdout.contains("nightly "))
            #expect(demo.stdout.contains("== Open flags"))
            let connection = try database.connect()

            // The scheduler's sessions break no hard rule, checked independently in plain SQL.
            let checkFile = TestDatabase.repositoryRoot.appendingPathComponent("SQL/checks/schedule_hard_rules.sql")
            let check = try String(contentsOf: checkFile, encoding: .utf8)
            let violations = try connection.query(check)
            #expect(violations.count == 0, "\(violations.rows.prefix(5).map { ($0.text(0) ?? "") + " " + ($0.text(2) ?? "") })")
            #expect(try connection.query("SELECT count(*) FROM homeward.sessions WHERE schedule_run_id IS NOT NULL").scalar(Int.self) > 500)

            // The lists a coordinator reads fit 100 columns when stdout is not a terminal; --wide shows every column.
            for command in [["flags", "list", "--open"], ["progress", "--centre", "AKT-RC"], ["schedule", "show", "--centre", "AKT-RC"],
                            ["session", "list", "--centre", "AKT-RC"]] {
                let fitted = try CLI.run(command, database: database)
                let wide = try CLI.run(command + ["--wide"], database: database)
                #expect(fitted.status == 0 && wide.status == 0, "\(fitted) \(wide)")
                let widest = fitted.stdout.split(separator: "\n").map(\.count).max() ?? 0
                #expect(widest <= 100 && widest > 40, "\(command): \(widest) columns")
                let wideMax = wide.stdout.split(separator: "\n").map(\.count).max() ?? 0
                // The lists have more columns than fit; how wide a week's grid is depends on that week's sessions.
                #expect(command.first == "schedule" ? wideMax >= widest : wideMax > 100, "\(command) --wide: \(wideMax) columns")
            }

            // The progress the CLI prints equals the view's, for every participant of the demo.
            var fromCLI: [Int: [String: Any]] = [:]
            for centre in ["AKT-RC", "ALM-NGO", "KAR-PRISON"] {
                let progress = try CLI.run(["progress", "--centre", centre, "--format", "json"], database: database)
                #expect(progress.status == 0, "\(progress)")
                let rows = try #require(try progress.json() as? [[String: Any]])
                for row in rows { fromCLI[try #require(row["enrolment_id"] as? Int)] = row }
            }
            let view = try connection.query(
                """
                SELECT enrolment_id, required_to_date, planned, attended, missed, excused, unrecorded, pace::float8,
                       attendance_rate_last_28_days::float8
                FROM homeward.enrolment_progress
                """
            ).rows
            #expect(view.count == 120)
            #expect(fromCLI.count == view.count)
            for row in view {
                let id: Int = try row.decode(0)
                let cli = try #require(fromCLI[id], "enrolment \(id) missing from the CLI")
                for (index, column) in ["required_to_date", "planned", "attended", "missed", "excused", "unrecorded"].enumerated() {
                    #expect(cli[column] as? Int == (try row.decode(index + 1, as: Int.self)), "enrolment \(id): \(column)")
                }
                for (index, column) in ["pace", "attendance_rate_last_28_days"].enumerated() {
                    let expected = try row.decode(index + 7, as: Double?.self)
                    let actual = cli[column] as? Double
                    #expect((expected == nil && actual == nil) || abs((expected ?? -1) - (actual ?? -2)) < 1e-9, "enrolment \(id): \(column)")
                }
            }

            // Rerunning the nightly job the same day adds no session and leaves every flag (participant, rule, subject,
            // severity, status) as it was; so does evaluating the flags once more.
            let everyFlag = """
                SELECT coalesce(string_agg(p.case_number || ' ' || f.rule || ' ' || f.subject || ' ' || f.severity || ' ' || f.status, ', '
                                           ORDER BY p.case_number, f.rule, f.subject), '')
                FROM homeward.flags f JOIN homeward.participants p ON p.id = f.participant_id
                """
            let flagsBefore = try connection.query(everyFlag).scalar(String.self)
            #expect(!flagsBefore.isEmpty)
            let sessionsBefore = try connection.query("SELECT count(*) FROM homeward.sessions").scalar(Int.self)
            let again = try CLI.run(["nightly", "--days", "14"], database: database)
            #expect([0, 3].contains(again.status), "\(again)")
            #expect(again.stdout.contains("0 sessions created"))
            #expect(try connection.query("SELECT count(*) FROM homeward.sessions").scalar(Int.self) == sessionsBefore)
            let quiet = try CLI.run(["nightly", "--days", "14", "--quiet"], database: database)
            #expect([0, 3].contains(quiet.status) && quiet.stdout.isEmpty, "nothing new since the run before: \(quiet)")
            let evaluate = try CLI.run(["flags", "evaluate"], database: database)
            #expect(evaluate.status == 0, "\(evaluate)")
            #expect(try connection.query(everyFlag).scalar(String.self) == flagsBefore)

            // Participants who are behind reach the scheduler as such: behindScore = 1 − their slowest enrolment's pace.
            let instanceFile = FileManager.default.temporaryDirectory.appendingPathComponent("demo-instance-\(database.name).json")
            defer { try? FileManager.default.removeItem(at: instanceFile) }
            let export = try CLI.run(["schedule", "generate", "--days", "7", "--dry-run", "--quiet", "--export-instance", instanceFile.path],
                                     database: database)
            #expect([0, 3].contains(export.status), "\(export)")
            let instance = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: instanceFile)) as? [String: Any])
            let people = try #require(instance["participants"] as? [[String: Any]])
            let behindScores = Dictionary(uniqueKeysWithValues: people.compactMap { person in
                (person["id"] as? String).map { ($0, person["behindScore"] as? Double ?? 0) }
            })
            let paces = try connection.query(
                "SELECT case_number, min(pace)::float8 FROM homeward.enrolment_progress WHERE pace IS NOT NULL AND required_to_date > 0 GROUP BY 1"
            ).rows
            #expect(paces.count > 50)
            for row in paces {
                let caseNumber: String = try row.decode(0)
                guard let score = behindScores[caseNumber] else { continue }
                #expect(abs(score - max(0, min(1, 1 - (try row.decode(1, as: Double.self))))) < 1e-9, "\(caseNumber)")
            }
            #expect(behindScores.values.contains { $0 > 0.5 }, "the demo's drifting participants should be well behind")

            // Every oversight question runs against the demo data as a real login holding only homeward_oversight.
            let login = TestDatabase.uniqueLogin("demo_oversight")
            let grant = try CLI.run(["user", "grant", login, "--role", "oversight"], database: database)
            #expect(grant.status == 0, "\(grant)")
            defer { database.dropLogin(login, using: connection) }
            let oversight = try database.connect(as: login)
            let statements = try OversightExamples.statements()
            #expect(statements.count >= 12)
            var answered = 0
            for statement in statements {
                do {
                    if try oversight.query(statement).count > 0 { answered += 1 }
                } catch {
                    Issue.record("\(statement.prefix(200))\n→ \(error)")
                }
            }
            #expect(answered >= statements.count / 2, "only \(answered) of \(statements.count) questions found rows in the demo")
            #expect(throws: PostgresError.self) { try oversight.query("SELECT count(*) FROM homeward.participants") }

            try coordinatorsDayAtAktau(database, connection)
        }
    }

    /// A coordinator of the Aktau centre, with a login of their own, does their day's work through the CLI on the demo
    /// data — and reaches nothing at the other centres, whatever the what-if day says.
    private func coordinatorsDayAtAktau(_ database: TestDatabase, _ admin: Connection) throws {
        let login = TestDatabase.uniqueLogin("demo_coord")
        let grant = try CLI.run(["user", "grant", login, "--role", "coordinator", "--centre", "AKT-RC"], database: database)
        #expect(grant.status == 0, "\(grant)")
        defer { database.dropLogin(login, using: admin) }
        func run(_ arguments: [String]) throws -> CLI.Outcome { try CLI.run(arguments, database: database, environment: ["PGUSER": login]) }
        let today = try TestClock.today(admin)

        let arrival = try run(["participant", "add", "KZ-2026-9001", "--given-name", "Zhanna", "--family-name", "Arrived",
                               "--birth-date", "1996-05-05", "--sex", "female", "--languages", "kk,ru", "--region", "Atyrau",
                               "--returned-on", today.adding(days: -2).description, "--centre", "AKT-RC"])
        #expect(arrival.status == 0, "\(arrival)")
        let elsewhere = try run(["participant", "add", "KZ-2026-9002", "--given-name", "Arman", "--family-name", "Elsewhere",
                                 "--birth-date", "1990-05-05", "--sex", "male", "--languages", "kk", "--region", "Atyrau",
                                 "--returned-on", today.adding(days: -2).description, "--centre", "KAR-PRISON"])
        #expect(elsewhere.status == 77, "\(elsewhere)")

        // The new arrival's programme, her family with a relative, and a booking by hand with a psychologist of the centre.
        let enrolled = try run(["enrolment", "add", "KZ-2026-9001", "--programme", "WOMEN-RESIDENTIAL", "--start", today.description])
        #expect(enrolled.status == 0, "\(enrolled)")
        let family = try run(["family", "add", "Arrived household (Atyrau)", "--member", "KZ-2026-9001"])
        #expect(family.status == 0, "\(family)")
        let relative = try run(["family", "relative", "add", "--given-name", "Bibigul", "--family-name", "Arrived", "--region", "Atyrau"])
        #expect(relative.status == 0, "\(relative)")
        let linked = try run(["family", "link", "KZ-2026-9001", "--relative", relative.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                              "--relationship", "mother"])
        #expect(linked.status == 0, "\(linked)")
        // A psychologist of the centre speaking her language, free for an hour a month from now inside their availability,
        // the centre's hours and outside its timetable blocks: the rules a booking by hand is held to.
        let opening = try #require(try admin.query(
            """
            SELECT st.code, to_char(a.starts_at, 'HH24:MI')
            FROM homeward.staff st JOIN homeward.staff_roles r ON r.staff_id = st.id AND r.role = 'psychologist'
            JOIN homeward.centres c ON c.code = 'AKT-RC'
            JOIN homeward.staff_availability a ON a.staff_id = st.id AND a.centre_id = c.id
                 AND a.weekday = extract(isodow FROM homeward.actual_today() + 30) AND a.ends_at - a.starts_at >= interval '1 hour'
                 AND a.valid_from <= homeward.actual_today() + 30 AND (a.valid_to IS NULL OR a.valid_to >= homeward.actual_today() + 30)
            WHERE st.active AND 'kk' = ANY (st.languages)
              AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> homeward.actual_today() + 30)
              AND EXISTS (SELECT 1 FROM homeward.centre_opening_hours h WHERE h.centre_id = c.id AND h.weekday = a.weekday
                          AND h.opens_at <= a.starts_at AND h.closes_at >= a.starts_at + interval '1 hour')
              AND NOT EXISTS (SELECT 1 FROM homeward.centre_timetable_blocks b WHERE b.centre_id = c.id AND b.weekday = a.weekday
                              AND b.starts_at < a.starts_at + interval '1 hour' AND b.ends_at > a.starts_at)
              AND NOT EXISTS (
                SELECT 1 FROM homeward.session_staff ss JOIN homeward.sessions s ON s.id = ss.session_id
                WHERE ss.staff_id = st.id AND s.occupies
                  AND s.during && tstzrange(((homeward.actual_today() + 30) + a.starts_at) AT TIME ZONE c.time_zone,
                                            ((homeward.actual_today() + 30) + a.starts_at + interval '1 hour') AT TIME ZONE c.time_zone))
            ORDER BY st.code, a.starts_at LIMIT 1
            """).rows.first)
        let staffCode: String = try opening.decode(0)
        let booked = try run(["session", "add", "--type", "individual-counselling", "--centre", "AKT-RC", "--room", "C1",
                              "--start", "\(today.adding(days: 30)) \(try opening.decode(1, as: String.self))", "--minutes", "60",
                              "--staff", staffCode, "--participant", "KZ-2026-9001"])
        #expect(booked.status == 0, "\(booked)")
        // A flag of the centre, acknowledged; a file of two arrivals for the centre imported; one for the prison refused whole.
        let flag = try admin.query(
            """
            SELECT f.id FROM homeward.flags f JOIN homeward.participant_placements pl ON pl.participant_id = f.participant_id
            JOIN homeward.centres c ON c.id = pl.centre_id WHERE c.code = 'AKT-RC' AND pl.during @> homeward.actual_today() AND f.status = 'open'
            ORDER BY f.id LIMIT 1
            """).scalar(Int.self)
        let acknowledged = try run(["flags", "ack", String(flag), "--note", "home visit on Friday"])
        #expect(acknowledged.status == 0, "\(acknowledged)")
        let header = "case_number,given_name,family_name,patronymic,birth_date,sex,languages,region_of_origin,legal_situation,sentence_ends_on,status,returned_on,centre,placed_from\n"
        let files = FileManager.default.temporaryDirectory
        let own = files.appendingPathComponent("arrivals-akt-\(UUID().uuidString).csv")
        let mixed = files.appendingPathComponent("arrivals-mixed-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: own); try? FileManager.default.removeItem(at: mixed) }
        try (header + "KZ-2026-9003,Aida,First,,1998-01-01,female,kk,Atyrau,free,,intake,\(today.adding(days: -1)),AKT-RC,\(today)\n"
                    + "KZ-2026-9004,Asel,Second,,1999-02-02,female,ru,Atyrau,free,,intake,\(today.adding(days: -1)),AKT-RC,\(today)\n")
            .write(to: own, atomically: true, encoding: .utf8)
        try (header + "KZ-2026-9005,Aida,Third,,1998-01-01,female,kk,Atyrau,free,,intake,\(today.adding(days: -1)),AKT-RC,\(today)\n"
                    + "KZ-2026-9006,Bolat,Fourth,,1985-02-02,male,kk,Atyrau,convicted,2030-01-01,in_prison,\(today.adding(days: -1)),KAR-PRISON,\(today)\n")
            .write(to: mixed, atomically: true, encoding: .utf8)
        let imported = try run(["import", "participants", own.path])
        #expect(imported.status == 0, "\(imported)")
        let refusedImport = try run(["import", "participants", mixed.path])
        #expect(refusedImport.status == 77, "\(refusedImport)")
        #expect(try admin.query("SELECT count(*)::int FROM homeward.participants WHERE case_number IN ('KZ-2026-9003', 'KZ-2026-9004', 'KZ-2026-9005', 'KZ-2026-9006')").scalar(Int.self) == 2)

        // Attendance of a past Aktau session still missing it.
        let missing = try #require(try admin.query(
            """
            SELECT s.id, p.case_number FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
            JOIN homeward.session_participants sp ON sp.session_id = s.id JOIN homeward.participants p ON p.id = sp.participant_id
            WHERE c.code = 'AKT-RC' AND s.status = 'planned' AND s.starts_at < now()
              AND NOT EXISTS (SELECT 1 FROM homeward.attendance a WHERE a.session_id = s.id AND a.participant_id = p.id)
            ORDER BY s.starts_at DESC LIMIT 1
            """).rows.first)
        let recorded = try run(["attendance", "record", String(try missing.decode(0, as: Int.self)),
                                "--participant", try missing.decode(1, as: String.self), "--status", "attended"])
        #expect(recorded.status == 0, "\(recorded)")

        // Cancel one future Aktau session; move another to a slot where its room, staff and participants are free.
        let future = try admin.query(
            """
            SELECT s.id FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
            WHERE c.code = 'AKT-RC' AND s.status = 'planned' AND s.starts_at > now() + interval '2 days' ORDER BY s.starts_at, s.id LIMIT 2
            """).rows.map { try $0.decode(0, as: Int.self) }
        try #require(future.count == 2)
        let cancel = try run(["session", "cancel", String(future[0]), "--reason", "psychologist ill", "--by", "staff"])
        #expect(cancel.status == 0, "\(cancel)")
        let slot = try #require(try admin.query(
            """
            WITH s AS (SELECT * FROM homeward.sessions WHERE id = $1)
            SELECT to_char(t AT TIME ZONE 'Asia/Aqtau', 'YYYY-MM-DD HH24:MI')
            FROM s, generate_series(date_trunc('day', s.starts_at) + interval '1 day', date_trunc('day', s.starts_at) + interval '21 days',
                                    interval '15 minutes') AS t
            WHERE extract(isodow FROM t AT TIME ZONE 'Asia/Aqtau') BETWEEN 1 AND 3
              AND ((t AT TIME ZONE 'Asia/Aqtau')::time BETWEEN '09:00' AND '11:30'
                   OR (t AT TIME ZONE 'Asia/Aqtau')::time BETWEEN '14:00' AND '15:30')
              AND NOT EXISTS (
                  SELECT 1 FROM homeward.sessions o
                  WHERE o.occupies AND o.id <> s.id AND o.during && tstzrange(t, t + (s.ends_at - s.starts_at))
                    AND (o.room_id = s.room_id
                         OR EXISTS (SELECT 1 FROM homeward.session_staff a JOIN homeward.session_staff b ON b.staff_id = a.staff_id
                                    WHERE a.session_id = s.id AND b.session_id = o.id)
                         OR EXISTS (SELECT 1 FROM homeward.session_participants a JOIN homeward.session_participants b
                                    ON b.participant_id = a.participant_id WHERE a.session_id = s.id AND b.session_id = o.id)))
            ORDER BY t LIMIT 1
            """, [future[1]]).rows.first).decode(0, as: String.self)
        let moved = try run(["session", "reschedule", String(future[1]), "--start", slot, "--reason", "family visit", "--by", "participant"])
        #expect(moved.status == 0, "\(moved)")

        // A transfer to the Almaty NGO from tomorrow, and a withdrawal today: neither leaves a planned seat behind.
        let movers = try admin.query(
            """
            SELECT p.case_number FROM homeward.participants p
            JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> homeward.actual_today()
            JOIN homeward.centres c ON c.id = pl.centre_id AND c.code = 'AKT-RC'
            WHERE lower(pl.during) < homeward.actual_today() AND EXISTS (
                SELECT 1 FROM homeward.session_participants sp JOIN homeward.sessions s ON s.id = sp.session_id
                WHERE sp.participant_id = p.id AND s.status = 'planned' AND s.starts_at > now() + interval '2 days')
            ORDER BY p.case_number LIMIT 2
            """).rows.map { try $0.decode(0, as: String.self) }
        try #require(movers.count == 2)
        let transferred = try run(["participant", "transfer", movers[0], "--to", "ALM-NGO", "--on", today.adding(days: 1).description])
        #expect(transferred.status == 0, "\(transferred)")
        let withdrawn = try run(["participant", "discharge", movers[1], "--on", today.description, "--status", "withdrawn",
                                 "--reason", "moved abroad with her family"])
        #expect(withdrawn.status == 0, "\(withdrawn)")
        let left = try admin.query(
            """
            SELECT count(*)::int FROM homeward.session_participants sp JOIN homeward.sessions s ON s.id = sp.session_id
            JOIN homeward.participants p ON p.id = sp.participant_id JOIN homeward.centres c ON c.id = s.centre_id
            WHERE s.status = 'planned' AND (s.starts_at AT TIME ZONE c.time_zone)::date > $3::date
              AND ((p.case_number = $1 AND c.code = 'AKT-RC') OR p.case_number = $2)
            """, [movers[0], movers[1], today]).scalar(Int.self)
        #expect(left == 0)
        #expect(try admin.query(
            "SELECT count(*)::int FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id WHERE p.case_number = $1 AND e.status = 'active'",
            [movers[1]]).scalar(Int.self) == 0)
        // And the plan they leave is true: `psql -f SQL/checks/schedule_hard_rules.sql` prints nothing.
        try ScheduleFixture.expectNoViolations(admin)

        // Another centre's sessions: the CLI cannot find them, and plain SQL changes nothing.
        let prison = try #require(try admin.query(
            """
            SELECT s.id FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
            WHERE c.code = 'KAR-PRISON' AND s.status = 'planned' AND s.starts_at > now() LIMIT 1
            """).rows.first).decode(0, as: Int.self)
        #expect(try run(["session", "cancel", String(prison), "--reason", "x", "--by", "centre"]).status != 0)
        let coordinator = try database.connect(as: login)
        let prisonSessions = "(SELECT id FROM homeward.centres WHERE code = 'KAR-PRISON')"
        #expect(try coordinator.execute("DELETE FROM homeward.sessions WHERE centre_id = \(prisonSessions)") == 0)
        #expect(try coordinator.execute(
            "UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'x' WHERE centre_id = \(prisonSessions)") == 0)
        #expect(try admin.query("SELECT status FROM homeward.sessions WHERE id = $1", [prison]).scalar(String.self) == "planned")

        // Every view and the CLI's progress show Aktau only; the what-if day changes whom they see (it may move
        // progress itself, e.g. which age band a child was in then, but never the scope).
        func seen() throws -> [String] {
            try [
                "SELECT count(*) FROM homeward.participants", "SELECT count(*) FROM homeward.sessions",
                "SELECT count(*) FROM homeward.relatives", "SELECT count(*) FROM homeward.families",
                "SELECT count(*) FROM homeward.enrolment_progress", "SELECT count(DISTINCT case_number) FROM homeward.requirement_progress",
                "SELECT string_agg(DISTINCT centre_code, ',') FROM homeward.enrolment_progress",
            ].map { try coordinator.query($0).first?.text(0) ?? "" }
        }
        let before = try seen()
        #expect(before.last == "AKT-RC", "\(before)")
        let linkedElsewhere = try admin.query(
            """
            SELECT count(*)::int FROM homeward.relatives r WHERE NOT EXISTS (
                SELECT 1 FROM homeward.family_links fl JOIN homeward.participant_placements pl ON pl.participant_id = fl.participant_id
                JOIN homeward.centres c ON c.id = pl.centre_id
                WHERE fl.relative_id = r.id AND c.code = 'AKT-RC' AND pl.during @> homeward.actual_today())
            """).scalar(Int.self)
        let allRelatives = try admin.query("SELECT count(*)::int FROM homeward.relatives").scalar(Int.self)
        #expect(Int(before[2]) == allRelatives - linkedElsewhere, "\(before)")
        try coordinator.execute("SET homeward.today = '2026-01-15'")
        let after = try seen()
        #expect(after.dropLast() == before.dropLast(), "\(before) → \(after)")
        let progress = try run(["progress", "--centre", "KAR-PRISON", "--format", "json"])
        #expect(progress.status == 0, "\(progress)")
        #expect((try progress.json() as? [Any])?.isEmpty == true, "\(progress)")
    }
}
