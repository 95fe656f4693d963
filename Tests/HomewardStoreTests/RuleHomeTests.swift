import Foundation
import Homeward
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
            // (whose agreement DriftTests checks case by case). programme_min_age compares two programmes' limits with
            // each other (is there a younger programme?), never with anyone's age.
            #expect(try Self.repeating(connection, #"(min_age|max_age)\s*\)?\s*(<=|>=|<|>)|(<=|>=|<|>)\s*\(?\s*\w*\.?(min_age|max_age)"#,
                                       except: ["homeward.eligible_during", "homeward.check_session_rules", "homeward.programme_min_age"]) == [])
            // Childhood and the daily limits by age come from the named rules.
            #expect(try Self.repeating(connection, #"age_on\([^)]*\)\s*<\s*18"#, except: []) == [])
        }
    }

    @Test func severitiesSortTheSameInSQLAndSwiftAndTheOrderIsWrittenOnce() throws {
        try TestDatabase.withConnection { connection throws in
            let words = FlagSeverity.allCases.map(\.rawValue)
            let sorted: [String] = try connection.query(
                "SELECT s FROM unnest($1::text[]) s ORDER BY homeward.flag_severity_rank(s)", [Array(words.reversed())]).rows.map { try $0.decode(0) }
            #expect(sorted == FlagSeverity.allCases.sorted().map(\.rawValue))
            let ranks: [Int] = try connection.query("SELECT homeward.flag_severity_rank(s) FROM unnest($1::text[]) s", [words])
                .rows.map { try $0.decode(0) }
            #expect(ranks == FlagSeverity.allCases.map(\.rank))
            #expect(try Self.repeating(connection, #"WHEN\s+'(watch|concern|urgent)'"#, except: ["homeward.flag_severity_rank"]) == [])
            // Views that show a severity show its rank beside it, so psql users never sort the words.
            let unranked: [String] = try connection.query(
                """
                SELECT c.table_schema || '.' || c.table_name FROM information_schema.columns c
                JOIN information_schema.views v ON v.table_schema = c.table_schema AND v.table_name = c.table_name
                WHERE c.table_schema = 'oversight' AND c.column_name ~ 'severity$'
                  AND NOT EXISTS (SELECT 1 FROM information_schema.columns r WHERE r.table_schema = c.table_schema
                                  AND r.table_name = c.table_name AND r.column_name = 'severity_rank')
                """).rows.map { try $0.decode(0) }
            #expect(unranked == [])
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

    @Test func anEnrolmentMustFitTheProgrammesAudienceAndAgesOnItsStartDate() throws {
        try TestDatabase.withConnection { connection throws in
            let world = ProgressFixtures(connection: connection)
            try world.world()   // WOMEN for adult women (18+); CHILD for children, ages up to 17
            try world.participant("KZ-OK-0001", born: "1994-03-02", programme: "WOMEN", enrolled: "2026-10-05")
            try world.participant("KZ-OK-0002", born: "2016-01-01", programme: "CHILD", enrolled: "2026-10-05")
            func refusal(_ caseNumber: String, born: String, sex: String, programme: String, start: String) -> String? {
                do {
                    try connection.execute(
                        """
                        INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
                        VALUES ($1, 'Given', 'Family', $2::date, $3, '{kk}', 'Atyrau', '2019-05-10')
                        """, [caseNumber, born, sex])
                    try connection.execute(
                        """
                        INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
                        SELECT p.id, pg.id, $3::date, ph.id, $3::date, $3::date + 56
                        FROM homeward.participants p, homeward.programmes pg JOIN homeward.programme_phases ph ON ph.programme_id = pg.id
                        WHERE p.case_number = $1 AND pg.code = $2
                        """, [caseNumber, programme, start])
                    return nil
                } catch {
                    return error.constraint == "enrolments_fit_programmes" ? (error.detail ?? "") : "other: \(error)"
                }
            }
            #expect(refusal("KZ-NO-0001", born: "1990-01-01", sex: "male", programme: "WOMEN", start: "2026-10-05")?
                .contains("WOMEN is for women of 18 or older; the participant is male and 36") == true)
            #expect(refusal("KZ-NO-0002", born: "2010-01-01", sex: "female", programme: "WOMEN", start: "2026-10-05")?
                .contains("the participant is female and 16 on 2026-10-05") == true)
            #expect(refusal("KZ-NO-0003", born: "1999-01-01", sex: "female", programme: "CHILD", start: "2026-10-05")?
                .contains("CHILD is for children; the participant is 27") == true)
            // Turning 18 the day after the start is fine: ages are judged on the start date.
            #expect(refusal("KZ-OK-0003", born: "2008-10-06", sex: "female", programme: "CHILD", start: "2026-10-05") == nil)
        }
    }
}
