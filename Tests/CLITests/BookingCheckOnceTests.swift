import Foundation
import Postgres
import TestSupport
import Testing

/// The booking rules are checked once per write for what it touched (0033: `homeward.booking_rules_checked`, a
/// deferrable constraint trigger on the queue `homeward.booking_checks_due`). Immediate unless a writer defers it, so
/// every writer that does nothing about it is refused at the statement, as before; a writer that defers it is refused
/// at `SET CONSTRAINTS … IMMEDIATE` or COMMIT, for every session it touched; nobody can skip it.
@Suite struct BookingCheckOnceTests {
    /// The sessions table's statement: an individual session in room C1 of AKT-RC at `start` (the centre's local time),
    /// one hour, its id returned.
    static let insertSession = """
        INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at)
        SELECT 'individual_counselling', 'individual', c.id, r.id, $1::timestamp AT TIME ZONE c.time_zone,
               ($1::timestamp + interval '1 hour') AT TIME ZONE c.time_zone
        FROM homeward.centres c JOIN homeward.rooms r ON r.centre_id = c.id AND r.code = 'C1' WHERE c.code = 'AKT-RC'
        RETURNING id::int
        """
    static let insertStaff =
        "INSERT INTO homeward.session_staff (session_id, staff_id) SELECT $1, id FROM homeward.staff WHERE code = $2"
    static let insertSeat =
        "INSERT INTO homeward.session_participants (session_id, participant_id) SELECT $1, id FROM homeward.participants WHERE case_number = $2"

    /// A free hour at AKT-RC (BookingRulesTests' opening) whose participant shares no language with its psychologist.
    static func noSharedLanguage(_ connection: Connection) throws -> (caseNumber: String, staff: String, start: String) {
        let slot = try BookingRulesTests().opening(connection)
        try connection.execute("UPDATE homeward.participants SET languages = '{ar}' WHERE case_number = $1", [slot.caseNumber])
        try connection.execute("UPDATE homeward.staff SET languages = array_remove(languages, 'ar') WHERE code = $1", [slot.staff])
        return slot
    }

    /// The refusal `body` meets (nil when it goes through).
    static func refusal(_ body: () throws -> Void) -> PostgresError? {
        do {
            try body()
            return nil
        } catch let error as PostgresError {
            return error
        } catch {
            Issue.record("not a database error: \(error)")
            return nil
        }
    }

    @Test func aCoordinatorInPsqlIsRefusedAtTheStatementOrAtCommitWhenDeferredAndCannotTouchTheQueue() throws {
        try ScheduleFixture.withWorld { world in
            let admin = try world.connect()
            let slot = try Self.noSharedLanguage(admin)
            let coordinator = try BookingRulesTests.Coordinator(world)
            let psql = try world.connect(as: coordinator.login)

            // As psql runs it, statement by statement: the seat is refused at once, naming the rule.
            try psql.execute("BEGIN")
            let session = try psql.query(Self.insertSession, [slot.start]).scalar(Int.self)
            try psql.execute(Self.insertStaff, [session, slot.staff])
            let atOnce = Self.refusal { try psql.execute(Self.insertSeat, [session, slot.caseNumber]) }
            #expect(atOnce?.sqlState == "23514" && atOnce?.constraint == "session_no_shared_language", "\(String(describing: atOnce))")
            try psql.execute("ROLLBACK")

            // Deferring the check only moves it to COMMIT, which refuses the whole transaction.
            try psql.execute("BEGIN")
            try psql.execute("SET CONSTRAINTS ALL DEFERRED")
            let deferred = try psql.query(Self.insertSession, [slot.start]).scalar(Int.self)
            try psql.execute(Self.insertStaff, [deferred, slot.staff])
            try psql.execute(Self.insertSeat, [deferred, slot.caseNumber])
            let atCommit = Self.refusal { try psql.execute("COMMIT") }
            #expect(atCommit?.constraint == "session_no_shared_language", "\(String(describing: atCommit))")
            if atCommit == nil { _ = try? psql.execute("ROLLBACK") }
            #expect(try admin.query("SELECT count(*)::int FROM homeward.sessions").scalar(Int.self) == 0)

            // A seat that gives its session's time itself must give the session's own (the foreign key holds it to it).
            try psql.execute("BEGIN")
            let timed = try psql.query(Self.insertSession, [slot.start]).scalar(Int.self)
            let wrongTime = Self.refusal {
                try psql.execute(
                    """
                    INSERT INTO homeward.session_staff (session_id, staff_id, during, occupies)
                    SELECT s.id, st.id, tstzrange(s.starts_at, s.ends_at + interval '1 hour'), true
                    FROM homeward.sessions s, homeward.staff st WHERE s.id = $1 AND st.code = $2
                    """, [timed, slot.staff])
            }
            #expect(wrongTime?.sqlState == "23503" && wrongTime?.constraint == "session_staff_session_fk", "\(String(describing: wrongTime))")
            try psql.execute("ROLLBACK")

            // The queue is nobody's to empty, read or switch off.
            for statement in ["DELETE FROM homeward.booking_checks_due", "SELECT * FROM homeward.booking_checks_due",
                              "ALTER TABLE homeward.booking_checks_due DISABLE TRIGGER booking_rules_checked",
                              "SET session_replication_role = replica"] {
                let denied = Self.refusal { _ = try psql.execute(statement) }
                #expect(denied?.sqlState == "42501", "\(statement): \(String(describing: denied))")
            }
            #expect(try admin.query("SELECT count(*)::int FROM homeward.booking_checks_due").scalar(Int.self) == 0)
        }
    }

