-- 0009_oversight_k_anonymity: oversight views that single nobody out.
--
-- Run by `homeward db migrate` in one transaction (as homeward_owner, see 0008). Forward only. Requires 0005…0008.
--
-- The people in Homeward include children and people convicted of terrorism offences. Pseudonyms alone do not protect
-- them: sex, age band, region, month of return, centre, status and legal situation together were unique for most
-- participants. From here on every oversight view obeys one number k, homeward.settings.oversight_min_group
-- (default 5, set by an admin: UPDATE homeward.settings SET oversight_min_group = 10), read through
-- homeward.oversight_min_group():
--
--   * Participant-level views (oversight.participants, oversight.progress, oversight.school_attendance) are
--     k-anonymous on their descriptive columns (the quasi-identifiers): every row shares its combination of
--     non-pseudonym descriptive columns with rows of at least k distinct people. Each row is generalised only as
--     far as needed, step by step along a fixed ladder (column `generalisation`: 0 = as recorded). At each step the
--     rows not yet placed are grouped by the step's coarser values and a group of at least k people is released at
--     that step as a whole; what is left after the last step is suppressed (every descriptive column empty, the row
--     and its pseudonym kept, `generalisation` = the suppression level). Suppressed rows carry no descriptive value
--     at all, so they are the one group that may be smaller than k. The measures (attendance, pace, days at school)
--     are the payload and are never generalised.
--   * Aggregate views show no count of fewer than k distinct people: such a cell is empty (NULL means "1 to k-1"),
--     and where shown cells would let a small cell be computed by subtraction, the breakdown is emptied too.
--     Zero is shown as zero.
--
-- Everything is set-based: one window pass (count(*) / dense_rank() OVER (PARTITION BY …)) per ladder step, no
-- per-row function over the population. Column names and types of the existing views are unchanged; new columns
-- are appended (CREATE OR REPLACE VIEW), so existing questions keep running.
--
-- Not covered: the pseudonym is stable across views on purpose, so joining two participant-level views on it combines
-- their descriptive columns, and the combination is not k-anonymous by construction (each view is, on its own columns).

------------------------------------------------------------------------------------------------
-- k: the smallest group oversight may see
------------------------------------------------------------------------------------------------

ALTER TABLE homeward.settings ADD COLUMN oversight_min_group int NOT NULL DEFAULT 5
    CONSTRAINT settings_oversight_min_group_range CHECK (oversight_min_group BETWEEN 2 AND 100);
COMMENT ON COLUMN homeward.settings.oversight_min_group IS
    'k of the oversight views (2–100, default 5): every row of a participant-level oversight view is indistinguishable from rows of at least k people on its descriptive columns, and aggregate oversight views show no count of fewer than k people. Set by an admin with UPDATE homeward.settings SET oversight_min_group = …; takes effect at once.';
GRANT UPDATE (oversight_min_group) ON homeward.settings TO homeward_admin;

-- Definer, like homeward.planning_zone(): the oversight role holds no right on homeward.settings.
CREATE FUNCTION homeward.oversight_min_group() RETURNS int
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce((SELECT oversight_min_group FROM homeward.settings), 5) $$;
COMMENT ON FUNCTION homeward.oversight_min_group() IS
    'k of the oversight views: the smallest number of distinct people a row''s descriptive values or a count may stand for (homeward.settings.oversight_min_group, default 5).';
GRANT EXECUTE ON FUNCTION homeward.oversight_min_group() TO PUBLIC;

------------------------------------------------------------------------------------------------
-- oversight.participants: generalised until every combination is shared by k people
------------------------------------------------------------------------------------------------

