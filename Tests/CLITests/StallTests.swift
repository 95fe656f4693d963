import Foundation
import Postgres
import TestSupport
import Testing

/// Nobody stalls: a command behind another session's lock gives up after its lock_timeout with one line and exit 75;
/// SIGTERM and SIGINT cancel the running statement, roll back and exit 143 and 130 with one line; a server that ends
/// the session mid-command is one line and exit 69.
@Suite struct StallTests {
    /// A folder standing in for the installation (`HOMEWARD_HOME`) whose shipped settings give interactive commands a
    /// short lock timeout.
    static func installation(lockTimeout: String) throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("hw-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("Config"), withIntermediateDirectories: true)
        try "database:\n  interactive:\n    lock_timeout: \(lockTimeout)\n".write(
            to: home.appendingPathComponent("Config/homeward.yaml"), atomically: true, encoding: .utf8)
        return home
    }

    /// Holds every session row locked (ACCESS EXCLUSIVE on homeward.sessions) in an open transaction, as a forgotten psql
    /// would, for the length of `body`.
    static func whileSessionsAreLocked<T>(_ database: TestDatabase, _ body: () throws -> T) throws -> T {
        let blocker = try database.connect(applicationName: "a forgotten psql")
        try blocker.execute("BEGIN")
        try blocker.execute("LOCK TABLE homeward.sessions IN ACCESS EXCLUSIVE MODE")
        defer { _ = try? blocker.execute("ROLLBACK") }
        return try body()
    }