    @Test func aDeferredCheckCatchesABreakMadeByALaterStatementAndASavepointDropsOnlyIt() throws {
        try ScheduleFixture.withWorld { world in
            let admin = try world.connect()
            let slot = try Self.noSharedLanguage(admin)
            // A second psychologist of the centre who speaks her language, free all that day; and the same hour a week later.
            let colleague = try admin.query(
                """
                SELECT st.code FROM homeward.staff st
                JOIN homeward.staff_centres sc ON sc.staff_id = st.id JOIN homeward.centres c ON c.id = sc.centre_id AND c.code = 'AKT-RC'
                JOIN homeward.staff_roles sr ON sr.staff_id = st.id AND sr.role = 'psychologist'
                WHERE st.code <> $1 AND st.active AND st.left_on IS NULL
                  AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> $2::timestamp::date)
                ORDER BY st.code LIMIT 1
                """, [slot.staff, slot.start]).scalar(String.self)
            try admin.execute(
                "UPDATE homeward.staff SET languages = array_append(array_remove(languages, 'ar'), 'ar') WHERE code = $1", [colleague])
            try admin.execute(
                """
                DELETE FROM homeward.staff_availability a USING homeward.staff st, homeward.centres c
                WHERE st.code = $1 AND c.code = 'AKT-RC' AND a.staff_id = st.id AND a.centre_id = c.id
                  AND a.weekday = extract(isodow FROM $2::timestamp)
                """, [colleague, slot.start])
            try admin.execute(
                """
                INSERT INTO homeward.staff_availability (staff_id, centre_id, weekday, starts_at, ends_at, valid_from)
                SELECT st.id, c.id, extract(isodow FROM $2::timestamp)::smallint, '00:00', '23:59', '2000-01-01'
                FROM homeward.staff st, homeward.centres c WHERE st.code = $1 AND c.code = 'AKT-RC'
                """, [colleague, slot.start])
            let later = try admin.query("SELECT to_char($1::timestamp + interval '7 days', 'YYYY-MM-DD HH24:MI')", [slot.start])
                .scalar(String.self)

            let writer = try world.connect()
            try writer.execute("BEGIN")
            try writer.execute("SET CONSTRAINTS homeward.booking_rules_checked DEFERRED")
            // First statements: a session that keeps every rule (she and the colleague share Arabic), seated in room C1.
            let good = try writer.query(Self.insertSession, [slot.start]).scalar(Int.self)
            try writer.execute(Self.insertStaff, [good, colleague])
            try writer.execute(Self.insertSeat, [good, slot.caseNumber])
            // Later statements, under a savepoint: a second session, a week later with her own psychologist, that breaks
            // the rule of a shared language. Nothing is refused yet: the check is deferred.
            try writer.execute("SAVEPOINT later")
            let bad = try writer.query(Self.insertSession, [later]).scalar(Int.self)
            try writer.execute(Self.insertStaff, [bad, slot.staff])
            try writer.execute(Self.insertSeat, [bad, slot.caseNumber])
            #expect(try writer.query("SELECT count(*)::int FROM homeward.booking_checks_due").scalar(Int.self) == 4)
            // The check, run once for everything queued, finds the later break and names its session …
            let refused = Self.refusal { try writer.execute("SET CONSTRAINTS homeward.booking_rules_checked IMMEDIATE") }
            #expect(refused?.constraint == "session_no_shared_language" && refused?.message.contains("session \(bad):") == true,
                    "\(String(describing: refused))")
            // … and rolling back to the savepoint drops only that session; the first is checked again at COMMIT and kept.
            try writer.execute("ROLLBACK TO SAVEPOINT later")
            try writer.execute("COMMIT")
            let kept = try admin.query("SELECT array_agg(id::int ORDER BY id) FROM homeward.sessions").scalar([Int].self)
            #expect(kept == [good])
            #expect(try admin.query("SELECT count(*)::int FROM homeward.booking_checks_due").scalar(Int.self) == 0)

            // The same break in a transaction that never asks: COMMIT runs the deferred check.
            try writer.execute("BEGIN")
            try writer.execute("SET CONSTRAINTS homeward.booking_rules_checked DEFERRED")
            let again = try writer.query(Self.insertSession, [later]).scalar(Int.self)
            try writer.execute(Self.insertStaff, [again, slot.staff])
            try writer.execute(Self.insertSeat, [again, slot.caseNumber])
            let atCommit = Self.refusal { try writer.execute("COMMIT") }
            #expect(atCommit?.constraint == "session_no_shared_language", "\(String(describing: atCommit))")
            if atCommit == nil { _ = try? writer.execute("ROLLBACK") }
            #expect(try admin.query("SELECT count(*)::int FROM homeward.sessions").scalar(Int.self) == 1)
        }
    }

    @Test func theNightlyWriteDropsOnlyTheSessionsABookingRuleCommittedMeanwhileRefuses() throws {
        let config = try ScheduleFixture.config()
        defer { try? FileManager.default.removeItem(at: config) }
        // On a fresh copy of the world, the plan (the same on every copy); the staff member, centre and local weekday with
        // the fewest of its sessions: those lose their staff member's availability meanwhile.
        var planned = 0
        var target: (staff: Int, centre: Int, weekday: Int, sessions: Int)?
        try ScheduleFixture.withWorld { world in
            let outcome = try ScheduleFixture.generate(world, config: config)
            #expect([0, 3].contains(outcome.status), "\(outcome)")
            let connection = try world.connect()
            planned = try connection.query("SELECT count(*)::int FROM homeward.sessions").scalar(Int.self)
            let row = try #require(try connection.query(
                """
                SELECT ss.staff_id::int, s.centre_id::int, extract(isodow FROM s.starts_at AT TIME ZONE c.time_zone)::int AS weekday,
                       count(*)::int
                FROM homeward.sessions s JOIN homeward.session_staff ss ON ss.session_id = s.id JOIN homeward.centres c ON c.id = s.centre_id
                GROUP BY 1, 2, 3 ORDER BY 4, 1, 2, 3 LIMIT 1
                """).rows.first)
            target = (try row.decode(0), try row.decode(1), try row.decode(2), try row.decode(3))
        }
        let (staff, centre, weekday, refusedSessions) = try #require(target)
        try #require(planned >= 10)

        try ScheduleFixture.withWorld { world in
            let coordinator = try world.connect(applicationName: "a coordinator in psql")
            let watcher = try world.connect()
            try coordinator.execute("BEGIN")
            try coordinator.execute("LOCK TABLE homeward.schedule_runs IN EXCLUSIVE MODE")
            let running = try WriteConflictTests.start(WriteConflictTests.generateArguments(config), world)
            try StallTests.waitUntilWaitingOnALock(watcher, command: "homeward schedule generate")
            // The run has read and solved; now the staff member is no longer available that weekday at that centre.
            let removed = try coordinator.execute(
                "DELETE FROM homeward.staff_availability WHERE staff_id = $1 AND centre_id = $2 AND weekday = $3", [staff, centre, weekday])
            try #require(removed >= 1)
            try coordinator.execute("COMMIT")
            let outcome = running.end()

            #expect([0, 3].contains(outcome.status), "\(outcome)")
            #expect(outcome.stdout.contains("\(refusedSessions) session(s) and 0 seat(s) not written"), "\(outcome)")
            let connection = try world.connect()
            let runs = try connection.query("SELECT id::int, sessions_created FROM homeward.schedule_runs ORDER BY id").rows
            try #require(runs.count >= 1)
            let firstRun = try runs[0].decode(0, as: Int.self)
            // Every other session of the night is written by the first run; the refused ones are recorded, with the rule.
            #expect(try runs[0].decode(1, as: Int.self) == planned - refusedSessions)
            #expect(try connection.query(
                "SELECT count(*)::int FROM homeward.sessions WHERE schedule_run_id = $1", [firstRun]).scalar(Int.self) == planned - refusedSessions)
            let details = try connection.query(
                "SELECT DISTINCT detail FROM homeward.schedule_unplaced WHERE reason = 'conflict_with_booking' AND schedule_run_id = $1",
                [firstRun]).rows.map { try $0.decode(0, as: String.self) }
            #expect(!details.isEmpty && details.allSatisfy { $0.contains("staff_availability") }, "\(details)")
            #expect(try connection.query(
                """
                SELECT count(*)::int FROM homeward.sessions s JOIN homeward.session_staff ss ON ss.session_id = s.id
                JOIN homeward.centres c ON c.id = s.centre_id
                WHERE ss.staff_id = $1 AND s.centre_id = $2 AND extract(isodow FROM s.starts_at AT TIME ZONE c.time_zone) = $3
                """, [staff, centre, weekday]).scalar(Int.self) == 0)
            #expect(try connection.query("SELECT count(*)::int FROM homeward.booking_checks_due").scalar(Int.self) == 0)
            try ScheduleFixture.expectNoViolations(connection)
        }
    }
}