-- Ladder (cumulative; a row takes the first step at which its group reaches k among the rows still unplaced):
--   0 as recorded                       5 … and no region of origin
--   1 month of return → quarter         6 … and age band → 0-17 or 18+
--   2 quarter → year                    7 … and no centre region
--   3 no date of return                 8 … and no status
--   4 … and no centre code (region kept) 9 … and no legal situation (sex and 0-17/18+ only)
--  10 suppressed: every descriptive column empty.
CREATE OR REPLACE VIEW oversight.participants AS
WITH person AS (
    SELECT 'P-' || left(md5(sec.secret || p.case_number), 10) AS pseudonym,
           p.sex,
           CASE WHEN a.age < 7 THEN '0-6' WHEN a.age < 13 THEN '7-12' WHEN a.age < 18 THEN '13-17'
                WHEN a.age < 30 THEN '18-29' WHEN a.age < 45 THEN '30-44' ELSE '45+' END AS age_band,
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
COMMENT ON VIEW oversight.participants IS
    'One row per participant, pseudonymised (no name, case number, birth date or address) and k-anonymous: every row''s descriptive columns are shared by at least k rows (k = homeward.oversight_min_group()), generalised step by step (see generalisation) and suppressed when even the coarsest step leaves fewer than k.';
COMMENT ON COLUMN oversight.participants.pseudonym IS 'Stable pseudonym (P- and 10 hex digits); the same person keeps it across views and days.';
COMMENT ON COLUMN oversight.participants.sex IS 'female or male; empty when suppressed (generalisation 10).';
COMMENT ON COLUMN oversight.participants.age_band IS
    'Age on the reference day, banded: 0-6, 7-12, 13-17, 18-29, 30-44, 45+; coarsened to 0-17 or 18+ from generalisation 6; empty when suppressed.';
COMMENT ON COLUMN oversight.participants.region IS 'Region of origin (where the person will return); empty from generalisation 5.';
COMMENT ON COLUMN oversight.participants.status IS 'Where the person is in the programme (intake … completed, withdrawn); empty from generalisation 8.';
COMMENT ON COLUMN oversight.participants.legal_situation IS 'free, under_investigation, in_custody or convicted; empty from generalisation 9.';
COMMENT ON COLUMN oversight.participants.returned_month IS
    'First day of the period of repatriation: of the month, quarter or year as returned_precision says; empty from generalisation 3.';
COMMENT ON COLUMN oversight.participants.centre_code IS
    'Centre where the participant is placed on the reference day; empty when not placed, or hidden from generalisation 4 (then centre_region may still show).';
COMMENT ON COLUMN oversight.participants.centre_region IS 'Region of that centre; empty when not placed, or hidden from generalisation 7.';
COMMENT ON COLUMN oversight.participants.returned_precision IS 'What returned_month stands for: month, quarter or year; empty when the date is hidden.';
COMMENT ON COLUMN oversight.participants.generalisation IS
    'How far this row was coarsened to be shared by k people: 0 as recorded; 1 return quarter; 2 return year; 3 no return date; 4 no centre code; 5 no region of origin; 6 age 0-17/18+; 7 no centre region; 8 no status; 9 no legal situation; 10 suppressed (only the pseudonym).';

------------------------------------------------------------------------------------------------
-- oversight.progress: k distinct people per programme, phase, centre and start
------------------------------------------------------------------------------------------------

-- A person may follow several programmes, so groups count distinct people: dense_rank() over the participant within
-- the group, its maximum being the group's head count. Ladder: 0 as recorded; 1 start quarter; 2 start year;
-- 3 no start; 4 no centre; 5 no phase (programme only); 6 suppressed.
CREATE OR REPLACE VIEW oversight.progress AS
WITH base AS (
    SELECT e.participant_id, 'P-' || left(md5(sec.secret || e.case_number), 10) AS pseudonym,
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
COMMENT ON VIEW oversight.progress IS
    'Progress of every active enrolment by programme and phase, pseudonymised (from homeward.enrolment_progress, read through homeward.enrolment_progress_for_oversight()) and k-anonymous: programme, phase, centre and start are shared by at least k people (k = homeward.oversight_min_group()), generalised step by step (see generalisation).';
COMMENT ON COLUMN oversight.progress.programme_code IS 'Programme, e.g. WOMEN-RESIDENTIAL; empty when suppressed (generalisation 6).';
COMMENT ON COLUMN oversight.progress.phase_code IS 'Current phase; empty from generalisation 5.';
COMMENT ON COLUMN oversight.progress.centre_code IS 'Centre where the participant is placed on the reference day; empty when not placed, or hidden from generalisation 4.';
COMMENT ON COLUMN oversight.progress.started_month IS
    'First day of the month, quarter or year the enrolment started, as started_precision says; empty from generalisation 3.';
COMMENT ON COLUMN oversight.progress.started_precision IS 'What started_month stands for: month, quarter or year; empty when the start is hidden.';
COMMENT ON COLUMN oversight.progress.generalisation IS
    'How far this row was coarsened to be shared by k people: 0 as recorded; 1 start quarter; 2 start year; 3 no start; 4 no centre; 5 no phase; 6 suppressed (no programme either). The measures are never coarsened.';

------------------------------------------------------------------------------------------------
-- oversight.school_attendance: k distinct children per age band, sex, region and month
------------------------------------------------------------------------------------------------

-- Ladder: 0 as recorded; 1 age band → 0-17/18+; 2 no sex; 3 no region; 4 suppressed (no month either).
-- A child may have two rows in one month (two schools); groups count distinct children.
CREATE OR REPLACE VIEW oversight.school_attendance AS
WITH base AS (
    SELECT p.id AS participant_id, 'P-' || left(md5(sec.secret || p.case_number), 10) AS pseudonym,
           CASE WHEN ag.age < 7 THEN '0-6' WHEN ag.age < 13 THEN '7-12' WHEN ag.age < 18 THEN '13-17'
                WHEN ag.age < 30 THEN '18-29' WHEN ag.age < 45 THEN '30-44' ELSE '45+' END AS age_band,
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
COMMENT ON VIEW oversight.school_attendance IS
    'School days recorded for each returned child per month, pseudonymised, with the region of the school; k-anonymous: age band, sex, region and month are shared by at least k children (k = homeward.oversight_min_group()), generalised step by step (see generalisation).';
COMMENT ON COLUMN oversight.school_attendance.age_band IS
    'Age on the reference day, banded: 0-6, 7-12, 13-17, 18-29, 30-44, 45+; coarsened to 0-17 or 18+ from generalisation 1; empty when suppressed.';
COMMENT ON COLUMN oversight.school_attendance.sex IS 'female or male; empty from generalisation 2.';
COMMENT ON COLUMN oversight.school_attendance.region IS 'Region of the school; empty from generalisation 3.';
COMMENT ON COLUMN oversight.school_attendance.month IS 'Month (first day); empty when suppressed (generalisation 4).';
COMMENT ON COLUMN oversight.school_attendance.generalisation IS
    'How far this row was coarsened to be shared by k children: 0 as recorded; 1 age 0-17/18+; 2 no sex; 3 no region; 4 suppressed (no month either). The day counts are never coarsened.';

------------------------------------------------------------------------------------------------
-- Aggregate views: no count of fewer than k people
------------------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW oversight.open_flags AS
SELECT region, rule, severity,
       CASE WHEN participants >= k THEN open_flags END AS open_flags,
       CASE WHEN participants >= k THEN participants END AS participants
FROM (SELECT coalesce(c.region, p.region_of_origin) AS region, f.rule, f.severity, count(*)::int AS open_flags,
             count(DISTINCT f.participant_id)::int AS participants
      FROM homeward.flags f
      JOIN homeward.participants p ON p.id = f.participant_id
      CROSS JOIN (SELECT homeward.today() AS today) t
      LEFT JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> t.today
      LEFT JOIN homeward.centres c ON c.id = pl.centre_id
      WHERE f.status <> 'resolved'
      GROUP BY 1, 2, 3) x
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.open_flags IS
    'Open (not resolved) flags counted by region of the current centre (else region of origin), rule and severity; counts of fewer than k people (homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.open_flags.open_flags IS 'Number of open or acknowledged flags; empty when fewer than k people have them.';
COMMENT ON COLUMN oversight.open_flags.participants IS 'Number of distinct participants with such a flag; empty when fewer than k.';

-- attended + excused + missed + unrecorded = bookings: when one of them counts 1 to k-1 people, all four (and the
-- rate) are emptied, or the hidden one could be computed from the others.
CREATE OR REPLACE VIEW oversight.attendance_by_month AS
SELECT centre_code, centre_region, month, programme_code, session_type, sessions,
       CASE WHEN people >= k THEN bookings END AS bookings,
       CASE WHEN breakdown_shown THEN attended END AS attended,
       CASE WHEN people_late = 0 OR people_late >= k THEN late END AS late,
       CASE WHEN breakdown_shown THEN excused END AS excused,
       CASE WHEN breakdown_shown THEN missed END AS missed,
       CASE WHEN breakdown_shown THEN unrecorded END AS unrecorded,
       CASE WHEN breakdown_shown THEN attendance_rate END AS attendance_rate
FROM (SELECT x.*, k.k,
             x.people >= k.k AND (x.people_attended = 0 OR x.people_attended >= k.k) AND (x.people_excused = 0 OR x.people_excused >= k.k)
             AND (x.people_missed = 0 OR x.people_missed >= k.k) AND (x.people_unrecorded = 0 OR x.people_unrecorded >= k.k)
                 AS breakdown_shown
      FROM (SELECT c.code AS centre_code, c.region AS centre_region,
                   date_trunc('month', s.starts_at AT TIME ZONE c.time_zone)::date AS month,
                   pr.code AS programme_code, s.session_type,
                   count(DISTINCT s.id)::int AS sessions,
                   count(*)::int AS bookings,
                   count(*) FILTER (WHERE a.status IN ('attended', 'late'))::int AS attended,
                   count(*) FILTER (WHERE a.status = 'late')::int AS late,
                   count(*) FILTER (WHERE a.status = 'absent_excused')::int AS excused,
                   count(*) FILTER (WHERE a.status = 'absent_unexcused')::int AS missed,
                   count(*) FILTER (WHERE a.status IS NULL)::int AS unrecorded,
                   round(count(*) FILTER (WHERE a.status IN ('attended', 'late'))::numeric / nullif(count(a.status), 0), 3)
                       AS attendance_rate,
                   count(DISTINCT sp.participant_id) AS people,
                   count(DISTINCT sp.participant_id) FILTER (WHERE a.status IN ('attended', 'late')) AS people_attended,
                   count(DISTINCT sp.participant_id) FILTER (WHERE a.status = 'late') AS people_late,
                   count(DISTINCT sp.participant_id) FILTER (WHERE a.status = 'absent_excused') AS people_excused,
                   count(DISTINCT sp.participant_id) FILTER (WHERE a.status = 'absent_unexcused') AS people_missed,
                   count(DISTINCT sp.participant_id) FILTER (WHERE a.status IS NULL) AS people_unrecorded
            FROM homeward.sessions s
            JOIN homeward.centres c ON c.id = s.centre_id
            JOIN homeward.session_participants sp ON sp.session_id = s.id
            LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
            LEFT JOIN homeward.phase_requirements r ON r.id = s.requirement_id
            LEFT JOIN homeward.programme_phases ph ON ph.id = r.phase_id
            LEFT JOIN homeward.programmes pr ON pr.id = ph.programme_id
            WHERE s.status = 'held' OR (s.status = 'planned' AND s.starts_at < (SELECT homeward.now()))
            GROUP BY c.code, c.region, date_trunc('month', s.starts_at AT TIME ZONE c.time_zone), pr.code, s.session_type) x
      CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k) y;
COMMENT ON VIEW oversight.attendance_by_month IS
    'Attendance at past sessions (held, or planned and already started), by centre, month (centre local time), programme and session type. Counts of fewer than k people (homeward.oversight_min_group()) are empty; when one of attended, excused, missed and unrecorded is, all four and the rate are.';
COMMENT ON COLUMN oversight.attendance_by_month.bookings IS 'Participant bookings into those sessions; empty when fewer than k people were booked.';
COMMENT ON COLUMN oversight.attendance_by_month.attended IS 'Bookings attended (on time or late); empty when the breakdown is hidden (a status of 1 to k-1 people).';
COMMENT ON COLUMN oversight.attendance_by_month.late IS 'Bookings attended late; empty when 1 to k-1 people were late.';
COMMENT ON COLUMN oversight.attendance_by_month.excused IS 'Excused absences; empty when the breakdown is hidden.';
COMMENT ON COLUMN oversight.attendance_by_month.missed IS 'Unexcused absences; empty when the breakdown is hidden.';
COMMENT ON COLUMN oversight.attendance_by_month.unrecorded IS 'Bookings with no attendance recorded; empty when the breakdown is hidden.';
COMMENT ON COLUMN oversight.attendance_by_month.attendance_rate IS
    'Attended ÷ recorded bookings (0–1); empty when nothing was recorded or the breakdown is hidden.';

-- Completions form a table women/men × on time/late: all four cells must count 0 or at least k people, or the
-- breakdown (on time, by women, women on time) is emptied, since any three shown numbers give the fourth cell.
CREATE OR REPLACE VIEW oversight.programme_completion AS
SELECT centre_code, centre_region, programme_code, month,
       CASE WHEN completers = 0 OR completers >= k THEN completed END AS completed,
       CASE WHEN breakdown_shown THEN completed_on_time END AS completed_on_time,
       CASE WHEN withdrawers = 0 OR withdrawers >= k THEN withdrawn END AS withdrawn,
       CASE WHEN completers >= k THEN average_days_to_complete END AS average_days_to_complete,
       CASE WHEN breakdown_shown THEN completed_by_women END AS completed_by_women,
       CASE WHEN breakdown_shown THEN women_completed_on_time END AS women_completed_on_time
FROM (SELECT x.*, k.k,
             (x.completers = 0 OR x.completers >= k.k)
             AND (x.women_on_time = 0 OR x.women_on_time >= k.k) AND (x.women_late = 0 OR x.women_late >= k.k)
             AND (x.men_on_time = 0 OR x.men_on_time >= k.k) AND (x.men_late = 0 OR x.men_late >= k.k) AS breakdown_shown
      FROM (SELECT c.code AS centre_code, c.region AS centre_region, pr.code AS programme_code,
                   date_trunc('month', e.ended_on)::date AS month,
                   count(*) FILTER (WHERE e.status = 'completed')::int AS completed,
                   count(*) FILTER (WHERE e.status = 'completed' AND e.ended_on <= e.planned_end_on)::int AS completed_on_time,
                   count(*) FILTER (WHERE e.status = 'withdrawn')::int AS withdrawn,
                   round(avg(e.ended_on - e.started_on) FILTER (WHERE e.status = 'completed'), 1) AS average_days_to_complete,
                   count(*) FILTER (WHERE e.status = 'completed' AND p.sex = 'female')::int AS completed_by_women,
                   count(*) FILTER (WHERE e.status = 'completed' AND p.sex = 'female' AND e.ended_on <= e.planned_end_on)::int
                       AS women_completed_on_time,
                   count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'completed') AS completers,
                   count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'withdrawn') AS withdrawers,
                   count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'completed' AND p.sex = 'female'
                                                            AND e.ended_on <= e.planned_end_on) AS women_on_time,
                   count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'completed' AND p.sex = 'female'
                                                            AND e.ended_on > e.planned_end_on) AS women_late,
                   count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'completed' AND p.sex <> 'female'
                                                            AND e.ended_on <= e.planned_end_on) AS men_on_time,
                   count(DISTINCT e.participant_id) FILTER (WHERE e.status = 'completed' AND p.sex <> 'female'
                                                            AND e.ended_on > e.planned_end_on) AS men_late
            FROM homeward.enrolments e
            JOIN homeward.programmes pr ON pr.id = e.programme_id
            JOIN homeward.participants p ON p.id = e.participant_id
            LEFT JOIN homeward.participant_placements pl ON pl.participant_id = e.participant_id AND pl.during @> e.ended_on
            LEFT JOIN homeward.centres c ON c.id = pl.centre_id
            WHERE e.status IN ('completed', 'withdrawn')
            GROUP BY c.code, c.region, pr.code, date_trunc('month', e.ended_on)) x
      CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k) y;
