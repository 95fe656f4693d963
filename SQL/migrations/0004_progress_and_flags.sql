-- 0004_progress_and_flags: knowing who falls behind.
--
-- Holds:
--   * homeward.today(): the reference day of every progress view (SET homeward.today = 'YYYY-MM-DD' pins it);
--   * homeward.unrecorded_sessions and homeward.mark_unrecorded_sessions(grace_days): past planned sessions whose
--     attendance is still missing after a grace period, so coordinators chase the paperwork;
--   * the views homeward.requirement_progress and homeward.enrolment_progress: required, planned, attended and
--     missed sessions, attendance rates, pace and projected phase completion, school attendance, prison modules;
--   * homeward.flags and homeward.flag_events: one record per (participant, rule, subject) condition and its history.
--     `homeward flags evaluate` (run nightly) opens, updates, re-opens and resolves flags.
--
-- Unrecorded sessions live in a table of their own rather than a column of homeward.sessions: sessions carries a
-- touch_updated_at trigger and the statement-level session-rule checks, so marking thousands of rows nightly would
-- rewrite the busiest table, bump updated_at (which says "someone changed this booking") and run the rule triggers
-- for nothing. A row here is the mark; deleting it is the clearing.
--
-- Counting rules shared by the views and the flag rules:
--   * a session counts for a participant when they are booked into it and it belongs to a requirement of the
--     current phase of an active enrolment, on or after the day the phase started (days are read in the centre's zone);
--   * attended = attendance attended or late; missed = absent_unexcused; excused = absent_excused;
--   * sessions cancelled by staff or the centre never count against the participant: they are left out of every
--     rate's denominator and taken off the sessions required to date. Sessions cancelled by the participant count
--     as missed contact (in the denominator, not attended). Sessions cancelled for an "other" reason and
--     rescheduled sessions are neutral (their replacement counts);
--   * a rate's denominator = attended + missed + excused + cancelled by the participant; past sessions with no
--     attendance recorded yet are "unrecorded" and left out until somebody records them.
--
-- Run by `homeward db migrate` in one transaction. Forward only. Requires 0002_domain and 0003_schedule_runs.

------------------------------------------------------------------------------------------------
-- The reference day
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(nullif(current_setting('homeward.today', true), '')::date, current_date) $$;
COMMENT ON FUNCTION homeward.today() IS
    'The day progress and flags are computed for: the setting homeward.today when set (SET homeward.today = ''2026-10-31'', for tests and what-if questions), otherwise current_date.';

------------------------------------------------------------------------------------------------
-- Unrecorded sessions
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.unrecorded_sessions (
    session_id        bigint      NOT NULL CONSTRAINT unrecorded_sessions_session_fk REFERENCES homeward.sessions (id) ON DELETE CASCADE,
    unrecorded_since  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT unrecorded_sessions_pkey PRIMARY KEY (session_id)
);
COMMENT ON TABLE homeward.unrecorded_sessions IS
    'Past planned sessions with at least one booked participant whose attendance is still missing after the grace period. Filled by homeward.mark_unrecorded_sessions (the nightly job); a row disappears by itself when the attendance is complete or the session is marked held, cancelled or rescheduled.';
COMMENT ON COLUMN homeward.unrecorded_sessions.session_id IS 'The session whose attendance is missing.';
COMMENT ON COLUMN homeward.unrecorded_sessions.unrecorded_since IS 'When the nightly pass first found the attendance missing.';

CREATE FUNCTION homeward.mark_unrecorded_sessions(p_grace_days int DEFAULT 2) RETURNS int
    LANGUAGE plpgsql AS $$
DECLARE
    v_marked int;
BEGIN
    IF p_grace_days IS NULL OR p_grace_days < 0 OR p_grace_days > 60 THEN
        RAISE EXCEPTION 'unrecorded_grace_days_range: the grace period must be 0 to 60 days, not %', p_grace_days
            USING ERRCODE = 'check_violation', CONSTRAINT = 'unrecorded_grace_days_range', SCHEMA = 'homeward', TABLE = 'unrecorded_sessions';
    END IF;
    -- Marks that no longer apply (a participant was taken off the session, the status changed behind a trigger's back).
    DELETE FROM homeward.unrecorded_sessions u
    WHERE NOT EXISTS (
        SELECT 1 FROM homeward.sessions s JOIN homeward.session_participants sp ON sp.session_id = s.id
        WHERE s.id = u.session_id AND s.status = 'planned'
          AND NOT EXISTS (SELECT 1 FROM homeward.attendance a WHERE a.session_id = sp.session_id AND a.participant_id = sp.participant_id));
    -- New marks: the session's local day ended more than p_grace_days days before the reference day.
    INSERT INTO homeward.unrecorded_sessions (session_id)
    SELECT s.id
    FROM homeward.sessions s
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE s.status = 'planned'
      AND s.starts_at < (homeward.today() - p_grace_days + 1)::timestamp AT TIME ZONE 'UTC' + interval '1 day'
      AND (s.ends_at AT TIME ZONE c.time_zone)::date < homeward.today() - p_grace_days
      AND EXISTS (SELECT 1 FROM homeward.session_participants sp
                  WHERE sp.session_id = s.id
                    AND NOT EXISTS (SELECT 1 FROM homeward.attendance a WHERE a.session_id = sp.session_id AND a.participant_id = sp.participant_id))
    ON CONFLICT (session_id) DO NOTHING;
    GET DIAGNOSTICS v_marked = ROW_COUNT;
    RETURN v_marked;
END $$;
COMMENT ON FUNCTION homeward.mark_unrecorded_sessions(int) IS
    'Nightly pass: marks planned sessions whose local day ended more than grace_days days before homeward.today() and that still miss attendance for a booked participant; drops marks that no longer apply. Returns how many sessions were newly marked.';

-- Attendance recorded: the session's mark goes once every booked participant has a record.
CREATE FUNCTION homeward.unrecorded_sessions_clear_on_attendance() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM homeward.unrecorded_sessions u
    WHERE u.session_id IN (SELECT DISTINCT n.session_id FROM new_rows n)
      AND NOT EXISTS (SELECT 1 FROM homeward.session_participants sp
                      WHERE sp.session_id = u.session_id
                        AND NOT EXISTS (SELECT 1 FROM homeward.attendance a
                                        WHERE a.session_id = sp.session_id AND a.participant_id = sp.participant_id));
    RETURN NULL;
END $$;
CREATE TRIGGER unrecorded_sessions_clear_on_attendance_insert AFTER INSERT ON homeward.attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.unrecorded_sessions_clear_on_attendance();
CREATE TRIGGER unrecorded_sessions_clear_on_attendance_update AFTER UPDATE ON homeward.attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.unrecorded_sessions_clear_on_attendance();

-- Session marked held, cancelled or rescheduled: the paperwork question is settled.
CREATE FUNCTION homeward.unrecorded_sessions_clear_on_status() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM homeward.unrecorded_sessions WHERE session_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER unrecorded_sessions_clear_on_status AFTER UPDATE OF status ON homeward.sessions
    FOR EACH ROW WHEN (NEW.status <> 'planned' AND OLD.status = 'planned')
    EXECUTE FUNCTION homeward.unrecorded_sessions_clear_on_status();

------------------------------------------------------------------------------------------------
-- Progress views
------------------------------------------------------------------------------------------------

CREATE VIEW homeward.requirement_progress AS
WITH base AS (
    SELECT e.id AS enrolment_id, e.participant_id, p.case_number,
           (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
             WHERE pl.participant_id = e.participant_id AND pl.during @> t.today
             ORDER BY lower(pl.during) DESC LIMIT 1) AS centre_code,
           pg.code AS programme_code, ph.code AS phase_code, q.id AS requirement_id, q.code AS requirement_code,
           q.session_type, q.mode AS requirement_mode, q.sessions_per_week, e.phase_started_on,
           least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)) AS planned_phase_end,
           t.today,
           greatest(0, least(t.today, least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)))
                       - e.phase_started_on) AS elapsed_days
    FROM homeward.enrolments e
    CROSS JOIN (SELECT homeward.today() AS today) t
    JOIN homeward.participants p ON p.id = e.participant_id
    JOIN homeward.programmes pg ON pg.id = e.programme_id
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    WHERE e.status = 'active'
      AND (q.min_age IS NULL OR homeward.age_on(p.birth_date, t.today) >= q.min_age)
      AND (q.max_age IS NULL OR homeward.age_on(p.birth_date, t.today) <= q.max_age)
      AND (q.sex IS NULL OR q.sex = p.sex)
), counted AS (
    SELECT b.*, x.*,
           greatest(0, floor(b.sessions_per_week * b.elapsed_days / 7.0)::int - x.cancelled_by_staff_or_centre) AS required_to_date
    FROM base b
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE k.status = 'planned' AND a.status IS NULL AND k.day >= b.today)::int AS planned,
               count(*) FILTER (WHERE k.occupies AND a.status IN ('attended', 'late') AND k.day <= b.today)::int AS attended,
               count(*) FILTER (WHERE k.occupies AND a.status = 'absent_unexcused' AND k.day <= b.today)::int AS missed,
               count(*) FILTER (WHERE k.occupies AND a.status = 'absent_excused' AND k.day <= b.today)::int AS excused,
               count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by = 'participant' AND k.day <= b.today)::int AS cancelled_by_participant,
               count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by IN ('staff', 'centre') AND k.day <= b.today)::int AS cancelled_by_staff_or_centre,
               count(*) FILTER (WHERE k.occupies AND a.status IS NULL AND k.day < b.today)::int AS unrecorded,
               count(*) FILTER (WHERE k.day > b.today - 28 AND k.day <= b.today
                                  AND ((k.occupies AND a.status IS NOT NULL) OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int
                   AS counted_last_28_days,
               count(*) FILTER (WHERE k.day > b.today - 28 AND k.occupies AND a.status IN ('attended', 'late') AND k.day <= b.today)::int
                   AS attended_last_28_days,
               count(*) FILTER (WHERE k.day <= b.today
                                  AND ((k.occupies AND a.status IS NOT NULL) OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int
                   AS counted_since_phase_start
        FROM homeward.session_participants sp
        JOIN homeward.sessions s ON s.id = sp.session_id
                                 AND homeward.session_counts_for(s.requirement_id, s.mode, b.requirement_id, b.requirement_mode)
        JOIN homeward.centres c ON c.id = s.centre_id
        CROSS JOIN LATERAL (SELECT (s.starts_at AT TIME ZONE c.time_zone)::date AS day, s.status, s.occupies, s.cancelled_by) k
        LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
        WHERE sp.participant_id = b.participant_id AND k.day >= b.phase_started_on
    ) x
)
SELECT enrolment_id, participant_id, case_number, centre_code, programme_code, phase_code, requirement_id, requirement_code,
       session_type, sessions_per_week, phase_started_on, planned_phase_end, today, elapsed_days,
       required_to_date, planned, attended, missed, excused, cancelled_by_participant, cancelled_by_staff_or_centre, unrecorded,
       counted_last_28_days, attended_last_28_days,
       round(attended_last_28_days::numeric / nullif(counted_last_28_days, 0), 4) AS attendance_rate_last_28_days,
       counted_since_phase_start,
       round(attended::numeric / nullif(counted_since_phase_start, 0), 4) AS attendance_rate_since_phase_start,
       round(attended::numeric / nullif(required_to_date, 0), 4) AS pace,
       CASE WHEN required_to_date > 0 AND attended > 0 THEN
           phase_started_on + ceil((planned_phase_end - phase_started_on) * required_to_date::numeric / attended)::int
       END AS projected_completion_on
FROM counted;

COMMENT ON VIEW homeward.requirement_progress IS
    'Per active enrolment and requirement of its current phase the participant is eligible for (age and sex on the reference day): sessions required to date, planned, attended, missed; attendance rates; pace and projected phase completion. Reference day: homeward.today(). Staff- or centre-cancelled sessions never count against the participant.';
COMMENT ON COLUMN homeward.requirement_progress.enrolment_id IS 'The active enrolment.';
COMMENT ON COLUMN homeward.requirement_progress.participant_id IS 'The participant (homeward.participants.id).';
COMMENT ON COLUMN homeward.requirement_progress.case_number IS 'The participant''s case number.';
COMMENT ON COLUMN homeward.requirement_progress.centre_code IS 'Centre where the participant is placed on the reference day; empty when not placed.';
COMMENT ON COLUMN homeward.requirement_progress.programme_code IS 'Programme of the enrolment.';
COMMENT ON COLUMN homeward.requirement_progress.phase_code IS 'Current phase of the enrolment.';
COMMENT ON COLUMN homeward.requirement_progress.requirement_id IS 'The requirement (homeward.phase_requirements.id).';
COMMENT ON COLUMN homeward.requirement_progress.requirement_code IS 'Requirement code within the phase, e.g. PSY-IND.';
COMMENT ON COLUMN homeward.requirement_progress.session_type IS 'Kind of session the requirement asks for.';
COMMENT ON COLUMN homeward.requirement_progress.sessions_per_week IS 'Sessions per week the requirement asks for (fractions: 0.5 = every two weeks).';
COMMENT ON COLUMN homeward.requirement_progress.phase_started_on IS 'Day the current phase began; sessions before it do not count.';
COMMENT ON COLUMN homeward.requirement_progress.planned_phase_end IS 'Day the phase is planned to end: phase start + duration, cut short at the enrolment''s planned end (prison: sentence end).';
COMMENT ON COLUMN homeward.requirement_progress.today IS 'The reference day (homeward.today()).';
COMMENT ON COLUMN homeward.requirement_progress.elapsed_days IS 'Days of the phase gone by on the reference day, at most the planned phase length.';
COMMENT ON COLUMN homeward.requirement_progress.required_to_date IS 'floor(sessions_per_week × elapsed_days / 7), less the sessions cancelled by staff or the centre, never below 0.';
COMMENT ON COLUMN homeward.requirement_progress.planned IS 'Planned sessions on or after the reference day without attendance yet.';
COMMENT ON COLUMN homeward.requirement_progress.attended IS 'Sessions attended (on time or late) since the phase started.';
COMMENT ON COLUMN homeward.requirement_progress.missed IS 'Unexcused absences since the phase started.';
COMMENT ON COLUMN homeward.requirement_progress.excused IS 'Excused absences since the phase started (counted in the rates'' denominators, not as missed).';
COMMENT ON COLUMN homeward.requirement_progress.cancelled_by_participant IS 'Sessions the participant cancelled; they count as missed contact in the rates.';
COMMENT ON COLUMN homeward.requirement_progress.cancelled_by_staff_or_centre IS 'Sessions cancelled by staff or the centre; never counted against the participant.';
COMMENT ON COLUMN homeward.requirement_progress.unrecorded IS 'Past sessions (before the reference day) with no attendance recorded; left out of the rates until recorded.';
COMMENT ON COLUMN homeward.requirement_progress.counted_last_28_days IS 'Denominator of the 28-day rate: attended + absences + participant cancellations in the 28 days ending on the reference day.';
COMMENT ON COLUMN homeward.requirement_progress.attended_last_28_days IS 'Sessions attended in the 28 days ending on the reference day.';
COMMENT ON COLUMN homeward.requirement_progress.attendance_rate_last_28_days IS 'attended_last_28_days ÷ counted_last_28_days (0–1, 4 decimals); empty when nothing counted.';
COMMENT ON COLUMN homeward.requirement_progress.counted_since_phase_start IS 'Denominator of the rate since the phase started.';
COMMENT ON COLUMN homeward.requirement_progress.attendance_rate_since_phase_start IS 'attended ÷ counted_since_phase_start (0–1, 4 decimals); empty when nothing counted.';
COMMENT ON COLUMN homeward.requirement_progress.pace IS 'attended ÷ required_to_date (1 = on pace; 4 decimals); empty while nothing is required yet.';
COMMENT ON COLUMN homeward.requirement_progress.projected_completion_on IS 'Day the requirement''s sessions for the phase will be done at the current pace: phase start + planned length ÷ pace; empty while nothing is required yet or nothing was attended.';

CREATE VIEW homeward.enrolment_progress AS
WITH rolled AS (
    SELECT r.enrolment_id, count(*)::int AS requirements,
           sum(r.required_to_date)::int AS required_to_date, sum(r.planned)::int AS planned, sum(r.attended)::int AS attended,
           sum(r.missed)::int AS missed, sum(r.excused)::int AS excused,
           sum(r.cancelled_by_participant)::int AS cancelled_by_participant,
           sum(r.cancelled_by_staff_or_centre)::int AS cancelled_by_staff_or_centre, sum(r.unrecorded)::int AS unrecorded,
           sum(r.counted_last_28_days)::int AS counted_last_28_days, sum(r.attended_last_28_days)::int AS attended_last_28_days,
           sum(r.counted_since_phase_start)::int AS counted_since_phase_start,
           count(*) FILTER (WHERE r.required_to_date > 0 AND r.attended = 0)::int AS stalled_requirements,
           max(r.projected_completion_on) AS latest_projection
    FROM homeward.requirement_progress r
    GROUP BY r.enrolment_id
), base AS (
    SELECT e.id AS enrolment_id, e.participant_id, p.case_number, p.birth_date,
           (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
             WHERE pl.participant_id = e.participant_id AND pl.during @> t.today
             ORDER BY lower(pl.during) DESC LIMIT 1) AS centre_code,
           pg.code AS programme_code, ph.code AS phase_code, e.started_on, e.phase_started_on,
           least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)) AS planned_phase_end,
           ph.review_interval_days, t.today
    FROM homeward.enrolments e
    CROSS JOIN (SELECT homeward.today() AS today) t
    JOIN homeward.participants p ON p.id = e.participant_id
    JOIN homeward.programmes pg ON pg.id = e.programme_id
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    WHERE e.status = 'active'
)
SELECT b.enrolment_id, b.participant_id, b.case_number, b.centre_code, b.programme_code, b.phase_code, b.started_on,
       b.phase_started_on, b.planned_phase_end, b.today,
       coalesce(r.requirements, 0) AS requirements,
       coalesce(r.required_to_date, 0) AS required_to_date, coalesce(r.planned, 0) AS planned,
       coalesce(r.attended, 0) AS attended, coalesce(r.missed, 0) AS missed, coalesce(r.excused, 0) AS excused,
       coalesce(r.cancelled_by_participant, 0) AS cancelled_by_participant,
       coalesce(r.cancelled_by_staff_or_centre, 0) AS cancelled_by_staff_or_centre,
       coalesce(r.unrecorded, 0) AS unrecorded,
       coalesce(r.counted_last_28_days, 0) AS counted_last_28_days,
       coalesce(r.attended_last_28_days, 0) AS attended_last_28_days,
       round(r.attended_last_28_days::numeric / nullif(r.counted_last_28_days, 0), 4) AS attendance_rate_last_28_days,
       coalesce(r.counted_since_phase_start, 0) AS counted_since_phase_start,
       round(r.attended::numeric / nullif(r.counted_since_phase_start, 0), 4) AS attendance_rate_since_phase_start,
       round(r.attended::numeric / nullif(r.required_to_date, 0), 4) AS pace,
       coalesce(r.stalled_requirements, 0) AS stalled_requirements,
       CASE WHEN coalesce(r.stalled_requirements, 0) = 0 THEN r.latest_projection END AS projected_completion_on,
       sc.days_recorded AS school_days_recorded_last_28_days,
       sc.days_present AS school_days_present_last_28_days,
       round(sc.days_present::numeric / nullif(sc.days_recorded, 0), 4) AS school_attendance_rate_last_28_days,
       sc.unexcused_in_a_row AS school_unexcused_days_in_a_row,
       md.passed AS modules_passed, md.expected AS modules_expected,
       la.last_assessed_on,
       greatest(b.phase_started_on, la.last_assessed_on) + b.review_interval_days AS assessment_due_on
