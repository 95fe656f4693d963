import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Oversight reads from the streaming replica (`Scripts/postgres-local standby`, service `homeward-oversight`), as the
/// README tells oversight staff to: the same answers as the primary, and no way to write there.
@Suite struct StandbyTests {
    /// Every row of `statement`'s answer as text, in a stable order (the same data may tie differently in ORDER BY).
    static func answer(_ statement: String, on connection: Connection) throws -> [String] {
        let result = try connection.query(statement)
        let columns = result.columns.count
        return result.rows.map { row in
            (0..<columns).map { row.text($0) ?? "∅" }.joined(separator: " | ")
        }.sorted()
    }

    /// Runs every example question as `oversight` on the primary and as the same login on the standby, once the standby
    /// has replayed the fixture; expects the same rows, and returns how many questions found any.
    static func compareExamples(_ oversight: Connection) throws -> Int {
        let statements = try OversightExamples.statements()
        #expect(statements.count >= 20)
        let database = try oversight.query("SELECT current_database()").scalar(String.self)
        let login = try oversight.query("SELECT current_user::text").scalar(String.self)
        try Standby.waitForReplay()
        let replica = try Standby.connect(database: database, as: login)
        #expect(try replica.query("SELECT pg_is_in_recovery()").scalar(Bool.self))
        var answered = 0
        for statement in statements {
            do {
                let primary = try answer(statement, on: oversight)
                let standby = try answer(statement, on: replica)
                #expect(standby == primary, "\(statement.prefix(200))")
                if !primary.isEmpty { answered += 1 }
            } catch {
                Issue.record("\(statement.prefix(200))\n→ \(error)")
            }
        }
        // The login is oversight's on the standby too: nothing outside the oversight schema.
        #expect(throws: PostgresError.self) { try replica.query("SELECT count(*) FROM homeward.participants") }
        return answered
    }

    /// The population of 300 (groups of k, so counts show) and the seed with a row behind every view (mostly cells
    /// under k): between them most questions find rows, so the comparison is not one of empty answers.
    @Test func theOversightExamplesAnswerOnTheStandbyAsOnThePrimary() throws {
        var answered = 0
        try OversightTests.withPopulation { oversight, _ in answered += try Self.compareExamples(oversight) }
        try OversightTests.withOversight { _, oversight in answered += try Self.compareExamples(oversight) }
        #expect(answered >= 20, "only \(answered) of 2 × 28 answers found rows over the two fixtures")
    }

    @Test func theStandbyRefusesWritesEvenFromTheSuperuser() throws {
        try OversightTests.withPopulation { oversight, admin in
            let database = try oversight.query("SELECT current_database()").scalar(String.self)
            let login = try oversight.query("SELECT current_user::text").scalar(String.self)
            try Standby.waitForReplay()
            let superuser = try Standby.connect(database: database)
            for write in ["UPDATE homeward.settings SET oversight_min_group = 2", "CREATE TABLE homeward.scratch (x int)"] {
                do throws(PostgresError) {
                    try superuser.execute(write)
                    Issue.record("the standby accepted: \(write)")
                } catch {
                    #expect(error.sqlState == "25006", "\(error)")
                    #expect(error.message.contains("read-only transaction"), "\(error)")
                }
            }
            let replica = try Standby.connect(database: database, as: login)
            do throws(PostgresError) {
                try replica.execute("CREATE TEMPORARY TABLE scratch (x int)")
                Issue.record("the standby let the oversight login create a table")
            } catch {
                #expect(error.sqlState == "25006", "\(error)")
            }
            // The primary still has the setting it had: nothing came back from the standby.
            #expect(try admin.query("SELECT homeward.oversight_min_group()").scalar(Int.self) == 5)
        }
    }
}
