-- Ready questions for oversight bodies, over the pseudonymised views in schema oversight.
-- Run as a login granted homeward_oversight:  psql service=homeward-oversight -f SQL/oversight/examples.sql
-- Every statement here is run by the test suite as homeward_oversight (SecurityTests, OversightTests), so they stay valid.
-- End every statement with ";" at the end of a line: the tests split the file there.
--
-- The views are k-anonymous (k = homeward.oversight_min_group(), default 5; see README "Oversight"): a participant row
-- may show coarser values (age band 0-17 or 18+, return quarter or year, no region) or, as a last resort, only its
-- pseudonym; a count of fewer than k people is empty (NULL). Questions below count such rows under an empty value.
-- "Region" is always named for what it is: region_of_origin (where a person comes from and will return),
-- centre_region (the region of the centre where they are placed) or school_region (the region of their school).
-- Days are the reference day, homeward.today(), not the machine's date. Severities sort by severity_rank
-- (watch < concern < urgent), never alphabetically.

-- 1. How many participants are in each programme status, by sex?
SELECT status, sex, count(*) AS participants
FROM oversight.participants GROUP BY status, sex ORDER BY status, sex;

-- 2. Children (under 18) by age band and region of origin.
SELECT age_band, region_of_origin, count(*) AS children
FROM oversight.participants WHERE age_band IN ('0-6', '7-12', '13-17', '0-17')
GROUP BY age_band, region_of_origin ORDER BY age_band, region_of_origin;

-- 3. Participants placed at each centre today, with the centre's region.
SELECT centre_code, centre_region, count(*) AS placed
FROM oversight.participants WHERE centre_code IS NOT NULL
GROUP BY centre_code, centre_region ORDER BY centre_code;

-- 4. Legal situation of adults, by region of origin.
SELECT region_of_origin, legal_situation, count(*) AS adults
FROM oversight.participants WHERE age_band IN ('18-29', '30-44', '45+', '18+')
GROUP BY region_of_origin, legal_situation ORDER BY region_of_origin, legal_situation;

-- 5. Active enrolments by programme and phase, with average pace and 28-day attendance.
SELECT programme_code, phase_code, count(*) AS enrolments,
       round(avg(pace), 2) AS average_pace, round(avg(attendance_rate_last_28_days), 2) AS attendance_28_days
FROM oversight.progress GROUP BY programme_code, phase_code ORDER BY programme_code, phase_code;

-- 6. Attendance by centre since the current phases started.
SELECT centre_code, sum(attended) AS attended, sum(missed) AS missed, sum(excused) AS excused,
       round(sum(attended)::numeric / nullif(sum(attended) + sum(missed) + sum(excused), 0), 2) AS attendance_rate
FROM oversight.progress GROUP BY centre_code ORDER BY centre_code;

-- 7. Children whose school attendance fell below 90% in the last 28 days, by region of the school (as question 13;
--    the schools where days were recorded since the start of last month; a child at two schools counts at each).
SELECT s.school_region, count(DISTINCT g.pseudonym) AS children_below_90_percent
FROM oversight.progress g
JOIN (SELECT DISTINCT pseudonym, school_region FROM oversight.school_attendance
      WHERE month >= date_trunc('month', homeward.today() - 28)::date) s USING (pseudonym)
WHERE g.school_attendance_rate_last_28_days < 0.9
GROUP BY s.school_region ORDER BY children_below_90_percent DESC, s.school_region;

-- 8. Prison education: participants behind on modules (passed fewer than due).
SELECT centre_code, count(*) FILTER (WHERE modules_passed < modules_expected) AS behind, count(*) AS following_courses
FROM oversight.progress WHERE modules_expected IS NOT NULL
GROUP BY centre_code ORDER BY centre_code;

