import Foundation
import Postgres
import TestSupport
import Testing

/// The night is never lost: a booking committed while `schedule generate` writes costs only the sessions it took the
/// place of, and a killed run leaves no lock behind.
///
/// The seam is a lock, not a hook: another connection holds `homeward.schedule_runs` (EXCLUSIVE: reads go on, writes
/// wait), so the run reads, solves and then waits at its first write; that connection books and commits, then lets it go.
@Suite struct WriteConflictTests {
    /// A session of a run, as the database holds it.
    struct Booked: Equatable {
        var room: Int
        var staff: Int
        var starts: String
        var ends: String
        var sessionType: String
        var roomKind: String
        var centre: Int
    }

    /// A room of the world: id, centre, kind.
    struct Room: Equatable {
        var id: Int
        var centre: Int
        var kind: String
    }

    /// The sessions `schedule generate` writes on a fresh copy of the world (the plan is the same on every copy: a fixed
    /// seed and a work budget).
    static func plannedOnAFreshWorld(config: URL) throws -> (planned: [Booked], rooms: [Room]) {
        var planned: [Booked] = []
        var rooms: [Room] = []
        try ScheduleFixture.withWorld { database in
            let outcome = try ScheduleFixture.generate(database, config: config)
            #expect([0, 3].contains(outcome.status), "\(outcome)")
            planned = try database.connect().query(
                """
                SELECT s.room_id::int, st.staff_id::int, s.starts_at::text, s.ends_at::text, s.session_type, r.kind, r.centre_id::int
                FROM homeward.sessions s JOIN homeward.session_staff st ON st.session_id = s.id JOIN homeward.rooms r ON r.id = s.room_id
                ORDER BY s.starts_at, s.room_id
                """
            ).rows.map {
                Booked(room: try $0.decode(0), staff: try $0.decode(1), starts: try $0.decode(2), ends: try $0.decode(3),
                       sessionType: try $0.decode(4), roomKind: try $0.decode(5), centre: try $0.decode(6))
            }
            rooms = try database.connect().query("SELECT id::int, centre_id::int, kind FROM homeward.rooms ORDER BY id").rows.map {
                Room(id: try $0.decode(0), centre: try $0.decode(1), kind: try $0.decode(2))
            }
        }
        return (planned, rooms)
    }

    struct Running {
        var process: Process
        var out: Pipe
        var err: Pipe

