-- 0011_one_home_for_rules: the derived rules that views repeated, stated once and called everywhere.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0010.
--
-- * homeward.pseudonym(case_number) and homeward.age_band(age): the oversight views' two disguises, one definition each.
-- * The progress views judge eligibility with homeward.eligible_during (the rule the scheduling instance, the flags,
--   `schedule explain` and the session trigger share) and childhood with homeward.is_child_on.
-- The views are replaced with the same columns; only the expressions that repeated a rule change.

CREATE FUNCTION homeward.pseudonym(case_number text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT 'P-' || left(md5(s.secret || case_number), 10) FROM homeward.pseudonym_secret s $$;
COMMENT ON FUNCTION homeward.pseudonym(text) IS
    'A participant''s stable oversight pseudonym: P- and 10 hex digits of md5(the database''s secret || case number). The secret itself stays unreadable.';
REVOKE ALL ON FUNCTION homeward.pseudonym(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.pseudonym(text) TO homeward_oversight, homeward_admin;

CREATE FUNCTION homeward.age_band(age int) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN age < 7 THEN '0-6' WHEN age < 13 THEN '7-12' WHEN age < homeward.adult_age() THEN '13-17'
                WHEN age < 30 THEN '18-29' WHEN age < 45 THEN '30-44' ELSE '45+' END
$$;
COMMENT ON FUNCTION homeward.age_band(int) IS 'The age band oversight shows instead of a birth date: 0-6, 7-12, 13-17, 18-29, 30-44, 45+.';
GRANT EXECUTE ON FUNCTION homeward.age_band(int) TO PUBLIC;

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

CREATE OR REPLACE VIEW oversight.participants AS
WITH person AS (
    SELECT homeward.pseudonym(p.case_number) AS pseudonym,
           p.sex,
           homeward.age_band(a.age) AS age_band,
           CASE WHEN a.age < 18 THEN '0-17' ELSE '18+' END AS age_group,
           p.region_of_origin AS region,
           p.status, p.legal_situation,
           date_trunc('month', p.returned_on)::date AS returned_month,
           date_trunc('quarter', p.returned_on)::date AS returned_quarter,
           date_trunc('year', p.returned_on)::date AS returned_year,
           c.code AS centre_code, c.region AS centre_region,
           k.k
    FROM homeward.participants p
    CROSS JOIN (SELECT secret FROM homeward.pseudonym_secret LIMIT 1) sec
    CROSS JOIN (SELECT homeward.today() AS today) t
    CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k
    CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, t.today) AS age) a
    LEFT JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> t.today
    LEFT JOIN homeward.centres c ON c.id = pl.centre_id
), l0 AS (
    SELECT x.*, CASE WHEN count(*) OVER (PARTITION BY sex, age_band, region, status, legal_situation, returned_month,
                                                      centre_code, centre_region) >= k THEN 0 END AS s0
    FROM person x
), l1 AS (
    SELECT x.*, coalesce(s0, CASE WHEN count(*) FILTER (WHERE s0 IS NULL) OVER (PARTITION BY sex, age_band, region, status,
                legal_situation, returned_quarter, centre_code, centre_region) >= k THEN 1 END) AS s1
    FROM l0 x
), l2 AS (
    SELECT x.*, coalesce(s1, CASE WHEN count(*) FILTER (WHERE s1 IS NULL) OVER (PARTITION BY sex, age_band, region, status,
                legal_situation, returned_year, centre_code, centre_region) >= k THEN 2 END) AS s2
    FROM l1 x
), l3 AS (
    SELECT x.*, coalesce(s2, CASE WHEN count(*) FILTER (WHERE s2 IS NULL) OVER (PARTITION BY sex, age_band, region, status,
                legal_situation, centre_code, centre_region) >= k THEN 3 END) AS s3
    FROM l2 x
), l4 AS (
    SELECT x.*, coalesce(s3, CASE WHEN count(*) FILTER (WHERE s3 IS NULL) OVER (PARTITION BY sex, age_band, region, status,
                legal_situation, centre_region) >= k THEN 4 END) AS s4
    FROM l3 x
), l5 AS (
    SELECT x.*, coalesce(s4, CASE WHEN count(*) FILTER (WHERE s4 IS NULL) OVER (PARTITION BY sex, age_band, status,
                legal_situation, centre_region) >= k THEN 5 END) AS s5
    FROM l4 x
), l6 AS (
    SELECT x.*, coalesce(s5, CASE WHEN count(*) FILTER (WHERE s5 IS NULL) OVER (PARTITION BY sex, age_group, status,
                legal_situation, centre_region) >= k THEN 6 END) AS s6
    FROM l5 x
), l7 AS (
    SELECT x.*, coalesce(s6, CASE WHEN count(*) FILTER (WHERE s6 IS NULL) OVER (PARTITION BY sex, age_group, status,
                legal_situation) >= k THEN 7 END) AS s7
    FROM l6 x
), l8 AS (
    SELECT x.*, coalesce(s7, CASE WHEN count(*) FILTER (WHERE s7 IS NULL) OVER (PARTITION BY sex, age_group,
                legal_situation) >= k THEN 8 END) AS s8
    FROM l7 x
), l9 AS (
    SELECT x.*, coalesce(s8, CASE WHEN count(*) FILTER (WHERE s8 IS NULL) OVER (PARTITION BY sex, age_group) >= k THEN 9 END, 10)
                AS g
    FROM l8 x
)
SELECT pseudonym,
       CASE WHEN g < 10 THEN sex END AS sex,
       CASE WHEN g < 6 THEN age_band WHEN g < 10 THEN age_group END AS age_band,
       CASE WHEN g < 5 THEN region END AS region,
       CASE WHEN g < 8 THEN status END AS status,
       CASE WHEN g < 9 THEN legal_situation END AS legal_situation,
       CASE g WHEN 0 THEN returned_month WHEN 1 THEN returned_quarter WHEN 2 THEN returned_year END AS returned_month,
       CASE WHEN g < 4 THEN centre_code END AS centre_code,
       CASE WHEN g < 7 THEN centre_region END AS centre_region,
       CASE g WHEN 0 THEN 'month' WHEN 1 THEN 'quarter' WHEN 2 THEN 'year' END AS returned_precision,
       g::int AS generalisation
