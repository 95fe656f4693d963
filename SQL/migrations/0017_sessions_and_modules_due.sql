-- 0017_sessions_and_modules_due: how many sessions and how many modules are due, each stated once.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0016.
--
-- * homeward.sessions_due_to_date(rate, phase start, day): the sessions a requirement asks for from the phase's start
--   up to (not including) a day, floor(rate × days / 7). Every other count of sessions due is a difference of it:
--   sessions_due_in_week (a week of the phase) and sessions_due_in_share (the part of a week the plan may use), which
--   the scheduling instance asks, and required_to_date in homeward.requirement_progress. Before this file the view
--   used the days-based formula and the instance a week-based one anchored on the Monday of the phase's first week, so
--   a phase that began on a Thursday was planned a full week's sessions its progress never asked for.
-- * homeward.course_module_due: each module of each course enrolment with the day it is due (a module is due when
--   the cumulative expected weeks of the modules up to it have elapsed since the course began) and the day it was
--   passed. homeward.course_progress_on(course enrolment, day) counts from it for homeward.enrolment_progress, the
--   flags and `homeward course progress`; oversight.education_progress counts from it too (it counted passes after the
--   reference day before).

CREATE FUNCTION homeward.sessions_due_to_date(sessions_per_week numeric, phase_started_on date, on_day date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(sessions_per_week * greatest(0, on_day - phase_started_on) / 7.0)::int
$$;
COMMENT ON FUNCTION homeward.sessions_due_to_date(numeric, date, date) IS
    'Sessions a requirement asks for from the phase start up to (not including) on_day: floor(rate × days / 7). The one rule every count of sessions due derives from.';
GRANT EXECUTE ON FUNCTION homeward.sessions_due_to_date(numeric, date, date) TO PUBLIC;

CREATE OR REPLACE FUNCTION homeward.sessions_due_in_week(sessions_per_week numeric, phase_started_on date, week_start date)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT homeward.sessions_due_to_date(sessions_per_week, phase_started_on, week_start + 7)
         - homeward.sessions_due_to_date(sessions_per_week, phase_started_on, week_start)
$$;
COMMENT ON FUNCTION homeward.sessions_due_in_week(numeric, date, date) IS
    'Sessions due in the week starting week_start: sessions_due_to_date at its end minus at its start.';

CREATE OR REPLACE FUNCTION homeward.sessions_due_in_share(sessions_per_week numeric, phase_started_on date, week_start date,
                                                          eligible daterange, horizon_end date)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(homeward.sessions_due_to_date(sessions_per_week, phase_started_on, upper(w))
                  - homeward.sessions_due_to_date(sessions_per_week, phase_started_on, lower(w)), 0)
    FROM (SELECT daterange(week_start, least(week_start + 7, horizon_end)) * eligible AS w) x
$$;
COMMENT ON FUNCTION homeward.sessions_due_in_share(numeric, date, date, daterange, date) IS
    'Sessions due in the days of a week that are eligible and before the horizon ends: sessions_due_to_date at the end of those days minus at their start.';

CREATE VIEW homeward.course_module_due WITH (security_invoker = true) AS
SELECT ce.id AS course_enrolment_id, ce.participant_id, ce.course_id, cm.id AS module_id, cm.ordinal,
       -- partitioned by participant and enrolment so that a filter on either reaches the tables below
       ce.started_on + 7 * (sum(cm.expected_weeks) OVER (PARTITION BY ce.participant_id, ce.id ORDER BY cm.ordinal))::int AS due_on,
       (SELECT min(mc.completed_on) FROM homeward.module_completions mc
         WHERE mc.course_enrolment_id = ce.id AND mc.module_id = cm.id AND mc.result = 'passed') AS passed_on
FROM homeward.course_enrolments ce
JOIN homeward.course_modules cm ON cm.course_id = ce.course_id;
COMMENT ON VIEW homeward.course_module_due IS
    'The rule for modules due: each module of each course enrolment with the day it is due (the start plus the cumulative expected weeks of the modules up to it) and the day it was first passed.';
-- The auditor reads the audit trail, not course progress (the default privileges would give it this view).
REVOKE ALL ON homeward.course_module_due FROM homeward_auditor;

CREATE FUNCTION homeward.course_progress_on(course_enrolment bigint, on_day date)
RETURNS TABLE (modules integer, passed integer, expected integer, overdue_since date)
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int,
           count(*) FILTER (WHERE m.passed_on <= on_day)::int,
           count(*) FILTER (WHERE m.due_on <= on_day)::int,
           min(m.due_on) FILTER (WHERE m.due_on <= on_day AND NOT coalesce(m.passed_on <= on_day, false))
    FROM homeward.course_module_due m
    WHERE m.course_enrolment_id = course_enrolment
$$;
COMMENT ON FUNCTION homeward.course_progress_on(bigint, date) IS
    'A course enrolment on a day, from homeward.course_module_due: modules in the course, passed by the day, due by the day, and the due date of the first module due but not passed.';
GRANT EXECUTE ON FUNCTION homeward.course_progress_on(bigint, date) TO PUBLIC;

CREATE FUNCTION homeward.course_module_due_for_oversight() RETURNS SETOF homeward.course_module_due
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM homeward.course_module_due $$;
COMMENT ON FUNCTION homeward.course_module_due_for_oversight() IS
    'Every row of homeward.course_module_due, with the owner''s rights: what oversight.education_progress aggregates. Not for daily logins.';
REVOKE ALL ON FUNCTION homeward.course_module_due_for_oversight() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.course_module_due_for_oversight() TO homeward_oversight, homeward_admin;

CREATE OR REPLACE VIEW homeward.requirement_progress WITH (security_invoker = true) AS
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
      AND homeward.eligible_during(p.birth_date, p.sex, q.min_age, q.max_age, q.sex) @> t.today
), counted AS (
    SELECT b.*, x.*,
           greatest(0, homeward.sessions_due_to_date(b.sessions_per_week, b.phase_started_on, b.phase_started_on + b.elapsed_days)
                       - x.cancelled_by_staff_or_centre) AS required_to_date
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

CREATE OR REPLACE VIEW homeward.enrolment_progress WITH (security_invoker = true) AS
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
    HAVING homeward.is_child_on(b.birth_date, b.today)
       AND EXISTS (SELECT 1 FROM homeward.school_enrolments se WHERE se.participant_id = b.participant_id AND se.enrolled_from <= b.today)
) sc ON true
-- Prison education: every course enrolment still active, modules passed against modules due by now.
LEFT JOIN LATERAL (
    SELECT sum(cp.passed)::int AS passed, sum(cp.expected)::int AS expected
    FROM homeward.course_enrolments ce
    CROSS JOIN LATERAL homeward.course_progress_on(ce.id, b.today) cp
    WHERE ce.participant_id = b.participant_id AND ce.status = 'active'
    HAVING count(*) > 0
) md ON true
LEFT JOIN LATERAL (
    SELECT max(a.assessed_on) AS last_assessed_on FROM homeward.assessments a
    WHERE a.participant_id = b.participant_id AND a.assessed_on <= b.today
) la ON true;