FROM base b
LEFT JOIN rolled r ON r.enrolment_id = b.enrolment_id
-- School: children only; every school day recorded in the 28 days ending on the reference day, whichever school.
LEFT JOIN LATERAL (
    SELECT count(*)::int AS days_recorded,
           count(*) FILTER (WHERE sa.status = 'present')::int AS days_present,
           count(*) FILTER (WHERE sa.status = 'absent_unexcused'
                              AND sa.day > coalesce((SELECT max(o.day) FROM homeward.school_attendance o
                                                     WHERE o.participant_id = b.participant_id AND o.day <= b.today
                                                       AND o.status <> 'absent_unexcused'), '-infinity'::date))::int AS unexcused_in_a_row
    FROM homeward.school_attendance sa
    WHERE sa.participant_id = b.participant_id AND sa.day > b.today - 28 AND sa.day <= b.today
    HAVING homeward.age_on(b.birth_date, b.today) < 18
       AND EXISTS (SELECT 1 FROM homeward.school_enrolments se WHERE se.participant_id = b.participant_id AND se.enrolled_from <= b.today)
) sc ON true
-- Prison education: every course enrolment still active, modules passed against modules due by now.
LEFT JOIN LATERAL (
    SELECT sum(x.passed)::int AS passed, sum(x.expected)::int AS expected
    FROM homeward.course_enrolments ce
    CROSS JOIN LATERAL (
        SELECT (SELECT count(DISTINCT mc.module_id) FROM homeward.module_completions mc
                 WHERE mc.course_enrolment_id = ce.id AND mc.result = 'passed' AND mc.completed_on <= b.today) AS passed,
               (SELECT count(*) FROM (SELECT sum(m.expected_weeks) OVER (ORDER BY m.ordinal) AS due_weeks
                                      FROM homeward.course_modules m WHERE m.course_id = ce.course_id) d
                 WHERE d.due_weeks * 7 <= b.today - ce.started_on) AS expected
    ) x
    WHERE ce.participant_id = b.participant_id AND ce.status = 'active'
    HAVING count(*) > 0
) md ON true
LEFT JOIN LATERAL (
    SELECT max(a.assessed_on) AS last_assessed_on FROM homeward.assessments a
    WHERE a.participant_id = b.participant_id AND a.assessed_on <= b.today
) la ON true;

