import Dispatch
import Foundation
@testable import HomewardStore
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite struct MigrationRunnerTests {
    @Test func shippedMigrationsApplyToAFreshDatabaseAndRerunsAreNoOps() throws {
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        #expect(!migrations.isEmpty)
        try TestDatabase.withEmpty { database in
            let connection = try database.connect()
            let runner = MigrationRunner(migrations: migrations)
            #expect(try runner.status(connection).allSatisfy { $0.state == .pending })

            let first = try runner.migrate(connection)
            #expect(first.applied.map(\.migration) == migrations.map(\.fileName))
            #expect(first.alreadyApplied == 0)

            let second = try runner.migrate(connection)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == migrations.count)

            let recorded = try connection.query(
                "SELECT version, sha256, applied_by FROM homeward.schema_migrations ORDER BY version"
            ).rows
            #expect(try recorded.map { try $0.decode(0, as: Int.self) } == migrations.map(\.version))
            #expect(try recorded.map { try $0.decode(1, as: String.self) } == migrations.map(\.checksum))
            #expect(try recorded.allSatisfy { try $0.decode(2, as: String.self) == "postgres" || !$0.decode(2, as: String.self).isEmpty })
            #expect(try runner.status(connection).allSatisfy { if case .applied = $0.state { true } else { false } })
        }
    }

    @Test func aChangedAppliedFileIsRefused() throws {
        let url = try TestFiles.folder([
            "0001_first.sql": "CREATE TABLE public.first (n int);",
            "0002_second.sql": "CREATE TABLE public.second (n int);",
        ])
        try TestDatabase.withEmpty { database in
            let connection = try database.connect()
            try MigrationRunner(migrations: try Migration.load(from: url)).migrate(connection)

            try "CREATE TABLE public.first (n bigint);".write(
                to: url.appendingPathComponent("0001_first.sql"), atomically: true, encoding: .utf8)
            try "CREATE TABLE public.third (n int);".write(
                to: url.appendingPathComponent("0003_third.sql"), atomically: true, encoding: .utf8)
            let runner = MigrationRunner(migrations: try Migration.load(from: url))
            let error = #expect(throws: MigrationError.self) { try runner.migrate(connection) }
            #expect(error == .changedAfterApply(["0001_first.sql"]))
            #expect(error?.description.contains("new migration") == true)
            // Nothing after the refusal was applied.
            #expect(try connection.query("SELECT to_regclass('public.third') IS NULL").scalar(Bool.self))
            let first = try #require(try runner.status(connection).first)
            if case .changed = first.state {} else { Issue.record("expected 0001 to show as changed, got \(first.state)") }
        }
    }

    @Test func aPendingFileNumberedBelowTheLatestAppliedIsRefused() throws {
        let url = try TestFiles.folder([
            "0001_first.sql": "CREATE TABLE public.first (n int);",
            "0003_third.sql": "CREATE TABLE public.third (n int);",
        ])
        try TestDatabase.withEmpty { database in
            let connection = try database.connect()
            try MigrationRunner(migrations: try Migration.load(from: url)).migrate(connection)

            // A branch added 0002 after another had applied 0003: applying it now would fork the history.
            try "CREATE TABLE public.second (n int);".write(to: url.appendingPathComponent("0002_second.sql"), atomically: true, encoding: .utf8)
            try "CREATE TABLE public.fourth (n int);".write(to: url.appendingPathComponent("0004_fourth.sql"), atomically: true, encoding: .utf8)
            let runner = MigrationRunner(migrations: try Migration.load(from: url))
            let error = #expect(throws: MigrationError.self) { try runner.migrate(connection) }
            #expect(error == .outOfOrder(pending: ["0002_second.sql"], latestApplied: "0003_third.sql"))
            #expect(error?.description == "refusing to migrate: 0002_second.sql is numbered below 0003_third.sql, which is already "
                    + "applied; migrations apply in number order only, so history cannot fork. Give the file(s) numbers above 0003 "
                    + "(nothing was applied).")
            // Nothing was applied, not even the file that is in order.
            #expect(try connection.query("SELECT to_regclass('public.second') IS NULL AND to_regclass('public.fourth') IS NULL").scalar(Bool.self))

            // Renumbered above the latest, it applies.
            try FileManager.default.moveItem(at: url.appendingPathComponent("0002_second.sql"), to: url.appendingPathComponent("0005_second.sql"))
            let report = try MigrationRunner(migrations: try Migration.load(from: url)).migrate(connection)
            #expect(report.applied.map(\.migration) == ["0004_fourth.sql", "0005_second.sql"])
        }
    }

    @Test func aFailingMigrationRollsBackAndIsNotRecorded() throws {
        let url = try TestFiles.folder([
            "0001_good.sql": "CREATE TABLE public.good (n int);",
            "0002_bad.sql": "CREATE TABLE public.half (n int);\nSELECT no_such_function();",
        ])
        try TestDatabase.withEmpty { database in
            let connection = try database.connect()
            let runner = MigrationRunner(migrations: try Migration.load(from: url))
            let error = #expect(throws: MigrationError.self) { try runner.migrate(connection) }
            guard case .failed(let file, let reason) = error else {
                Issue.record("expected a failed migration, got \(String(describing: error))")
                return
            }
            #expect(file == "0002_bad.sql")
            #expect(reason.contains("no_such_function"))
            #expect(try connection.query("SELECT to_regclass('public.good') IS NOT NULL").scalar(Bool.self))
            #expect(try connection.query("SELECT to_regclass('public.half') IS NULL").scalar(Bool.self))
            #expect(try connection.query("SELECT array_agg(version) FROM homeward.schema_migrations").scalar([Int].self) == [1])
        }
    }

    @Test func twoConcurrentRunnersNeverApplyAFileTwice() throws {
        let url = try TestFiles.folder([
            "0001_log.sql": "CREATE TABLE public.apply_log (version int);\nINSERT INTO public.apply_log VALUES (1);",
            "0002_slow.sql": "SELECT pg_sleep(0.4);\nINSERT INTO public.apply_log VALUES (2);",
            "0003_more.sql": "INSERT INTO public.apply_log VALUES (3);",
        ])
        let migrations = try Migration.load(from: url)
        try TestDatabase.withEmpty { database in
            let appliedCounts = Mutex<[Int]>([])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                do {
                    let connection = try database.connect()
                    let report = try MigrationRunner(migrations: migrations).migrate(connection)
                    appliedCounts.withLock { $0.append(report.applied.count) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(appliedCounts.withLock { $0.sorted() } == [0, 3])
            let connection = try database.connect()
            #expect(try connection.query("SELECT array_agg(version ORDER BY version) FROM public.apply_log").scalar([Int].self)
                == [1, 2, 3])
        }
    }

    @Test func badFileNamesAndDuplicateVersionsAreRejected() throws {
        let badName = try TestFiles.folder(["1_short.sql": "SELECT 1;"])
        #expect(throws: MigrationError.badFileName("1_short.sql")) { try Migration.load(from: badName) }
        let duplicate = try TestFiles.folder(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"])
        #expect(throws: MigrationError.duplicateVersion(1, "0001_a.sql", "0001_b.sql")) { try Migration.load(from: duplicate) }
    }

    @Test func checksumIsTheSHA256OfTheFile() {
        // Known vector: SHA-256("abc").
        #expect(Migration(version: 1, name: "x", sql: "abc").checksum
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Migration(version: 1, name: "x", sql: "").checksum
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