CREATE OR REPLACE VIEW oversight.education_progress AS
WITH per_enrolment AS (
    -- modules due by the reference day from the one rule (homeward.course_module_due, read with the owner's rights)
    SELECT ce.id, ce.participant_id, ce.course_id, ce.status,
           coalesce(m.modules, 0) AS modules_in_course, coalesce(m.expected, 0) AS modules_expected,
           coalesce(m.passed, 0) AS modules_passed,
           (SELECT avg(mc.score) FROM homeward.module_completions mc WHERE mc.course_enrolment_id = ce.id AND mc.score IS NOT NULL)
               AS average_score
    FROM homeward.course_enrolments ce
    LEFT JOIN (SELECT d.course_enrolment_id, count(*)::int AS modules,
                      count(*) FILTER (WHERE d.due_on <= homeward.today())::int AS expected,
                      count(*) FILTER (WHERE d.passed_on <= homeward.today())::int AS passed
               FROM homeward.course_module_due_for_oversight() d GROUP BY d.course_enrolment_id) m ON m.course_enrolment_id = ce.id
), per_course AS (
    SELECT co.code AS course_code, c.code AS centre_code,
           count(*) FILTER (WHERE e.status = 'active')::int AS active_enrolments,
           count(*) FILTER (WHERE e.status = 'completed')::int AS completed_enrolments,
           count(*) FILTER (WHERE e.status = 'withdrawn')::int AS withdrawn_enrolments,
           max(e.modules_in_course)::int AS modules_in_course,
           coalesce(sum(e.modules_passed) FILTER (WHERE e.status = 'active'), 0)::int AS modules_passed,
           coalesce(sum(e.modules_expected) FILTER (WHERE e.status = 'active'), 0)::int AS modules_expected,
           count(*) FILTER (WHERE e.status = 'active' AND e.modules_passed < e.modules_expected)::int AS behind,
           round(avg(e.average_score), 1) AS average_score,
           count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'active') AS active_people,
           count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'completed') AS completed_people,
           count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'withdrawn') AS withdrawn_people,
           count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'active' AND e.modules_passed < e.modules_expected) AS behind_people,
           count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'active' AND e.modules_passed >= e.modules_expected) AS on_track_people,
           count(DISTINCT e.participant_id) FILTER (WHERE e.average_score IS NOT NULL) AS scored_people
    FROM per_enrolment e
    JOIN homeward.courses co ON co.id = e.course_id
    LEFT JOIN homeward.centres c ON c.id = co.centre_id
    GROUP BY co.code, c.code
)
SELECT course_code, centre_code,
       CASE WHEN active_people = 0 OR active_people >= k THEN active_enrolments END AS active_enrolments,
       CASE WHEN completed_people = 0 OR completed_people >= k THEN completed_enrolments END AS completed_enrolments,
       CASE WHEN withdrawn_people = 0 OR withdrawn_people >= k THEN withdrawn_enrolments END AS withdrawn_enrolments,
       modules_in_course,
       CASE WHEN active_people = 0 OR active_people >= k THEN modules_passed END AS modules_passed,
       CASE WHEN active_people = 0 OR active_people >= k THEN modules_expected END AS modules_expected,
       CASE WHEN (active_people = 0 OR active_people >= k) AND (behind_people = 0 OR behind_people >= k)
                 AND (on_track_people = 0 OR on_track_people >= k) THEN behind END AS behind,
       CASE WHEN scored_people >= k THEN average_score END AS average_score
FROM per_course
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