COMMENT ON VIEW homeward.enrolment_progress IS
    'Per active enrolment: requirement_progress rolled up, plus school attendance (children), prison education modules and the next assessment due. Reference day: homeward.today().';
COMMENT ON COLUMN homeward.enrolment_progress.enrolment_id IS 'The active enrolment.';
COMMENT ON COLUMN homeward.enrolment_progress.participant_id IS 'The participant (homeward.participants.id).';
COMMENT ON COLUMN homeward.enrolment_progress.case_number IS 'The participant''s case number.';
COMMENT ON COLUMN homeward.enrolment_progress.centre_code IS 'Centre where the participant is placed on the reference day; empty when not placed.';
COMMENT ON COLUMN homeward.enrolment_progress.programme_code IS 'Programme of the enrolment.';
COMMENT ON COLUMN homeward.enrolment_progress.phase_code IS 'Current phase.';
COMMENT ON COLUMN homeward.enrolment_progress.started_on IS 'Day the enrolment started.';
COMMENT ON COLUMN homeward.enrolment_progress.phase_started_on IS 'Day the current phase began.';
COMMENT ON COLUMN homeward.enrolment_progress.planned_phase_end IS 'Day the current phase is planned to end (cut short at the enrolment''s planned end).';
COMMENT ON COLUMN homeward.enrolment_progress.today IS 'The reference day (homeward.today()).';
COMMENT ON COLUMN homeward.enrolment_progress.requirements IS 'Requirements of the current phase the participant is eligible for.';
COMMENT ON COLUMN homeward.enrolment_progress.required_to_date IS 'Sum over requirements of sessions required to date.';
COMMENT ON COLUMN homeward.enrolment_progress.planned IS 'Sum of planned sessions still to come.';
COMMENT ON COLUMN homeward.enrolment_progress.attended IS 'Sum of sessions attended (on time or late) since the phase started.';
COMMENT ON COLUMN homeward.enrolment_progress.missed IS 'Sum of unexcused absences since the phase started.';
COMMENT ON COLUMN homeward.enrolment_progress.excused IS 'Sum of excused absences since the phase started.';
COMMENT ON COLUMN homeward.enrolment_progress.cancelled_by_participant IS 'Sum of sessions the participant cancelled.';
COMMENT ON COLUMN homeward.enrolment_progress.cancelled_by_staff_or_centre IS 'Sum of sessions cancelled by staff or the centre (never counted against the participant).';
COMMENT ON COLUMN homeward.enrolment_progress.unrecorded IS 'Sum of past sessions with no attendance recorded.';
COMMENT ON COLUMN homeward.enrolment_progress.counted_last_28_days IS 'Denominator of the 28-day attendance rate, over all requirements.';
COMMENT ON COLUMN homeward.enrolment_progress.attended_last_28_days IS 'Sessions attended in the last 28 days, over all requirements.';
COMMENT ON COLUMN homeward.enrolment_progress.attendance_rate_last_28_days IS 'attended_last_28_days ÷ counted_last_28_days (0–1); empty when nothing counted.';
COMMENT ON COLUMN homeward.enrolment_progress.counted_since_phase_start IS 'Denominator of the attendance rate since the phase started.';
COMMENT ON COLUMN homeward.enrolment_progress.attendance_rate_since_phase_start IS 'attended ÷ counted_since_phase_start (0–1); empty when nothing counted.';
COMMENT ON COLUMN homeward.enrolment_progress.pace IS 'attended ÷ required_to_date over all requirements; empty while nothing is required yet.';
COMMENT ON COLUMN homeward.enrolment_progress.stalled_requirements IS 'Requirements with sessions required to date but none attended.';
COMMENT ON COLUMN homeward.enrolment_progress.projected_completion_on IS 'Latest projected completion of the phase''s requirements at the current pace; empty when a requirement is stalled or nothing is required yet.';
COMMENT ON COLUMN homeward.enrolment_progress.school_days_recorded_last_28_days IS 'Children: school days recorded in the 28 days ending on the reference day, across every school (a child who moved school keeps one rate).';
COMMENT ON COLUMN homeward.enrolment_progress.school_days_present_last_28_days IS 'Children: of those, days present.';
COMMENT ON COLUMN homeward.enrolment_progress.school_attendance_rate_last_28_days IS 'Children: days present ÷ days recorded (0–1); empty for adults and children with no school days recorded.';
COMMENT ON COLUMN homeward.enrolment_progress.school_unexcused_days_in_a_row IS 'Children: unexcused school absences since the last recorded school day that was not one.';
COMMENT ON COLUMN homeward.enrolment_progress.modules_passed IS 'Prison education: modules passed in the participant''s active courses; empty without an active course.';
COMMENT ON COLUMN homeward.enrolment_progress.modules_expected IS 'Prison education: modules due by the reference day (cumulative expected weeks since each course started).';
COMMENT ON COLUMN homeward.enrolment_progress.last_assessed_on IS 'Latest assessment of the participant on or before the reference day, any kind.';
COMMENT ON COLUMN homeward.enrolment_progress.assessment_due_on IS 'Next assessment due: the later of the phase start and the last assessment, plus the phase''s review interval.';

