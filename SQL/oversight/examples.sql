-- Ready questions for oversight bodies, over the pseudonymised views in schema oversight.
-- Run as a login granted homeward_oversight:  psql service=homeward-oversight -f SQL/oversight/examples.sql
-- Every statement here is run by the test suite as homeward_oversight (SecurityTests, OversightTests), so they stay valid.
-- End every statement with ";" at the end of a line: the tests split the file there.
--
-- The views are k-anonymous (k = homeward.oversight_min_group(), default 5; see README "Oversight"): a participant row
-- may show coarser values (age band 0-17 or 18+, return quarter or year, no region) or, as a last resort, only its
-- pseudonym; a count of fewer than k people is empty (NULL). Questions below count such rows under an empty value.

-- 1. How many participants are in each programme status, by sex?
SELECT status, sex, count(*) AS participants
FROM oversight.participants GROUP BY status, sex ORDER BY status, sex;

-- 2. Children (under 18) by age band and region of origin.
SELECT age_band, region, count(*) AS children
FROM oversight.participants WHERE age_band IN ('0-6', '7-12', '13-17', '0-17')
GROUP BY age_band, region ORDER BY age_band, region;

-- 3. Participants placed at each centre today, with the centre's region.
SELECT centre_code, centre_region, count(*) AS placed
FROM oversight.participants WHERE centre_code IS NOT NULL
GROUP BY centre_code, centre_region ORDER BY centre_code;

-- 4. Legal situation of adults, by region of origin.
SELECT region, legal_situation, count(*) AS adults
FROM oversight.participants WHERE age_band IN ('18-29', '30-44', '45+', '18+')
GROUP BY region, legal_situation ORDER BY region, legal_situation;

-- 5. Active enrolments by programme and phase, with average pace and 28-day attendance.
SELECT programme_code, phase_code, count(*) AS enrolments,
       round(avg(pace), 2) AS average_pace, round(avg(attendance_rate_last_28_days), 2) AS attendance_28_days
FROM oversight.progress GROUP BY programme_code, phase_code ORDER BY programme_code, phase_code;

-- 6. Attendance by centre since the current phases started.
SELECT centre_code, sum(attended) AS attended, sum(missed) AS missed, sum(excused) AS excused,
       round(sum(attended)::numeric / nullif(sum(attended) + sum(missed) + sum(excused), 0), 2) AS attendance_rate
FROM oversight.progress GROUP BY centre_code ORDER BY centre_code;

-- 7. Children whose school attendance fell below 90% in the last 28 days, by region.
SELECT p.region, count(*) AS children_below_90_percent
FROM oversight.progress g JOIN oversight.participants p USING (pseudonym)
WHERE g.school_attendance_rate_last_28_days < 0.9
GROUP BY p.region ORDER BY children_below_90_percent DESC;

-- 8. Prison education: participants behind on modules (passed fewer than due).
SELECT centre_code, count(*) FILTER (WHERE modules_passed < modules_expected) AS behind, count(*) AS following_courses
FROM oversight.progress WHERE modules_expected IS NOT NULL
GROUP BY centre_code ORDER BY centre_code;

-- 9. Enrolments with stalled requirements (sessions due, none attended), by programme.
SELECT programme_code, count(*) FILTER (WHERE stalled_requirements > 0) AS stalled, count(*) AS enrolments
FROM oversight.progress GROUP BY programme_code ORDER BY programme_code;

-- 10. Open flags by region and severity.
SELECT region, severity, sum(open_flags) AS open_flags, sum(participants) AS participants
FROM oversight.open_flags GROUP BY region, severity ORDER BY region, severity;

-- 11. Scheduler runs of the last 30 days: share of demand placed and time taken.
SELECT run, started_at::date AS day, coalesce(centre_code, 'all') AS centre, demand, placed,
       round(placed::numeric / nullif(demand, 0), 3) AS share_placed, sessions_created, duration_ms
FROM oversight.schedule_runs WHERE started_at > now() - interval '30 days' ORDER BY run;

