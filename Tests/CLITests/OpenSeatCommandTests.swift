import Foundation
import Homeward
import Postgres
import TestSupport
import Testing

/// Newcomers join the groups that already meet (the nightly, and `session join` by hand); `session suggest` finds
/// feasible options with the scheduler's engine; `centre free` shows a day's free rooms and staff. As the logins that do
/// it: the coordinator of AKT-RC; oversight is refused.
@Suite struct OpenSeatCommandTests {
    /// A login with `role` (and AKT-RC for a coordinator) on this copy of the world.
    private func login(_ world: TestDatabase, _ role: String) throws -> String {
        let login = "seat_\(role)_" + UUID().uuidString.prefix(8).lowercased()
        let grant = try world.cli(["user", "grant", login, "--role", role] + (role == "coordinator" ? ["--centre", "AKT-RC"] : []))
        try #require(grant.status == 0, "\(grant)")
        return login
    }

    private func cli(_ world: TestDatabase, _ login: String, _ arguments: [String]) throws -> CLI.Outcome {
        try world.cli(arguments, environment: ["PGUSER": login])
    }

    /// A Kazakh- and Russian-speaking woman arriving at AKT-RC on `day`, enrolled in WOMEN-RESIDENTIAL from then, as the
    /// coordinator does it.
    private func arrive(_ world: TestDatabase, _ coordinator: String, _ caseNumber: String, on day: String, languages: String = "kk,ru") throws {
        let added = try cli(world, coordinator, [
            "participant", "add", caseNumber, "--given-name", "Aliya", "--family-name", "Newcomer", "--birth-date", "1994-05-01",
            "--sex", "female", "--languages", languages, "--region", "Mangystau", "--returned-on", day,
            "--status", "residential-rehabilitation", "--centre", "AKT-RC", "--placed-from", day])
        try #require(added.status == 0, "\(added)")
        let enrolled = try cli(world, coordinator, ["enrolment", "add", caseNumber, "--programme", "WOMEN-RESIDENTIAL", "--start", day])
        try #require(enrolled.status == 0, "\(enrolled)")
    }

    /// Opens the world's residential placements (they end on 2027-01-11), moves the enrolments' current phases to have
    /// begun two weeks ago, and plans next week from the database's today, so the tests book in the future on any date;
    /// returns today and that week's Monday.
    private func plannedWeek(_ world: TestDatabase) throws -> (today: LocalDate, monday: LocalDate) {
        let connection = try world.connect()
        try connection.execute("UPDATE homeward.participant_placements SET during = daterange(lower(during), NULL) WHERE upper(during) IS NOT NULL")
        let today = try TestClock.today(connection)
        // Their phases began two weeks ago, whatever day today is, so the week planned lies inside them.
        try connection.execute("UPDATE homeward.enrolments SET phase_started_on = $1::date - 14 WHERE status = 'active'", [today])
        let monday = today.adding(days: 7).startOfWeek
        let generated = try generate(world, from: monday)
        try #require([0, 3].contains(generated.status), "\(generated)")
        return (today, monday)
    }

    private func generate(_ world: TestDatabase, from monday: LocalDate) throws -> CLI.Outcome {
        let config = try ScheduleFixture.config()
        defer { try? FileManager.default.removeItem(at: config) }
        return try world.cli(["schedule", "generate", "--from", monday.description, "--days", "7", "--config", config.path])
    }

    private func count(_ connection: Connection, _ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try connection.query(sql, parameters).scalar(Int.self)
    }

    /// After a run has formed the week's theology groups, a woman who arrives gets seats in them on the next run, not
    /// `group_too_small`; the seats are checked by the booking rules and audited.
    @Test func newcomerJoinsTheGroupsThatAlreadyMeetOnTheNextRun() throws {
        try ScheduleFixture.withWorld { world in
            let (today, monday) = try plannedWeek(world)
            let coordinator = try login(world, "coordinator")
            try arrive(world, coordinator, "KZ-W-99", on: today.description)

            let second = try generate(world, from: monday)
            #expect([0, 3].contains(second.status), "\(second)")
            #expect(second.stdout.contains("seat(s) taken in groups that already meet"), "\(second)")
            let connection = try world.connect()
            let seats = try count(connection, """
                SELECT count(*)::int FROM homeward.session_participants sp
                JOIN homeward.participants p ON p.id = sp.participant_id JOIN homeward.sessions s ON s.id = sp.session_id
                WHERE p.case_number = 'KZ-W-99' AND s.mode = 'group'
                  AND s.schedule_run_id = (SELECT min(id) FROM homeward.schedule_runs)
                """)
            #expect(seats == 3, "three theology groups a week, all in groups of the first run")
            let tooSmall = try count(connection, """
                SELECT count(*)::int FROM homeward.schedule_unplaced u JOIN homeward.participants p ON p.id = u.participant_id
                WHERE p.case_number = 'KZ-W-99' AND u.reason = 'group_too_small'
                """)
            #expect(tooSmall == 0)
            let audited = try count(connection, """
                SELECT count(*)::int FROM audit.changes a JOIN homeward.participants p ON p.id = a.participant_id
                WHERE p.case_number = 'KZ-W-99' AND a.table_name = 'homeward.session_participants' AND a.operation = 'insert'
                """)
            #expect(audited >= seats)
            try ScheduleFixture.expectNoViolations(connection)
        }
    }

