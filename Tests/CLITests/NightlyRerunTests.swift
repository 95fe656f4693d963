import Foundation
import Homeward
import Postgres
import TestSupport
import Testing

/// A nightly rerun with nothing new ends after its check (issue 15, 0035): the same day and settings, nothing written by
/// anyone since the last complete run ended, no session begun or ended. Any write in between, by any login and any
/// client (psql included), the next day, or other settings make it do the full work again.
@Suite struct NightlyRerunTests {
    private static let day = "2026-12-07"
    private static let skipped = "nothing changed since the run that ended at "

    private func nightly(_ database: TestDatabase, settings: URL, on day: String = day, _ extra: [String] = []) throws -> CLI.Outcome {
        try CLI.run(["nightly", "--days", "14", "--config", settings.path] + extra,
                    environment: ["PGDATABASE": database.name, "PGOPTIONS": "-c homeward.today=\(day)", "HOMEWARD_TIMINGS": "1"])
    }

    /// Everything a nightly writes, to the last column: sessions with their staff and seats, flags (with when they were
    /// last evaluated) and their events, runs and their gaps, unrecorded marks, and the audit trail.
    private func state(_ connection: Connection) throws -> [String] {
        try [
            "SELECT md5(coalesce(string_agg(s::text, '|' ORDER BY s.id), '')) FROM homeward.sessions s",
            "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM homeward.session_participants x",
            "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM homeward.session_staff x",
            "SELECT md5(coalesce(string_agg(f::text, '|' ORDER BY f.id), '')) FROM homeward.flags f",
            "SELECT count(*)::text FROM homeward.flag_events",
            "SELECT count(*)::text FROM homeward.schedule_runs",
            "SELECT count(*)::text FROM homeward.schedule_unplaced",
            "SELECT count(*)::text FROM homeward.unrecorded_sessions",
            "SELECT count(*)::text FROM audit.changes",
        ].map { try connection.query($0).scalar(String.self) }
    }

