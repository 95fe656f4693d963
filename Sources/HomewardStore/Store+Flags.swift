import Foundation
import Homeward
import Postgres

/// What one `flags evaluate` did: conditions found, flags opened, updated, re-opened and resolved, and what is open now.
public struct FlagEvaluationSummary: Sendable, Equatable, Codable {
    public var findings: Int
    public var opened: Int
    public var updated: Int
    public var reopened: Int
    public var resolved: Int
    /// Open or acknowledged flags after the evaluation, by severity.
    public var openWatch: Int
    public var openConcern: Int
    public var openUrgent: Int
}

/// A flag in a list.
public struct FlagSummary: Sendable, Equatable, Codable {
    public var id: Int
    public var caseNumber: String
    public var centreCode: String?
    public var rule: FlagRule
    /// Falling behind or not served (`homeward.flag_kind`).
    public var kind: FlagKind
    public var subject: String
    public var severity: FlagSeverity
    public var status: FlagStatus
    public var openedAt: Date
    public var lastEvaluatedAt: Date
    public var reopenCount: Int
    public var inputs: [String: FlagValue]
}

/// A flag in the morning digest: what changed (new, reopened, worse), from which severity, when.
public struct FlagDigestEntry: Sendable, Equatable, Codable {
    public var change: String
    public var severityBefore: FlagSeverity?
    public var changedAt: Date
    public var flag: FlagSummary
}

/// One entry of a flag's history.
public struct FlagEvent: Sendable, Equatable, Codable {
    public var event: FlagEventKind
    public var at: Date
    public var by: String
    public var severity: FlagSeverity
    public var inputs: [String: FlagValue]?
    public var note: String?
}

/// A flag with why it was raised (threshold, inputs) and its history, as `flags show` presents it.
public struct FlagDetail: Sendable, Equatable, Codable {
    public var flag: FlagSummary
    public var threshold: [String: FlagValue]
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var acknowledgeNote: String?
    public var resolvedAt: Date?
    public var resolvedBy: String?
    public var resolveReason: String?
    public var resolvedAutomatically: Bool?
    public var events: [FlagEvent]
}

/// A past planned session still missing attendance, as the nightly pass marked it.
public struct UnrecordedSession: Sendable, Equatable, Codable {
    public var sessionID: Int
    public var centreCode: String
    public var startsAt: Date
    public var sessionType: SessionType
    public var unrecordedSince: Date
    /// Booked participants with no attendance recorded.
    public var missing: [String]
}

extension Store {
    /// The staging table of an evaluation's findings, which the merge statements (`openNewFlags` among them) read.
    static let flagFindingsTable = """
        CREATE TEMPORARY TABLE flag_findings (participant_id bigint NOT NULL, rule text NOT NULL, subject text NOT NULL,
                                              severity text NOT NULL, threshold jsonb NOT NULL, inputs jsonb NOT NULL) ON COMMIT DROP
        """

    /// Opens a flag for every finding with no record yet, with its "opened" event. The key is the unique constraint's,
    /// so each finding costs one index probe. The bug it replaces: `WHERE NOT EXISTS (SELECT … FROM homeward.flags)`
    /// was planned, on a table with few or no flags, as a nested loop over a sequential scan of homeward.flags, which
    /// the statement itself was filling: 33k new flags took 127 s instead of 3.8 s, and the first nightly at 100k
    /// participants spent over 10 minutes there.
    static let openNewFlags = """
        WITH created AS (
            INSERT INTO homeward.flags (participant_id, rule, subject, severity, threshold, inputs)
            SELECT n.participant_id, n.rule, n.subject, n.severity, n.threshold, n.inputs FROM flag_findings n
            ON CONFLICT ON CONSTRAINT flags_one_per_condition DO NOTHING
            RETURNING id, severity, inputs
        )
        INSERT INTO homeward.flag_events (flag_id, event, by, severity, inputs)
        SELECT id, 'opened', $1, severity, inputs FROM created
        """

    /// The requirement progress the flag rules read (the session kinds and the enrolments' own record): only these
    /// columns, so the view's others (the centre today, the rates, the projection) are not computed for everyone. At 10k
    /// participants the whole row cost ~0.3 s more to compute and write.
    static let flagRequirementProgress = """
        SELECT enrolment_id, participant_id, case_number, session_type, phase_started_on, planned_phase_end, required_to_date,
               attended, missed, excused, cancelled_by_participant, cancelled_by_staff_or_centre, counted_last_28_days, attended_last_28_days
        FROM homeward.requirement_progress
        """

