import Foundation
import Postgres
import Scheduler
import TestSupport
import Testing

/// The nightly job, `homeward schedule generate`, and the views of its result, through the real binary on the
/// `ScheduleFixture` world (two centres, eleven staff, twenty-six participants, two weeks).
@Suite struct ScheduleCommandTests {
    // MARK: helpers

    /// Counts of every table a run writes, to compare before and after.
    private func footprint(_ connection: Connection) throws -> [Int] {
        try ["sessions", "session_staff", "session_participants", "schedule_runs", "schedule_unplaced"].map {
            try connection.int("SELECT count(*)::int FROM homeward.\($0)")
        }
    }

    /// The numbers of the one-line summary: demand, placed, unplaced, sessions.
    private func summary(_ outcome: CLI.Outcome) throws -> (demand: Int, placed: Int, unplaced: Int, sessions: Int) {
        let line = try #require(outcome.stdout.split(separator: "\n").last.map(String.init), "\(outcome)")
        let numbers = line.replacingOccurrences(of: "2026-12-07 +14d", with: "")
            .split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        try #require(numbers.count >= 4, "\(outcome)")
        return (numbers[0], numbers[1], numbers[2], numbers[3])
    }

    // MARK: the run and its record

    @Test func generateWritesSessionsThatPassTheHardRuleCheckAndRecordsTheRun() throws {
        try ScheduleFixture.withWorld { database in
            let run = try ScheduleFixture.generate(database)
            // KZ-W-10 speaks only Arabic and no social worker does: some demand stays unplaced, so cron is told (exit 3).
            #expect(run.status == 3, "\(run)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.count == 1, "\(run)")
            #expect(run.stdout.hasPrefix("schedule 2026-12-07 +14d: demand "), "\(run)")
            #expect(run.stdout.contains("sessions created (run 1, "), "\(run)")
            let (demand, placed, unplaced, created) = try summary(run)
            #expect(demand == placed + unplaced && placed > 150 && unplaced > 0, "\(run)")

            let connection = try database.connect()
            #expect(try connection.int("SELECT count(*)::int FROM homeward.sessions WHERE schedule_run_id = 1 AND status = 'planned'") == created)
            let record = try #require(try connection.query(
                "SELECT demand, placed, unplaced, sessions_created, horizon_from::text, horizon_days, application_name FROM homeward.schedule_runs"
            ).rows.first)
            #expect(try record.decode(0, as: Int.self) == demand)
            #expect(try record.decode(1, as: Int.self) == placed)
            #expect(try record.decode(2, as: Int.self) == unplaced)
            #expect(try record.decode(3, as: Int.self) == created)
            #expect(try record.decode(4, as: String.self) == "2026-12-07")
            #expect(try record.decode(5, as: Int.self) == 14)
            #expect(try record.decode(6, as: String.self) == "homeward schedule generate")
            // Every session has its staff member and its participants.
            #expect(try connection.int("""
                SELECT count(*)::int FROM homeward.sessions s
                WHERE NOT EXISTS (SELECT 1 FROM homeward.session_staff ss WHERE ss.session_id = s.id)
                   OR NOT EXISTS (SELECT 1 FROM homeward.session_participants sp WHERE sp.session_id = s.id)
                """) == 0)

            // The DBA's plain-SQL check finds nothing, and the database's own rules accept every session again.
            try ScheduleFixture.expectNoViolations(connection)
            _ = try connection.query("SELECT homeward.check_session_rules(array_agg(id)) FROM homeward.sessions")
        }
    }

    @Test func theHardRuleCheckFindsABrokenRuleWhoeverWroteIt() throws {
        try ScheduleFixture.withWorld { database in
            _ = try ScheduleFixture.generate(database)
            let connection = try database.connect()
            // A DBA moves a scheduled session into the lunch block on a Sunday, when the centre is closed and its staff
            // member has no availability, bypassing the scheduler. The database refuses, naming a planning rule…
            let id = try connection.int("""
                SELECT min(s.id)::int FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
                WHERE c.code = 'AKT-RC' AND s.mode = 'individual' AND s.session_type = 'individual_counselling'
                """)
            let move = """
                UPDATE homeward.sessions SET starts_at = ('2026-12-13 13:00'::timestamp AT TIME ZONE 'Asia/Aqtau'),
                                             ends_at = ('2026-12-13 14:00'::timestamp AT TIME ZONE 'Asia/Aqtau')
                WHERE id = $1
                """
            let refused = #expect(throws: PostgresError.self) { try connection.execute(move, [id]) }
            #expect(refused?.constraint?.hasPrefix("session_") == true && refused?.hint?.contains("--override") == true,
                    "\(String(describing: refused))")
            // …and with an override it goes through, yet the check still names every rule the session breaks.
            try connection.execute("UPDATE homeward.sessions SET override_reason = 'DBA test of the check' WHERE id = $1", [id])
            try connection.execute(move, [id])
            let found = try ScheduleFixture.violations(connection)
            #expect(found.contains { $0.hasPrefix("timetable_block \(id):") && $0.contains("Lunch") }, "\(found)")
            #expect(found.contains { $0.hasPrefix("staff_availability \(id):") }, "\(found)")
            #expect(found.contains { $0.hasPrefix("centre_hours \(id):") }, "\(found)")
            #expect(found.allSatisfy { $0.contains(" \(id):") }, "\(found)")

            // Reference data changed under the plan (no trigger re-judges these): the check sees it.
            try connection.runScript(
                """
                UPDATE homeward.participants SET languages = '{tg}' WHERE case_number = 'KZ-W-03';
                UPDATE homeward.staff SET weekly_hour_limit = 1 WHERE code = 'ST-03';
                INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, school_day_starts_at, school_day_ends_at, enrolled_from)
                SELECT p.id, s.id, 3, '08:00', '18:00', '2026-12-01' FROM homeward.participants p, homeward.schools s
                WHERE p.case_number = 'KZ-K-02' AND s.code = 'ALM-SCH-41';
                """)
            let more = try ScheduleFixture.violations(connection)
            #expect(more.contains { $0.hasPrefix("no_shared_language ") && $0.contains("participant KZ-W-03 speaks {tg}") }, "\(more)")
            #expect(more.contains { $0.hasPrefix("staff_weekly_limit ") && $0.contains("staff ST-03 has ") }, "\(more)")
            #expect(more.contains { $0.hasPrefix("school_hours ") && $0.contains("participant KZ-K-02 is at school") }, "\(more)")
        }
    }

    @Test func aSecondRunTheSameNightAddsNothing() throws {
        try ScheduleFixture.withWorld { database in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let connection = try database.connect()
            _ = try ScheduleFixture.generate(database, config: config)
            let before = try connection.int("SELECT count(*)::int FROM homeward.sessions")

            let again = try ScheduleFixture.generate(database, config: config)
            #expect(again.status == 3, "\(again)")
            #expect(again.stdout.contains("placed 0,") && again.stdout.contains(" 0 sessions created (run 2, "), "\(again)")
            #expect(try connection.int("SELECT count(*)::int FROM homeward.sessions") == before)
            #expect(try connection.int("SELECT sessions_created FROM homeward.schedule_runs WHERE id = 2") == 0)
            // The second run's demand is exactly what the first left unplaced.
            #expect(try connection.int("SELECT demand FROM homeward.schedule_runs WHERE id = 2")
                    == connection.int("SELECT unplaced FROM homeward.schedule_runs WHERE id = 1"))
            try ScheduleFixture.expectNoViolations(connection)
        }
    }

    @Test func dryRunPrintsWhatWouldChangeAndWritesNothing() throws {
        try ScheduleFixture.withWorld { database in
            let connection = try database.connect()
            let before = try footprint(connection)
            let dry = try ScheduleFixture.generate(database, ["--dry-run"])
            #expect(dry.status == 3, "\(dry)")
            #expect(dry.stdout.contains("start "), "\(dry)")
            #expect(dry.stdout.contains("KZ-W-10") && dry.stdout.contains("AKT-RC/HALL"), "\(dry)")
            #expect(dry.stdout.contains("sessions would be created (dry run, nothing written"), "\(dry)")
            let (_, _, _, wouldCreate) = try summary(dry)
            #expect(wouldCreate > 0)
            #expect(try footprint(connection) == before)
            #expect(before[0] == 0 && before[3] == 0)
        }
    }

    @Test func quietIsSilentWhenAllIsPlacedAndUnplacedDemandExitsThreeWithGaps() throws {
        try ScheduleFixture.withWorld { database in
            // ALM-NGO's children can all be placed (after school): exit 0, nothing printed.
            let quiet = try ScheduleFixture.generate(database, ["--centre", "alm-ngo", "--quiet"])
            #expect(quiet.status == 0, "\(quiet)")
            #expect(quiet.stdout.isEmpty, "\(quiet)")
            let connection = try database.connect()
            #expect(try connection.int("SELECT count(*)::int FROM homeward.sessions") > 0)
            #expect(try connection.int("SELECT unplaced FROM homeward.schedule_runs") == 0)

            // Every centre: KZ-W-10 cannot be placed with a social worker; even --quiet prints the summary for cron.
            let all = try ScheduleFixture.generate(database, ["--quiet"])
            #expect(all.status == 3, "\(all)")
            #expect(all.stdout.hasPrefix("schedule 2026-12-07 +14d: demand "), "\(all)")

            let gaps = try database.cli(["schedule", "gaps", "--format", "csv"])
            #expect(gaps.status == 0, "\(gaps)")
            let rows = gaps.stdout.split(separator: "\r\n").map(String.init)
            #expect(rows.first == "run,case,centre,requirement,week,sessions,reason,detail", "\(gaps)")
            #expect(rows.contains { $0.hasPrefix("2,KZ-W-10,AKT-RC,WOMEN-RESIDENTIAL/RESIDENTIAL/SOC-WORK,2026-W50,1,no_staff_with_language,") },
                    "\(gaps)")
            #expect(rows.contains { $0.contains("KZ-W-10") && $0.contains("SOC-WORK") && $0.contains("speaking ar") }, "\(gaps)")
            // Reason codes only from the documented list.
            let reasons = Set(rows.dropFirst().map { $0.split(separator: ",")[6] })
            #expect(!reasons.isEmpty)
            #expect(reasons.isSubset(of: ["no_staff_with_role", "no_staff_with_language", "no_child_cleared_staff", "no_room_of_kind",
                                          "room_too_small", "no_common_time", "staff_weekly_limit", "participant_daily_limit",
                                          "group_too_small", "participant_unavailable", "displaced_by_higher_priority",
                                          "participant_ages_out", "no_family_recorded"]), "\(reasons)")
            #expect(try connection.int("SELECT count(*)::int FROM homeward.schedule_unplaced WHERE schedule_run_id = 2") == rows.count - 1)
        }
    }

    // MARK: the lock and a killed run

    @Test func aSecondConcurrentRunExitsAtOnceWith75() throws {
        try ScheduleFixture.withWorld { database in
            let holder = try database.connect()
            #expect(try holder.query("SELECT pg_try_advisory_lock($1)", [TestDatabase.scheduleLockKey]).scalar(Bool.self))
            let started = Date()
            let busy = try ScheduleFixture.generate(database)
            #expect(busy.status == 75, "\(busy)")
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(busy.stderr.contains("another schedule run is in progress"), "\(busy)")
            #expect(busy.stdout.isEmpty)
            #expect(try footprint(holder) == [0, 0, 0, 0, 0])

            _ = try holder.query("SELECT pg_advisory_unlock($1)", [TestDatabase.scheduleLockKey])
            #expect(try ScheduleFixture.generate(database).status == 3)
        }
    }

    // MARK: nightly reruns

    /// Every flag as (participant, rule, subject, severity, status), and how many flag events there are.
    private func flagState(_ connection: Connection) throws -> (flags: [String], events: Int) {
        let flags: [String] = try connection.query(
            """
            SELECT p.case_number || ' ' || f.rule || ' ' || f.subject || ' ' || f.severity || ' ' || f.status
            FROM homeward.flags f JOIN homeward.participants p ON p.id = f.participant_id ORDER BY 1
            """).rows.map { try $0.decode(0) }
        return (flags, try connection.query("SELECT count(*)::int FROM homeward.flag_events").scalar(Int.self))
    }

    @Test func nightlyRerunsOnOneDayChangeNoFlagAndARunThatLostTheLockChangesNothing() throws {
        try ScheduleFixture.withWorld { database in
            let settings = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: settings) }
            func nightly(on day: String) throws -> CLI.Outcome {
                try CLI.run(["nightly", "--days", "14", "--config", settings.path],
                            environment: ["PGDATABASE": database.name, "PGOPTIONS": "-c homeward.today=\(day)"])
            }
            func unplacedFlag(_ connection: Connection) throws -> [String] {
                try connection.query(
                    """
                    SELECT f.severity || ' ' || coalesce(f.inputs ->> 'nights_in_a_row', 'standing') || ' '
                           || coalesce(f.inputs ->> 'nights', f.inputs ->> 'missing')
                    FROM homeward.flags f JOIN homeward.participants p ON p.id = f.participant_id
                    WHERE f.rule = 'requirement_unplaced' AND p.case_number = $1 AND f.status = 'open' ORDER BY f.subject
                    """, [ScheduleFixture.arabicOnly]).rows.map { try $0.decode(0) }
            }
            let connection = try database.connect()
            // Two nights leave the Arabic speaker's counselling unplaced (nobody speaks Arabic but ST-02, who is full).
            // Exit 3 on the first night only: the same servable demand unplaced again is not news.
            for (day, status) in [("2026-12-05", 3), ("2026-12-06", 0)] {
                let run = try nightly(on: day)
                #expect(run.status == status, "\(run)")
            }
            let first = try nightly(on: "2026-12-07")
            #expect(first.status == 0, "\(first)")
            let unplaced = try unplacedFlag(connection)
            // Capacity counts nights; nobody with the language at all is one standing flag (concern from the first night).
            #expect(!unplaced.isEmpty && unplaced.allSatisfy {
                ($0.hasPrefix("watch 2 ") && $0.contains("2026-12-06") && $0.contains("2026-12-05")) || $0.hasPrefix("concern standing ")
            }, "\(unplaced)")
            let before = try flagState(connection)
            #expect(!before.flags.isEmpty)

            // Two more nightly runs and a flags evaluation the same day: every flag as it was, not one event more.
            for _ in 0..<2 {
                let again = try nightly(on: "2026-12-07")
                #expect(again.status == 0, "\(again)")
            }
            let evaluate = try CLI.run(["flags", "evaluate", "--quiet", "--config", settings.path],
                                       environment: ["PGDATABASE": database.name, "PGOPTIONS": "-c homeward.today=2026-12-07"])
            #expect(evaluate.status == 0, "\(evaluate)")
            let after = try flagState(connection)
            #expect(after.flags == before.flags)
            #expect(after.events == before.events)
            #expect(try unplacedFlag(connection) == unplaced)

            // The next night, while another run holds the lock: nothing at all (the flags would have moved on).
            let runs = try connection.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self)
            let holder = try database.connect()
            #expect(try holder.query("SELECT pg_try_advisory_lock($1)", [TestDatabase.scheduleLockKey]).scalar(Bool.self))
            let busy = try nightly(on: "2026-12-08")
            #expect(busy.status == 75, "\(busy)")
            #expect(busy.stderr.contains("another schedule run is in progress") && busy.stdout.isEmpty, "\(busy)")
            #expect(try flagState(connection) == before)
            #expect(try connection.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self) == runs)
            _ = try holder.query("SELECT pg_advisory_unlock($1)", [TestDatabase.scheduleLockKey])

            // With the lock free, the night counts: three nights, concern.
            let next = try nightly(on: "2026-12-08")
            #expect(next.status == 0, "\(next)")
            #expect(try unplacedFlag(connection).allSatisfy { $0.hasPrefix("concern 3 ") || $0.hasPrefix("concern standing ") })
        }
    }

    @Test func nightlyQuietPrintsNothingOnSuccessNorWhatTheNightBeforeAlreadySaid() throws {
        // Nothing to plan: success, and not a word.
        try TestDatabase.withMigrated { database in
            let quiet = try CLI.run(["nightly", "--quiet"], database: database)
            #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet)")
        }
        try ScheduleFixture.withWorld { database in
            let settings = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: settings) }
            func nightly(on day: String, _ extra: [String] = []) throws -> CLI.Outcome {
                try CLI.run(["nightly", "--days", "14", "--config", settings.path] + extra,
                            environment: ["PGDATABASE": database.name, "PGOPTIONS": "-c homeward.today=\(day)"])
            }
            // The first night's unplaced demand is news (exit 3: servable demand newly unplaced); the same gaps the next
            // night, or again that night, are not: nothing printed, and exit 0, so cron does not mail every night.
            let first = try nightly(on: "2026-12-05", ["--quiet"])
            #expect(first.status == 3 && first.stdout.contains("newly unplaced since the run before"), "\(first)")
            let second = try nightly(on: "2026-12-06", ["--quiet"])
            #expect(second.status == 0 && second.stdout.isEmpty && second.stderr.isEmpty, "\(second)")
            let rerun = try nightly(on: "2026-12-06", ["--quiet"])
            #expect(rerun.status == 0 && rerun.stdout.isEmpty, "\(rerun)")
            let loud = try nightly(on: "2026-12-06")
            #expect(loud.status == 0 && loud.stdout.contains("0 requirement(s) newly unplaced since the run before"), "\(loud)")
        }
    }

    @Test func killingTheJobMidRunLeavesTheDatabaseAsBefore() throws {
        try ScheduleFixture.withWorld { database in
            // Something already planned, so "as before" is not just "empty".
            #expect(try ScheduleFixture.generate(database, ["--centre", "ALM-NGO"]).status == 0)
            let observer = try database.connect()
            let before = try footprint(observer)

            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            // Runs are counted in work and stop early, so nothing takes long: hold the job inside its write transaction
            // instead, by locking the run table it inserts into first, and kill it while it waits there.
            let blocker = try database.connect()
            try blocker.execute("BEGIN")
            try blocker.execute("LOCK TABLE homeward.schedule_runs IN SHARE ROW EXCLUSIVE MODE")
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["schedule", "generate", "--from", ScheduleFixture.from, "--days", ScheduleFixture.days, "--config", config.path]
            var environment = ProcessInfo.processInfo.environment
            environment["PGDATABASE"] = database.name
            environment["HOMEWARD_HOME"] = TestDatabase.repositoryRoot.path
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()

            // Wait until the job holds the lock (it is then reading or solving), then give it a second more.
            let lockHeld = """
                SELECT count(*)::int FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.objid = \(TestDatabase.scheduleLockKey) AND l.granted AND a.datname = current_database()
                """
            var waited = 0
            while try observer.int(lockHeld) == 0 && waited < 100 {
                usleep(50_000)
                waited += 1
            }
            #expect(try observer.int(lockHeld) == 1)
            let waiting = """
                SELECT count(*)::int FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'relation' AND l.relation = 'homeward.schedule_runs'::regclass AND NOT l.granted
                  AND a.datname = current_database()
                """
            waited = 0
            while try observer.int(waiting) == 0 && waited < 600 {
                usleep(50_000)
                waited += 1
            }
            #expect(try observer.int(waiting) == 1, "the job never reached its write")
            #expect(process.isRunning, "the job ended before it could be killed")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            // Let the orphaned backend go on: it finds its client gone at the next command and rolls everything back.
            try blocker.execute("ROLLBACK")

            // The server notices the dead client and releases its lock; nothing of the run was written.
            waited = 0
            while try observer.int(lockHeld) > 0 && waited < 100 {
                usleep(50_000)
                waited += 1
            }
            #expect(try observer.int(lockHeld) == 0)
            #expect(try observer.query("SELECT pg_try_advisory_lock($1)", [TestDatabase.scheduleLockKey]).scalar(Bool.self))
            _ = try observer.query("SELECT pg_advisory_unlock($1)", [TestDatabase.scheduleLockKey])
            #expect(try footprint(observer) == before)
            #expect(try ScheduleFixture.violations(observer) == [])
        }
    }

    // MARK: the instance file

    @Test func theExportedInstanceDecodesAndSolvesWithoutViolations() throws {
        try ScheduleFixture.withWorld { database in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("instance-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            let run = try ScheduleFixture.generate(database, ["--dry-run", "--export-instance", file.path])
            #expect(run.status == 3, "\(run)")
            #expect(run.stderr.contains("wrote the scheduling instance to \(file.path)"), "\(run)")

            let instance = try JSONDecoder().decode(Instance.self, from: Data(contentsOf: file))
            let (demand, placed, _, _) = try summary(run)
            #expect(instance.demands.count == demand)
            #expect(instance.participants.count == 26)
            #expect(instance.staff.count == 11)
            #expect(instance.rooms.count == 10)
            // The exported instance reproduces the run anywhere: same budget (in work), same seed, same plan.
            let solution = Scheduler.solve(instance)
            #expect(solution.violations(of: instance) == [])
            #expect(!solution.sessions.isEmpty)
            #expect(demand - solution.unplaced.count == placed)
            let again = Scheduler.solve(instance)
            #expect(again.sessions == solution.sessions && again.unplaced == solution.unplaced)
            #expect(solution.stats.stopReason != .timeCap)
        }
    }

    // MARK: looking at the schedule

    @Test func showGapsExplainAndExportDescribeTheGeneratedWeek() throws {
        try ScheduleFixture.withWorld { database in
            _ = try ScheduleFixture.generate(database)
            let connection = try database.connect()

            let grid = try database.cli(["schedule", "show", "--centre", "akt-rc", "--week", ScheduleFixture.firstWeek])
            #expect(grid.status == 0, "\(grid)")
            #expect(grid.stdout.contains("AKT-RC — week 2026-W50 (2026-12-07 to 2026-12-13)"), "\(grid.stdout)")
            for room in ["C1", "C2", "HALL", "FAM", "PLAY"] { #expect(grid.stdout.contains(room), "\(room)\n\(grid.stdout)") }
            #expect(grid.stdout.contains("THEO ") && grid.stdout.contains("PSY "), "\(grid.stdout)")

            // One participant's and one staff member's week: exactly their sessions.
            let mine = try database.cli(["schedule", "show", "--participant", "kz-w-03", "--week", ScheduleFixture.firstWeek, "--format", "csv"])
            #expect(mine.status == 0, "\(mine)")
            let mineRows = mine.stdout.split(separator: "\r\n").dropFirst()
            #expect(mineRows.count == (try connection.int("""
                SELECT count(*)::int FROM homeward.sessions s JOIN homeward.session_participants sp ON sp.session_id = s.id
                JOIN homeward.participants p ON p.id = sp.participant_id
                WHERE p.case_number = 'KZ-W-03' AND s.starts_at >= '2026-12-07 00:00+05' AND s.starts_at < '2026-12-14 00:00+05'
                """)))
            #expect(!mineRows.isEmpty && mineRows.allSatisfy { $0.contains("KZ-W-03") }, "\(mine.stdout)")

            let staffWeek = try database.cli(["schedule", "show", "--staff", "st-01", "--week", ScheduleFixture.secondWeek, "--format", "csv"])
            #expect(staffWeek.status == 0, "\(staffWeek)")
            let staffRows = staffWeek.stdout.split(separator: "\r\n").dropFirst()
            #expect(!staffRows.isEmpty && staffRows.allSatisfy { $0.contains("ST-01") }, "\(staffWeek.stdout)")

            // explain: every requirement of the phase, required vs planned, and why something is missing.
            let explain = try database.cli(["schedule", "explain", "KZ-W-10", "--week", ScheduleFixture.firstWeek, "--format", "csv"])
            #expect(explain.status == 0, "\(explain)")
            let explained = explain.stdout.split(separator: "\r\n").map(String.init)
            #expect(explained.first == "requirement,type,role,required,planned,held,staff,why_missing", "\(explain.stdout)")
            #expect(explained.count == 6, "\(explain.stdout)")
            for code in ["PSY-IND", "REL-CONS", "THEO-GRP", "FAM-SESSION", "SOC-WORK"] {
                #expect(explained.contains { $0.hasPrefix("WOMEN-RESIDENTIAL/RESIDENTIAL/\(code),") }, "\(code)\n\(explain.stdout)")
            }
            #expect(explained.contains { $0.hasPrefix("WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND,") && $0.contains(",2,2,0,ST-02,") },
                    "\(explain.stdout)")
            #expect(explained.contains { $0.hasPrefix("WOMEN-RESIDENTIAL/RESIDENTIAL/SOC-WORK,") && $0.contains(",1,0,0,,no_staff_with_language") },
                    "\(explain.stdout)")

            // The iCalendar feed of a staff member: one VEVENT per session of theirs.
            let ics = try database.cli(["schedule", "export", "--staff", "st-01", "--format", "ics", "--from", ScheduleFixture.from,
                                   "--days", ScheduleFixture.days])
            #expect(ics.status == 0, "\(ics)")
            #expect(ics.stdout.hasPrefix("BEGIN:VCALENDAR"), "\(ics.stdout.prefix(200))")
            #expect(ics.stdout.contains("END:VCALENDAR"))
            let events = ics.stdout.components(separatedBy: "BEGIN:VEVENT").count - 1
            let sessions = try connection.int("""
                SELECT count(*)::int FROM homeward.sessions s JOIN homeward.session_staff ss ON ss.session_id = s.id
                JOIN homeward.staff st ON st.id = ss.staff_id WHERE st.code = 'ST-01'
                """)
            #expect(sessions > 0 && events == sessions, "\(events) events, \(sessions) sessions")
        }
    }

    // MARK: hard rules seen in the result

    @Test func noChildIsPlannedDuringSchoolHours() throws {
        try ScheduleFixture.withWorld { database in
            _ = try ScheduleFixture.generate(database)
            let connection = try database.connect()
            let childSessionsOnSchoolDays = """
                FROM homeward.sessions s
                JOIN homeward.centres c ON c.id = s.centre_id
                JOIN homeward.session_participants sp ON sp.session_id = s.id
                JOIN homeward.school_enrolments se ON se.participant_id = sp.participant_id
                 AND extract(isodow FROM s.starts_at AT TIME ZONE c.time_zone)::smallint = ANY (se.school_weekdays)
                """
            // Not vacuous: schoolchildren do have sessions on school days, in the morning shift and in the afternoon shift.
            #expect(try connection.int("SELECT count(*)::int " + childSessionsOnSchoolDays) > 5)
            #expect(try connection.int("SELECT count(*)::int " + childSessionsOnSchoolDays + " WHERE se.shift = 'afternoon'") > 0)
            #expect(try connection.int("SELECT count(*)::int " + childSessionsOnSchoolDays + """
                 WHERE homeward.timerange((s.starts_at AT TIME ZONE c.time_zone)::time, (s.ends_at AT TIME ZONE c.time_zone)::time)
                    && homeward.timerange(se.school_day_starts_at, se.school_day_ends_at)
                """) == 0)
        }
    }

    @Test func aParticipantWhoSpeaksOnlyArabicIsOnlyWithArabicSpeakingStaff() throws {
        try ScheduleFixture.withWorld { database in
            _ = try ScheduleFixture.generate(database)
            let connection = try database.connect()
            let hers = """
                FROM homeward.sessions s JOIN homeward.session_participants sp ON sp.session_id = s.id
                JOIN homeward.participants p ON p.id = sp.participant_id AND p.case_number = $1
                JOIN homeward.session_staff ss ON ss.session_id = s.id JOIN homeward.staff st ON st.id = ss.staff_id
                """
            // Two weeks of individual counselling (ST-02) and religious consultation (ST-04).
            #expect(try connection.int("SELECT count(*)::int " + hers, [ScheduleFixture.arabicOnly]) >= 6)
            #expect(try connection.int("SELECT count(*)::int " + hers + " WHERE NOT 'ar' = ANY (st.languages)", [ScheduleFixture.arabicOnly]) == 0)
        }
    }

    @Test func continuityTheSamePsychologistIsChosenAgainWhenFree() throws {
        try ScheduleFixture.withWorld { database in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            _ = try ScheduleFixture.generate(database, config: config)
            let connection = try database.connect()
            let psyInd = """
                FROM homeward.sessions s
                JOIN homeward.phase_requirements q ON q.id = s.requirement_id AND q.code = 'PSY-IND'
                JOIN homeward.session_participants sp ON sp.session_id = s.id
                JOIN homeward.participants p ON p.id = sp.participant_id AND p.case_number = 'KZ-W-03'
                JOIN homeward.session_staff ss ON ss.session_id = s.id JOIN homeward.staff st ON st.id = ss.staff_id
                """
            let secondWeek = "s.starts_at >= '2026-12-14 00:00+05' AND s.starts_at < '2026-12-21 00:00+05'"
            let counsellor = try connection.query("SELECT st.code " + psyInd + " WHERE s.starts_at < '2026-12-14 00:00+05' ORDER BY s.starts_at DESC LIMIT 1")
                .scalar(String.self)
            #expect(try connection.int("SELECT count(*)::int " + psyInd + " WHERE " + secondWeek) == 2)

            // A coordinator deletes her second week of counselling; the next run books it again with the same psychologist.
            try connection.execute("DELETE FROM homeward.sessions WHERE id IN (SELECT s.id " + psyInd + " WHERE " + secondWeek + ")")
            let rerun = try ScheduleFixture.generate(database, config: config)
            #expect(rerun.stdout.contains(" 2 sessions created (run 2, "), "\(rerun)")
            let rebooked = try connection.query("SELECT st.code " + psyInd + " WHERE " + secondWeek + " ORDER BY s.starts_at").rows
                .map { try $0.decode(0, as: String.self) }
            #expect(rebooked == [counsellor, counsellor])
            try ScheduleFixture.expectNoViolations(connection)
        }
    }

    // MARK: bugs found while proving the bar

    /// KZ-W-06 speaks only Russian. Four Russian speakers (KZ-W-01, -03, -04, -06, -07, -08, -09 all speak ru) and a
    /// Russian-speaking religious expert (ST-03) can meet, yet the group former seats the Kazakh group first and reserves a
    /// "remainder" that counts KZ-W-10 (Arabic only, who can join no group), so KZ-W-06 is stranded and reported as
    /// group_too_small. See the report: Sources/Scheduler/Engine+Groups.swift, bestGroup's remainder rule.
    @Test func groupFormationStrandsARussianOnlyWomanBehindAnArabicOnlyOne() throws {
        try ScheduleFixture.withWorld { database in
            _ = try ScheduleFixture.generate(database)
            let gaps = try database.cli(["schedule", "gaps", "--format", "csv"])
            #expect(!gaps.stdout.contains("KZ-W-06,AKT-RC,WOMEN-RESIDENTIAL/RESIDENTIAL/THEO-GRP"), "\(gaps.stdout)")
        }
    }
}