        func end() -> CLI.Outcome {
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            let errData = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLI.Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                               stderr: String(decoding: errData, as: UTF8.self))
        }
    }

    static func start(_ arguments: [String], _ database: TestDatabase) throws -> Running {
        let process = CLI.process(arguments, database: database)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    static func generateArguments(_ config: URL) -> [String] {
        ["schedule", "generate", "--from", ScheduleFixture.from, "--days", ScheduleFixture.days, "--config", config.path]
    }

    @Test func aBookingCommittedWhileTheSchedulerWritesCostsOnlyTheSessionsItTook() throws {
        let config = try ScheduleFixture.config()
        defer { try? FileManager.default.removeItem(at: config) }
        let (planned, rooms) = try Self.plannedOnAFreshWorld(config: config)
        try #require(planned.count >= 10)
        // Two of the plan's sessions: one loses its room, the other its staff member (booked in another room of the same
        // kind that the plan leaves free then), to bookings made meanwhile.
        let roomTaken = planned[0]
        func overlaps(_ a: Booked, _ b: Booked) -> Bool { a.starts < b.ends && b.starts < a.ends }
        let staffCandidates = planned.dropFirst(planned.count / 2).compactMap { session -> (Booked, Room)? in
            guard !overlaps(session, roomTaken) else { return nil }
            let free = rooms.first { room in
                room.centre == session.centre && room.kind == session.roomKind && room.id != session.room
                    && !planned.contains { $0.room == room.id && overlaps($0, session) }
            }
            return free.map { (session, $0) }
        }
        let (staffTaken, freeRoom) = try #require(staffCandidates.first)

        try ScheduleFixture.withWorld { database in
            let coordinator = try database.connect(applicationName: "a coordinator in psql")
            let watcher = try database.connect()
            try coordinator.execute("BEGIN")
            try coordinator.execute("LOCK TABLE homeward.schedule_runs IN EXCLUSIVE MODE")
            let running = try Self.start(Self.generateArguments(config), database)
            try StallTests.waitUntilWaitingOnALock(watcher, command: "homeward schedule generate")
            // The run has read its instance and solved; now the bookings, committed before it writes.
            func book(_ session: Booked, room: Int) throws -> Int {
                try coordinator.query(
                    """
                    INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
                    VALUES ($1, 'individual', $2, $3, $4::timestamptz, $5::timestamptz, 'booked by hand')
                    RETURNING id::int
                    """, [session.sessionType, session.centre, room, session.starts, session.ends]).scalar(Int.self)
            }
            let bookings = [try book(roomTaken, room: roomTaken.room), try book(staffTaken, room: freeRoom.id)]
            try coordinator.execute(
                "INSERT INTO homeward.session_staff (session_id, staff_id) VALUES ($1, $2)", [bookings[1], staffTaken.staff])
            try coordinator.execute("COMMIT")
            let outcome = running.end()

            #expect([0, 3].contains(outcome.status), "\(outcome)")
            #expect(outcome.stdout.contains("2 session(s) and 0 seat(s) not written"), "\(outcome)")
            #expect(outcome.stdout.contains("their demand planned again against them (1 more run(s))"), "\(outcome)")
            let connection = try database.connect()
            // The first run wrote every other session of the night and recorded the two it could not write …
            let runs = try connection.query("SELECT id::int, sessions_created, unplaced FROM homeward.schedule_runs ORDER BY id").rows
            try #require(runs.count == 2)
            let firstRun = try runs[0].decode(0, as: Int.self)
            #expect(try runs[0].decode(1, as: Int.self) == planned.count - 2)
            #expect(try connection.query(
                "SELECT count(*)::int FROM homeward.sessions WHERE schedule_run_id = $1", [firstRun]).scalar(Int.self) == planned.count - 2)
            let conflicts = try connection.query(
                """
                SELECT count(*)::int, min(detail) FROM homeward.schedule_unplaced
                WHERE reason = 'conflict_with_booking' AND schedule_run_id = $1
                """, [firstRun])
            #expect(try conflicts.rows[0].decode(0, as: Int.self) >= 2)
            #expect(try conflicts.rows[0].decode(1, as: String.self).hasPrefix("placed, but not written: "))
            // … and the second planned their demand again against the bookings, placing what it could.
            let written = try connection.query(
                "SELECT count(*)::int FROM homeward.sessions WHERE schedule_run_id IS NOT NULL").scalar(Int.self)
            #expect(written >= planned.count - 2)
            #expect(try runs[1].decode(1, as: Int.self) == written - (planned.count - 2))
            // The bookings are intact, and nothing breaks a hard rule.
            #expect(try connection.query(
                "SELECT count(*)::int FROM homeward.sessions WHERE id = ANY($1) AND status = 'planned'", [bookings]).scalar(Int.self) == 2)
            try ScheduleFixture.expectNoViolations(connection)
        }
    }

    @Test func aKilledRunLeavesNoLockBehind() throws {
        let config = try ScheduleFixture.config()
        defer { try? FileManager.default.removeItem(at: config) }
        try ScheduleFixture.withWorld { database in
            let blocker = try database.connect(applicationName: "a forgotten psql")
            let watcher = try database.connect()
            try blocker.execute("BEGIN")
            try blocker.execute("LOCK TABLE homeward.schedule_runs IN EXCLUSIVE MODE")
            defer { _ = try? blocker.execute("ROLLBACK") }
            let running = try Self.start(Self.generateArguments(config), database)
            let pid = try StallTests.waitUntilWaitingOnALock(watcher, command: "homeward schedule generate")
            kill(running.process.processIdentifier, SIGKILL)
            _ = running.end()
            // Its backend waits on the lock with the run lock held; it notices the client is gone within about a second
            // (client_connection_check_interval), long before its 30 s lock timeout, and ends, taking the run lock with it.
            let started = ContinuousClock.now
            var left = 1
            while left > 0, ContinuousClock.now - started < .seconds(10) {
                left = try watcher.query("SELECT count(*)::int FROM pg_stat_activity WHERE pid = $1", [pid]).scalar(Int.self)
                if left > 0 { usleep(100_000) }
            }
            #expect(left == 0, "the killed client's backend is gone")
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try watcher.query("""
                SELECT count(*)::int FROM pg_locks
                WHERE locktype = 'advisory' AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """,
                                      [0x4857_5343]).scalar(Int.self) == 0)
            // The next run is not told another one is in progress (a dry run: it writes nothing, so it passes the blocker).
            let next = try database.cli(Self.generateArguments(config) + ["--dry-run"])
            #expect([0, 3].contains(next.status), "\(next)")
        }
    }
}