    /// Who evaluation events are recorded as.
    public static let flagEvaluator = "homeward flags evaluate"

    // MARK: Unrecorded sessions

    /// Marks past planned sessions still missing attendance `graceDays` days after their day; returns how many were newly marked.
    ///
    /// Runs `homeward.mark_unrecorded_sessions`, which also drops marks that no longer apply (for the nightly job).
    public func markUnrecordedSessions(graceDays: Int) throws -> Int {
        try translatingErrors { try connection.query("SELECT homeward.mark_unrecorded_sessions($1)", [graceDays]).scalar(Int.self) }
    }

    /// Sessions currently marked unrecorded, oldest first, optionally at one centre.
    public func unrecordedSessions(centreCode: String? = nil) throws -> [UnrecordedSession] {
        try requireNamed(centre: centreCode)
        return try fetch(
            """
            SELECT s.id, c.code, s.starts_at, s.session_type, u.unrecorded_since,
                   coalesce((SELECT array_agg(p.case_number ORDER BY p.case_number)
                             FROM homeward.session_participants sp JOIN homeward.participants p ON p.id = sp.participant_id
                             WHERE sp.session_id = s.id
                               AND NOT EXISTS (SELECT 1 FROM homeward.attendance a
                                               WHERE a.session_id = sp.session_id AND a.participant_id = sp.participant_id)), '{}')
            FROM homeward.unrecorded_sessions u
            JOIN homeward.sessions s ON s.id = u.session_id
            JOIN homeward.centres c ON c.id = s.centre_id
            WHERE $1::text IS NULL OR c.code = $1
            ORDER BY s.starts_at, s.id
            """, [centreCode]
        ) { row in
            UnrecordedSession(sessionID: try row.decode(0), centreCode: try row.decode(1), startsAt: try row.decode(2),
                              sessionType: try row.decode(3), unrecordedSince: try row.decode(4), missing: try row.decode(5))
        }
    }

    // MARK: Evaluation

    /// Evaluates every flag rule for every participant and applies the findings; running it twice changes nothing the second time.
    ///
    /// Inputs are gathered with one set-based query per rule family, judged by `FlagEvaluator`, then written in one
    /// transaction: new conditions open flags, changed ones update them, returning ones re-open the same record,
    /// and open or acknowledged flags whose condition cleared are resolved.
    public func evaluateFlags(policy: FlagPolicy) throws -> FlagEvaluationSummary {
        let findings = FlagEvaluator.evaluate(try flagInputs(policy: policy), policy: policy)
        return try applyFlagFindings(findings)
    }

