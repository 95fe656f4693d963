import Foundation
import Postgres
import TestSupport
import Testing

/// 0041 restates `homeward.session_rule_violations_of` to cost the days and weeks it checks: the daily and weekly counts
/// look only at sessions near those under review, ages are computed where a rule needs them, the timetable blocks are
/// found by weekday. The findings must be the rules' as 0024 wrote them. On the fixture's schedule, a few hundred
/// sessions are added around it with the database's checks off (`session_replication_role = replica`: only the
/// exclusion constraints hold): moved in time, given other staff and other participants, so that every kind of rule is
/// broken somewhere; then every rule's findings over every session are compared with 0024's body, run as written.
@Suite struct SessionRuleViolationsTests {
    @Test func everyRuleFindsWhatItFoundAsWrittenIn0024() throws {
        try ScheduleFixture.withWorld { database in
            let generated = try ScheduleFixture.generate(database)
            #expect([0, 3].contains(generated.status), "\(generated)")
            let connection = try database.connect()
            try connection.execute("SELECT setseed(0.41)")
            try connection.execute("SET session_replication_role = replica")
            // Copies of planned sessions moved by up to two days and three hours either way (never across a local midnight),
            // with staff and participants drawn at random from the whole world: what the exclusion constraints refuse is
            // left out.
            try connection.execute("CREATE TEMP TABLE added (id bigint)")
            try connection.execute(
                """
                DO $$
                DECLARE
                    s record;
                    v_id bigint;
                BEGIN
                    FOR s IN SELECT x.*, (floor(random() * 5) - 2) * interval '1 day' + (floor(random() * 25) - 12) * interval '15 minutes' AS shift
                             FROM homeward.sessions x WHERE x.status = 'planned' ORDER BY random() LIMIT 400 LOOP
                        v_id := NULL;
                        BEGIN
                            INSERT INTO homeward.sessions (session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at, family_id)
                            VALUES (s.session_type, s.requirement_id, s.mode, s.centre_id, s.room_id, s.starts_at + s.shift,
                                    s.ends_at + s.shift, s.family_id)
                            RETURNING id INTO v_id;
                            INSERT INTO pg_temp.added VALUES (v_id);
                        EXCEPTION WHEN exclusion_violation THEN NULL;
                        END;
                        CONTINUE WHEN v_id IS NULL;
                        -- (the trigger that copies the session's time to its members is off, as every trigger is)
                        BEGIN
                            INSERT INTO homeward.session_staff (session_id, staff_id, during, occupies)
                            SELECT v_id, st.id, n.during, n.occupies FROM homeward.sessions n, homeward.staff st
                            WHERE n.id = v_id ORDER BY random() LIMIT 1;
                        EXCEPTION WHEN exclusion_violation THEN NULL;
                        END;
                        FOR i IN 0 .. (v_id % 3)::int LOOP
                            BEGIN
                                INSERT INTO homeward.session_participants (session_id, participant_id, during, occupies)
                                SELECT v_id, p.id, n.during, n.occupies FROM homeward.sessions n, homeward.participants p
                                WHERE n.id = v_id ORDER BY random() LIMIT 1;
                            EXCEPTION WHEN exclusion_violation OR unique_violation THEN NULL;
                            END;
                        END LOOP;
                    END LOOP;
                END
                $$
                """)
            let added = try connection.query("SELECT count(*)::int FROM pg_temp.added").scalar(Int.self)
            #expect(added > 100, "\(added) copies")
            try connection.execute("SET session_replication_role = origin")
            // 0024's `homeward.session_rule_violations`, read from its migration, as pg_temp.session_rule_violations_landed.
            try connection.execute(try InstanceReadTests.landedFunction("0024_individual_plans_and_families.sql", "session_rule_violations"))

            let findings = """
                SELECT coalesce(array_agg(v.rule || ' ' || v.session_id || ': ' || v.detail ORDER BY v.rule, v.session_id, v.detail), '{}')
                FROM %@(array(SELECT id FROM homeward.sessions)) v
                """
            let now = try connection.query(findings.replacingOccurrences(of: "%@", with: "homeward.session_rule_violations_of"))
                .scalar([String].self)
            let then = try connection.query(findings.replacingOccurrences(of: "%@", with: "pg_temp.session_rule_violations_landed")).scalar([String].self)
            #expect(now.count == then.count)
            #expect(Set(now).subtracting(then).sorted() == [], "found only now")
            #expect(Set(then).subtracting(now).sorted() == [], "found only as written in 0024")
            // Every rule the restatement touched is broken somewhere, so the comparison says something about each.
            let rules = Set(now.map { String($0.prefix(while: { $0 != " " })) })
            for rule in ["daily_limit", "staff_weekly_limit", "timetable_block", "child_clearance", "no_shared_language", "eligibility"] {
                #expect(rules.contains(rule), "no \(rule) finding among \(now.count)")
            }
            #expect(now.count > 100, "\(now.count) findings")
        }
    }
}
