import Foundation
import Postgres

/// Hand-built histories for the progress views, the flag rules and the commands that show them, in plain SQL, at AKT-RC (Asia/Aqtau, UTC+5).
///
/// - WOMEN/RESIDENTIAL (56 days, review every 14): PSY-IND, individual counselling once a week;
/// - CHILD/SUPPORT (56 days, review every 14): ART, art therapy every two weeks (0.5 a week), ages 0–17;
/// - staff ST-0001 (psychologist) for assessments; rooms C1 (counselling) and ART1 (play room).
/// Sessions are booked at 08:00 local plus 70 minutes per session already on that day, so none overlap.
public struct ProgressFixtures {
    public let connection: Connection

    public init(connection: Connection) { self.connection = connection }

    public func world() throws {
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
    public func participant(_ caseNumber: String, born: String = "1994-03-02", programme: String = "WOMEN", enrolled: String) throws {
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
    public func session(_ caseNumber: String, _ requirement: String = "PSY-IND", day: String, attendance: String? = nil,
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
    public func setAttendance(_ session: Int, _ status: String) throws {
        try connection.execute("UPDATE homeward.attendance SET status = $2 WHERE session_id = $1", [session, status])
    }

    /// Pins the reference day of the views.
    public func today(_ day: String) throws {
        try connection.execute("SELECT set_config('homeward.today', $1, false)", [day])
    }
}