    /// Everything the flag rules read, for the reference day `homeward.today()`.
    public func flagInputs(policy: FlagPolicy) throws -> FlagInputs {
        var inputs = FlagInputs(today: try fetchOne("SELECT homeward.today()", [], notFound: .database("no reference day")) {
            try $0.decode(0, as: LocalDate.self)
        })
        // The reference day is read once and passed to every query: homeward.today() reads the planning zone (a
        // SECURITY DEFINER function) wherever a plan evaluates it, which was once per seat looked at.
        let today = inputs.today
        // Requirement progress is computed once, for everyone, into a temporary table: the session kinds and the
        // enrolments' own record below read the same rows (each read of the view counted every seat again).
        try transaction {
            try connection.execute("DROP TABLE IF EXISTS pg_temp.flag_requirement_progress")
            // Enough memory to count everyone's seats by hash in memory (at 10k, ~40 MB spilled to disk by the default 4 MB).
            try connection.execute("SET LOCAL work_mem = '64MB'")
            try connection.execute("CREATE TEMPORARY TABLE flag_requirement_progress AS " + Self.flagRequirementProgress)
        }
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS pg_temp.flag_requirement_progress") }
        inputs.sessionKinds = try fetch(
            """
            SELECT participant_id, case_number, session_type, sum(attended_last_28_days)::int, sum(counted_last_28_days)::int,
                   sum(missed)::int, sum(excused)::int, sum(cancelled_by_participant)::int, sum(cancelled_by_staff_or_centre)::int
            FROM pg_temp.flag_requirement_progress
            GROUP BY participant_id, case_number, session_type
            """
        ) { row in
            FlagInputs.SessionKindAttendance(
                participantID: try row.decode(0), caseNumber: try row.decode(1), sessionType: try row.decode(2), attended: try row.decode(3),
                counted: try row.decode(4), missed: try row.decode(5), excused: try row.decode(6), cancelledByParticipant: try row.decode(7),
                cancelledByStaffOrCentre: try row.decode(8))
        }
        inputs.absenceStreaks = try fetch(
            """
            WITH active AS (
                SELECT participant_id, min(started_on) AS since FROM homeward.enrolments WHERE status = 'active' GROUP BY participant_id
            ), outcomes AS (
                -- each session's local day computed once (a time-zone lookup by name), not in the filter and again in the output
                SELECT a.participant_id, s.id AS session_id, s.starts_at, s.day, a.status
                FROM active e
                JOIN homeward.attendance a ON a.participant_id = e.participant_id
                JOIN (SELECT s.id, s.starts_at, (s.starts_at AT TIME ZONE c.time_zone)::date AS day
                      FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id WHERE s.occupies OFFSET 0) s ON s.id = a.session_id
                WHERE s.day BETWEEN e.since AND $1::date
            ), last_other AS (
                SELECT participant_id, max(starts_at) FILTER (WHERE status <> 'absent_unexcused') AS at FROM outcomes GROUP BY participant_id
            )
            SELECT o.participant_id, p.case_number, count(*)::int, array_agg(o.session_id ORDER BY o.starts_at, o.session_id),
                   min(o.day), max(o.day)
            FROM outcomes o
            JOIN last_other l ON l.participant_id = o.participant_id
            JOIN homeward.participants p ON p.id = o.participant_id
            WHERE o.status = 'absent_unexcused' AND (l.at IS NULL OR o.starts_at > l.at)
            GROUP BY o.participant_id, p.case_number
            """, [today]
        ) { row in
            FlagInputs.AbsenceStreak(participantID: try row.decode(0), caseNumber: try row.decode(1), count: try row.decode(2),
                                     sessionIDs: try row.decode(3), firstDay: try row.decode(4), lastDay: try row.decode(5))
        }
        inputs.counselling = try fetch(
            """
            WITH asked AS (
                SELECT e.participant_id, min(e.started_on) AS since
                FROM homeward.enrolments e
                JOIN homeward.participants p ON p.id = e.participant_id
                JOIN homeward.phase_requirements q ON q.phase_id = e.current_phase_id
                WHERE e.status = 'active' AND q.session_type = ANY ($1::text[])
                  AND homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text) @> $2::date
                GROUP BY e.participant_id
            ), counselling AS (
                -- the counselling sessions up to the reference day, each with its local day (computed once)
                SELECT s.id, s.occupies, s.status, s.cancelled_by, (s.starts_at AT TIME ZONE c.time_zone)::date AS day
                FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
                WHERE s.session_type = ANY ($1::text[]) AND (s.starts_at AT TIME ZONE c.time_zone)::date <= $2::date
            ), seats AS (
                -- The counselling seats up to the reference day that say something: a contact, or a session missed
                -- without excuse or cancelled by them. Those are the seats with attendance (read from attendance, whose
                -- key is a seat's), and the seats of sessions they cancelled that have none: not every seat joined to
                -- every attendance row by hash.
                SELECT a.participant_id, s.day, s.occupies AND a.status IN ('attended', 'late') AS contact,
                       (s.occupies AND a.status = 'absent_unexcused') OR (s.status = 'cancelled' AND s.cancelled_by = 'participant') AS missed
                FROM homeward.attendance a JOIN counselling s ON s.id = a.session_id
                UNION ALL
                SELECT sp.participant_id, s.day, false, true
                FROM counselling s JOIN homeward.session_participants sp ON sp.session_id = s.id
                WHERE s.status = 'cancelled' AND s.cancelled_by = 'participant'
                  AND NOT EXISTS (SELECT 1 FROM homeward.attendance a WHERE a.session_id = sp.session_id AND a.participant_id = sp.participant_id)
            ), contact AS (
                SELECT k.participant_id, k.since, max(x.day) FILTER (WHERE x.contact) AS last_on
                FROM asked k LEFT JOIN seats x ON x.participant_id = k.participant_id
                GROUP BY k.participant_id, k.since
            )
            -- missed since the last contact, or since the enrolment when there was none
            SELECT k.participant_id, p.case_number, k.since, k.last_on,
                   count(*) FILTER (WHERE x.missed AND x.day > greatest(k.since - 1, k.last_on))::int
            FROM contact k
            JOIN homeward.participants p ON p.id = k.participant_id
            LEFT JOIN seats x ON x.participant_id = k.participant_id
            GROUP BY k.participant_id, p.case_number, k.since, k.last_on
            """, [policy.counsellingContact.sessionTypes.map(\.rawValue), today]
        ) { row in
            FlagInputs.CounsellingContact(participantID: try row.decode(0), caseNumber: try row.decode(1), enrolledSince: try row.decode(2),
                                          lastContactOn: try row.decode(3), missedSinceContact: try row.decode(4))
        }
        inputs.school = try fetch(
            """
            -- An excused school day (illness, with a certificate) is not a day missed: it leaves the rate's count.
            SELECT DISTINCT ON (e.participant_id) e.participant_id, e.case_number,
                   e.school_days_recorded_last_28_days
                   - (SELECT count(*)::int FROM homeward.school_attendance sa
                      WHERE sa.participant_id = e.participant_id AND sa.status = 'absent_excused'
                        AND sa.day > $1::date - 28 AND sa.day <= $1::date),
                   e.school_days_present_last_28_days, e.school_unexcused_days_in_a_row
            FROM homeward.enrolment_progress e
            WHERE e.school_days_recorded_last_28_days IS NOT NULL
            ORDER BY e.participant_id
            """, [today]
        ) { row in
            FlagInputs.SchoolRecord(participantID: try row.decode(0), caseNumber: try row.decode(1), daysRecorded: try row.decode(2),
                                    daysPresent: try row.decode(3), unexcusedInARow: try row.decode(4))
        }
        inputs.courses = try fetch(
            """
            SELECT ce.participant_id, p.case_number, c.code, ce.started_on, x.modules, x.passed, x.expected, x.overdue_since
            FROM homeward.course_enrolments ce
            JOIN homeward.participants p ON p.id = ce.participant_id
            JOIN homeward.courses c ON c.id = ce.course_id
            CROSS JOIN LATERAL homeward.course_progress_on(ce.id, $1::date) x
            WHERE ce.status = 'active' AND ce.started_on <= $1::date
            """, [today]
        ) { row in
            FlagInputs.CourseRecord(participantID: try row.decode(0), caseNumber: try row.decode(1), courseCode: try row.decode(2),
                                    startedOn: try row.decode(3), modules: try row.decode(4), passed: try row.decode(5),
                                    expected: try row.decode(6), overdueSince: try row.decode(7))
        }
        // Nights, not runs: each planning day before the reference day is judged by its last run (reruns on one night
        // count once), and tonight's runs count from tomorrow, so evaluating again the same day finds the same nights.
        let nightsToLookAt = max(policy.unplaced.watchNights, policy.unplaced.concernNights, policy.unplaced.urgentNights)
        inputs.unplaced = try fetch(
            """
            WITH placed AS (
                SELECT p.id AS participant_id, p.case_number,
                       (SELECT pl.centre_id FROM homeward.participant_placements pl
                         WHERE pl.participant_id = p.id AND pl.during @> $2::date ORDER BY lower(pl.during) DESC LIMIT 1) AS centre_id
                FROM homeward.participants p
                WHERE EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
            ), recent AS (
                SELECT scope.centre_id, n.run_id, n.planning_day, n.rn
                FROM (SELECT DISTINCT centre_id FROM placed) scope
                CROSS JOIN LATERAL (
                    SELECT night.run_id, night.planning_day, row_number() OVER (ORDER BY night.planning_day DESC) AS rn
                    FROM (SELECT DISTINCT ON (r.planning_day) r.id AS run_id, r.planning_day
                          FROM homeward.schedule_runs r
                          WHERE (r.centre_id IS NULL OR r.centre_id = scope.centre_id) AND r.planning_day < $2::date
                          ORDER BY r.planning_day DESC, r.started_at DESC, r.id DESC) night
                    ORDER BY night.planning_day DESC LIMIT $1
                ) n
            ), hits AS (
                SELECT pl.participant_id, pl.case_number, u.requirement_id, rc.rn, rc.run_id, rc.planning_day,
                       sum(u.sessions)::int AS sessions, min(u.reason) AS reason, min(u.detail) AS detail,
                       row_number() OVER (PARTITION BY pl.participant_id, u.requirement_id ORDER BY rc.rn) AS seq
                FROM placed pl
                JOIN recent rc ON rc.centre_id IS NOT DISTINCT FROM pl.centre_id
                JOIN homeward.schedule_unplaced u ON u.schedule_run_id = rc.run_id AND u.participant_id = pl.participant_id
                GROUP BY pl.participant_id, pl.case_number, u.requirement_id, rc.rn, rc.run_id, rc.planning_day
            )
            SELECT h.participant_id, h.case_number, pg.code || '/' || ph.code || '/' || q.code,
                   array_agg(h.planning_day ORDER BY h.rn)::text[], array_agg(h.run_id ORDER BY h.rn), (array_agg(h.sessions ORDER BY h.rn))[1],
                   (array_agg(h.reason ORDER BY h.rn))[1], (array_agg(h.detail ORDER BY h.rn))[1]
            FROM hits h
            JOIN homeward.phase_requirements q ON q.id = h.requirement_id
            JOIN homeward.programme_phases ph ON ph.id = q.phase_id
            JOIN homeward.programmes pg ON pg.id = ph.programme_id
            WHERE h.rn = h.seq
              AND EXISTS (SELECT 1 FROM homeward.enrolments e
                          WHERE e.participant_id = h.participant_id AND e.status = 'active' AND e.current_phase_id = q.phase_id)
            GROUP BY h.participant_id, h.case_number, pg.code, ph.code, q.code
            """, [nightsToLookAt, today]
        ) { row in
            FlagInputs.UnplacedRecord(participantID: try row.decode(0), caseNumber: try row.decode(1), requirement: try row.decode(2),
                                      nights: try row.decode(3, as: [String].self).compactMap { LocalDate($0) }, runIDs: try row.decode(4),
                                      sessions: try row.decode(5), reason: try row.decode(6), detail: try row.decode(7))
        }
        inputs.enrolments = try fetch(
            """
            WITH own AS (
                -- The participant's own record: the phase projects from their rate among all the sessions offered to
                -- them (attended, missed without excuse, cancelled by them), never from sessions nobody offered, so one
                -- missed session of a requirement offered twice does not double the phase. A requirement is stalled
                -- only when they were offered at least two of its sessions and attended none.
                SELECT enrolment_id, sum(required_to_date)::int AS required_to_date, sum(attended)::int AS attended,
                       sum(attended + missed + cancelled_by_participant)::int AS offered,
                       sum(greatest(0, required_to_date - attended - missed - excused - cancelled_by_participant))::int AS not_offered,
                       count(*) FILTER (WHERE attended = 0 AND missed + cancelled_by_participant >= 2)::int AS stalled,
                       CASE WHEN sum(attended) > 0 THEN min(phase_started_on)
                            + ceil((min(planned_phase_end) - min(phase_started_on))
                                   * sum(attended + missed + cancelled_by_participant)::numeric / sum(attended))::int END AS projection
                FROM pg_temp.flag_requirement_progress
                GROUP BY enrolment_id
            )
            SELECT e.participant_id, e.case_number, e.programme_code, e.phase_code, e.phase_started_on, e.planned_phase_end,
                   -- enrolment_progress's roll-up of its requirements, from the rows already read (the view's own
                   -- roll-up is not read, so the planner leaves it out)
                   coalesce(o.required_to_date, 0), coalesce(o.attended, 0), round(o.attended::numeric / nullif(o.required_to_date, 0), 4),
                   coalesce(o.stalled, 0),
                   CASE WHEN coalesce(o.stalled, 0) = 0 THEN o.projection END, e.last_assessed_on, e.assessment_due_on,
                   coalesce(o.offered, 0), coalesce(o.not_offered, 0)
            FROM homeward.enrolment_progress e
            LEFT JOIN own o ON o.enrolment_id = e.enrolment_id
            """
        ) { row in
            FlagInputs.EnrolmentRecord(
                participantID: try row.decode(0), caseNumber: try row.decode(1), programmeCode: try row.decode(2), phaseCode: try row.decode(3),
                phaseStartedOn: try row.decode(4), plannedPhaseEnd: try row.decode(5), requiredToDate: try row.decode(6),
                attended: try row.decode(7), pace: try row.decode(8), stalledRequirements: try row.decode(9),
                projectedCompletionOn: try row.decode(10), lastAssessedOn: try row.decode(11), assessmentDueOn: try row.decode(12),
                offered: try row.decode(13), notOffered: try row.decode(14))
        }
        return inputs
    }