------------------------------------------------------------------------------------------------
-- Flags
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.flag_severity_rank(severity text) RETURNS int
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT CASE severity WHEN 'watch' THEN 1 WHEN 'concern' THEN 2 WHEN 'urgent' THEN 3 END $$;
COMMENT ON FUNCTION homeward.flag_severity_rank(text) IS 'Orders severities: watch = 1, concern = 2, urgent = 3.';

CREATE TABLE homeward.flags (
    id                      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT flags_pkey PRIMARY KEY,
    participant_id          bigint      NOT NULL CONSTRAINT flags_participant_fk REFERENCES homeward.participants (id),
    rule                    text        NOT NULL,
    subject                 text        NOT NULL,
    severity                text        NOT NULL,
    status                  text        NOT NULL DEFAULT 'open',
    threshold               jsonb       NOT NULL,
    inputs                  jsonb       NOT NULL,
    condition_holds         boolean     NOT NULL DEFAULT true,
    opened_at               timestamptz NOT NULL DEFAULT now(),
    last_evaluated_at       timestamptz NOT NULL DEFAULT now(),
    acknowledged_by         text,
    acknowledged_at         timestamptz,
    acknowledge_note        text,
    resolved_at             timestamptz,
    resolved_by             text,
    resolve_reason          text,
    resolved_automatically  boolean,
    reopen_count            int         NOT NULL DEFAULT 0,
    CONSTRAINT flags_one_per_condition UNIQUE (participant_id, rule, subject),
    CONSTRAINT flags_rule_check CHECK (rule IN ('attendance_below_threshold', 'consecutive_unexcused_absences', 'no_counselling_contact',
                                                'school_attendance', 'education_module_overdue', 'requirement_unplaced',
                                                'assessment_overdue', 'forecast_late_completion')),
    CONSTRAINT flags_subject_not_blank CHECK (btrim(subject) <> ''),
    CONSTRAINT flags_severity_check CHECK (severity IN ('watch', 'concern', 'urgent')),
    CONSTRAINT flags_status_check CHECK (status IN ('open', 'acknowledged', 'resolved')),
    CONSTRAINT flags_threshold_is_object CHECK (jsonb_typeof(threshold) = 'object'),
    CONSTRAINT flags_inputs_is_object CHECK (jsonb_typeof(inputs) = 'object'),
    CONSTRAINT flags_acknowledgement_complete CHECK (
        num_nonnulls(acknowledged_by, acknowledged_at, acknowledge_note) IN (0, 3)
        AND (status <> 'acknowledged' OR acknowledged_at IS NOT NULL)),
    CONSTRAINT flags_acknowledge_note_not_blank CHECK (acknowledge_note IS NULL OR btrim(acknowledge_note) <> ''),
    CONSTRAINT flags_resolution_iff_resolved CHECK (
        (status = 'resolved') = (resolved_at IS NOT NULL)
        AND num_nonnulls(resolved_at, resolved_by, resolve_reason, resolved_automatically) IN (0, 4)),
    CONSTRAINT flags_resolve_reason_not_blank CHECK (resolve_reason IS NULL OR btrim(resolve_reason) <> ''),
    CONSTRAINT flags_reopen_count_not_negative CHECK (reopen_count >= 0)
);
CREATE INDEX flags_status_idx ON homeward.flags (status, severity);
COMMENT ON TABLE homeward.flags IS
    'One record per (participant, rule, subject) condition found by `homeward flags evaluate`: who is falling behind, by which rule, why (threshold and inputs), and where it stands (open, acknowledged, resolved). A condition that returns re-opens the same record.';
