import Foundation
import Postgres
import TestSupport
import Testing

/// A rerun with nothing new is cheap (issue 15): it retries only the demand the run before could not place, without the
/// improvement search, and a change to the supply in between brings the search back.
@Suite struct RerunTests {
    private func iterations(_ connection: Connection, run: Int) throws -> Int {
        try connection.int("SELECT iterations FROM homeward.schedule_runs WHERE id = $1", [run])
    }

    /// `schedule generate` over the fixture's horizon, with the phases logged (debug) on stderr.
    private func generate(_ database: TestDatabase, config: URL) throws -> CLI.Outcome {
        try database.cli(["schedule", "generate", "--from", ScheduleFixture.from, "--days", ScheduleFixture.days, "--config", config.path],
                         environment: ["HOMEWARD_LOG_LEVEL": "debug"])
    }

    private static let knownGapsOnly = "only the demand the run before left unplaced, nothing changed: no search"

    @Test func aRerunWithNothingNewRetriesTheKnownGapsWithoutTheSearch() throws {
        try ScheduleFixture.withWorld { database in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let connection = try database.connect()
            let first = try generate(database, config: config)
            #expect(first.status == 3, "\(first)")
            #expect(!first.stderr.contains(Self.knownGapsOnly), "\(first)")
            #expect(try connection.int("SELECT count(*)::int FROM homeward.schedule_runs WHERE id = 1 AND rerun_fingerprint IS NOT NULL") == 1)

            let again = try generate(database, config: config)
            #expect(again.status == 3, "\(again)")
            #expect(again.stderr.contains(Self.knownGapsOnly), "\(again)")
            #expect(again.stdout.contains(" 0 sessions created (run 2, "), "\(again)")
            // Known-unplaceable demand against the same supply: planned without the improvement budget.
            #expect(try iterations(connection, run: 2) == 0)
            // Still diagnosed, with the same reasons as the run before.
            #expect(try connection.int(
                """
                SELECT count(*)::int FROM (SELECT participant_id, requirement_id, week_start, sessions, reason FROM homeward.schedule_unplaced WHERE schedule_run_id = 1
                                           EXCEPT SELECT participant_id, requirement_id, week_start, sessions, reason FROM homeward.schedule_unplaced WHERE schedule_run_id = 2) x
                """) == 0)
            #expect(try connection.int("SELECT count(*)::int FROM homeward.schedule_unplaced WHERE schedule_run_id = 2")
                    == connection.int("SELECT count(*)::int FROM homeward.schedule_unplaced WHERE schedule_run_id = 1"))
            try ScheduleFixture.expectNoViolations(connection)
        }
    }

    @Test func aChangedSupplyBringsTheSearchBack() throws {
        try ScheduleFixture.withWorld { database in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let connection = try database.connect()
            _ = try generate(database, config: config)
            // One planned session cancelled: a seat and a staff hour are free again, so the rerun searches.
            _ = try connection.execute(
                """
                UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'room flooded'
                WHERE id = (SELECT min(id) FROM homeward.sessions WHERE status = 'planned')
                """)
            let again = try generate(database, config: config)
            #expect([0, 3].contains(again.status), "\(again)")
            #expect(!again.stderr.contains(Self.knownGapsOnly), "\(again)")
            try ScheduleFixture.expectNoViolations(connection)
        }
    }
}