-- 9. Enrolments with stalled requirements (sessions due, none attended), by programme.
SELECT programme_code, count(*) FILTER (WHERE stalled_requirements > 0) AS stalled, count(*) AS enrolments
FROM oversight.progress GROUP BY programme_code ORDER BY programme_code;

-- 10. People with an open flag, by region of their centre and the worst severity of their open flags: each person
--     counted once (oversight.open_flags counts a person under every rule they are flagged by; never add those up).
SELECT centre_region, worst_severity, participants, open_flags
FROM oversight.flagged_participants ORDER BY centre_region, severity_rank DESC;

-- 11. Scheduler runs of the last 30 days: share of demand placed and time taken.
SELECT run, started_at::date AS day, coalesce(centre_code, 'all') AS centre, demand, placed,
       round(placed::numeric / nullif(demand, 0), 3) AS share_placed, sessions_created, duration_ms
FROM oversight.schedule_runs WHERE started_at > homeward.now() - interval '30 days' ORDER BY run;

-- 12. Unplaced demand of the latest run, by reason.
SELECT r.key AS reason, r.value::int AS sessions
FROM (SELECT unplaced_by_reason FROM oversight.schedule_runs ORDER BY run DESC LIMIT 1) last
CROSS JOIN LATERAL jsonb_each_text(last.unplaced_by_reason) r ORDER BY sessions DESC;

-- 13. Children whose school attendance fell below 90% last month, by region of the school.
SELECT school_region, count(DISTINCT pseudonym) AS children_below_90_percent
FROM oversight.school_attendance
WHERE month = date_trunc('month', homeward.today() - interval '1 month')::date AND attendance_rate < 0.9
GROUP BY school_region ORDER BY children_below_90_percent DESC, school_region;

-- 14. Share of women completing residential rehabilitation on time, by centre: the eight-week residential phase of
--     WOMEN-RESIDENTIAL (not the whole programme with its year of community follow-up), all months so far. Months
--     whose breakdown is hidden (a cell of 1 to k-1 people) are left out of the share and counted in months_hidden.
SELECT centre_code, sum(completed) AS women_completed, sum(completed_on_time) AS on_time,
       round(sum(completed_on_time)::numeric / nullif(sum(completed) FILTER (WHERE completed_on_time IS NOT NULL), 0), 2)
           AS share_on_time,
       count(*) FILTER (WHERE completed_on_time IS NULL) AS months_hidden
FROM oversight.phase_completion
WHERE programme_code = 'WOMEN-RESIDENTIAL' AND phase_code = 'RESIDENTIAL' AND breakdown = 'centre_and_sex' AND sex = 'female'
GROUP BY centre_code ORDER BY centre_code;

-- 15. Programme completions and withdrawals by centre and month over the last year.
SELECT centre_code, month, sum(completed) AS completed, sum(completed_on_time) AS on_time, sum(withdrawn) AS withdrawn
FROM oversight.programme_completion WHERE month >= date_trunc('month', homeward.today() - interval '12 months')::date
GROUP BY centre_code, month ORDER BY centre_code, month;

-- 16. Session attendance rate by centre and month.
SELECT centre_code, month, sum(sessions) AS sessions, sum(attended) AS attended, sum(missed) AS missed,
       sum(unrecorded) AS unrecorded,
       round(sum(attended)::numeric / nullif(sum(attended) + sum(missed) + sum(excused), 0), 3) AS attendance_rate
FROM oversight.attendance_by_month GROUP BY centre_code, month ORDER BY centre_code, month;

-- 17. Staff planned over their weekly hour limit in the coming four weeks.
SELECT staff_code, roles, week_start, planned_hours, weekly_hour_limit, share_of_limit
FROM oversight.staff_load
WHERE over_limit AND week_start BETWEEN date_trunc('week', homeward.today())::date AND homeward.today() + 28
ORDER BY share_of_limit DESC, staff_code;

