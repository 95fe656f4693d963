import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Hand-built histories for the progress views and flag rules, in plain SQL, at AKT-RC (Asia/Aqtau, UTC+5).
///
/// - WOMEN/RESIDENTIAL (56 days, review every 14): PSY-IND, individual counselling once a week;
/// - CHILD/SUPPORT (56 days, review every 14): ART, art therapy every two weeks (0.5 a week), ages 0–17;
/// - staff ST-0001 (psychologist) for assessments; rooms C1 (counselling) and ART1 (play room).
/// Sessions are booked at 08:00 local plus 70 minutes per session already on that day, so none overlap.
struct ProgressFixtures {
    let connection: Connection

    func world() throws {
        try connection.runScript(
            """
            INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity)
            VALUES ('AKT-RC', 'Aktau Rehabilitation Centre', 'rehabilitation_centre', 'Mangystau', 'Aktau', 'Asia/Aqtau', 100),
                   ('NGO-AST', 'Astana NGO', 'ngo_day_centre', 'Astana', 'Astana', 'Asia/Aqtau', 40);
            INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
            SELECT id, 'C1', 'Counselling 1', 'counselling_room', 2 FROM homeward.centres WHERE code = 'AKT-RC'
            UNION ALL SELECT id, 'ART1', 'Art room', 'play_room', 8 FROM homeward.centres WHERE code = 'AKT-RC';
            INSERT INTO homeward.staff (code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit)
            VALUES ('ST-0001', 'Aigerim', 'Nurlanova', '{kk,ru}', true, 30);
            INSERT INTO homeward.staff_roles (staff_id, role) SELECT id, 'psychologist' FROM homeward.staff;
            INSERT INTO homeward.programmes (code, name, audience, version) VALUES ('WOMEN', 'Women', 'adult_women', 1), ('CHILD', 'Children', 'children', 1);
            INSERT INTO homeward.programme_phases (programme_id, ordinal, code, name, duration_days, review_interval_days)
            SELECT id, 1, CASE code WHEN 'WOMEN' THEN 'RESIDENTIAL' ELSE 'SUPPORT' END, 'Phase', 56, 14 FROM homeward.programmes;
            INSERT INTO homeward.phase_requirements (phase_id, code, session_type, staff_role, mode, duration_minutes, sessions_per_week,
                                                     min_age, max_age, room_kind)
            SELECT ph.id, 'PSY-IND', 'individual_counselling', 'psychologist', 'individual', 60, 1, 18, NULL, 'counselling_room'
            FROM homeward.programme_phases ph WHERE ph.code = 'RESIDENTIAL'
            UNION ALL
            SELECT ph.id, 'ART', 'art_therapy', 'psychologist', 'individual', 60, 0.5, 0, 17, 'play_room'
            FROM homeward.programme_phases ph WHERE ph.code = 'SUPPORT';
            """)
    }

    /// A participant, placed at AKT-RC from 2026-09-01 and enrolled in `programme` from `enrolled`.
    func participant(_ caseNumber: String, born: String = "1994-03-02", programme: String = "WOMEN", enrolled: String) throws {
        try connection.execute(
            """
            INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
            VALUES ($1, 'Given', 'Family', $2::date, 'female', '{kk}', 'Atyrau', '2019-05-10')
            """, [caseNumber, born])
        try connection.execute(
            """
            INSERT INTO homeward.participant_placements (participant_id, centre_id, during)
            SELECT p.id, c.id, daterange('2026-09-01', NULL) FROM homeward.participants p, homeward.centres c
            WHERE p.case_number = $1 AND c.code = 'AKT-RC'
            """, [caseNumber])
        try connection.execute(
            """
            INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
            SELECT p.id, pg.id, $3::date, ph.id, $3::date, $3::date + 56
            FROM homeward.participants p, homeward.programmes pg JOIN homeward.programme_phases ph ON ph.programme_id = pg.id
            WHERE p.case_number = $1 AND pg.code = $2
            """, [caseNumber, programme, enrolled])
    }