FROM l9;

CREATE OR REPLACE VIEW oversight.progress AS
WITH base AS (
    SELECT e.participant_id, homeward.pseudonym(e.case_number) AS pseudonym,
           e.programme_code, e.phase_code, e.centre_code,
           date_trunc('month', e.started_on)::date AS started_month,
           date_trunc('quarter', e.started_on)::date AS started_quarter,
           date_trunc('year', e.started_on)::date AS started_year,
           e.required_to_date, e.attended, e.missed, e.excused, e.unrecorded,
           e.attendance_rate_last_28_days, e.attendance_rate_since_phase_start, e.pace, e.stalled_requirements,
           e.school_attendance_rate_last_28_days, e.modules_passed, e.modules_expected,
           k.k
    FROM homeward.enrolment_progress_for_oversight() e  -- every row, with the owner's rights (0008)
    CROSS JOIN (SELECT secret FROM homeward.pseudonym_secret LIMIT 1) sec
    CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k
), r0 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY programme_code, phase_code, centre_code, started_month ORDER BY participant_id) AS d0
    FROM base x
), l0 AS (
    SELECT x.*, CASE WHEN max(d0) OVER (PARTITION BY programme_code, phase_code, centre_code, started_month) >= k THEN 0 END AS s0
    FROM r0 x
), r1 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s0 IS NULL, programme_code, phase_code, centre_code, started_quarter
                                   ORDER BY participant_id) AS d1
    FROM l0 x
), l1 AS (
    SELECT x.*, coalesce(s0, CASE WHEN max(d1) OVER (PARTITION BY s0 IS NULL, programme_code, phase_code, centre_code,
                                                     started_quarter) >= k THEN 1 END) AS s1
    FROM r1 x
), r2 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s1 IS NULL, programme_code, phase_code, centre_code, started_year
                                   ORDER BY participant_id) AS d2
    FROM l1 x
), l2 AS (
    SELECT x.*, coalesce(s1, CASE WHEN max(d2) OVER (PARTITION BY s1 IS NULL, programme_code, phase_code, centre_code,
                                                     started_year) >= k THEN 2 END) AS s2
    FROM r2 x
), r3 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s2 IS NULL, programme_code, phase_code, centre_code ORDER BY participant_id) AS d3
    FROM l2 x
), l3 AS (
    SELECT x.*, coalesce(s2, CASE WHEN max(d3) OVER (PARTITION BY s2 IS NULL, programme_code, phase_code, centre_code) >= k
                                  THEN 3 END) AS s3
    FROM r3 x
), r4 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s3 IS NULL, programme_code, phase_code ORDER BY participant_id) AS d4
    FROM l3 x
), l4 AS (
    SELECT x.*, coalesce(s3, CASE WHEN max(d4) OVER (PARTITION BY s3 IS NULL, programme_code, phase_code) >= k THEN 4 END) AS s4
    FROM r4 x
), r5 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s4 IS NULL, programme_code ORDER BY participant_id) AS d5
    FROM l4 x
), l5 AS (
    SELECT x.*, coalesce(s4, CASE WHEN max(d5) OVER (PARTITION BY s4 IS NULL, programme_code) >= k THEN 5 END, 6) AS g
    FROM r5 x
)
SELECT pseudonym,
       CASE WHEN g < 6 THEN programme_code END AS programme_code,
       CASE WHEN g < 5 THEN phase_code END AS phase_code,
       CASE WHEN g < 4 THEN centre_code END AS centre_code,
       CASE g WHEN 0 THEN started_month WHEN 1 THEN started_quarter WHEN 2 THEN started_year END AS started_month,
       required_to_date, attended, missed, excused, unrecorded,
       attendance_rate_last_28_days, attendance_rate_since_phase_start, pace, stalled_requirements,
       school_attendance_rate_last_28_days, modules_passed, modules_expected,
       CASE g WHEN 0 THEN 'month' WHEN 1 THEN 'quarter' WHEN 2 THEN 'year' END AS started_precision,
       g::int AS generalisation