-- 18. Staff load this week: hours planned against limits and caseload, by staff code.
SELECT staff_code, centre_codes, planned_hours, weekly_hour_limit, sessions, participants
FROM oversight.staff_load WHERE week_start = date_trunc('week', homeward.today())::date
ORDER BY share_of_limit DESC, staff_code;

-- 19. Unplaced demand of the latest run, by week and reason.
SELECT week_start, reason, sum(sessions) AS sessions, sum(participants) AS participants
FROM oversight.unplaced_demand WHERE run = (SELECT max(run) FROM oversight.schedule_runs)
GROUP BY week_start, reason ORDER BY week_start, sessions DESC;

-- 20. Reasons demand went unplaced over the last 30 days, by programme.
SELECT programme_code, reason, sum(sessions) AS sessions
FROM oversight.unplaced_demand WHERE run_started_at > homeward.now() - interval '30 days'
GROUP BY programme_code, reason ORDER BY programme_code, sessions DESC;

-- 21. School attendance of returned children by region of the school and month.
SELECT school_region, month, count(DISTINCT pseudonym) AS children, sum(present) AS present, sum(school_days) AS school_days,
       round(sum(present)::numeric / nullif(sum(school_days), 0), 3) AS attendance_rate
FROM oversight.school_attendance GROUP BY school_region, month ORDER BY school_region, month;

-- 22. Prison education: modules passed against modules due, by course.
SELECT course_code, coalesce(centre_code, 'all') AS centre, active_enrolments, modules_passed, modules_expected, behind,
       round(modules_passed::numeric / nullif(modules_expected, 0), 2) AS share_of_expected, average_score
FROM oversight.education_progress ORDER BY course_code;

-- 23. How coarse the participant rows are: rows per generalisation step (0 as recorded … 10 suppressed).
SELECT generalisation, count(*) AS participants, min(homeward.oversight_min_group()) AS k
FROM oversight.participants GROUP BY generalisation ORDER BY generalisation;

-- 24. The residential phase by sex and age band over the last twelve months: completed, on time, withdrawn.
SELECT programme_code, sex, age_band, sum(completed) AS completed, sum(completed_on_time) AS on_time, sum(withdrawn) AS withdrawn,
       count(*) FILTER (WHERE completed_on_time IS NULL) AS months_hidden
FROM oversight.phase_completion
WHERE phase_code = 'RESIDENTIAL' AND breakdown = 'sex_and_age_band'
  AND month >= date_trunc('month', homeward.today() - interval '12 months')::date
GROUP BY programme_code, sex, age_band ORDER BY programme_code, sex, age_band;

-- 25. Flags week by week: opened, re-opened, acknowledged, resolved, and the median hours to acknowledge.
SELECT week_start, opened, reopened, acknowledged, resolved, median_hours_to_acknowledge
FROM oversight.flags_by_week WHERE week_start >= homeward.today() - 84 ORDER BY week_start;

-- 26. Cancelled sessions of the last three months by who called them off and the role that recorded it.
SELECT cancelled_by, cancelled_by_role, sum(sessions) AS sessions, count(*) FILTER (WHERE sessions IS NULL) AS cells_hidden
FROM oversight.cancellations WHERE month >= date_trunc('month', homeward.today() - interval '3 months')::date
GROUP BY cancelled_by, cancelled_by_role ORDER BY sessions DESC NULLS LAST, cancelled_by, cancelled_by_role;

-- 27. Consents in force this month, and given and withdrawn over the last twelve months, by kind.
SELECT kind, (array_agg(in_force ORDER BY month DESC))[1] AS in_force_now, sum(granted) AS granted, sum(withdrawn) AS withdrawn
FROM oversight.consents WHERE month >= date_trunc('month', homeward.today() - interval '12 months')::date
GROUP BY kind ORDER BY kind;

-- 28. Full records exported (subject access requests, transfers) by month and the role that exported them.
SELECT month, exported_by_role, exports, participants
FROM oversight.record_exports ORDER BY month DESC, exported_by_role;