COMMENT ON VIEW oversight.programme_completion IS
    'Closed enrolments (completed or withdrawn) counted by centre where the participant was placed on the end day, programme and month ended. Counts of fewer than k people (homeward.oversight_min_group()) are empty; the on-time and women breakdown is empty unless women/men × on time/late each count 0 or at least k people.';
COMMENT ON COLUMN oversight.programme_completion.completed IS 'Enrolments completed that month; empty when 1 to k-1 people completed.';
COMMENT ON COLUMN oversight.programme_completion.completed_on_time IS 'Of those, completed on or before the planned end day; empty when the breakdown is hidden.';
COMMENT ON COLUMN oversight.programme_completion.withdrawn IS 'Enrolments withdrawn that month; empty when 1 to k-1 people withdrew.';
COMMENT ON COLUMN oversight.programme_completion.average_days_to_complete IS 'Average days from start to completion; empty when fewer than k people completed.';
COMMENT ON COLUMN oversight.programme_completion.completed_by_women IS 'Completed enrolments of women; empty when the breakdown is hidden.';
COMMENT ON COLUMN oversight.programme_completion.women_completed_on_time IS
    'Completed enrolments of women, on or before the planned end day; empty when the breakdown is hidden.';

CREATE OR REPLACE VIEW oversight.staff_load AS
SELECT st.code AS staff_code, st.active,
       (SELECT string_agg(r.role, ' ' ORDER BY r.role) FROM homeward.staff_roles r WHERE r.staff_id = st.id) AS roles,
       (SELECT string_agg(c.code, ' ' ORDER BY c.code) FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
        WHERE sc.staff_id = st.id) AS centre_codes,
       w.week_start, st.weekly_hour_limit,
       round(w.planned_minutes / 60.0, 1) AS planned_hours,
       round(w.planned_minutes / 60.0 / st.weekly_hour_limit, 3) AS share_of_limit,
       w.planned_minutes / 60.0 > st.weekly_hour_limit AS over_limit,
       w.sessions,
       CASE WHEN w.participants = 0 OR w.participants >= k.k THEN w.participants END AS participants