    @Test func anInteractiveCommandBehindALockGivesUpAfterItsLockTimeout() throws {
        try ParticipantCommandTests.withCentres { database in
            let home = try Self.installation(lockTimeout: "300ms")
            defer { try? FileManager.default.removeItem(at: home) }
            let started = ContinuousClock.now
            let outcome = try Self.whileSessionsAreLocked(database) {
                try CLI.run(["session", "list"], database: database, environment: ["HOMEWARD_HOME": home.path])
            }
            #expect(outcome.status == 75, "\(outcome)")
            #expect(outcome.stderr.hasPrefix("homeward: error: canceling statement due to lock timeout: nothing of this step was written; try again"),
                    "\(outcome)")
            #expect(outcome.stderr.split(separator: "\n").count == 1)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func theNightlyBehindALockEndsWithinItsLockTimeoutAndWritesNothing() throws {
        try ParticipantCommandTests.withCentres { database in
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("hw-nightly-\(UUID().uuidString).yaml")
            try "database:\n  nightly:\n    lock_timeout: 1s\n".write(to: config, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: config) }
            let started = ContinuousClock.now
            let outcome = try Self.whileSessionsAreLocked(database) {
                try CLI.run(["schedule", "generate", "--config", config.path], database: database)
            }
            #expect(outcome.status == 75, "\(outcome)")
            #expect(outcome.stderr.contains("canceling statement due to lock timeout"), "\(outcome)")
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(try database.connect().query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self) == 0)
            // The run's advisory lock went with its session: the next run is not told another one is in progress.
            let next = try CLI.run(["schedule", "generate", "--dry-run", "--config", config.path], database: database)
            #expect(next.status == 0, "\(next)")
        }
    }

    /// The nightly evaluates its flags on a second connection while it writes the schedule; the write's COMMIT waits for
    /// them. Flags that cannot be written (their table locked by a forgotten psql) stop the night there: exit 75, one
    /// line, and the schedule's write rolled back although it was read, solved and written.
    @Test func theNightlyWhoseFlagsWaitBehindALockWritesNoSchedule() throws {
        try ScheduleFixture.withWorld { database in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            try (String(contentsOf: config, encoding: .utf8) + "\ndatabase:\n  nightly:\n    lock_timeout: 1s\n")
                .write(to: config, atomically: true, encoding: .utf8)
            let connection = try database.connect()
            let before = try connection.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self)
            let blocker = try database.connect(applicationName: "a forgotten psql")
            try blocker.execute("BEGIN")
            try blocker.execute("LOCK TABLE homeward.flags IN ACCESS EXCLUSIVE MODE")
            let outcome = try CLI.run(["nightly", "--days", "7", "--config", config.path], database: database,
                                      environment: ["PGOPTIONS": "-c homeward.today=2026-12-07"])
            _ = try blocker.execute("ROLLBACK")
            #expect(outcome.status == 75, "\(outcome)")
            #expect(outcome.stderr.contains("canceling statement due to lock timeout"), "\(outcome)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "\(outcome)")
            #expect(try connection.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self) == before)
            #expect(try connection.query("SELECT count(*)::int FROM homeward.flags").scalar(Int.self) == 0)
            // Without the lock, the same night runs whole: its flags and its schedule.
            let next = try CLI.run(["nightly", "--days", "7", "--config", config.path], database: database,
                                   environment: ["PGOPTIONS": "-c homeward.today=2026-12-07"])
            #expect([0, 3].contains(next.status), "\(next)")
            #expect(try connection.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self) == before + 1)
        }
    }

    @Test(arguments: [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")])
    func aSignalCancelsTheStatementRollsBackAndExits(_ signalNumber: Int32, _ name: String) throws {
        try ParticipantCommandTests.withCentres { database in
            let watcher = try database.connect()
            let outcome = try Self.whileSessionsAreLocked(database) { () throws -> Self.Ended in
                let running = try Self.start(["session", "list"], database)
                try Self.waitUntilWaitingOnALock(watcher, command: "homeward session list")
                kill(running.process.processIdentifier, signalNumber)
                return running.end()
            }
            #expect(outcome.status == 128 + signalNumber, "\(outcome)")
            #expect(outcome.stderr == "homeward: error: interrupted by \(name): the statement running was cancelled and what it had not "
                    + "committed was rolled back\n")
            #expect(outcome.seconds < 5, "the cancel request, not the grace period, ended it")
            // Nothing of the command is left on the server (its backend ends as soon as it sees the socket close).
            var left = 1
            for _ in 0..<40 where left > 0 {
                left = try watcher.query(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'homeward session list' AND datname = current_database()"
                ).scalar(Int.self)
                if left > 0 { usleep(50_000) }
            }
            #expect(left == 0)
        }
    }

    @Test func aServerThatEndsTheSessionMidCommandIsOneLineAndExit69() throws {
        try ParticipantCommandTests.withCentres { database in
            let watcher = try database.connect()
            let outcome = try Self.whileSessionsAreLocked(database) { () throws -> Self.Ended in
                let running = try Self.start(["session", "list"], database)
                let pid = try Self.waitUntilWaitingOnALock(watcher, command: "homeward session list")
                // What a fast shutdown does to every session: "terminating connection due to administrator command".
                _ = try watcher.query("SELECT pg_terminate_backend($1)", [pid])
                return running.end()
            }
            #expect(outcome.status == 69, "\(outcome)")
            #expect(outcome.stderr.hasPrefix("homeward: error: the database server went away during the command ("), "\(outcome)")
            #expect(outcome.stderr.hasSuffix("what was not committed was rolled back: run the command again when the server is back\n"))
            #expect(outcome.stderr.split(separator: "\n").count == 1)
        }
    }

    // MARK: Running the CLI in the background

    struct Running {
        var process: Process
        var err: Pipe
        var started: ContinuousClock.Instant

        func end() -> Ended {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let elapsed = ContinuousClock.now - started
            return Ended(status: process.terminationStatus, stderr: String(decoding: data, as: UTF8.self),
                         seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    struct Ended: CustomStringConvertible {
        var status: Int32
        var stderr: String
        var seconds: Double
        var description: String { "exit \(status) after \(seconds) s: \(stderr)" }
    }

    static func start(_ arguments: [String], _ database: TestDatabase) throws -> Running {
        let process = CLI.process(arguments, database: database)
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        return Running(process: process, err: err, started: .now)
    }

    /// The backend pid of `command` once it waits on a lock (at most 20 s).
    @discardableResult
    static func waitUntilWaitingOnALock(_ watcher: Connection, command: String) throws -> Int {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let pid = try watcher.query(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND datname = current_database()",
                [command]
            ).rows.first.map({ try $0.decode(0, as: Int.self) }) {
                return pid
            }
            usleep(50_000)
        }
        throw Timeout()
    }

    struct Timeout: Error {}
}
