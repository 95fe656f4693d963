-- Ready questions for oversight bodies, over the pseudonymised views in schema oversight.
-- Run as a login granted homeward_oversight:  psql service=homeward-oversight -f SQL/oversight/examples.sql
-- Every statement here is run by the test suite as homeward_oversight (SecurityTests), so they stay valid.

-- 1. How many participants are in each programme status, by sex?
SELECT status, sex, count(*) AS participants
FROM oversight.participants GROUP BY status, sex ORDER BY status, sex;

-- 2. Children (under 18) by age band and region of origin.
SELECT age_band, region, count(*) AS children
FROM oversight.participants WHERE age_band IN ('0-6', '7-12', '13-17')
GROUP BY age_band, region ORDER BY age_band, region;

-- 3. Participants placed at each centre today, with the centre's region.
SELECT centre_code, centre_region, count(*) AS placed
FROM oversight.participants WHERE centre_code IS NOT NULL
GROUP BY centre_code, centre_region ORDER BY centre_code;

-- 4. Legal situation of adults, by region of origin.
SELECT region, legal_situation, count(*) AS adults
FROM oversight.participants WHERE age_band NOT IN ('0-6', '7-12', '13-17')
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