    /// Runs one statement with psql as `login` (a real client, outside the program), and requires it to succeed.
    private func psql(_ database: TestDatabase, as login: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.name, "-U", login, "-c", sql]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(process.terminationStatus == 0, "psql as \(login): \(sql): \(message)")
    }

    @Test func aRerunWithNothingNewChangesNothingAndExitsAsAFullRerun() throws {
        try ScheduleFixture.withWorld { database in
            let settings = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: settings) }
            let connection = try database.connect()
            let first = try nightly(database, settings: settings)
            #expect([0, 3].contains(first.status), "\(first)")
            #expect(!first.stdout.contains(Self.skipped) && first.stderr.contains(" flags_ms="), "\(first)")
            let after = try state(connection)

            // Nothing new: the check, and nothing else; every table as the first run left it, the audit trail included.
            let again = try nightly(database, settings: settings)
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout.contains(Self.skipped) && again.stdout.contains("0 sessions created"), "\(again)")
            #expect(again.stderr.contains("timings nightly check_ms=") && !again.stderr.contains("flags_ms="), "\(again)")
            #expect(try state(connection) == after)
            let quiet = try nightly(database, settings: settings, ["--quiet"])
            #expect(quiet.status == 0 && quiet.stdout.isEmpty, "\(quiet)")
            #expect(try state(connection) == after)

            // A full rerun (after a statement that changes nothing, which is still a write) adds no session and exits the
            // same way: the skip is what the full work would have come to.
            _ = try connection.execute("DELETE FROM homeward.flag_events WHERE false")
            let full = try nightly(database, settings: settings)
            #expect(full.status == again.status, "\(full)")
            #expect(!full.stdout.contains(Self.skipped) && full.stdout.contains(" 0 sessions created"), "\(full)")
            #expect(try state(connection)[0] == after[0])
            try ScheduleFixture.expectNoViolations(connection)
            // And after it, nothing new again.
            #expect(try nightly(database, settings: settings).stdout.contains(Self.skipped))
        }
    }

    @Test(arguments: [
        // a planned session cancelled by the centre's coordinator
        (UserRole.coordinator, """
        UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'room flooded'
        WHERE id = (SELECT min(s.id) FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
                    WHERE s.status = 'planned' AND c.code = 'AKT-RC')
        """),
        // attendance: a statement that happens to change no row is a write too
        (UserRole.coordinator, "UPDATE homeward.attendance SET note = note WHERE false"),
        // a sick day for a psychologist (leave is the admin's to record), after the horizon: the repair of sessions on
        // a leave day acts only from the real day on, and under make test-dates the pinned horizon is in the past
        (UserRole.admin, """
        INSERT INTO homeward.staff_leave (staff_id, first_day, last_day, kind)
        SELECT st.id, '2027-01-04', '2027-01-04', 'sick' FROM homeward.staff st WHERE st.code = 'ST-01'
        """),
    ])
    func aWriteWithPsqlBetweenRunsMakesTheRerunDoTheFullWork(role: UserRole, write: String) throws {
        try ScheduleFixture.withWorld { database in
            let settings = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: settings) }
            let admin = try database.connect()
            let first = try nightly(database, settings: settings)
            #expect([0, 3].contains(first.status), "\(first)")
            let runs = try admin.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self)
            try database.withLogin(role, centres: role == .coordinator ? ["AKT-RC"] : [], prefix: "rerun_\(role)", using: admin) { _, login in
                try psql(database, as: login, write)
            }
            let again = try nightly(database, settings: settings)
            #expect([0, 3].contains(again.status), "\(again)")
            #expect(!again.stdout.contains(Self.skipped) && again.stderr.contains(" flags_ms="), "\(again)")
            #expect(try admin.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self) == runs + 1)
            try ScheduleFixture.expectNoViolations(admin)
            // Then nothing new again.
            #expect(try nightly(database, settings: settings).stdout.contains(Self.skipped))
        }
    }

    @Test func theNextDayOrOtherSettingsDoTheFullWork() throws {
        try ScheduleFixture.withWorld { database in
            let settings = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: settings) }
            #expect([0, 3].contains(try nightly(database, settings: settings).status))
            #expect(try nightly(database, settings: settings).stdout.contains(Self.skipped))
            // The next day (the what-if day moves on, as the calendar does).
            let next = try nightly(database, settings: settings, on: "2026-12-08")
            #expect([0, 3].contains(next.status) && !next.stdout.contains(Self.skipped), "\(next)")
            #expect(try nightly(database, settings: settings, on: "2026-12-08").stdout.contains(Self.skipped))
            // Back to the day before: a day other than the last run's.
            #expect(!(try nightly(database, settings: settings).stdout.contains(Self.skipped)))
            // Other settings: another budget in the file, or other days to plan.
            let other = try ScheduleFixture.config(budgetIterations: 10_000)
            defer { try? FileManager.default.removeItem(at: other) }
            #expect(!(try nightly(database, settings: other).stdout.contains(Self.skipped)))
            #expect(!(try CLI.run(["nightly", "--days", "7", "--config", other.path],
                                  environment: ["PGDATABASE": database.name, "PGOPTIONS": "-c homeward.today=\(Self.day)"])
                .stdout.contains(Self.skipped)))
        }
    }

    @Test func aWriteCommittedWhileARunWorksKeepsThatRunFromBeingRecorded() throws {
        try TestDatabase.withMigrated { database in
            let nightly = try database.connect(), other = try database.connect()
            func start() throws -> String { try nightly.query("SELECT homeward.nightly_start()::text").scalar(String.self) }
            func complete(_ snapshot: String) throws -> Bool {
                try nightly.query("SELECT homeward.nightly_complete($1::text::pg_snapshot, now(), 'settings', 'line')", [snapshot])
                    .scalar(Bool.self)
            }
            func unchanged() throws -> Bool {
                try nightly.query("SELECT count(*)::int FROM homeward.nightly_unchanged('settings')").scalar(Int.self) == 1
            }
            #expect(try nightly.query("SELECT count(*)::int FROM homeward.tables_without_change_note()").scalar(Int.self) == 0)

            // Another connection commits a write after the run started: what the run read may predate it.
            var snapshot = try start()
            _ = try other.execute("UPDATE homeward.centres SET name = name WHERE false")
            #expect(try complete(snapshot) == false)
            #expect(try unchanged() == false)

            // The run's own writes do not count against it; a completion is then what the next run finds.
            snapshot = try start()
            _ = try nightly.execute("UPDATE homeward.centres SET name = name WHERE false")
            #expect(try complete(snapshot))
            #expect(try unchanged())
            #expect(try nightly.query("SELECT count(*)::int FROM homeward.nightly_unchanged('other settings')").scalar(Int.self) == 0)

            // A write still uncommitted is not seen (a full run would not see it either), and counts once committed.
            _ = try other.execute("BEGIN")
            _ = try other.execute("UPDATE homeward.rooms SET capacity = capacity WHERE false")
            #expect(try unchanged())
            _ = try other.execute("COMMIT")
            #expect(try unchanged() == false)

            // A write that was in progress when a run started and committed while it ran: not recorded either.
            _ = try other.execute("BEGIN")
            _ = try other.execute("UPDATE homeward.rooms SET capacity = capacity WHERE false")
            snapshot = try start()
            _ = try other.execute("COMMIT")
            #expect(try complete(snapshot) == false)

            // A rolled-back write leaves nothing to see.
            snapshot = try start()
            #expect(try complete(snapshot))
            _ = try other.execute("BEGIN")
            _ = try other.execute("UPDATE homeward.rooms SET capacity = capacity WHERE false")
            _ = try other.execute("ROLLBACK")
            #expect(try unchanged())

            // Another day is not the same night.
            let tomorrow = try database.connect()
            _ = try tomorrow.execute("SET homeward.today = '2030-01-02'")
            #expect(try tomorrow.query("SELECT count(*)::int FROM homeward.nightly_unchanged('settings')").scalar(Int.self) == 0)
        }
    }

    @Test func aSessionBegunOrEndedSinceTheRunStartedMakesTheRerunDoTheFullWork() throws {
        try ScheduleFixture.withWorld { database in
            let settings = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: settings) }
            #expect([0, 3].contains(try nightly(database, settings: settings).status))
            let connection = try database.connect()
            _ = try connection.execute("SET homeward.today = '\(Self.day)'")
            // The completion moved to just before the first session: judged at moments before, during and after it.
            _ = try connection.execute(
                "UPDATE homeward.nightly_completions SET started_at = (SELECT min(starts_at) - interval '1 minute' FROM homeward.sessions)")
            let fingerprint = try connection.query("SELECT settings_fingerprint FROM homeward.nightly_completions").scalar(String.self)
            func unchanged(at moment: String) throws -> Bool {
                try connection.query(
                    "SELECT count(*)::int FROM homeward.nightly_unchanged($1, (SELECT min(starts_at) FROM homeward.sessions) + $2::interval)",
                    [fingerprint, moment]).scalar(Int.self) == 1
            }
            #expect(try unchanged(at: "-30 seconds"))
            #expect(try unchanged(at: "0 seconds") == false)
            #expect(try unchanged(at: "1 day") == false)
        }
    }
}