    /// Books `caseNumber` into a session of `requirement` on `day`; records `attendance` (e.g. "attended") or cancels it by `cancelledBy`.
    @discardableResult
    func session(_ caseNumber: String, _ requirement: String = "PSY-IND", day: String, attendance: String? = nil,
                 cancelledBy: String? = nil) throws -> Int {
        let id = try connection.query(
            """
            INSERT INTO homeward.sessions (session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at, override_reason)
            SELECT q.session_type, q.id, q.mode, c.id, r.id, t.starts, t.starts + interval '60 minutes', 'fixture: history written directly'
            FROM homeward.phase_requirements q, homeward.centres c
            JOIN homeward.rooms r ON r.centre_id = c.id AND r.code = CASE WHEN $1 = 'ART' THEN 'ART1' ELSE 'C1' END
            CROSS JOIN LATERAL (
                SELECT ($2::date + time '08:00' + interval '70 minutes' *
                        (SELECT count(*) FROM homeward.sessions s WHERE (s.starts_at AT TIME ZONE 'Asia/Aqtau')::date = $2::date))
                       AT TIME ZONE 'Asia/Aqtau' AS starts) t
            WHERE q.code = $1 AND c.code = 'AKT-RC'
            RETURNING id
            """, [requirement, day]).scalar(Int.self)
        try connection.execute(
            "INSERT INTO homeward.session_participants (session_id, participant_id) SELECT $1, id FROM homeward.participants WHERE case_number = $2",
            [id, caseNumber])
        if let attendance {
            try connection.execute(
                """
                INSERT INTO homeward.attendance (session_id, participant_id, status, recorded_by)
                SELECT $1, id, $3, 'test' FROM homeward.participants WHERE case_number = $2
                """, [id, caseNumber, attendance])
        }
        if let cancelledBy {
            try connection.execute(
                "UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = $2, cancel_reason = 'test' WHERE id = $1", [id, cancelledBy])
        }
        return id
    }

    /// Changes the attendance recorded for a session.
    func setAttendance(_ session: Int, _ status: String) throws {
        try connection.execute("UPDATE homeward.attendance SET status = $2 WHERE session_id = $1", [session, status])
    }

    /// Pins the reference day of the views.
    func today(_ day: String) throws {
        try connection.execute("SELECT set_config('homeward.today', $1, false)", [day])
    }
}

@Suite struct ProgressViewTests {
    /// One row of a view as text by column name; NULL columns are left out.
    private func row(_ connection: Connection, _ view: String, _ caseNumber: String) throws -> [String: String] {
        let result = try connection.query("SELECT * FROM homeward.\(view) WHERE case_number = $1", [caseNumber])
        let first = try #require(result.first)
        return Dictionary(uniqueKeysWithValues: result.columns.enumerated().compactMap { column in
            first.text(column.offset).map { (column.element, $0) }
        })
    }

    @Test func requirementProgressCountsRequiredAttendedMissedAndIgnoresStaffCancellations() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-05", attendance: "attended")
            try world.session("KZ-A-0001", day: "2026-10-12", attendance: "late")
            try world.session("KZ-A-0001", day: "2026-10-19", attendance: "absent_unexcused")
            try world.session("KZ-A-0001", day: "2026-10-26", attendance: "absent_excused")
            try world.session("KZ-A-0001", day: "2026-10-29", cancelledBy: "staff")
            try world.session("KZ-A-0001", day: "2026-10-30")
            try world.session("KZ-A-0001", day: "2026-11-02")
            try world.today("2026-10-31")

            let r = try row(connection, "requirement_progress", "KZ-A-0001")
            #expect(r["elapsed_days"] == "28")
            #expect(r["required_to_date"] == "3", "4 weeks at 1 a week, less the session staff cancelled")
            #expect(r["attended"] == "2" && r["missed"] == "1" && r["excused"] == "1")
            #expect(r["cancelled_by_staff_or_centre"] == "1" && r["unrecorded"] == "1" && r["planned"] == "1")
            #expect(r["counted_last_28_days"] == "4", "the staff-cancelled session is not in the denominator")
            #expect(r["attendance_rate_last_28_days"] == "0.5000")
            #expect(r["pace"] == "0.6667")
            #expect(r["projected_completion_on"] == "2026-12-26", "phase start + 56 days × 3 required ÷ 2 attended")

