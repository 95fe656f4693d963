-- 0040_progress_counted_once_per_seat: the flags step at 10k participants costs what it touches (issue 15).
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0037 (0038 and 0039 touch other functions).
-- What is computed does not change (the same rows, compared whole on the 10k bench world); only how:
--   * homeward.requirement_progress_for (0034) counted each seat once per requirement row it matched, grouped by the
--     requirement row's seventeen columns (names, codes, rates, pauses, the eligibility range test), and evaluated each
--     seat's local day ((starts_at AT TIME ZONE the centre's zone)::date, a time-zone lookup by name) again in every
--     one of its eleven counts and in the join: at 10k participants, 1.3–1.6 s of the nightly's flags step, and as
--     much again in the scheduler's behind score (homeward.instance_behind reads enrolment_progress).
--   * Now the seats are counted once per (enrolment, counting key): the narrow key of what a seat counts for (its
--     requirement, or every family requirement at once). The day is a column of a LATERAL (… OFFSET 0), computed once
--     per seat (and memoised by the planner on (zone, start), which few sessions differ in); the counts and the join
--     read it. The requirement rows are joined to those counts afterwards, by hash on the key, and the age band's
--     test filters the requirement rows themselves (it was a HAVING bool_and over the joined seats, the same rows).
--   * A requirement with no seat gets zeros, as the LEFT JOIN's count(*) FILTER of no row did.
--   * The caseload path (ids given) is unchanged in shape: the enrolments, the seats and the placements are filtered
--     by the ids before anything is counted, by index.
-- enrolment_progress_for, the views and their grants are untouched: they read this function, inlined as before.