FROM homeward.staff st
JOIN (SELECT ss.staff_id, date_trunc('week', s.starts_at)::date AS week_start,
             sum(extract(epoch FROM s.ends_at - s.starts_at) / 60)::int AS planned_minutes,
             count(DISTINCT s.id)::int AS sessions, count(DISTINCT sp.participant_id)::int AS participants
      FROM homeward.session_staff ss
      JOIN homeward.sessions s ON s.id = ss.session_id AND s.occupies
      LEFT JOIN homeward.session_participants sp ON sp.session_id = s.id
      GROUP BY ss.staff_id, date_trunc('week', s.starts_at)) w ON w.staff_id = st.id
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON COLUMN oversight.staff_load.participants IS
    'Distinct participants in those sessions (the week''s caseload); empty when 1 to k-1 (homeward.oversight_min_group()).';

CREATE OR REPLACE VIEW oversight.unplaced_demand AS
SELECT run, run_started_at, week_start, reason, programme_code, session_type,
       CASE WHEN participants >= k THEN sessions END AS sessions,
       CASE WHEN participants >= k THEN participants END AS participants
FROM (SELECT u.schedule_run_id AS run, r.started_at AS run_started_at, u.week_start, u.reason,
             pr.code AS programme_code, q.session_type,
             sum(u.sessions)::int AS sessions, count(DISTINCT u.participant_id)::int AS participants
      FROM homeward.schedule_unplaced u
      JOIN homeward.schedule_runs r ON r.id = u.schedule_run_id
      JOIN homeward.phase_requirements q ON q.id = u.requirement_id
      JOIN homeward.programme_phases ph ON ph.id = q.phase_id
      JOIN homeward.programmes pr ON pr.id = ph.programme_id
      GROUP BY u.schedule_run_id, r.started_at, u.week_start, u.reason, pr.code, q.session_type) x
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.unplaced_demand IS
    'Sessions a scheduler run could not place, by run, week, reason code, programme and session type; counts for fewer than k people (homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.unplaced_demand.sessions IS 'Sessions not placed; empty when fewer than k people are affected.';