COMMENT ON COLUMN homeward.flags.participant_id IS 'The participant the flag is about.';
COMMENT ON COLUMN homeward.flags.rule IS
    'attendance_below_threshold, consecutive_unexcused_absences, no_counselling_contact, school_attendance, education_module_overdue, requirement_unplaced, assessment_overdue or forecast_late_completion (see Config/homeward.yaml, flags:).';
COMMENT ON COLUMN homeward.flags.subject IS 'What within the rule: the session kind, requirement (PROGRAMME/PHASE/REQ), course or programme code, "school", "sessions" or "counselling".';
COMMENT ON COLUMN homeward.flags.severity IS 'watch, concern or urgent, from the rule''s tiers; the latest evaluation''s.';
COMMENT ON COLUMN homeward.flags.status IS 'open; acknowledged (someone is on it); resolved (condition cleared, or closed by hand with a reason).';
COMMENT ON COLUMN homeward.flags.threshold IS 'The rule''s settings when the flag was last evaluated, e.g. {"rate_below": 0.8, "window_days": 28}.';
COMMENT ON COLUMN homeward.flags.inputs IS 'The values that triggered the flag at the latest evaluation (provenance), e.g. {"attended": 3, "counted": 5, "rate": 0.6}.';
COMMENT ON COLUMN homeward.flags.condition_holds IS
    'Whether the condition held at the latest evaluation. A flag resolved by hand while its condition still holds stays resolved; it re-opens when the condition returns after clearing, or when it grows more severe.';