    /// `session join` seats a newcomer in a group with room; a full group, a group in a language she does not speak and an
    /// oversight login are refused with clear messages.
    @Test func joinSeatsANewcomerAndRefusesFullGroupsWrongLanguagesAndOversight() throws {
        try ScheduleFixture.withWorld { world in
            let (today, _) = try plannedWeek(world)
            let coordinator = try login(world, "coordinator")
            try arrive(world, coordinator, "KZ-W-99", on: today.description)
            try arrive(world, coordinator, "KZ-W-98", on: today.description)
            let connection = try world.connect()
            let group = try count(connection, """
                SELECT min(s.id)::int FROM homeward.sessions s WHERE s.mode = 'group' AND s.session_type = 'group_theology_class'
                AND s.centre_id = (SELECT id FROM homeward.centres WHERE code = 'AKT-RC')
                """)

            let joined = try cli(world, coordinator, ["session", "join", String(group), "--participant", "KZ-W-99"])
            #expect(joined.status == 0, "\(joined)")
            let shown = try cli(world, coordinator, ["session", "show", String(group)])
            #expect(shown.stdout.contains("KZ-W-99"), "\(shown)")
            let again = try cli(world, coordinator, ["session", "join", String(group), "--participant", "KZ-W-99"])
            #expect(again.status == 65 && again.stderr.contains("already seated"), "\(again)")

            // The hall now holds exactly those seated: the group is full.
            let seated = try count(connection, "SELECT count(*)::int FROM homeward.session_participants WHERE session_id = $1", [group])
            try connection.execute("UPDATE homeward.rooms SET capacity = $1 WHERE code = 'HALL'", [seated])
            let full = try cli(world, coordinator, ["session", "join", String(group), "--participant", "KZ-W-98"])
            #expect(full.status == 65, "\(full)")
            #expect(full.stderr.contains("full") && full.stderr.contains("room HALL holds \(seated)"), "\(full)")
            try connection.execute("UPDATE homeward.rooms SET capacity = 14 WHERE code = 'HALL'")

            // She speaks only Arabic; the group's religious expert does not.
            try connection.execute("UPDATE homeward.participants SET languages = '{ar}' WHERE case_number = 'KZ-W-98'")
            try connection.execute("""
                UPDATE homeward.staff SET languages = array_remove(languages, 'ar')
                WHERE id IN (SELECT staff_id FROM homeward.session_staff WHERE session_id = $1)
                """, [group])
            let language = try cli(world, coordinator, ["session", "join", String(group), "--participant", "KZ-W-98"])
            #expect(language.status == 65 && language.stderr.contains("shared language"), "\(language)")

            let oversight = try login(world, "oversight")
            let refused = try cli(world, oversight, ["session", "join", String(group), "--participant", "KZ-W-98"])
            #expect(refused.status == 77, "\(refused)")
        }
    }

