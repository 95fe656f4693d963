-- 0034_progress_for_a_caseload: progress costs what it reads (issue 15).
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0032.
-- Nothing here changes what is computed; only how:
--   * the bodies of the progress views (0028) move, unchanged, into SQL functions of the participants to read,
--     homeward.requirement_progress_for(ids) and homeward.enrolment_progress_for(ids) (NULL: everyone). The ids filter
--     both sides of the counting join (the enrolments and the seats), so a centre's caseload reads that caseload's seats
--     only. In 0028's view a filter on the centre was applied after the count: the centre comes from a lateral lookup
--     the planner joins last, so `progress --centre` counted the whole country's seats (0.8 s at 10k) to keep 1%;
--     and a filter on enrolment_progress never reached its roll-up of requirement_progress.
--   * the centre today (the latest placement holding the reference day) is joined by hash from the placements holding
--     that day, not looked up per row: the same centre, and a filter on it now joins that centre's placements first;
--   * the views read the functions with NULL. The functions are plain SQL (not STRICT, not SECURITY DEFINER), so the
--     planner inlines them: `NULL IS NULL` folds away and the views plan as before, filters on their columns still
--     push down, and row-level security applies as the caller (the views stay security_invoker).

------------------------------------------------------------------------------------------------
-- Requirements
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.requirement_progress_for(p_participant_ids bigint[]) RETURNS TABLE (
    enrolment_id bigint, participant_id bigint, case_number text, centre_code text, programme_code text,
    phase_code text, requirement_id bigint, requirement_code text, session_type text,
    sessions_per_week numeric, phase_started_on date, planned_phase_end date, today date,
    elapsed_days integer, required_to_date integer, planned integer, attended integer, missed integer,
    excused integer, cancelled_by_participant integer, cancelled_by_staff_or_centre integer,
    unrecorded integer, counted_last_28_days integer, attended_last_28_days integer,
    attendance_rate_last_28_days numeric, counted_since_phase_start integer,
    attendance_rate_since_phase_start numeric, pace numeric, projected_completion_on date
) LANGUAGE sql STABLE AS $$
WITH base AS (
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
    -- OFFSET 0: the reference day is read once, not at every use (homeward.today() reads the planning zone)
    CROSS JOIN (SELECT homeward.today() AS today OFFSET 0) t
    JOIN homeward.participants p ON p.id = e.participant_id
    JOIN homeward.programmes pg ON pg.id = e.programme_id
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    LEFT JOIN homeward.individual_plans ip ON ip.participant_id = e.participant_id AND ip.requirement_id = q.id
    -- the paused days of each plan, aggregated once
    LEFT JOIN (SELECT pp.participant_id, pp.requirement_id, range_agg(pp.during) AS paused FROM homeward.plan_pauses pp GROUP BY 1, 2) pa ON pa.participant_id = e.participant_id AND pa.requirement_id = q.id
    -- the centre today: the latest placement holding the reference day, joined by hash (a lateral lookup was probed
    -- once per seat, after the count); a filter on the centre joins that centre's placements first
    LEFT JOIN (SELECT DISTINCT ON (pl.participant_id) pl.participant_id, c.code
               FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
               WHERE pl.during @> (SELECT homeward.today())
                 AND (p_participant_ids IS NULL OR pl.participant_id = ANY (p_participant_ids))
               ORDER BY pl.participant_id, lower(pl.during) DESC) cc ON cc.participant_id = e.participant_id
    WHERE e.status = 'active' AND (p_participant_ids IS NULL OR e.participant_id = ANY (p_participant_ids))
      AND (p_participant_ids IS NULL OR p.id = ANY (p_participant_ids))
), taken AS (
    -- every seat anyone had, with the key of the requirements it counts for, its local day and what happened
    SELECT sp.participant_id, CASE WHEN s.mode = 'family' THEN -1 ELSE s.requirement_id END AS counting_key,
           (s.starts_at AT TIME ZONE c.time_zone)::date AS day, s.status, s.occupies, s.cancelled_by, a.status AS attendance
    FROM homeward.session_participants sp
    JOIN homeward.sessions s ON s.id = sp.session_id
    JOIN homeward.centres c ON c.id = s.centre_id
    LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
    WHERE p_participant_ids IS NULL OR sp.participant_id = ANY (p_participant_ids)
), counted AS (
    SELECT b.enrolment_id, b.participant_id, b.case_number, b.centre_code, b.programme_code, b.phase_code, b.requirement_id,
           b.requirement_code, b.session_type, b.sessions_per_week, b.phase_started_on, b.planned_phase_end, b.today, b.elapsed_days,
           b.eligible,
           greatest(0, homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.phase_started_on + b.elapsed_days)
                       - count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by IN ('staff', 'centre') AND k.day <= b.today)::int)
               AS required_to_date,
           count(*) FILTER (WHERE k.status = 'planned' AND k.attendance IS NULL AND k.day >= b.today)::int AS planned,
           count(*) FILTER (WHERE k.occupies AND k.attendance IN ('attended', 'late') AND k.day <= b.today)::int AS attended,
           count(*) FILTER (WHERE k.occupies AND k.attendance = 'absent_unexcused' AND k.day <= b.today)::int AS missed,
           count(*) FILTER (WHERE k.occupies AND k.attendance = 'absent_excused' AND k.day <= b.today)::int AS excused,
           count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by = 'participant' AND k.day <= b.today)::int AS cancelled_by_participant,
           count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by IN ('staff', 'centre') AND k.day <= b.today)::int AS cancelled_by_staff_or_centre,
           count(*) FILTER (WHERE k.occupies AND k.attendance IS NULL AND k.day < b.today)::int AS unrecorded,
           count(*) FILTER (WHERE k.day > b.today - 28 AND k.day <= b.today
                              AND ((k.occupies AND k.attendance IN ('attended', 'late', 'absent_unexcused'))
                                   OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int AS counted_last_28_days,
           count(*) FILTER (WHERE k.day > b.today - 28 AND k.occupies AND k.attendance IN ('attended', 'late') AND k.day <= b.today)::int
               AS attended_last_28_days,
           count(*) FILTER (WHERE k.day <= b.today
                              AND ((k.occupies AND k.attendance IN ('attended', 'late', 'absent_unexcused'))
                                   OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int AS counted_since_phase_start
    FROM base b
    LEFT JOIN taken k ON k.participant_id = b.participant_id AND k.counting_key = b.counting_key AND k.day >= b.phase_started_on
    GROUP BY b.enrolment_id, b.participant_id, b.case_number, b.centre_code, b.programme_code, b.phase_code, b.requirement_id,
             b.requirement_code, b.session_type, b.sessions_per_week, b.rate, b.paused, b.phase_started_on, b.planned_phase_end,
             b.today, b.elapsed_days, b.eligible
    -- the requirements of the participant's age band today, tested after the count: as a plain filter the planner
    -- would push it down, estimate that an opaque range test keeps almost nothing, and probe sessions row by row
    HAVING bool_and(b.eligible)
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
    'The rows of homeward.requirement_progress for these participants (NULL: everyone), read for them only. Inlined by the planner; the caller''s rights apply.';

CREATE OR REPLACE VIEW homeward.requirement_progress WITH (security_invoker = true) AS
SELECT enrolment_id, participant_id, case_number, centre_code, programme_code, phase_code,
    requirement_id, requirement_code, session_type, sessions_per_week::numeric(4,2) AS sessions_per_week, phase_started_on,
    planned_phase_end, today, elapsed_days, required_to_date, planned, attended, missed,
    excused, cancelled_by_participant, cancelled_by_staff_or_centre, unrecorded,
    counted_last_28_days, attended_last_28_days, attendance_rate_last_28_days,
    counted_since_phase_start, attendance_rate_since_phase_start, pace, projected_completion_on
FROM homeward.requirement_progress_for(NULL);

------------------------------------------------------------------------------------------------
-- Enrolments
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.enrolment_progress_for(p_participant_ids bigint[]) RETURNS TABLE (
    enrolment_id bigint, participant_id bigint, case_number text, centre_code text, programme_code text,
    phase_code text, started_on date, phase_started_on date, planned_phase_end date, today date,
    requirements integer, required_to_date integer, planned integer, attended integer, missed integer,
    excused integer, cancelled_by_participant integer, cancelled_by_staff_or_centre integer,
    unrecorded integer, counted_last_28_days integer, attended_last_28_days integer,
    attendance_rate_last_28_days numeric, counted_since_phase_start integer,
    attendance_rate_since_phase_start numeric, pace numeric, stalled_requirements integer,
    projected_completion_on date, school_days_recorded_last_28_days integer,
    school_days_present_last_28_days integer, school_attendance_rate_last_28_days numeric,
    school_unexcused_days_in_a_row integer, modules_passed integer, modules_expected integer,
    last_assessed_on date, assessment_due_on date
) LANGUAGE sql STABLE AS $$
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
    FROM homeward.requirement_progress_for(p_participant_ids) r
    GROUP BY r.enrolment_id
), base AS (
    SELECT e.id AS enrolment_id, e.participant_id, p.case_number, p.birth_date,
           cc.code AS centre_code,
           pg.code AS programme_code, ph.code AS phase_code, e.started_on, e.phase_started_on,
           least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)) AS planned_phase_end,
           ph.review_interval_days, t.today
    FROM homeward.enrolments e
    CROSS JOIN (SELECT homeward.today() AS today OFFSET 0) t
    JOIN homeward.participants p ON p.id = e.participant_id
    JOIN homeward.programmes pg ON pg.id = e.programme_id
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    -- the centre today, as in requirement_progress_for
    LEFT JOIN (SELECT DISTINCT ON (pl.participant_id) pl.participant_id, c.code
               FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
               WHERE pl.during @> (SELECT homeward.today())
                 AND (p_participant_ids IS NULL OR pl.participant_id = ANY (p_participant_ids))
               ORDER BY pl.participant_id, lower(pl.during) DESC) cc ON cc.participant_id = e.participant_id
    WHERE e.status = 'active' AND (p_participant_ids IS NULL OR e.participant_id = ANY (p_participant_ids))
      AND (p_participant_ids IS NULL OR p.id = ANY (p_participant_ids))
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
) la ON true
$$;
COMMENT ON FUNCTION homeward.enrolment_progress_for(bigint[]) IS
    'The rows of homeward.enrolment_progress for these participants (NULL: everyone), their requirements read for them only. Inlined by the planner; the caller''s rights apply.';

CREATE OR REPLACE VIEW homeward.enrolment_progress WITH (security_invoker = true) AS
SELECT enrolment_id, participant_id, case_number, centre_code, programme_code, phase_code,
    started_on, phase_started_on, planned_phase_end, today, requirements, required_to_date,
    planned, attended, missed, excused, cancelled_by_participant, cancelled_by_staff_or_centre,
    unrecorded, counted_last_28_days, attended_last_28_days, attendance_rate_last_28_days,
    counted_since_phase_start, attendance_rate_since_phase_start, pace, stalled_requirements,
    projected_completion_on, school_days_recorded_last_28_days, school_days_present_last_28_days,
    school_attendance_rate_last_28_days, school_unexcused_days_in_a_row, modules_passed,
    modules_expected, last_assessed_on, assessment_due_on
FROM homeward.enrolment_progress_for(NULL);

------------------------------------------------------------------------------------------------
-- Flags: the evaluation's time kept once per run, not written on every flag
------------------------------------------------------------------------------------------------

-- Every evaluation wrote last_evaluated_at on every flag it found (8.7k rows and as many audit rows a night at 10k,
-- most of them changing nothing else). It now writes one row here, and a flag's own last_evaluated_at only when the
-- evaluation changes the flag (opens, updates, re-opens or resolves it, or notes that its condition cleared). What an
-- evaluation looked at is unchanged: every flag whose condition holds was found by the latest evaluation (one that did
-- not find it resolved it, or noted the condition cleared), so its last evaluation is the latest one
-- (homeward.flag_last_evaluated_at).
CREATE TABLE homeward.flag_evaluations (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluated_at  timestamptz NOT NULL DEFAULT homeward.now(),
    evaluated_by  text        NOT NULL,
    findings      integer     NOT NULL
);
CREATE INDEX flag_evaluations_at_idx ON homeward.flag_evaluations (evaluated_at);
COMMENT ON TABLE homeward.flag_evaluations IS
    'One row per flag evaluation (homeward flags evaluate, the nightly): when, by whom, how many conditions it found. A flag whose condition holds was last evaluated by the latest row (homeward.flag_last_evaluated_at).';
COMMENT ON COLUMN homeward.flag_evaluations.evaluated_at IS 'When the evaluation ran (homeward.now() of its transaction, the time it wrote on the flags it changed).';
COMMENT ON COLUMN homeward.flag_evaluations.evaluated_by IS 'Who evaluated, as the flag events name it (homeward flags evaluate).';
COMMENT ON COLUMN homeward.flag_evaluations.findings IS 'Conditions the evaluation found (open, kept or re-opened flags).';
COMMENT ON COLUMN homeward.flag_evaluations.id IS 'Key.';
GRANT SELECT ON homeward.flag_evaluations TO homeward_coordinator, homeward_scheduler;
GRANT INSERT ON homeward.flag_evaluations TO homeward_scheduler;

COMMENT ON COLUMN homeward.flags.last_evaluated_at IS
    'When an evaluation last changed the flag or noted its condition cleared. When the evaluation last looked at it: homeward.flag_last_evaluated_at(last_evaluated_at, condition_holds).';

-- When an evaluation last looked at a flag: the latest evaluation while its condition holds (that one found it), else
-- the time written on the flag when its condition was seen to clear.
CREATE FUNCTION homeward.flag_last_evaluated_at(p_last_evaluated_at timestamptz, p_condition_holds boolean) RETURNS timestamptz
    LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN p_condition_holds
                THEN greatest(p_last_evaluated_at, (SELECT max(v.evaluated_at) FROM homeward.flag_evaluations v))
                ELSE p_last_evaluated_at END
$$;
COMMENT ON FUNCTION homeward.flag_last_evaluated_at(timestamptz, boolean) IS
    'When an evaluation last looked at a flag (what homeward.flags.last_evaluated_at meant before 0034), from its last_evaluated_at and condition_holds.';
