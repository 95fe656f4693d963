import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Reads the oversight schema as a real `homeward_oversight` login: every view readable and commented, nothing that
/// identifies a person, and every ready question in SQL/oversight/examples.sql runs.
@Suite struct OversightTests {
    /// Adds to SecurityTests' seed one row behind every oversight view: a completed residential enrolment (on time),
    /// a child at school last month at 80%, a held session with staff, a scheduler run with unplaced demand, a course.
    static let seed = """
        INSERT INTO homeward.programmes (code, name, audience, version) VALUES ('WOMEN-RESIDENTIAL', 'Residential', 'adult_women', 1);
        INSERT INTO homeward.programme_phases (programme_id, ordinal, code, name, duration_days, review_interval_days)
        SELECT id, 1, 'STABILISE', 'Stabilisation', 60, 30 FROM homeward.programmes;
        INSERT INTO homeward.phase_requirements (phase_id, code, session_type, staff_role, mode, duration_minutes,
                                                 sessions_per_week, room_kind)
        SELECT id, 'COUNSEL', 'individual_counselling', 'psychologist', 'individual', 60, 1, 'counselling_room'
        FROM homeward.programme_phases;
        INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on,
                                         planned_end_on, status, ended_on)
        SELECT p.id, ph.programme_id, '2019-05-10', ph.id, '2019-05-10', '2020-05-10', 'completed', '2020-05-01'
        FROM homeward.participants p, homeward.programme_phases ph WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.schools (code, name, region) VALUES ('SCH-1', 'School 1', 'Almaty');
        INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, school_day_starts_at, school_day_ends_at,
                                                enrolled_from)
        SELECT p.id, s.id, 3, '08:00', '13:00', '2020-09-01' FROM homeward.participants p, homeward.schools s
        WHERE p.case_number = 'KZ-B-0001';
        INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by)
        SELECT se.participant_id, se.id, (date_trunc('month', homeward.actual_today()) - interval '1 month')::date + d,
               CASE WHEN d < 2 THEN 'absent_unexcused' ELSE 'present' END, 'school'
        FROM homeward.school_enrolments se CROSS JOIN generate_series(0, 9) d;
        INSERT INTO homeward.staff (code, given_name, family_name, languages, weekly_hour_limit)
        VALUES ('PSY-OV', 'Marat', 'Nurlanov', '{kk,ru}', 1);
        INSERT INTO homeward.staff_roles (staff_id, role) SELECT id, 'psychologist' FROM homeward.staff;
        INSERT INTO homeward.staff_centres (staff_id, centre_id) SELECT s.id, c.id FROM homeward.staff s, homeward.centres c
        WHERE c.code = 'SEC-A';
        INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
        SELECT id, 'R1', 'Room 1', 'counselling_room', 4 FROM homeward.centres WHERE code = 'SEC-A';
        INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, status)
        SELECT 'individual_counselling', 'individual', r.centre_id, r.id, t, t + interval '2 hours', 'held'
        FROM homeward.rooms r, (SELECT date_trunc('week', homeward.now()) - interval '7 days' + interval '5 hours' AS t) w;
        INSERT INTO homeward.session_staff (session_id, staff_id) SELECT s.id, st.id FROM homeward.sessions s, homeward.staff st;
        INSERT INTO homeward.session_participants (session_id, participant_id)
        SELECT s.id, p.id FROM homeward.sessions s, homeward.participants p WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.attendance (session_id, participant_id, status, recorded_by)
        SELECT session_id, participant_id, 'attended', 'PSY-OV' FROM homeward.session_participants;
        INSERT INTO homeward.schedule_runs (started_at, horizon_from, horizon_days, freeze_days, demand, placed, unplaced,
                                            sessions_created, duration_ms)
        VALUES (homeward.now(), homeward.actual_today(), 28, 2, 5, 3, 2, 3, 120);
        INSERT INTO homeward.schedule_unplaced (schedule_run_id, participant_id, requirement_id, week_start, sessions, reason, detail)
        SELECT r.id, p.id, q.id, date_trunc('week', homeward.actual_today())::date, 2, 'staff_weekly_limit', 'PSY-OV is full'
        FROM homeward.schedule_runs r, homeward.participants p, homeward.phase_requirements q WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.courses (code, name) VALUES ('LIT-1', 'Literacy');
        INSERT INTO homeward.course_modules (course_id, ordinal, code, title, expected_weeks)
        SELECT id, o, 'M' || o, 'Module ' || o, 4 FROM homeward.courses, generate_series(1, 3) o;
        INSERT INTO homeward.course_enrolments (participant_id, course_id, started_on)
        SELECT p.id, c.id, homeward.actual_today() - 70 FROM homeward.participants p, homeward.courses c WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.module_completions (course_enrolment_id, course_id, module_id, completed_on, result, score)
        SELECT ce.id, ce.course_id, m.id, homeward.actual_today() - 30, 'passed', 70
        FROM homeward.course_enrolments ce JOIN homeward.course_modules m ON m.course_id = ce.course_id AND m.ordinal = 1;
        """

    /// A migrated database seeded like SecurityTests plus `seed`, and a fresh homeward_oversight login.
    static func withOversight(_ body: (Connection, Connection) throws -> Void) throws {
        try SecurityTests.withLogin(.oversight) { database, oversight, _ throws in
            let admin = try database.connect()
            try admin.runScript(seed)
            try body(admin, oversight)
        }
    }

