-- 0006_oversight_and_export: the remaining pseudonymised oversight views (programme completion, attendance by month,
-- staff load, unplaced demand by week, school attendance, prison education) and the audit of subject record exports.
--
-- Run by `homeward db migrate` in one transaction. Forward only. Requires 0005.
--
-- Views pseudonymise exactly like 0005: pseudonym 'P-' + 10 hex of md5(secret || case number), age band instead of
-- birth date, region instead of address. Staff are shown by staff code, never by name. The reference day is
-- homeward.today's setting, else current_date (inlined, as in 0005, so the oversight role needs no homeward rights).

------------------------------------------------------------------------------------------------
-- Audit of exports: `homeward participant export CASE` appends one row to audit.changes
------------------------------------------------------------------------------------------------

ALTER TABLE audit.changes DROP CONSTRAINT changes_operation_check;
ALTER TABLE audit.changes ADD CONSTRAINT changes_operation_check CHECK (operation IN ('insert', 'update', 'delete', 'export'));
COMMENT ON COLUMN audit.changes.operation IS
    'insert, update or delete; export when a participant''s full record was exported (homeward participant export).';

-- Coordinators may not INSERT into audit.changes directly (nobody but admins may write it freely), so the export
-- is recorded through this definer function; login and application_name still come from the caller's session.
CREATE FUNCTION audit.record_export(p_participant_id bigint, p_sections text[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO audit.changes (table_name, primary_key, operation, participant_id, changed)
    VALUES ('homeward.participants', jsonb_build_object('id', p_participant_id), 'export', p_participant_id,
            jsonb_build_object('exported_sections', jsonb_build_object('old', NULL, 'new', to_jsonb(p_sections))))
$$;
COMMENT ON FUNCTION audit.record_export(bigint, text[]) IS
    'Appends an export row to audit.changes for a participant whose full record was read (subject access request, transfer); login = session_user.';
REVOKE ALL ON FUNCTION audit.record_export(bigint, text[]) FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO homeward_coordinator;
GRANT EXECUTE ON FUNCTION audit.record_export(bigint, text[]) TO homeward_admin, homeward_coordinator;

------------------------------------------------------------------------------------------------
-- Programme completion by centre and month
------------------------------------------------------------------------------------------------

CREATE VIEW oversight.programme_completion AS
SELECT c.code AS centre_code, c.region AS centre_region, pr.code AS programme_code,
       date_trunc('month', e.ended_on)::date AS month,
       count(*) FILTER (WHERE e.status = 'completed')::int AS completed,
       count(*) FILTER (WHERE e.status = 'completed' AND e.ended_on <= e.planned_end_on)::int AS completed_on_time,
       count(*) FILTER (WHERE e.status = 'withdrawn')::int AS withdrawn,
       round(avg(e.ended_on - e.started_on) FILTER (WHERE e.status = 'completed'), 1) AS average_days_to_complete,
       count(*) FILTER (WHERE e.status = 'completed' AND p.sex = 'female')::int AS completed_by_women,
       count(*) FILTER (WHERE e.status = 'completed' AND p.sex = 'female' AND e.ended_on <= e.planned_end_on)::int
           AS women_completed_on_time
FROM homeward.enrolments e
JOIN homeward.programmes pr ON pr.id = e.programme_id
JOIN homeward.participants p ON p.id = e.participant_id
LEFT JOIN homeward.participant_placements pl ON pl.participant_id = e.participant_id AND pl.during @> e.ended_on
LEFT JOIN homeward.centres c ON c.id = pl.centre_id
WHERE e.status IN ('completed', 'withdrawn')
GROUP BY c.code, c.region, pr.code, date_trunc('month', e.ended_on);
COMMENT ON VIEW oversight.programme_completion IS
    'Closed enrolments (completed or withdrawn) counted by centre where the participant was placed on the end day, programme and month ended.';
COMMENT ON COLUMN oversight.programme_completion.centre_code IS 'Centre where the participant was placed on the day the enrolment ended; empty when not placed.';
COMMENT ON COLUMN oversight.programme_completion.centre_region IS 'Region of that centre.';
COMMENT ON COLUMN oversight.programme_completion.programme_code IS 'Programme, e.g. WOMEN-RESIDENTIAL.';
COMMENT ON COLUMN oversight.programme_completion.month IS 'Month the enrolments ended (first day of the month).';
COMMENT ON COLUMN oversight.programme_completion.completed IS 'Enrolments completed that month.';
COMMENT ON COLUMN oversight.programme_completion.completed_on_time IS 'Of those, completed on or before the planned end day.';
COMMENT ON COLUMN oversight.programme_completion.withdrawn IS 'Enrolments withdrawn that month.';
COMMENT ON COLUMN oversight.programme_completion.average_days_to_complete IS 'Average days from start to completion.';
COMMENT ON COLUMN oversight.programme_completion.completed_by_women IS 'Completed enrolments of women.';
COMMENT ON COLUMN oversight.programme_completion.women_completed_on_time IS 'Completed enrolments of women, on or before the planned end day.';

------------------------------------------------------------------------------------------------
-- Session attendance by centre and month
------------------------------------------------------------------------------------------------

CREATE VIEW oversight.attendance_by_month AS
SELECT c.code AS centre_code, c.region AS centre_region, date_trunc('month', s.starts_at AT TIME ZONE c.time_zone)::date AS month,
       pr.code AS programme_code, s.session_type,
       count(DISTINCT s.id)::int AS sessions,
       count(*)::int AS bookings,
       count(*) FILTER (WHERE a.status IN ('attended', 'late'))::int AS attended,
       count(*) FILTER (WHERE a.status = 'late')::int AS late,
       count(*) FILTER (WHERE a.status = 'absent_excused')::int AS excused,
       count(*) FILTER (WHERE a.status = 'absent_unexcused')::int AS missed,
       count(*) FILTER (WHERE a.status IS NULL)::int AS unrecorded,
       round(count(*) FILTER (WHERE a.status IN ('attended', 'late'))::numeric / nullif(count(a.status), 0), 3) AS attendance_rate
FROM homeward.sessions s
JOIN homeward.centres c ON c.id = s.centre_id
JOIN homeward.session_participants sp ON sp.session_id = s.id
LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
LEFT JOIN homeward.phase_requirements r ON r.id = s.requirement_id
LEFT JOIN homeward.programme_phases ph ON ph.id = r.phase_id
LEFT JOIN homeward.programmes pr ON pr.id = ph.programme_id
WHERE s.status = 'held' OR (s.status = 'planned' AND s.starts_at < now())
GROUP BY c.code, c.region, date_trunc('month', s.starts_at AT TIME ZONE c.time_zone), pr.code, s.session_type;
COMMENT ON VIEW oversight.attendance_by_month IS
    'Attendance at past sessions (held, or planned and already started), by centre, month (centre local time), programme and session type.';
COMMENT ON COLUMN oversight.attendance_by_month.centre_code IS 'Centre holding the sessions.';
COMMENT ON COLUMN oversight.attendance_by_month.centre_region IS 'Region of that centre.';
COMMENT ON COLUMN oversight.attendance_by_month.month IS 'Month of the sessions (first day), in the centre''s time zone.';
COMMENT ON COLUMN oversight.attendance_by_month.programme_code IS 'Programme whose requirement the sessions fulfil; empty for ad-hoc sessions.';
COMMENT ON COLUMN oversight.attendance_by_month.session_type IS 'Session type, e.g. individual_counselling.';
COMMENT ON COLUMN oversight.attendance_by_month.sessions IS 'Distinct sessions.';
COMMENT ON COLUMN oversight.attendance_by_month.bookings IS 'Participant bookings into those sessions.';
COMMENT ON COLUMN oversight.attendance_by_month.attended IS 'Bookings attended (on time or late).';
COMMENT ON COLUMN oversight.attendance_by_month.late IS 'Bookings attended late.';
COMMENT ON COLUMN oversight.attendance_by_month.excused IS 'Excused absences.';
COMMENT ON COLUMN oversight.attendance_by_month.missed IS 'Unexcused absences.';
COMMENT ON COLUMN oversight.attendance_by_month.unrecorded IS 'Bookings with no attendance recorded.';
COMMENT ON COLUMN oversight.attendance_by_month.attendance_rate IS 'Attended ÷ recorded bookings (0–1); empty when nothing was recorded.';

------------------------------------------------------------------------------------------------
-- Staff load: planned hours per week against the weekly limit (staff code, never the name)
------------------------------------------------------------------------------------------------

CREATE VIEW oversight.staff_load AS
SELECT st.code AS staff_code, st.active,
       (SELECT string_agg(r.role, ' ' ORDER BY r.role) FROM homeward.staff_roles r WHERE r.staff_id = st.id) AS roles,
       (SELECT string_agg(c.code, ' ' ORDER BY c.code) FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
        WHERE sc.staff_id = st.id) AS centre_codes,
       w.week_start, st.weekly_hour_limit,
       round(w.planned_minutes / 60.0, 1) AS planned_hours,
       round(w.planned_minutes / 60.0 / st.weekly_hour_limit, 3) AS share_of_limit,
       w.planned_minutes / 60.0 > st.weekly_hour_limit AS over_limit,
       w.sessions, w.participants
FROM homeward.staff st
JOIN (SELECT ss.staff_id, date_trunc('week', s.starts_at)::date AS week_start,
             sum(extract(epoch FROM s.ends_at - s.starts_at) / 60)::int AS planned_minutes,
             count(DISTINCT s.id)::int AS sessions, count(DISTINCT sp.participant_id)::int AS participants
      FROM homeward.session_staff ss
      JOIN homeward.sessions s ON s.id = ss.session_id AND s.occupies
      LEFT JOIN homeward.session_participants sp ON sp.session_id = s.id
      GROUP BY ss.staff_id, date_trunc('week', s.starts_at)) w ON w.staff_id = st.id;
COMMENT ON VIEW oversight.staff_load IS
    'Per staff member (by code) and ISO week: planned or held session hours against the weekly hour limit, sessions and distinct participants seen.';
COMMENT ON COLUMN oversight.staff_load.staff_code IS 'Staff code, e.g. PSY-01 (names are not shown).';
COMMENT ON COLUMN oversight.staff_load.active IS 'Whether the staff member is still active.';
COMMENT ON COLUMN oversight.staff_load.roles IS 'Professional roles, space-separated.';
COMMENT ON COLUMN oversight.staff_load.centre_codes IS 'Centres the staff member works at, space-separated.';
COMMENT ON COLUMN oversight.staff_load.week_start IS 'Monday of the week.';
COMMENT ON COLUMN oversight.staff_load.weekly_hour_limit IS 'Contracted maximum hours per week.';
COMMENT ON COLUMN oversight.staff_load.planned_hours IS 'Hours of planned or held sessions that week (sessions counted in full, even when shared).';
COMMENT ON COLUMN oversight.staff_load.share_of_limit IS 'Planned hours ÷ weekly limit.';
COMMENT ON COLUMN oversight.staff_load.over_limit IS 'True when planned hours exceed the weekly limit.';
COMMENT ON COLUMN oversight.staff_load.sessions IS 'Planned or held sessions that week.';
COMMENT ON COLUMN oversight.staff_load.participants IS 'Distinct participants in those sessions (the week''s caseload).';

------------------------------------------------------------------------------------------------
-- Unplaced demand by run, week and reason
------------------------------------------------------------------------------------------------

CREATE VIEW oversight.unplaced_demand AS
SELECT u.schedule_run_id AS run, r.started_at AS run_started_at, u.week_start, u.reason,
       pr.code AS programme_code, q.session_type,
       sum(u.sessions)::int AS sessions, count(DISTINCT u.participant_id)::int AS participants
FROM homeward.schedule_unplaced u
JOIN homeward.schedule_runs r ON r.id = u.schedule_run_id
JOIN homeward.phase_requirements q ON q.id = u.requirement_id
JOIN homeward.programme_phases ph ON ph.id = q.phase_id
JOIN homeward.programmes pr ON pr.id = ph.programme_id
GROUP BY u.schedule_run_id, r.started_at, u.week_start, u.reason, pr.code, q.session_type;
COMMENT ON VIEW oversight.unplaced_demand IS 'Sessions a scheduler run could not place, by run, week, reason code, programme and session type.';
COMMENT ON COLUMN oversight.unplaced_demand.run IS 'Run number (as in oversight.schedule_runs).';
COMMENT ON COLUMN oversight.unplaced_demand.run_started_at IS 'When the run started.';
COMMENT ON COLUMN oversight.unplaced_demand.week_start IS 'Monday of the week the sessions were wanted.';
COMMENT ON COLUMN oversight.unplaced_demand.reason IS 'Why they were not placed, e.g. no_staff_with_language, staff_weekly_limit.';
COMMENT ON COLUMN oversight.unplaced_demand.programme_code IS 'Programme of the requirement.';
COMMENT ON COLUMN oversight.unplaced_demand.session_type IS 'Session type of the requirement.';
COMMENT ON COLUMN oversight.unplaced_demand.sessions IS 'Sessions not placed.';
COMMENT ON COLUMN oversight.unplaced_demand.participants IS 'Distinct participants affected.';

------------------------------------------------------------------------------------------------
-- School attendance of returned children, per child (pseudonymised) and month
------------------------------------------------------------------------------------------------

CREATE VIEW oversight.school_attendance AS
SELECT 'P-' || left(md5(sec.secret || p.case_number), 10) AS pseudonym,
       CASE WHEN ag.age < 7 THEN '0-6' WHEN ag.age < 13 THEN '7-12' WHEN ag.age < 18 THEN '13-17'
            WHEN ag.age < 30 THEN '18-29' WHEN ag.age < 45 THEN '30-44' ELSE '45+' END AS age_band,
       p.sex, sc.region, date_trunc('month', a.day)::date AS month,
       count(*)::int AS school_days,
       count(*) FILTER (WHERE a.status = 'present')::int AS present,
       count(*) FILTER (WHERE a.status = 'absent_excused')::int AS absent_excused,
       count(*) FILTER (WHERE a.status = 'absent_unexcused')::int AS absent_unexcused,
       round(count(*) FILTER (WHERE a.status = 'present')::numeric / count(*), 3) AS attendance_rate
FROM homeward.school_attendance a
JOIN homeward.school_enrolments se ON se.id = a.school_enrolment_id
JOIN homeward.schools sc ON sc.id = se.school_id
JOIN homeward.participants p ON p.id = a.participant_id
CROSS JOIN homeward.pseudonym_secret sec
CROSS JOIN LATERAL (SELECT date_part('year', age(coalesce(nullif(current_setting('homeward.today', true), '')::date, current_date),
                                                   p.birth_date))::int AS age) ag
GROUP BY 1, 2, p.sex, sc.region, date_trunc('month', a.day);
COMMENT ON VIEW oversight.school_attendance IS
    'School days recorded for each returned child per month, pseudonymised, with the region of the school.';
COMMENT ON COLUMN oversight.school_attendance.pseudonym IS 'The child''s stable pseudonym (as in oversight.participants).';
COMMENT ON COLUMN oversight.school_attendance.age_band IS 'Age on the reference day, banded: 0-6, 7-12, 13-17, 18-29, 30-44, 45+.';
COMMENT ON COLUMN oversight.school_attendance.sex IS 'female or male.';
COMMENT ON COLUMN oversight.school_attendance.region IS 'Region of the school.';
COMMENT ON COLUMN oversight.school_attendance.month IS 'Month (first day).';
COMMENT ON COLUMN oversight.school_attendance.school_days IS 'School days recorded that month.';
COMMENT ON COLUMN oversight.school_attendance.present IS 'Days present.';
COMMENT ON COLUMN oversight.school_attendance.absent_excused IS 'Days absent with an excuse.';
COMMENT ON COLUMN oversight.school_attendance.absent_unexcused IS 'Days absent without an excuse.';
COMMENT ON COLUMN oversight.school_attendance.attendance_rate IS 'Present ÷ days recorded (0–1).';

------------------------------------------------------------------------------------------------
-- Prison education: modules passed against modules due, by course
------------------------------------------------------------------------------------------------

CREATE VIEW oversight.education_progress AS
WITH modules AS (
    SELECT m.id, m.course_id,
           sum(m.expected_weeks) OVER (PARTITION BY m.course_id ORDER BY m.ordinal) AS weeks_until_due
    FROM homeward.course_modules m
), per_enrolment AS (
    SELECT ce.id, ce.course_id, ce.status,
           (SELECT count(*) FROM modules m WHERE m.course_id = ce.course_id)::int AS modules_in_course,
           (SELECT count(*) FROM modules m WHERE m.course_id = ce.course_id
              AND ce.started_on + 7 * m.weeks_until_due::int
                  <= coalesce(nullif(current_setting('homeward.today', true), '')::date, current_date))::int AS modules_expected,
           (SELECT count(*) FROM homeward.module_completions mc WHERE mc.course_enrolment_id = ce.id AND mc.result = 'passed')::int
               AS modules_passed,
           (SELECT avg(mc.score) FROM homeward.module_completions mc WHERE mc.course_enrolment_id = ce.id AND mc.score IS NOT NULL)
               AS average_score
    FROM homeward.course_enrolments ce
)
SELECT co.code AS course_code, c.code AS centre_code,
       count(*) FILTER (WHERE e.status = 'active')::int AS active_enrolments,
       count(*) FILTER (WHERE e.status = 'completed')::int AS completed_enrolments,
       count(*) FILTER (WHERE e.status = 'withdrawn')::int AS withdrawn_enrolments,
       max(e.modules_in_course)::int AS modules_in_course,
       coalesce(sum(e.modules_passed) FILTER (WHERE e.status = 'active'), 0)::int AS modules_passed,
       coalesce(sum(e.modules_expected) FILTER (WHERE e.status = 'active'), 0)::int AS modules_expected,
       count(*) FILTER (WHERE e.status = 'active' AND e.modules_passed < e.modules_expected)::int AS behind,
       round(avg(e.average_score), 1) AS average_score
FROM per_enrolment e
JOIN homeward.courses co ON co.id = e.course_id
LEFT JOIN homeward.centres c ON c.id = co.centre_id
GROUP BY co.code, c.code;
COMMENT ON VIEW oversight.education_progress IS
    'Prison education by course: enrolments, and for active ones modules passed against modules due by the reference day (module due once its cumulative expected weeks have passed since the start).';
COMMENT ON COLUMN oversight.education_progress.course_code IS 'Course, e.g. LITERACY-1.';
COMMENT ON COLUMN oversight.education_progress.centre_code IS 'Centre (prison) offering the course; empty when offered everywhere.';
COMMENT ON COLUMN oversight.education_progress.active_enrolments IS 'Enrolments in progress.';
COMMENT ON COLUMN oversight.education_progress.completed_enrolments IS 'Enrolments completed.';
COMMENT ON COLUMN oversight.education_progress.withdrawn_enrolments IS 'Enrolments withdrawn.';
COMMENT ON COLUMN oversight.education_progress.modules_in_course IS 'Modules in the course.';
COMMENT ON COLUMN oversight.education_progress.modules_passed IS 'Modules passed, summed over active enrolments.';
COMMENT ON COLUMN oversight.education_progress.modules_expected IS 'Modules due by the reference day, summed over active enrolments.';
COMMENT ON COLUMN oversight.education_progress.behind IS 'Active enrolments with fewer modules passed than due.';
COMMENT ON COLUMN oversight.education_progress.average_score IS 'Average module score over all enrolments (0–100).';

GRANT SELECT ON ALL TABLES IN SCHEMA oversight TO homeward_oversight, homeward_admin;
