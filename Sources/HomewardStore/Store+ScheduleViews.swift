import Foundation
import Homeward
import Postgres

/// Demand the latest scheduler run could not place, as `schedule gaps` lists it.
public struct ScheduleGap: Sendable, Equatable, Codable {
    public var runID: Int
    public var caseNumber: String
    public var centreCode: String?
    public var requirement: String
    public var weekStart: LocalDate
    public var sessions: Int
    public var reason: String
    public var detail: String
}

/// One requirement of a participant's current phase in one week: what is required, booked, and why not.
public struct RequirementWeek: Sendable, Equatable, Codable {
    public var requirement: String
    public var sessionType: SessionType
    public var staffRole: StaffRole
    public var required: Int
    public var planned: Int
    public var held: Int
    /// Staff who hold this participant's sessions for the requirement this week.
    public var staffCodes: [String]
    /// From the latest scheduler run that looked at this week, when demand went unplaced.
    public var unplacedReason: String?
    public var unplacedDetail: String?
}

/// A scheduler run, as `schedule runs` lists it.
public struct ScheduleRunRecord: Sendable, Equatable, Codable {
    public var id: Int
    public var startedAt: Date
    public var runBy: String
    public var horizonFrom: LocalDate
    public var horizonDays: Int
    public var centreCode: String?
    public var demand: Int
    public var placed: Int
    public var unplaced: Int
    public var sessionsCreated: Int
    public var durationMilliseconds: Int
    /// What decided the run: its seed, the work it used, why it stopped, and the most any plan could place.
    public var seed: Int64?
    public var iterations: Int?
    public var stopReason: String?
    public var upperBound: Int?
}

extension Store {
    /// Unplaced demand of the most recent run (of one centre's runs, or of runs covering all centres).
    public func scheduleGaps(centreCode: String? = nil) throws -> [ScheduleGap] {
        try requireNamed(centre: centreCode)
        return try fetch(
            """
            WITH latest AS (
                SELECT r.id FROM homeward.schedule_runs r
                WHERE $1::text IS NULL OR r.centre_id IS NULL OR r.centre_id = (SELECT id FROM homeward.centres WHERE code = $1)
                ORDER BY r.started_at DESC, r.id DESC LIMIT 1
            )
            SELECT u.schedule_run_id, p.case_number,
                   (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
                     WHERE pl.participant_id = p.id AND pl.during @> u.week_start + 6 ORDER BY lower(pl.during) DESC LIMIT 1) AS centre,
                   pg.code || '/' || ph.code || '/' || q.code, u.week_start, u.sessions, u.reason, u.detail
            FROM homeward.schedule_unplaced u
            JOIN latest ON latest.id = u.schedule_run_id
            JOIN homeward.participants p ON p.id = u.participant_id
            JOIN homeward.phase_requirements q ON q.id = u.requirement_id
            JOIN homeward.programme_phases ph ON ph.id = q.phase_id
            JOIN homeward.programmes pg ON pg.id = ph.programme_id
            ORDER BY u.week_start, u.reason, p.case_number
            """, [centreCode]
        ) { row in
            ScheduleGap(runID: try row.decode(0), caseNumber: try row.decode(1), centreCode: try row.decode(2), requirement: try row.decode(3),
                        weekStart: try row.decode(4), sessions: try row.decode(5), reason: try row.decode(6), detail: try row.decode(7))
        }.filter { centreCode == nil || $0.centreCode == centreCode }
    }