COMMENT ON COLUMN homeward.flags.opened_at IS 'When the flag was opened, or last re-opened.';
COMMENT ON COLUMN homeward.flags.last_evaluated_at IS 'When an evaluation last looked at the flag.';
COMMENT ON COLUMN homeward.flags.acknowledged_by IS 'Who acknowledged the flag (database login or name given).';
COMMENT ON COLUMN homeward.flags.acknowledged_at IS 'When the flag was acknowledged.';
COMMENT ON COLUMN homeward.flags.acknowledge_note IS 'What the person acknowledging it is doing about it.';
COMMENT ON COLUMN homeward.flags.resolved_at IS 'When the flag was resolved; set if and only if status is resolved.';
COMMENT ON COLUMN homeward.flags.resolved_by IS 'Who resolved it: a login or name, or "homeward flags evaluate" when the condition cleared.';
COMMENT ON COLUMN homeward.flags.resolve_reason IS 'Why it was resolved: "condition cleared" or the reason given by hand.';
COMMENT ON COLUMN homeward.flags.resolved_automatically IS 'True when an evaluation resolved it because the condition cleared.';
COMMENT ON COLUMN homeward.flags.reopen_count IS 'How many times the flag was re-opened after being resolved.';

CREATE TABLE homeward.flag_events (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT flag_events_pkey PRIMARY KEY,
    flag_id     bigint      NOT NULL CONSTRAINT flag_events_flag_fk REFERENCES homeward.flags (id) ON DELETE CASCADE,
    event       text        NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    by          text        NOT NULL DEFAULT current_user,
    severity    text        NOT NULL,
    inputs      jsonb,
    note        text,
    CONSTRAINT flag_events_event_check CHECK (event IN ('opened', 'updated', 'acknowledged', 'resolved', 'reopened')),
    CONSTRAINT flag_events_severity_check CHECK (severity IN ('watch', 'concern', 'urgent')),
    CONSTRAINT flag_events_by_not_blank CHECK (btrim(by) <> '')
);
CREATE INDEX flag_events_flag_idx ON homeward.flag_events (flag_id, at, id);
COMMENT ON TABLE homeward.flag_events IS 'History of every flag: opened, updated (inputs or severity changed), acknowledged, resolved, re-opened; who and with which inputs.';
COMMENT ON COLUMN homeward.flag_events.flag_id IS 'The flag.';
COMMENT ON COLUMN homeward.flag_events.event IS 'opened, updated, acknowledged, resolved or reopened.';
COMMENT ON COLUMN homeward.flag_events.at IS 'When it happened.';
COMMENT ON COLUMN homeward.flag_events.by IS 'Who: a login or name, or "homeward flags evaluate" for the nightly evaluation.';
COMMENT ON COLUMN homeward.flag_events.severity IS 'The flag''s severity after the event.';
COMMENT ON COLUMN homeward.flag_events.inputs IS 'The inputs at the time (evaluation events); empty for acknowledgements and resolutions by hand.';
COMMENT ON COLUMN homeward.flag_events.note IS 'The acknowledgement note or resolution reason.';