COMMENT ON COLUMN oversight.unplaced_demand.participants IS 'Distinct participants affected; empty when fewer than k.';

-- active - behind is shown implicitly, so behind is emptied when either it or the on-track rest counts 1 to k-1.
CREATE OR REPLACE VIEW oversight.education_progress AS
WITH modules AS (
    SELECT m.id, m.course_id,
           sum(m.expected_weeks) OVER (PARTITION BY m.course_id ORDER BY m.ordinal) AS weeks_until_due
    FROM homeward.course_modules m
), per_enrolment AS (
    SELECT ce.id, ce.participant_id, ce.course_id, ce.status,
           (SELECT count(*) FROM modules m WHERE m.course_id = ce.course_id)::int AS modules_in_course,
           (SELECT count(*) FROM modules m WHERE m.course_id = ce.course_id
              AND ce.started_on + 7 * m.weeks_until_due::int <= t.today)::int AS modules_expected,
           (SELECT count(*) FROM homeward.module_completions mc WHERE mc.course_enrolment_id = ce.id AND mc.result = 'passed')::int
               AS modules_passed,
           (SELECT avg(mc.score) FROM homeward.module_completions mc WHERE mc.course_enrolment_id = ce.id AND mc.score IS NOT NULL)
               AS average_score
    FROM homeward.course_enrolments ce
    CROSS JOIN (SELECT homeward.today() AS today) t
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
COMMENT ON VIEW oversight.education_progress IS
    'Prison education by course: enrolments, and for active ones modules passed against modules due by the reference day (module due once its cumulative expected weeks have passed since the start). Counts of fewer than k people (homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.education_progress.active_enrolments IS 'Enrolments in progress; empty when 1 to k-1 people.';
COMMENT ON COLUMN oversight.education_progress.completed_enrolments IS 'Enrolments completed; empty when 1 to k-1 people.';
COMMENT ON COLUMN oversight.education_progress.withdrawn_enrolments IS 'Enrolments withdrawn; empty when 1 to k-1 people.';
COMMENT ON COLUMN oversight.education_progress.modules_passed IS 'Modules passed, summed over active enrolments; empty when 1 to k-1 people are active.';
COMMENT ON COLUMN oversight.education_progress.modules_expected IS
    'Modules due by the reference day, summed over active enrolments; empty when 1 to k-1 people are active.';
COMMENT ON COLUMN oversight.education_progress.behind IS
    'Active enrolments with fewer modules passed than due; empty when the behind or the on-track people number 1 to k-1.';
COMMENT ON COLUMN oversight.education_progress.average_score IS 'Average module score over all enrolments (0–100); empty when fewer than k people have a score.';

-- CREATE OR REPLACE VIEW keeps grants; the appended columns are covered by the table-level SELECT. Repeated for clarity.
GRANT SELECT ON ALL TABLES IN SCHEMA oversight TO homeward_oversight, homeward_admin;
