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
}