    /// For one participant and ISO week: each requirement of their active enrolments' current phases,
    /// how many sessions it asks for that week, how many are planned or held, with whom, and the last reason it failed.
    public func requirementWeeks(caseNumber: String, weekStart: LocalDate) throws -> [RequirementWeek] {
        let participantID = try fetchOne(
            "SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber],
            notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
        return try fetch(
            """
            SELECT pg.code || '/' || ph.code || '/' || q.code, q.session_type, q.staff_role,
                   homeward.plan_sessions_due_between($1::bigint, q.id, q.sessions_per_week, e.phase_started_on,
                                                      daterange($2::date, $2::date + 7)),
                   count(DISTINCT s.id) FILTER (WHERE s.status = 'planned')::int,
                   count(DISTINCT s.id) FILTER (WHERE s.status = 'held')::int,
                   coalesce(array_agg(DISTINCT st.code) FILTER (WHERE st.code IS NOT NULL), '{}'),
                   (\(Self.latestGap("u.reason"))),
                   (\(Self.latestGap("u.detail")))
            FROM homeward.enrolments e
            JOIN homeward.programmes pg ON pg.id = e.programme_id
            JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
            JOIN homeward.phase_requirements q ON q.phase_id = ph.id
            JOIN homeward.participants p ON p.id = e.participant_id
            LEFT JOIN homeward.session_participants sp ON sp.participant_id = e.participant_id
            LEFT JOIN homeward.sessions s ON s.id = sp.session_id AND s.occupies
                 AND homeward.session_counts_for(s.requirement_id, s.mode, q.id, q.mode)
                 AND s.starts_at >= ($2::date::timestamp AT TIME ZONE $3::text)
                 AND s.starts_at < (($2::date + 7)::timestamp AT TIME ZONE $3::text)
            LEFT JOIN homeward.session_staff ss ON ss.session_id = s.id
            LEFT JOIN homeward.staff st ON st.id = ss.staff_id
            WHERE e.participant_id = $1 AND e.status = 'active'
              AND homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text)
                  && daterange($2::date, $2::date + 7)
            GROUP BY pg.code, ph.code, q.id, q.code, q.session_type, q.staff_role, q.sessions_per_week, e.phase_started_on
            ORDER BY q.code
            """, [participantID, weekStart, try planningZone()]
        ) { row in
            RequirementWeek(
                requirement: try row.decode(0), sessionType: try row.decode(1), staffRole: try row.decode(2), required: try row.decode(3),
                planned: try row.decode(4), held: try row.decode(5), staffCodes: try row.decode(6), unplacedReason: try row.decode(7),
                unplacedDetail: try row.decode(8))
        }
    }

    /// The latest run's unplaced `column` for participant $1's requirement q in week $2; a family session's gap is
    /// recorded once for the family, under one member, and shown to every member.
    private static func latestGap(_ column: String) -> String {
        """
        SELECT \(column) FROM homeward.schedule_unplaced u JOIN homeward.schedule_runs r ON r.id = u.schedule_run_id
        WHERE u.week_start = $2
          AND ((u.participant_id = $1 AND u.requirement_id = q.id)
               OR (q.mode = 'family' AND u.participant_id IN (
                       SELECT o.participant_id FROM homeward.family_members fm
                       JOIN homeward.family_members o ON o.family_id = fm.family_id
                       WHERE fm.participant_id = $1 AND homeward.family_member_on(fm.left_on, $2::date))
                   AND EXISTS (SELECT 1 FROM homeward.phase_requirements uq WHERE uq.id = u.requirement_id AND uq.mode = 'family')))
        ORDER BY r.started_at DESC, (u.participant_id = $1) DESC LIMIT 1
        """
    }

    /// The most recent scheduler runs, newest first.
    public func scheduleRuns(limit: Int = 20) throws -> [ScheduleRunRecord] {
        try fetch(
            """
            SELECT r.id, r.started_at, r.run_by, r.horizon_from, r.horizon_days, c.code, r.demand, r.placed, r.unplaced,
                   r.sessions_created, r.duration_ms, r.seed, r.iterations, r.stop_reason, r.upper_bound
            FROM homeward.schedule_runs r LEFT JOIN homeward.centres c ON c.id = r.centre_id
            ORDER BY r.started_at DESC, r.id DESC LIMIT $1
            """, [limit]
        ) { row in
            ScheduleRunRecord(
                id: try row.decode(0), startedAt: try row.decode(1), runBy: try row.decode(2), horizonFrom: try row.decode(3),
                horizonDays: try row.decode(4), centreCode: try row.decode(5), demand: try row.decode(6), placed: try row.decode(7),
                unplaced: try row.decode(8), sessionsCreated: try row.decode(9), durationMilliseconds: try row.decode(10),
                seed: try row.decode(11), iterations: try row.decode(12), stopReason: try row.decode(13), upperBound: try row.decode(14))
        }
    }
}