            let e = try row(connection, "enrolment_progress", "KZ-A-0001")
            #expect(e["required_to_date"] == "3" && e["attended"] == "2" && e["pace"] == "0.6667")
            #expect(e["assessment_due_on"] == "2026-10-17")
            #expect(e["centre_code"] == "AKT-RC")
            #expect(e["school_attendance_rate_last_28_days"] == nil)
        }
    }

    @Test func fractionalRatesAndAParticipantEnrolledYesterday() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-C-0001", born: "2016-01-20", programme: "CHILD", enrolled: "2026-10-03")
            try world.participant("KZ-A-0002", enrolled: "2026-10-30")
            try world.session("KZ-C-0001", "ART", day: "2026-10-07", attendance: "attended")
            try world.today("2026-10-31")

            let child = try row(connection, "requirement_progress", "KZ-C-0001")
            #expect(child["required_to_date"] == "2", "0.5 a week over 4 weeks")
            #expect(child["pace"] == "0.5000")
            let newcomer = try row(connection, "requirement_progress", "KZ-A-0002")
            #expect(newcomer["required_to_date"] == "0")
            #expect(newcomer["pace"] == nil && newcomer["projected_completion_on"] == nil)
        }
    }

    @Test func aChildWhoMovedSchoolKeepsOneSchoolRate() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-C-0001", born: "2016-01-20", programme: "CHILD", enrolled: "2026-10-03")
            try SchoolFixture(connection: connection).movedSchool("KZ-C-0001")
            try world.today("2026-10-31")

            let e = try row(connection, "enrolment_progress", "KZ-C-0001")
            #expect(e["school_days_recorded_last_28_days"] == "20", "days at both schools")
            #expect(e["school_attendance_rate_last_28_days"] == "0.9000")
            #expect(e["school_unexcused_days_in_a_row"] == "0")
        }
    }

    @Test func theStoreReadsTheSameNumbersAsTheViews() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.participant("KZ-A-0002", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-05", attendance: "attended")
            try world.session("KZ-A-0002", day: "2026-10-05", attendance: "absent_unexcused")
            try world.today("2026-10-31")
            let store = Store(connection: connection)
            let centre = try store.progress(centreCode: "AKT-RC")
            #expect(centre.map(\.caseNumber) == ["KZ-A-0002", "KZ-A-0001"], "worst first")
            let mine = try #require(try store.progress(caseNumber: "KZ-A-0001").first)
            #expect(mine.pace == 0.25 && mine.requiredToDate == 4 && mine.requirements.map(\.requirementCode) == ["PSY-IND"])
            #expect(throws: StoreError.notFound(what: "participant with case number", identifier: "KZ-NOPE")) {
                try store.progress(caseNumber: "KZ-NOPE")
            }
        }
    }
}

/// A child who moved school mid-month: school S1 until 2026-10-14, then S2; weekdays 2026-10-05 … 2026-10-30 recorded
/// (20 days), all present except two excused absences (18 of 20 = exactly 90%).
struct SchoolFixture {
    let connection: Connection

    func movedSchool(_ caseNumber: String) throws {
        try connection.runScript(
            """
            INSERT INTO homeward.schools (code, name, region) VALUES ('S1', 'School 1', 'Mangystau'), ('S2', 'School 2', 'Mangystau');
            """)
        try connection.execute(
            """
            INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, school_day_starts_at, school_day_ends_at,
                                                    enrolled_from, enrolled_to, status)
            SELECT p.id, s.id, 4, '08:00', '12:00', x.from_day, x.to_day, x.status
            FROM homeward.participants p,
                 (VALUES ('S1', date '2026-09-01', date '2026-10-14', 'transferred'), ('S2', date '2026-10-15', NULL, 'enrolled')) AS x(school, from_day, to_day, status)
            JOIN homeward.schools s ON s.code = x.school
            WHERE p.case_number = $1
            """, [caseNumber])
        try connection.execute(
            """
            INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by)
            SELECT p.id, e.id, d.day::date, CASE WHEN d.day::date IN ('2026-10-08', '2026-10-20') THEN 'absent_excused' ELSE 'present' END, 'teacher'
            FROM homeward.participants p
            CROSS JOIN generate_series(date '2026-10-05', date '2026-10-30', interval '1 day') AS d(day)
            JOIN homeward.school_enrolments e ON e.participant_id = p.id AND d.day::date BETWEEN e.enrolled_from AND coalesce(e.enrolled_to, 'infinity')
            WHERE p.case_number = $1 AND extract(isodow FROM d.day) < 6
            """, [caseNumber])
    }
}