    /// Applies findings set-based in one transaction (COPY into a temporary table, then one statement per lifecycle step).
    ///
    /// Findings absent from the list are conditions that cleared: open and acknowledged flags for them are resolved.
    public func applyFlagFindings(_ findings: [FlagFinding], evaluatedBy: String = Store.flagEvaluator) throws -> FlagEvaluationSummary {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ values: [String: FlagValue]) -> String { String(decoding: (try? encoder.encode(values)) ?? Data("{}".utf8), as: UTF8.self) }
        return try transaction {
            // Two evaluations at once would race on the same flags: the second waits for the first.
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('homeward flags evaluate'))")
            try connection.execute(Self.flagFindingsTable)
            try connection.copy(
                "COPY flag_findings (participant_id, rule, subject, severity, threshold, inputs) FROM STDIN",
                rows: findings.map { finding -> [any PostgresEncodable] in
                    [finding.participantID, finding.rule.rawValue, finding.subject, finding.severity.rawValue,
                     json(finding.threshold), json(finding.inputs)]
                })
            // A staging table the planner knows: indexed on the flag's key and analysed, so every step below joins it to
            // homeward.flags by hash or index on (participant, rule, subject), never by a guess about an unread table.
            try connection.execute("CREATE INDEX ON flag_findings (participant_id, rule, subject)")
            try connection.execute("ANALYZE flag_findings")
            let match = "f.participant_id = n.participant_id AND f.rule = n.rule AND f.subject = n.subject"
            let reopened = try connection.execute(
                """
                WITH changed AS (
                    UPDATE homeward.flags f
                    SET status = 'open', severity = n.severity, threshold = n.threshold, inputs = n.inputs, condition_holds = true,
                        opened_at = homeward.now(), last_evaluated_at = homeward.now(), reopen_count = f.reopen_count + 1,
                        acknowledged_by = NULL, acknowledged_at = NULL, acknowledge_note = NULL,
                        resolved_at = NULL, resolved_by = NULL, resolve_reason = NULL, resolved_automatically = NULL
                    FROM flag_findings n
                    WHERE \(match) AND f.status = 'resolved'
                      AND (NOT f.condition_holds OR homeward.flag_severity_rank(n.severity) > homeward.flag_severity_rank(f.severity))
                    RETURNING f.id, f.severity, f.inputs
                )
                INSERT INTO homeward.flag_events (flag_id, event, by, severity, inputs)
                SELECT id, 'reopened', $1, severity, inputs FROM changed
                """, [evaluatedBy])
            let updated = try connection.execute(
                """
                WITH changed AS (
                    UPDATE homeward.flags f
                    SET severity = n.severity, threshold = n.threshold, inputs = n.inputs, condition_holds = true, last_evaluated_at = homeward.now()
                    FROM flag_findings n
                    WHERE \(match) AND f.status IN ('open', 'acknowledged')
                      AND (f.severity, f.threshold, f.inputs) IS DISTINCT FROM (n.severity, n.threshold, n.inputs)
                    RETURNING f.id, f.severity, f.inputs
                )
                INSERT INTO homeward.flag_events (flag_id, event, by, severity, inputs)
                SELECT id, 'updated', $1, severity, inputs FROM changed
                """, [evaluatedBy])
            // The evaluation's time is kept once (homeward.flag_evaluations, 0034), not written on every flag it found:
            // a flag whose condition holds was last evaluated by the latest evaluation (homeward.flag_last_evaluated_at).
            // Only a found flag whose condition was noted as cleared (and which did not re-open) is written.
            try connection.execute(
                "INSERT INTO homeward.flag_evaluations (evaluated_by, findings) VALUES ($1, $2)", [evaluatedBy, findings.count])
            try connection.execute(
                """
                UPDATE homeward.flags f SET last_evaluated_at = homeward.now(), condition_holds = true FROM flag_findings n
                WHERE \(match) AND NOT f.condition_holds
                """)
            let opened = try connection.execute(Self.openNewFlags, [evaluatedBy])
            let resolved = try connection.execute(
                """
                WITH cleared AS (
                    UPDATE homeward.flags f
                    SET status = 'resolved', resolved_at = homeward.now(), resolved_by = $1, resolve_reason = 'condition cleared',
                        resolved_automatically = true, condition_holds = false, last_evaluated_at = homeward.now()
                    WHERE f.status IN ('open', 'acknowledged')
                      AND NOT EXISTS (SELECT 1 FROM flag_findings n WHERE \(match))
                    RETURNING f.id, f.severity, f.inputs
                )
                INSERT INTO homeward.flag_events (flag_id, event, by, severity, inputs, note)
                SELECT id, 'resolved', $1, severity, inputs, 'condition cleared' FROM cleared
                """, [evaluatedBy])
            // Flags resolved by hand: note that the condition cleared, so its return re-opens them.
            try connection.execute(
                """
                UPDATE homeward.flags f SET condition_holds = false, last_evaluated_at = homeward.now()
                WHERE f.status = 'resolved' AND f.condition_holds AND NOT EXISTS (SELECT 1 FROM flag_findings n WHERE \(match))
                """)
            let counts = try connection.query(
                """
                SELECT count(*) FILTER (WHERE severity = 'watch')::int, count(*) FILTER (WHERE severity = 'concern')::int,
                       count(*) FILTER (WHERE severity = 'urgent')::int
                FROM homeward.flags WHERE status IN ('open', 'acknowledged')
                """).first!
            return FlagEvaluationSummary(findings: findings.count, opened: opened, updated: updated, reopened: reopened, resolved: resolved,
                                         openWatch: try counts.decode(0), openConcern: try counts.decode(1), openUrgent: try counts.decode(2))
        }
    }

    // MARK: Reading and acting on flags

    private static let flagSelect = """
        SELECT f.id, p.case_number,
               (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
                 WHERE pl.participant_id = f.participant_id AND pl.during @> homeward.today() ORDER BY lower(pl.during) DESC LIMIT 1) AS centre_code,
               f.rule, f.subject, f.severity, f.status, f.opened_at,
               homeward.flag_last_evaluated_at(f.last_evaluated_at, f.condition_holds) AS last_evaluated_at, f.reopen_count, f.inputs,
               homeward.flag_kind(f.rule) AS kind
        FROM homeward.flags f JOIN homeward.participants p ON p.id = f.participant_id
        """

    private static func flagSummary(_ row: Row) throws -> FlagSummary { try flagSummary(row, from: 0) }

    /// A flag from the columns of `flagSelect`, starting at column `first`.
    private static func flagSummary(_ row: Row, from first: Int) throws -> FlagSummary {
        FlagSummary(id: try row.decode(first), caseNumber: try row.decode(first + 1), centreCode: try row.decode(first + 2),
                    rule: try row.decode(first + 3), kind: try row.decode(first + 11), subject: try row.decode(first + 4),
                    severity: try row.decode(first + 5), status: try row.decode(first + 6), openedAt: try row.decode(first + 7),
                    lastEvaluatedAt: try row.decode(first + 8), reopenCount: try row.decode(first + 9),
                    inputs: try row.decode(first + 10, as: JSON<[String: FlagValue]>.self).value)
    }

    /// Flags, most severe first, then oldest first; each argument given narrows the list (`unresolvedOnly`: open or
    /// acknowledged flags only). A centre or case number that names nothing is an error, never a silent "all".
    public func flags(
        centreCode: String? = nil, caseNumber: String? = nil, severity: FlagSeverity? = nil, unresolvedOnly: Bool = false,
        kind: FlagKind? = nil
    ) throws -> [FlagSummary] {
        try requireNamed(centre: centreCode, caseNumber: caseNumber)
        return try fetch(
            "SELECT * FROM (" + Self.flagSelect + """
                WHERE ($2::text IS NULL OR p.case_number = $2) AND ($3::text IS NULL OR f.severity = $3)
                  AND (NOT $4 OR f.status IN ('open', 'acknowledged')) AND ($5::text IS NULL OR homeward.flag_kind(f.rule) = $5)
            ) x WHERE $1::text IS NULL OR x.centre_code = $1
            ORDER BY homeward.flag_severity_rank(x.severity) DESC, x.opened_at, x.id
            """, [centreCode, caseNumber, severity, unresolvedOnly, kind], Self.flagSummary)
    }

    /// The morning digest (`homeward.flag_digest`): unresolved flags that opened, re-opened or grew more severe in the
    /// last `hours`, worst first, then new before re-opened before worse.
    public func flagDigest(centreCode: String?, hours: Int) throws -> [FlagDigestEntry] {
        try requireNamed(centre: centreCode)
        return try fetch(
            "SELECT * FROM (" + Self.flagSelect.replacingOccurrences(of: "SELECT f.id,", with: "SELECT d.change, d.severity_before, d.changed_at, f.id,") + """
                JOIN homeward.flag_digest(homeward.now() - make_interval(hours => $2)) d ON d.flag_id = f.id
            ) x WHERE $1::text IS NULL OR x.centre_code = $1
            ORDER BY homeward.flag_severity_rank(x.severity) DESC, array_position(ARRAY['new', 'reopened', 'worse'], x.change), x.case_number, x.id
            """, [centreCode, hours]
        ) { row in
            FlagDigestEntry(change: try row.decode(0), severityBefore: try row.decode(1), changedAt: try row.decode(2),
                            flag: try Self.flagSummary(row, from: 3))
        }
    }

    /// One flag with its threshold, inputs and history.
    public func flag(id: Int) throws -> FlagDetail {
        let notFound = StoreError.notFound(what: "flag with id", identifier: String(id))
        let summary = try fetchOne(Self.flagSelect + " WHERE f.id = $1", [id], notFound: notFound, Self.flagSummary)
        var detail = try fetchOne(
            """
            SELECT threshold, acknowledged_by, acknowledged_at, acknowledge_note, resolved_at, resolved_by, resolve_reason, resolved_automatically
            FROM homeward.flags WHERE id = $1
            """, [id], notFound: notFound
        ) { row in
            FlagDetail(flag: summary, threshold: try row.decode(0, as: JSON<[String: FlagValue]>.self).value, acknowledgedBy: try row.decode(1),
                       acknowledgedAt: try row.decode(2), acknowledgeNote: try row.decode(3), resolvedAt: try row.decode(4),
                       resolvedBy: try row.decode(5), resolveReason: try row.decode(6), resolvedAutomatically: try row.decode(7), events: [])
        }
        detail.events = try fetch(
            "SELECT event, at, by, severity, inputs, note FROM homeward.flag_events WHERE flag_id = $1 ORDER BY at, id", [id]
        ) { row in
            FlagEvent(event: try row.decode(0), at: try row.decode(1), by: try row.decode(2), severity: try row.decode(3),
                      inputs: try row.decode(4, as: JSON<[String: FlagValue]>?.self)?.value, note: try row.decode(5))
        }
        return detail
    }

    /// Marks an open (or already acknowledged) flag as being dealt with, by whom and how. `by` defaults to the database login.
    public func acknowledgeFlag(id: Int, note: String, by: String? = nil) throws {
        try changeFlag(id: id, action: "acknowledged", sql: """
            UPDATE homeward.flags SET status = 'acknowledged', acknowledged_by = coalesce($3, current_user), acknowledged_at = homeward.now(),
                                      acknowledge_note = $2
            WHERE id = $1 AND status IN ('open', 'acknowledged')
            RETURNING id, severity, acknowledged_by
            """, note: note, by: by)
    }

    /// Closes an open or acknowledged flag by hand with a reason. It stays resolved while its condition holds, and re-opens
    /// when the condition clears and returns, or grows more severe.
    public func resolveFlag(id: Int, reason: String, by: String? = nil) throws {
        try changeFlag(id: id, action: "resolved", sql: """
            UPDATE homeward.flags SET status = 'resolved', resolved_at = homeward.now(), resolved_by = coalesce($3, current_user), resolve_reason = $2,
                                      resolved_automatically = false
            WHERE id = $1 AND status IN ('open', 'acknowledged')
            RETURNING id, severity, resolved_by
            """, note: reason, by: by)
    }

    private func changeFlag(id: Int, action: String, sql: String, note: String, by: String?) throws {
        let text = try Rules.required(note, field: action == "resolved" ? "reason" : "note", record: "flag \(id)", maxLength: Rules.maxTextLength)
        try transaction {
            let changed = try fetch(sql, [id, text, by]) { (severity: try $0.decode(1, as: String.self), by: try $0.decode(2, as: String.self)) }
            guard let row = changed.first else {
                let status = try fetchOne("SELECT status FROM homeward.flags WHERE id = $1", [id],
                                          notFound: .notFound(what: "flag with id", identifier: String(id))) { try $0.decode(0, as: String.self) }
                throw StoreError.invalid(InvalidInput(record: "flag \(id)", field: "status", value: status,
                                                      reason: "is final: only open or acknowledged flags can be \(action)"))
            }
            try connection.execute(
                "INSERT INTO homeward.flag_events (flag_id, event, by, severity, note) VALUES ($1, $2, $3, $4, $5)",
                [id, action, row.by, row.severity, text])
        }
    }
}