    static let views = ["attendance_by_month", "education_progress", "open_flags", "participants", "programme_completion",
                        "progress", "schedule_runs", "school_attendance", "staff_load", "unplaced_demand"]

    @Test func everyOversightViewIsReadableCommentedAndHasRows() throws {
        try Self.withOversight { admin, oversight in
            let found: [String] = try admin.query(
                "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'oversight' ORDER BY 1")
                .rows.map { try $0.decode(0) }
            #expect(Set(Self.views).isSubset(of: Set(found)), "\(found)")
            for view in found {
                do throws(PostgresError) {
                    let rows = try oversight.query("SELECT * FROM oversight.\(oversight.quoteIdentifier(view))")
                    // The seed has no active enrolment or flag; every other view has rows.
                    if !["open_flags", "progress"].contains(view) { #expect(rows.count > 0, "oversight.\(view) is empty on the seed") }
                } catch {
                    Issue.record("oversight.\(view): \(error)")
                }
            }
            let uncommented: [String] = try admin.query(
                """
                SELECT c.relname || coalesce('.' || a.attname, '') FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'oversight'
                LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
                WHERE c.relkind = 'v'
                  AND (obj_description(c.oid, 'pg_class') IS NULL OR (a.attnum IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL))
                """).rows.map { try $0.decode(0) }
            #expect(uncommented.isEmpty, "\(uncommented)")
        }
    }

    @Test func noOversightViewExposesANameCaseNumberBirthDateOrAddress() throws {
        try Self.withOversight { admin, oversight in
            let exposed: [String] = try admin.query(
                """
                SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'oversight'
                  AND column_name ~ '(name|case|birth|address|patronymic|phone|given|family)'
                """).rows.map { try $0.decode(0) }
            #expect(exposed.isEmpty, "\(exposed)")
            for view in Self.views {
                let leaked = try oversight.query(
                    "SELECT count(*)::int FROM oversight.\(view) v WHERE v::text ~ '(KZ-A-0001|KZ-B-0001|Aigerim|Sadykova|Dana|Omarova|Nurlanov|1994-03-12|2015-01-02|Aktau)'")
                    .scalar(Int.self)
                #expect(leaked == 0, "oversight.\(view)")
            }
            // The school view's pseudonym is the same person's pseudonym as in oversight.participants.
            let joined = try oversight.query(
                "SELECT count(*)::int FROM oversight.school_attendance s JOIN oversight.participants p USING (pseudonym)").scalar(Int.self)
            #expect(joined == 1)
            // Nothing in homeward or audit, and no way to record an export.
            #expect(throws: PostgresError.self) { try oversight.query("SELECT * FROM homeward.staff LIMIT 1") }
            #expect(throws: PostgresError.self) { try oversight.query("SELECT audit.record_export(1, '{}')") }
        }
    }

    @Test func theViewsAnswerTheQuestionsOnTheSeed() throws {
        try Self.withOversight { _, oversight in
            let school = try oversight.query(
                """
                SELECT region, attendance_rate::text FROM oversight.school_attendance
                WHERE month = date_trunc('month', homeward.actual_today() - interval '1 month')::date
                """)
            #expect(school.count == 1)
            #expect(try school.rows.first?.decode(0) as String? == "Almaty")
            #expect(try school.rows.first?.decode(1) as String? == "0.800")
            let completion = try oversight.query(
                "SELECT centre_code, women_completed_on_time FROM oversight.programme_completion WHERE programme_code = 'WOMEN-RESIDENTIAL'")
            #expect(try completion.rows.first?.decode(0) as String? == "SEC-A")
            #expect(try completion.rows.first?.decode(1) as Int? == 1)
            let load = try oversight.query("SELECT staff_code, over_limit FROM oversight.staff_load")
            #expect(try load.rows.first?.decode(0) as String? == "PSY-OV")
            #expect(try load.rows.first?.decode(1) as Bool? == true)
            let education = try oversight.query("SELECT modules_passed, modules_expected, behind FROM oversight.education_progress")
            #expect(try education.rows.first.map { [try $0.decode(0) as Int, try $0.decode(1) as Int, try $0.decode(2) as Int] } == [1, 2, 1])
            let unplaced = try oversight.query("SELECT reason, sessions FROM oversight.unplaced_demand")
            #expect(try unplaced.rows.first?.decode(0) as String? == "staff_weekly_limit")
        }
    }

    @Test func everyExampleQuestionRunsAsTheOversightRole() throws {
        let file = TestDatabase.repositoryRoot.appendingPathComponent("SQL/oversight/examples.sql")
        let text = try String(contentsOf: file, encoding: .utf8)
        // Statements end with ';' at the end of a line; comment lines are dropped.
        let statements = text.components(separatedBy: ";\n")
            .map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") }
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(statements.count >= 20)
        #expect(text.contains("school attendance fell below 90% last month, by region"))
        #expect(text.contains("Share of women completing residential rehabilitation on time, by centre"))
        try Self.withOversight { _, oversight in
            for statement in statements {
                do throws(PostgresError) {
                    _ = try oversight.query(statement)
                } catch {
                    Issue.record("\(statement)\n→ \(error)")
                }
            }
            // The school question finds the child of the seed.
            let school = try #require(statements.first { $0.contains("children_below_90_percent") && $0.contains("FROM oversight.school_attendance") })
            #expect(try oversight.query(school).rows.first?.decode(0) as String? == "Almaty")
        }
    }
}