    /// The first option `session suggest` prints can be booked as printed: a new individual session with `session add`,
    /// and a seat in a group that meets with `session join`. In the week after next, from the database's today.
    @Test func suggestListsRankedOptionsAndTheFirstCanBeBooked() throws {
        try ScheduleFixture.withWorld { world in
            let (today, monday) = try plannedWeek(world)
            let connection = try world.connect()
            let coordinator = try login(world, "coordinator")
            try arrive(world, coordinator, "KZ-W-99", on: today.description)

            let week = monday.isoWeek
            let table = try cli(world, coordinator, ["session", "suggest", "KZ-W-99", "--requirement", "WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND",
                                                     "--week", week, "--limit", "3"])
            #expect(table.status == 0, "\(table)")
            #expect(table.stdout.contains("Refused candidates") && table.stdout.contains("homeward session add"), "\(table)")

            let individual = try suggestion(world, coordinator, "PSY-IND", week: week)
            let options = try #require(individual["options"] as? [[String: Any]])
            try #require(options.count == 3, "\(individual)")
            let scores = options.compactMap { $0["score"] as? Double }
            #expect(scores == scores.sorted(by: >))
            let best = options[0]
            let booked = try cli(world, coordinator, [
                "session", "add", "--type", "individual-counselling", "--centre", try #require(best["centre_code"] as? String),
                "--room", try #require(best["room_code"] as? String), "--start", try #require(best["start"] as? String),
                "--minutes", String(try #require(best["minutes"] as? Int)),
                "--staff", try #require((best["staff_codes"] as? [String])?.first), "--participant", "KZ-W-99",
                "--requirement", "WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND"])
            #expect(booked.status == 0, "\(booked)")

            let group = try suggestion(world, coordinator, "THEO-GRP", week: week)
            let seats = try #require(group["options"] as? [[String: Any]])
            let seat = try #require(seats.first?["joins_session"] as? Int, "\(group)")
            let joined = try cli(world, coordinator, ["session", "join", String(seat), "--participant", "KZ-W-99"])
            #expect(joined.status == 0, "\(joined)")
            try ScheduleFixture.expectNoViolations(connection)

            let oversight = try login(world, "oversight")
            let refused = try cli(world, oversight, ["session", "suggest", "KZ-W-99", "--requirement", "WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND"])
            #expect(refused.status == 77, "\(refused)")
        }
    }

    private func suggestion(_ world: TestDatabase, _ login: String, _ requirement: String, week: String) throws -> [String: Any] {
        let outcome = try cli(world, login, ["session", "suggest", "KZ-W-99", "--requirement", "WOMEN-RESIDENTIAL/RESIDENTIAL/\(requirement)",
                                             "--week", week, "--limit", "3", "--format", "json"])
        try #require(outcome.status == 0, "\(outcome)")
        return try #require(try outcome.json() as? [String: Any])
    }

    /// `centre free` lists rooms and staff with free intervals in local time, minus sessions; a coordinator sees only their
    /// centres and oversight nothing.
    @Test func centreFreeShowsRoomsAndStaffForADay() throws {
        try ScheduleFixture.withWorld { world in
            let generated = try ScheduleFixture.generate(world)
            try #require([0, 3].contains(generated.status), "\(generated)")
            let coordinator = try login(world, "coordinator")
            // The first day the plan uses the hall (whichever day the scheduler chose).
            let connection = try world.connect()
            let day = try connection.query("""
                SELECT min((s.starts_at AT TIME ZONE 'Asia/Aqtau')::date)::text FROM homeward.sessions s
                JOIN homeward.rooms r ON r.id = s.room_id WHERE r.code = 'HALL'
                """).scalar(String.self)
            let free = try cli(world, coordinator, ["centre", "free", "AKT-RC", "--day", day, "--format", "json"])
            #expect(free.status == 0, "\(free)")
            let rows = try #require(try free.json() as? [[String: Any]])
            let hall = rows.filter { $0["kind"] as? String == "room" && $0["code"] as? String == "HALL" }
            #expect(!hall.isEmpty && hall.count < 20, "\(hall)")
            #expect(hall.first?["from"] as? String == "08:00" || (hall.first?["from"] as? String ?? "") > "08:00", "\(hall)")
            #expect(rows.contains { $0["kind"] as? String == "staff" })
            // The hall is not free while one of its sessions runs.
            let busy: String = try connection.query("""
                SELECT to_char(min(s.starts_at) AT TIME ZONE 'Asia/Aqtau', 'HH24:MI') FROM homeward.sessions s
                JOIN homeward.rooms r ON r.id = s.room_id WHERE r.code = 'HALL'
                  AND (s.starts_at AT TIME ZONE 'Asia/Aqtau')::date = $1::date
                """, [day]).scalar(String.self)
            #expect(!hall.contains { ($0["from"] as? String ?? "") <= busy && busy < ($0["to"] as? String ?? "") }, "\(hall) \(busy)")
            let sql = try count(connection, "SELECT count(*)::int FROM homeward.centre_free('AKT-RC', $1::date)", [day])
            #expect(sql == rows.count)

            let other = try cli(world, coordinator, ["centre", "free", "ALM-NGO", "--day", day])
            #expect(other.status == 77, "\(other)")
            let oversight = try login(world, "oversight")
            #expect(try cli(world, oversight, ["centre", "free", "AKT-RC", "--day", day]).status == 77)
        }
    }
}