-- 12. Unplaced demand of the latest run, by reason.
SELECT r.key AS reason, r.value::int AS sessions
FROM (SELECT unplaced_by_reason FROM oversight.schedule_runs ORDER BY run DESC LIMIT 1) last
CROSS JOIN LATERAL jsonb_each_text(last.unplaced_by_reason) r ORDER BY sessions DESC;

-- 13. Children whose school attendance fell below 90% last month, by region (of the school).
SELECT region, count(DISTINCT pseudonym) AS children_below_90_percent
FROM oversight.school_attendance
WHERE month = date_trunc('month', current_date - interval '1 month')::date AND attendance_rate < 0.9
GROUP BY region ORDER BY children_below_90_percent DESC, region;

-- 14. Share of women completing residential rehabilitation on time, by centre (all completions so far).
SELECT centre_code, sum(completed_by_women) AS women_completed, sum(women_completed_on_time) AS on_time,
       round(sum(women_completed_on_time)::numeric / nullif(sum(completed_by_women), 0), 2) AS share_on_time
FROM oversight.programme_completion WHERE programme_code ILIKE '%RESIDENTIAL%'
GROUP BY centre_code ORDER BY centre_code;

-- 15. Programme completions and withdrawals by centre and month over the last year.
SELECT centre_code, month, sum(completed) AS completed, sum(completed_on_time) AS on_time, sum(withdrawn) AS withdrawn
FROM oversight.programme_completion WHERE month >= date_trunc('month', current_date - interval '12 months')::date
GROUP BY centre_code, month ORDER BY centre_code, month;

-- 16. Session attendance rate by centre and month.
SELECT centre_code, month, sum(sessions) AS sessions, sum(attended) AS attended, sum(missed) AS missed,
       sum(unrecorded) AS unrecorded,
       round(sum(attended)::numeric / nullif(sum(attended) + sum(missed) + sum(excused), 0), 3) AS attendance_rate
FROM oversight.attendance_by_month GROUP BY centre_code, month ORDER BY centre_code, month;

-- 17. Staff planned over their weekly hour limit in the coming four weeks.
SELECT staff_code, roles, week_start, planned_hours, weekly_hour_limit, share_of_limit
FROM oversight.staff_load
WHERE over_limit AND week_start BETWEEN date_trunc('week', current_date)::date AND current_date + 28
ORDER BY share_of_limit DESC, staff_code;

-- 18. Staff load this week: hours planned against limits and caseload, by staff code.
SELECT staff_code, centre_codes, planned_hours, weekly_hour_limit, sessions, participants
FROM oversight.staff_load WHERE week_start = date_trunc('week', current_date)::date
ORDER BY share_of_limit DESC, staff_code;

-- 19. Unplaced demand of the latest run, by week and reason.
SELECT week_start, reason, sum(sessions) AS sessions, sum(participants) AS participants
FROM oversight.unplaced_demand WHERE run = (SELECT max(run) FROM oversight.schedule_runs)
GROUP BY week_start, reason ORDER BY week_start, sessions DESC;

-- 20. Reasons demand went unplaced over the last 30 days, by programme.
SELECT programme_code, reason, sum(sessions) AS sessions
FROM oversight.unplaced_demand WHERE run_started_at > now() - interval '30 days'
GROUP BY programme_code, reason ORDER BY programme_code, sessions DESC;

-- 21. School attendance of returned children by region and month.
SELECT region, month, count(DISTINCT pseudonym) AS children, sum(present) AS present, sum(school_days) AS school_days,
       round(sum(present)::numeric / nullif(sum(school_days), 0), 3) AS attendance_rate
FROM oversight.school_attendance GROUP BY region, month ORDER BY region, month;

-- 22. Prison education: modules passed against modules due, by course.
SELECT course_code, coalesce(centre_code, 'all') AS centre, active_enrolments, modules_passed, modules_expected, behind,
       round(modules_passed::numeric / nullif(modules_expected, 0), 2) AS share_of_expected, average_score
FROM oversight.education_progress ORDER BY course_code;

-- 23. How coarse the participant rows are: rows per generalisation step (0 as recorded … 10 suppressed).
SELECT generalisation, count(*) AS participants, min(homeward.oversight_min_group()) AS k
FROM oversight.participants GROUP BY generalisation ORDER BY generalisation;
