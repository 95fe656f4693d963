import Foundation
import TestSupport
import Testing

@Suite struct DatabaseCommandTests {
    @Test func migrateThenStatusListsEveryMigrationAsApplied() throws {
        try TestDatabase.withEmpty { database in
            let migrate = try CLI.run(["db", "migrate"], database: database)
            #expect(migrate.status == 0, "\(migrate)")
            #expect(migrate.stdout.contains("applied 0001_foundation.sql"))

            let again = try CLI.run(["db", "migrate", "--quiet"], database: database)
            #expect(again.status == 0)
            #expect(again.stdout.isEmpty)

            let status = try CLI.run(["db", "status", "--format", "csv"], database: database)
            #expect(status.status == 0, "\(status)")
            let lines = status.stdout.split(separator: "\r\n")
            #expect(lines.first == "version,name,state,applied_at,applied_by")
            #expect(lines.dropFirst().allSatisfy { $0.contains(",applied,") })
        }
    }

    @Test func statusOnAnEmptyDatabaseReportsPendingWithExit78() throws {
        try TestDatabase.withEmpty { database in
            let status = try CLI.run(["db", "status"], database: database)
            #expect(status.status == 78)
            #expect(status.stdout.contains("pending"))
        }
    }

    @Test func aServerThatIsDownGivesOneLineAndExit69() throws {
        let outcome = try CLI.run(["db", "status"], environment: ["PGHOST": "/tmp/homeward-nowhere", "PGPORT": "5999"])
        #expect(outcome.status == 69)
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome)")
        #expect(outcome.stderr.contains("/tmp/homeward-nowhere/.s.PGSQL.5999"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func aFileNumberedBelowTheLatestAppliedStopsMigrateWithExit78() throws {
        // The shipped migrations and a late 0999, as if another branch had gone far ahead.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hw-fork-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestDatabase.migrationsDirectory, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1;".write(to: folder.appendingPathComponent("0999_far_ahead.sql"), atomically: true, encoding: .utf8)
        try TestDatabase.withEmpty { database in
            let first = try CLI.run(["db", "migrate", "--quiet", "--migrations", folder.path], database: database)
            #expect(first.status == 0, "\(first)")
            try "SELECT 1;".write(to: folder.appendingPathComponent("0500_forked.sql"), atomically: true, encoding: .utf8)
            let forked = try CLI.run(["db", "migrate", "--migrations", folder.path], database: database)
            #expect(forked.status == 78, "\(forked)")
            #expect(forked.stderr.hasPrefix(
                "homeward: error: refusing to migrate: 0500_forked.sql is numbered below 0999_far_ahead.sql, which is already applied"),
                    "\(forked)")
            #expect(forked.stderr.split(separator: "\n").count == 1)
        }
    }
}