FROM l5;

CREATE OR REPLACE VIEW oversight.school_attendance AS
WITH base AS (
    SELECT p.id AS participant_id, homeward.pseudonym(p.case_number) AS pseudonym,
           homeward.age_band(ag.age) AS age_band,
           CASE WHEN ag.age < 18 THEN '0-17' ELSE '18+' END AS age_group,
           p.sex, sc.region, date_trunc('month', a.day)::date AS month,
           count(*)::int AS school_days,
           count(*) FILTER (WHERE a.status = 'present')::int AS present,
           count(*) FILTER (WHERE a.status = 'absent_excused')::int AS absent_excused,
           count(*) FILTER (WHERE a.status = 'absent_unexcused')::int AS absent_unexcused,
           round(count(*) FILTER (WHERE a.status = 'present')::numeric / count(*), 3) AS attendance_rate,
           min(k.k) AS k
    FROM homeward.school_attendance a
    JOIN homeward.school_enrolments se ON se.id = a.school_enrolment_id
    JOIN homeward.schools sc ON sc.id = se.school_id
    JOIN homeward.participants p ON p.id = a.participant_id
    CROSS JOIN (SELECT secret FROM homeward.pseudonym_secret LIMIT 1) sec
    CROSS JOIN (SELECT homeward.today() AS today) t
    CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k
    CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, t.today) AS age) ag
    GROUP BY p.id, 2, 3, 4, p.sex, sc.region, date_trunc('month', a.day)
), r0 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY age_band, sex, region, month ORDER BY participant_id) AS d0
    FROM base x
), l0 AS (
    SELECT x.*, CASE WHEN max(d0) OVER (PARTITION BY age_band, sex, region, month) >= k THEN 0 END AS s0
    FROM r0 x
), r1 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s0 IS NULL, age_group, sex, region, month ORDER BY participant_id) AS d1
    FROM l0 x
), l1 AS (
    SELECT x.*, coalesce(s0, CASE WHEN max(d1) OVER (PARTITION BY s0 IS NULL, age_group, sex, region, month) >= k THEN 1 END) AS s1
    FROM r1 x
), r2 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s1 IS NULL, age_group, region, month ORDER BY participant_id) AS d2
    FROM l1 x
), l2 AS (
    SELECT x.*, coalesce(s1, CASE WHEN max(d2) OVER (PARTITION BY s1 IS NULL, age_group, region, month) >= k THEN 2 END) AS s2
    FROM r2 x
), r3 AS (
    SELECT x.*, dense_rank() OVER (PARTITION BY s2 IS NULL, age_group, month ORDER BY participant_id) AS d3
    FROM l2 x
), l3 AS (
    SELECT x.*, coalesce(s2, CASE WHEN max(d3) OVER (PARTITION BY s2 IS NULL, age_group, month) >= k THEN 3 END, 4) AS g
    FROM r3 x
)
SELECT pseudonym,
       CASE WHEN g = 0 THEN age_band WHEN g < 4 THEN age_group END AS age_band,
       CASE WHEN g < 2 THEN sex END AS sex,
       CASE WHEN g < 3 THEN region END AS region,
       CASE WHEN g < 4 THEN month END AS month,
       school_days, present, absent_excused, absent_unexcused, attendance_rate,
       g::int AS generalisation
FROM l3;

-- The session rules' trigger asks childhood of homeward.is_child_on too: the same function, only that expression changes.
DO $$
DECLARE
    definition text := pg_get_functiondef('homeward.check_session_rules(bigint[], boolean, boolean)'::regprocedure);
    changed text;
BEGIN
    changed := replace(definition, 'homeward.age_on(p1.birth_date, k.local_day) < 18', 'homeward.is_child_on(p1.birth_date, k.local_day)');
    IF changed = definition THEN
        RAISE EXCEPTION 'check_session_rules no longer holds the expression this migration replaces';
    END IF;
    EXECUTE changed;
END
$$;
