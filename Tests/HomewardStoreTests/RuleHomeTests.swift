import Foundation
import HomewardStore
import Postgres
import TestSupport
import Testing

/// One rule, one place, judged on the migrated catalogue: views and functions call the named rules instead of
/// repeating them.
@Suite struct RuleHomeTests {
    /// Views and functions (other than `except`) whose SQL matches `pattern`.
    static func repeating(_ connection: Connection, _ pattern: String, except: [String]) throws -> [String] {
        try connection.query(
            """
            SELECT name FROM (
                SELECT schemaname || '.' || viewname AS name, definition AS body FROM pg_views
                WHERE schemaname IN ('homeward', 'audit', 'oversight')
                UNION ALL
                SELECT n.nspname || '.' || p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname IN ('homeward', 'audit', 'oversight')
            ) o WHERE body ~* $1 AND NOT name = ANY ($2::text[]) ORDER BY 1
            """, [pattern, except]).rows.map { try $0.decode(0, as: String.self) }
    }

    @Test func thePseudonymTheAgeBandAndEligibilityAreEachWrittenOnce() throws {
        try TestDatabase.withConnection { connection throws in
            #expect(try Self.repeating(connection, #"md5\("#, except: ["homeward.pseudonym"]) == [])
            #expect(try Self.repeating(connection, #"'13-17'"#, except: ["homeward.age_band"]) == [])
            // Age limits of a requirement are compared with an age only by the eligibility rule and the session trigger
            // (whose agreement DriftTests checks case by case).
            #expect(try Self.repeating(connection, #"(min_age|max_age)\s*\)?\s*(<=|>=|<|>)|(<=|>=|<|>)\s*\(?\s*\w*\.?(min_age|max_age)"#,
                                       except: ["homeward.eligible_during", "homeward.check_session_rules"]) == [])
            // Childhood and the daily limits by age come from the named rules.
            #expect(try Self.repeating(connection, #"age_on\([^)]*\)\s*<\s*18"#, except: []) == [])
        }
    }

    @Test func nobodyIsPlacedBeforeTheyCameBackWhoeverWrites() throws {
        try TestDatabase.withConnection { connection throws in
            try SecurityTests.seed(connection)   // KZ-A-0001 returned and placed on 2019-05-10
            func refused(_ sql: String) -> Bool {
                do { try connection.execute(sql); return false } catch { return error.constraint == "placements_after_return" }
            }
            #expect(refused(
                """
                INSERT INTO homeward.participant_placements (participant_id, centre_id, during)
                SELECT p.id, c.id, daterange('2019-05-01', '2019-05-05') FROM homeward.participants p, homeward.centres c
                WHERE p.case_number = 'KZ-A-0001' AND c.code = 'SEC-B'
                """))
            #expect(refused("UPDATE homeward.participants SET returned_on = '2019-06-01' WHERE case_number = 'KZ-A-0001'"))
            #expect(try connection.execute("UPDATE homeward.participants SET returned_on = '2019-05-01' WHERE case_number = 'KZ-A-0001'") == 1)
            let error = StoreError(PostgresError(kind: .server, message: "x", constraint: "placements_after_return"))
            #expect(error.description.contains("cannot start before the participant returned"))
        }
    }
}
