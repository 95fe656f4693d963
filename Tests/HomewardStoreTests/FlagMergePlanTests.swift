import Foundation
@testable import HomewardStore
import Postgres
import TestSupport
import Testing

/// The statement that opens new flags is planned by the flags' unique key, never as a join against homeward.flags
/// (the bug: on a table with few or no flags the anti-join became a nested loop over a sequential scan of the table the
/// statement was filling, quadratic in the new flags: 33k took 127 s, the first nightly at 100k over 10 minutes).
@Suite struct FlagMergePlanTests {
    @Test func newFlagsAreOpenedByTheUniqueKeyNotByScanningFlags() throws {
        try TestDatabase.withConnection { connection in
            try connection.transaction { transaction in
                try transaction.execute(Store.flagFindingsTable)
                try transaction.runScript(
                    """
                    INSERT INTO flag_findings
                    SELECT g, 'no_counselling_contact', 'counselling', 'watch', '{}', '{}' FROM generate_series(1, 5000) g;
                    CREATE INDEX ON flag_findings (participant_id, rule, subject);
                    ANALYZE flag_findings;
                    ANALYZE homeward.flags;
                    """)
                let plan = try transaction.query("EXPLAIN " + Store.openNewFlags, ["test"]).rows
                    .map { try $0.decode(0, as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("Conflict Arbiter Indexes: flags_one_per_condition"), "\(plan)")
                let readsFlags = plan.split(separator: "\n").contains { $0.contains(" on flags") && !$0.contains("Insert on flags") }
                #expect(!plan.contains("Join") && !readsFlags, "no join with, nor scan of, homeward.flags:\n\(plan)")
            }
        }
    }
}