CREATE OR REPLACE FUNCTION homeward.requirement_progress_for(p_participant_ids bigint[]) RETURNS TABLE (
    enrolment_id bigint, participant_id bigint, case_number text, centre_code text, programme_code text,
    phase_code text, requirement_id bigint, requirement_code text, session_type text,
    sessions_per_week numeric, phase_started_on date, planned_phase_end date, today date,
    elapsed_days integer, required_to_date integer, planned integer, attended integer, missed integer,
    excused integer, cancelled_by_participant integer, cancelled_by_staff_or_centre integer,
    unrecorded integer, counted_last_28_days integer, attended_last_28_days integer,
    attendance_rate_last_28_days numeric, counted_since_phase_start integer,
    attendance_rate_since_phase_start numeric, pace numeric, projected_completion_on date
) LANGUAGE sql STABLE AS $$
-- the reference day, read once (homeward.today() reads the planning zone)
WITH t AS MATERIALIZED (SELECT homeward.today() AS today),
counts AS (
    -- every seat of the enrolments read, counted once per (enrolment, counting key), from the enrolment's phase start
    SELECT e.id AS enrolment_id, CASE WHEN s.mode = 'family' THEN -1 ELSE s.requirement_id END AS counting_key,
           count(*) FILTER (WHERE s.status = 'planned' AND a.status IS NULL AND k.day >= t.today)::int AS planned,
           count(*) FILTER (WHERE s.occupies AND a.status IN ('attended', 'late') AND k.day <= t.today)::int AS attended,
           count(*) FILTER (WHERE s.occupies AND a.status = 'absent_unexcused' AND k.day <= t.today)::int AS missed,
           count(*) FILTER (WHERE s.occupies AND a.status = 'absent_excused' AND k.day <= t.today)::int AS excused,
           count(*) FILTER (WHERE s.status = 'cancelled' AND s.cancelled_by = 'participant' AND k.day <= t.today)::int AS cancelled_by_participant,
           count(*) FILTER (WHERE s.status = 'cancelled' AND s.cancelled_by IN ('staff', 'centre') AND k.day <= t.today)::int AS cancelled_by_staff_or_centre,
           count(*) FILTER (WHERE s.occupies AND a.status IS NULL AND k.day < t.today)::int AS unrecorded,
           count(*) FILTER (WHERE k.day > t.today - 28 AND k.day <= t.today
                              AND ((s.occupies AND a.status IN ('attended', 'late', 'absent_unexcused'))
                                   OR (s.status = 'cancelled' AND s.cancelled_by = 'participant')))::int AS counted_last_28_days,
           count(*) FILTER (WHERE k.day > t.today - 28 AND s.occupies AND a.status IN ('attended', 'late') AND k.day <= t.today)::int
               AS attended_last_28_days,
           count(*) FILTER (WHERE k.day <= t.today
                              AND ((s.occupies AND a.status IN ('attended', 'late', 'absent_unexcused'))
                                   OR (s.status = 'cancelled' AND s.cancelled_by = 'participant')))::int AS counted_since_phase_start
    FROM homeward.enrolments e
    CROSS JOIN t
    JOIN homeward.session_participants sp ON sp.participant_id = e.participant_id
    JOIN homeward.sessions s ON s.id = sp.session_id
    JOIN homeward.centres c ON c.id = s.centre_id
    -- OFFSET 0: the local day is computed once per seat, a column the counts read, not an expression each count
    -- would compute again by time-zone name
    CROSS JOIN LATERAL (SELECT (s.starts_at AT TIME ZONE c.time_zone)::date AS day OFFSET 0) k
    LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
    WHERE e.status = 'active' AND (p_participant_ids IS NULL OR e.participant_id = ANY (p_participant_ids))
      AND (p_participant_ids IS NULL OR sp.participant_id = ANY (p_participant_ids))
      AND k.day >= e.phase_started_on
    GROUP BY 1, 2
), base AS (
    SELECT e.id AS enrolment_id, e.participant_id, p.case_number, cc.code AS centre_code,
           pg.code AS programme_code, ph.code AS phase_code, q.id AS requirement_id, q.code AS requirement_code,
           q.session_type, CASE WHEN q.mode = 'family' THEN -1 ELSE q.id END AS counting_key,
           homeward.eligible_during(p.birth_date, p.sex, q.min_age, q.max_age, q.sex) @> t.today AS eligible,
           coalesce(ip.sessions_per_week, q.sessions_per_week)::numeric(4,2) AS sessions_per_week,
           coalesce(ip.sessions_per_week, q.sessions_per_week) AS rate, pa.paused, e.phase_started_on,
           least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)) AS planned_phase_end,
           t.today,
           greatest(0, least(t.today, least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)))
                       - e.phase_started_on) AS elapsed_days
    FROM homeward.enrolments e
    CROSS JOIN t
    JOIN homeward.participants p ON p.id = e.participant_id
    JOIN homeward.programmes pg ON pg.id = e.programme_id
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    LEFT JOIN homeward.individual_plans ip ON ip.participant_id = e.participant_id AND ip.requirement_id = q.id
    -- the paused days of each plan, aggregated once
    LEFT JOIN (SELECT pp.participant_id, pp.requirement_id, range_agg(pp.during) AS paused FROM homeward.plan_pauses pp GROUP BY 1, 2) pa ON pa.participant_id = e.participant_id AND pa.requirement_id = q.id
    -- the centre today: the latest placement holding the reference day, joined by hash (0034)
    LEFT JOIN (SELECT DISTINCT ON (pl.participant_id) pl.participant_id, c.code
               FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
               WHERE pl.during @> (SELECT homeward.today())
                 AND (p_participant_ids IS NULL OR pl.participant_id = ANY (p_participant_ids))
               ORDER BY pl.participant_id, lower(pl.during) DESC) cc ON cc.participant_id = e.participant_id
    WHERE e.status = 'active' AND (p_participant_ids IS NULL OR e.participant_id = ANY (p_participant_ids))
      AND (p_participant_ids IS NULL OR p.id = ANY (p_participant_ids))
), counted AS (
    SELECT b.enrolment_id, b.participant_id, b.case_number, b.centre_code, b.programme_code, b.phase_code, b.requirement_id,
           b.requirement_code, b.session_type, b.sessions_per_week, b.phase_started_on, b.planned_phase_end, b.today, b.elapsed_days,
           greatest(0, homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.phase_started_on + b.elapsed_days)
                       - coalesce(n.cancelled_by_staff_or_centre, 0)) AS required_to_date,
           coalesce(n.planned, 0) AS planned, coalesce(n.attended, 0) AS attended, coalesce(n.missed, 0) AS missed,
           coalesce(n.excused, 0) AS excused, coalesce(n.cancelled_by_participant, 0) AS cancelled_by_participant,
           coalesce(n.cancelled_by_staff_or_centre, 0) AS cancelled_by_staff_or_centre, coalesce(n.unrecorded, 0) AS unrecorded,
           coalesce(n.counted_last_28_days, 0) AS counted_last_28_days, coalesce(n.attended_last_28_days, 0) AS attended_last_28_days,
           coalesce(n.counted_since_phase_start, 0) AS counted_since_phase_start
    FROM base b
    LEFT JOIN counts n ON n.enrolment_id = b.enrolment_id AND n.counting_key = b.counting_key
    -- the requirements of the participant's age band today
    WHERE b.eligible
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
FROM counted
$$;

COMMENT ON FUNCTION homeward.requirement_progress_for(bigint[]) IS
    'The rows of homeward.requirement_progress for these participants (NULL: everyone), read for them only; each seat counted once per (enrolment, counting key). Inlined by the planner; the caller''s rights apply.';
