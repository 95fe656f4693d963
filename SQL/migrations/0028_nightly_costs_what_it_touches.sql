-- 0028_nightly_costs_what_it_touches: every statement of the nightly costs what it touches (issue 15).
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0027.
-- Nothing here changes what is computed; only how:
--   * the rule of sessions due (0024's homeward.plan_sessions_due_to_date) gets a form over values already read,
--     homeward.plan_due_to_date (rate, phase start, paused days, day), which the planner inlines: the scheduler's demand
--     (homeward.instance_need) and the progress view join individual plans and pauses once instead of calling a
--     function with its own queries four times per requirement-week;
--   * homeward.requirement_progress counts sessions per (participant, requirement) with one join on equal keys (a
--     family session counts for every family requirement: the key is the requirement, or 'family'), not per row with
--     homeward.session_counts_for's OR; a filter on the participant, case number or centre pushes down into it;
--   * indexes that match what the nightly looks up.

------------------------------------------------------------------------------------------------
-- Sessions due: one rule, over values the caller has already read
------------------------------------------------------------------------------------------------

-- Days of a multirange (the paused days of a plan) inside [from, to).
CREATE FUNCTION homeward.paused_days_between(p_paused datemultirange, p_from date, p_to date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT sum(upper(r) - lower(r))::int
                     FROM unnest(p_paused * datemultirange(daterange(p_from, greatest(p_from, p_to)))) r), 0)
$$;
COMMENT ON FUNCTION homeward.paused_days_between(datemultirange, date, date) IS
    'Days of a set of paused days that fall in [from, to); 0 when none are paused.';

-- 0017's rule (homeward.sessions_due_to_date) at a rate over the days not paused. A plain expression, so the planner
-- inlines it into the set-based queries that use it; the paused days are counted only for the few plans with a pause.
CREATE FUNCTION homeward.plan_due_to_date(p_rate numeric, p_phase_started_on date, p_paused datemultirange, p_on_day date)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(p_rate * greatest(0, p_on_day - CASE WHEN p_paused IS NULL THEN 0
                                                      ELSE homeward.paused_days_between(p_paused, p_phase_started_on, p_on_day) END
                                    - p_phase_started_on) / 7.0)::int
$$;
COMMENT ON FUNCTION homeward.plan_due_to_date(numeric, date, datemultirange, date) IS
    'Sessions due from the phase start up to (not including) a day, at a rate, over the days not paused (homeward.sessions_due_to_date''s rule): the form of homeward.plan_sessions_due_to_date for set-based queries that have read the rate and the pauses.';

-- 0024's function, now by the same rule: the plan's rate and pauses read here, the arithmetic in plan_due_to_date.
CREATE OR REPLACE FUNCTION homeward.plan_sessions_due_to_date(p_participant_id bigint, p_requirement_id bigint, p_programme_rate numeric,
                                                              p_phase_started_on date, p_on_day date) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT homeward.plan_due_to_date(
        homeward.plan_rate(p_participant_id, p_requirement_id, p_programme_rate), p_phase_started_on,
        (SELECT range_agg(pp.during) FROM homeward.plan_pauses pp
         WHERE pp.participant_id = p_participant_id AND pp.requirement_id = p_requirement_id),
        p_on_day)
$$;


------------------------------------------------------------------------------------------------
-- The scheduler's demand, set-based
------------------------------------------------------------------------------------------------

-- 0018's helper without its FROM, so it inlines (and no longer STRICT: a null day or age still gives null).
CREATE OR REPLACE FUNCTION homeward.day_turning(birth_date date, years integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (birth_date + make_interval(years => years))::date
           + CASE WHEN homeward.age_on(birth_date, (birth_date + make_interval(years => years))::date) >= years THEN 0 ELSE 1 END
$$;

-- 0024's function with the same result: the plan's rate and pauses are joined once (pauses are looked up only for the
-- plans that have one), and the due sessions are computed inline over the columns read.
CREATE OR REPLACE FUNCTION homeward.instance_need(p_from date, p_days int, p_freeze int)
RETURNS TABLE (enrolment_id bigint, participant_id bigint, case_number text, requirement_id bigint, requirement_code text,
               session_type text, mode text, staff_role text, group_min int, group_max int, duration_minutes int,
               room_kind text, requires_child_clearance boolean, paediatric_only boolean, week_start date,
               window_from date, window_to date, required int, due_in_week int, eligible_until date, family_id bigint)
LANGUAGE sql STABLE AS $$
    WITH weeks AS (
        SELECT DISTINCT date_trunc('week', g)::date AS week_start
        FROM generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    ), base AS MATERIALIZED (
        SELECT e.id AS enrolment_id, p.id AS participant_id, p.case_number, q.id AS requirement_id, q.code, q.session_type, q.mode,
               q.staff_role, q.group_min, q.group_max, q.duration_minutes, q.room_kind, q.requires_child_clearance, q.paediatric_only,
               w.week_start, e.phase_started_on, coalesce(ip.sessions_per_week, q.sessions_per_week) AS rate, pa.paused,
               lower(d.plan_days) AS plan_from, upper(d.plan_days) AS plan_to, upper(el.days) AS eligible_until,
               greatest(win.first_day, pz.pause_ends) AS window_from, least(win.end_day, pz.pause_starts) AS window_to,
               (SELECT min(fm.family_id) FROM homeward.family_members fm
                WHERE fm.participant_id = p.id AND homeward.family_member_on(fm.left_on, w.week_start)) AS family_id
        FROM homeward.enrolments e
        JOIN homeward.participants p ON p.id = e.participant_id AND p.status NOT IN ('completed', 'withdrawn')
        JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
        JOIN homeward.phase_requirements q ON q.phase_id = ph.id
        JOIN weeks w ON w.week_start + 7 > e.phase_started_on AND w.week_start < e.phase_started_on + ph.duration_days
        LEFT JOIN homeward.individual_plans ip ON ip.participant_id = p.id AND ip.requirement_id = q.id
        -- the paused days of each plan, aggregated once
    LEFT JOIN (SELECT pp.participant_id, pp.requirement_id, range_agg(pp.during) AS paused FROM homeward.plan_pauses pp GROUP BY 1, 2) pa ON pa.participant_id = p.id AND pa.requirement_id = q.id
        -- OFFSET 0: the age band is computed once per row, not once per use
        CROSS JOIN LATERAL (SELECT homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text) AS days OFFSET 0) el
        CROSS JOIN LATERAL (SELECT daterange(w.week_start, least(w.week_start + 7, p_from + p_days)) * el.days AS plan_days) d
        CROSS JOIN LATERAL (SELECT greatest(w.week_start, p_from + p_freeze, e.phase_started_on, lower(el.days)) AS first_day,
                                   least(w.week_start + 7, p_from + p_days, e.phase_started_on + ph.duration_days, upper(el.days)) AS end_day) win
        -- a pause at the start or the end of the window narrows it: no session is planned on a paused day
        CROSS JOIN LATERAL (SELECT CASE WHEN pa.paused IS NOT NULL THEN
                                       (SELECT max(upper(pp.during)) FROM homeward.plan_pauses pp
                                        WHERE pp.participant_id = p.id AND pp.requirement_id = q.id AND pp.during @> win.first_day) END AS pause_ends,
                                   CASE WHEN pa.paused IS NOT NULL THEN
                                       (SELECT min(lower(pp.during)) FROM homeward.plan_pauses pp
                                        WHERE pp.participant_id = p.id AND pp.requirement_id = q.id AND pp.during @> (win.end_day - 1)) END AS pause_starts) pz
        WHERE e.status = 'active' AND el.days && daterange(w.week_start, w.week_start + 7)
    )
    SELECT b.enrolment_id, b.participant_id, b.case_number, b.requirement_id, b.code, b.session_type, b.mode, b.staff_role,
           b.group_min, b.group_max, b.duration_minutes, b.room_kind, b.requires_child_clearance, b.paediatric_only, b.week_start,
           b.window_from, b.window_to,
           coalesce(homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.plan_to)
                    - homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.plan_from), 0),
           homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.week_start + 7)
               - homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.week_start),
           b.eligible_until, b.family_id
    FROM base b
$$;

------------------------------------------------------------------------------------------------
-- Slots from a horizon start read once per query
------------------------------------------------------------------------------------------------

-- homeward.slot_of's arithmetic for a horizon start the caller already has: a plain expression the planner inlines.
-- slot_of reads the planning zone (a SECURITY DEFINER function) on every call, which cost ~20 µs a row; the scheduling
-- instance's functions below pass (SELECT homeward.horizon_start(p_from)), computed once per query. Rounding up is
-- -floor(-x), so the time is used once.
CREATE FUNCTION homeward.slot_at(p_at timestamptz, p_start timestamptz, p_slot int, p_round_up boolean) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((CASE WHEN p_round_up THEN -1 ELSE 1 END)
            * floor((CASE WHEN p_round_up THEN -1 ELSE 1 END) * extract(epoch FROM p_at - p_start) / (p_slot * 60)))::int
$$;
COMMENT ON FUNCTION homeward.slot_at(timestamptz, timestamptz, int, boolean) IS
    'Scheduling instance: the slot of an instant on a grid of p_slot minutes starting at p_start (rounded down, or up): homeward.slot_of for a horizon start already read.';

-- The scheduling instance's functions of 0018, 0022 and 0024, unchanged but for homeward.slot_at and the planning zone
-- read once per query ((SELECT homeward.planning_zone()) is an init plan).
CREATE OR REPLACE FUNCTION homeward.instance_rooms(p_from date, p_days integer, p_centre text, p_slot integer)
 RETURNS TABLE(room text, centre text, kind text, capacity integer, start_slot integer, end_slot integer)
 LANGUAGE sql
 STABLE
AS $function$
    SELECT c.code || '/' || r.code, c.code, r.kind, r.capacity,
           homeward.slot_at((d.day + h.opens_at) AT TIME ZONE c.time_zone, (SELECT homeward.horizon_start(p_from)), p_slot, true),
           homeward.slot_at((d.day + h.closes_at) AT TIME ZONE c.time_zone, (SELECT homeward.horizon_start(p_from)), p_slot, false)
    FROM homeward.rooms r
    JOIN homeward.centres c ON c.id = r.centre_id
    CROSS JOIN generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    CROSS JOIN LATERAL (SELECT g::date AS day) d
    JOIN homeward.centre_opening_hours h ON h.centre_id = c.id AND h.weekday = extract(isodow FROM d.day)
    WHERE (p_centre IS NULL OR c.code = p_centre)
      AND NOT EXISTS (SELECT 1 FROM homeward.room_closures rc WHERE rc.room_id = r.id AND rc.during @> d.day)
      AND NOT EXISTS (SELECT 1 FROM homeward.centre_closures cc WHERE cc.centre_id = c.id AND cc.during @> d.day)
    ORDER BY 1, 5
$function$;

CREATE OR REPLACE FUNCTION homeward.instance_staff_windows(p_from date, p_days integer, p_centre text, p_slot integer)
 RETURNS TABLE(staff text, centre text, start_slot integer, end_slot integer)
 LANGUAGE sql
 STABLE
AS $function$
    SELECT st.code, c.code,
           homeward.slot_at((d.day + a.starts_at) AT TIME ZONE c.time_zone, (SELECT homeward.horizon_start(p_from)), p_slot, true),
           homeward.slot_at((d.day + a.ends_at) AT TIME ZONE c.time_zone, (SELECT homeward.horizon_start(p_from)), p_slot, false)
    FROM homeward.staff_availability a
    JOIN homeward.staff st ON st.id = a.staff_id AND st.active
    JOIN homeward.centres c ON c.id = a.centre_id
    CROSS JOIN generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    CROSS JOIN LATERAL (SELECT g::date AS day) d
    WHERE extract(isodow FROM d.day) = a.weekday AND a.valid_from <= d.day AND (a.valid_to IS NULL OR a.valid_to >= d.day)
      AND (p_centre IS NULL OR c.code = p_centre)
      AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> d.day)
      AND (st.left_on IS NULL OR d.day < st.left_on)
    ORDER BY 1, 2, 3
$function$;

CREATE OR REPLACE FUNCTION homeward.instance_staff_weeks(p_from date, p_days integer, p_slot integer)
 RETURNS TABLE(staff text, start_slot integer, end_slot integer, limit_minutes double precision, planned_minutes double precision)
 LANGUAGE sql
 STABLE
AS $function$
    WITH weeks AS (
        SELECT DISTINCT date_trunc('week', g)::date AS week_start
        FROM generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    ), outside AS (
        -- hours booked in the horizon's weeks but outside the horizon: the scheduler counts those inside itself
        SELECT ss.staff_id, date_trunc('week', (s.starts_at AT TIME ZONE (SELECT homeward.planning_zone()))::date)::date AS week_start,
               sum(extract(epoch FROM s.ends_at - s.starts_at) / 60) AS minutes
        FROM homeward.sessions s
        JOIN homeward.session_staff ss ON ss.session_id = s.id
        WHERE s.occupies
          AND s.starts_at >= ((SELECT min(week_start) FROM weeks)::timestamp AT TIME ZONE (SELECT homeward.planning_zone()))
          AND s.starts_at < (((SELECT max(week_start) FROM weeks) + 7)::timestamp AT TIME ZONE (SELECT homeward.planning_zone()))
          AND NOT s.during && tstzrange(homeward.horizon_start(p_from), homeward.horizon_start(p_from + p_days))
        GROUP BY 1, 2
    )
    SELECT st.code,
           homeward.slot_at(w.week_start::timestamp AT TIME ZONE (SELECT homeward.planning_zone()), (SELECT homeward.horizon_start(p_from)), p_slot, false),
           homeward.slot_at((w.week_start + 7)::timestamp AT TIME ZONE (SELECT homeward.planning_zone()), (SELECT homeward.horizon_start(p_from)), p_slot, false),
           (st.weekly_hour_limit * 60)::float8, coalesce(o.minutes, 0)::float8
    FROM homeward.staff st
    CROSS JOIN weeks w
    LEFT JOIN outside o ON o.staff_id = st.id AND o.week_start = w.week_start
    WHERE st.active
    ORDER BY 1, 2
$function$;

CREATE OR REPLACE FUNCTION homeward.instance_participant_windows(p_from date, p_days integer, p_centre text, p_slot integer)
 RETURNS TABLE(case_number text, centre text, start_slot integer, end_slot integer)
 LANGUAGE sql
 STABLE
AS $function$
    WITH placed AS (
        SELECT p.id AS participant_id, p.case_number, d.day, c.id AS centre_id, c.code AS centre, c.time_zone
        FROM homeward.participants p
        JOIN homeward.participant_placements pl ON pl.participant_id = p.id
        CROSS JOIN generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
        CROSS JOIN LATERAL (SELECT g::date AS day) d
        JOIN homeward.centres c ON c.id = pl.centre_id
        WHERE pl.during @> d.day AND p.status NOT IN ('completed', 'withdrawn') AND (p_centre IS NULL OR c.code = p_centre)
          AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
    ), centre_days AS MATERIALIZED (
        -- opening hours and timetable blocks once per centre and day (0028), not once per participant and day
        SELECT x.centre_id, x.day,
               (SELECT range_agg(tstzrange((x.day + h.opens_at) AT TIME ZONE x.time_zone, (x.day + h.closes_at) AT TIME ZONE x.time_zone))
                FROM homeward.centre_opening_hours h
                WHERE h.centre_id = x.centre_id AND h.weekday = extract(isodow FROM x.day)) AS open,
               (SELECT range_agg(tstzrange((x.day + b.starts_at) AT TIME ZONE x.time_zone, (x.day + b.ends_at) AT TIME ZONE x.time_zone))
                FROM homeward.centre_timetable_blocks b
                WHERE b.centre_id = x.centre_id AND b.weekday = extract(isodow FROM x.day)) AS blocked
        FROM (SELECT DISTINCT pl.centre_id, pl.day, pl.time_zone FROM placed pl) x
    ), personal AS MATERIALIZED (
        -- school hours (plus travel) and personal busy times, for those who have any
        SELECT pl.participant_id, pl.day, range_agg(y.x) AS m
        FROM placed pl
        CROSS JOIN LATERAL (
            SELECT tstzrange((pl.day + se.school_day_starts_at) AT TIME ZONE pl.time_zone,
                             (pl.day + se.school_day_ends_at) AT TIME ZONE pl.time_zone + homeward.after_school_buffer()) AS x
            FROM homeward.school_enrolments se
            WHERE se.participant_id = pl.participant_id AND se.enrolled_from <= pl.day
              AND (se.enrolled_to IS NULL OR se.enrolled_to >= pl.day)
              AND extract(isodow FROM pl.day)::smallint = ANY (se.school_weekdays)
            UNION ALL
            -- an adult's (or child's) personal busy times: court hearings, medical appointments (0024)
            SELECT bt.during
            FROM homeward.participant_busy_times bt
            WHERE bt.participant_id = pl.participant_id
              AND bt.during && tstzrange(pl.day::timestamp AT TIME ZONE pl.time_zone, (pl.day + 1)::timestamp AT TIME ZONE pl.time_zone)
        ) y
        WHERE pl.participant_id IN (SELECT se.participant_id FROM homeward.school_enrolments se
                                    UNION SELECT bt.participant_id FROM homeward.participant_busy_times bt)
        GROUP BY pl.participant_id, pl.day
    ), free AS (
        -- open hours minus blocks minus the person's own hours: the same set as minus their union
        SELECT pl.case_number, pl.centre,
               cd.open - coalesce(cd.blocked, '{}'::tstzmultirange) - coalesce(pe.m, '{}'::tstzmultirange) AS m
        FROM placed pl
        JOIN centre_days cd ON cd.centre_id = pl.centre_id AND cd.day = pl.day
        LEFT JOIN personal pe ON pe.participant_id = pl.participant_id AND pe.day = pl.day
    )
    SELECT f.case_number, f.centre, homeward.slot_at(lower(r), (SELECT homeward.horizon_start(p_from)), p_slot, true), homeward.slot_at(upper(r), (SELECT homeward.horizon_start(p_from)), p_slot, false)
    FROM free f CROSS JOIN LATERAL unnest(f.m) AS r
    ORDER BY 1, lower(r)
$function$;

CREATE OR REPLACE FUNCTION homeward.instance_existing(p_from date, p_days integer, p_slot integer)
 RETURNS TABLE(session_id bigint, staff text[], room text, participants text[], start_slot integer, end_slot integer, session_type text, requirement_id text, mode text)
 LANGUAGE sql
 STABLE
AS $function$
    SELECT s.id,
           array(SELECT st.code FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                 WHERE ss.session_id = s.id ORDER BY 1),
           c.code || '/' || r.code,
           array(SELECT p.case_number FROM homeward.session_participants sp JOIN homeward.participants p ON p.id = sp.participant_id
                 WHERE sp.session_id = s.id ORDER BY 1),
           homeward.slot_at(s.starts_at, (SELECT homeward.horizon_start(p_from)), p_slot, false), homeward.slot_at(s.ends_at, (SELECT homeward.horizon_start(p_from)), p_slot, true),
           s.session_type, coalesce(s.requirement_id::text, ''), s.mode
    FROM homeward.sessions s
    JOIN homeward.rooms r ON r.id = s.room_id
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE s.occupies AND s.during && tstzrange(homeward.horizon_start(p_from), homeward.horizon_start(p_from + p_days))
    ORDER BY s.id
$function$;

CREATE OR REPLACE FUNCTION homeward.instance_demand(p_from date, p_days integer, p_centre text, p_freeze integer, p_slot integer)
 RETURNS TABLE(enrolment_id bigint, case_number text, requirement_id bigint, requirement_code text, session_type text, mode text, staff_role text, group_min integer, group_max integer, duration_minutes integer, room_kind text, requires_child_clearance boolean, paediatric_only boolean, week_start date, window_start integer, window_end integer, missing integer, centre text, previous_staff text, family_id bigint, family_members text[])
 LANGUAGE sql
 STABLE
AS $function$
    WITH need AS (
        SELECT * FROM homeward.instance_need(p_from, p_days, p_freeze) n WHERE n.window_from < n.window_to
    ), span AS (
        SELECT (min(week_start)::timestamp AT TIME ZONE (SELECT homeward.planning_zone())) AS from_at,
               ((max(week_start) + 7)::timestamp AT TIME ZONE (SELECT homeward.planning_zone())) AS to_at
        FROM need
    ), booked AS MATERIALIZED (
        -- sessions planned or held in the horizon's weeks, once each, with their ISO week in the planning zone
        SELECT s.id, s.requirement_id, s.mode, s.family_id, date_trunc('week', (s.starts_at AT TIME ZONE (SELECT homeward.planning_zone()))::date)::date AS week_start
        FROM homeward.sessions s, span
        WHERE s.occupies AND s.starts_at >= span.from_at AND s.starts_at < span.to_at
    ), held_by_participant AS MATERIALIZED (
        SELECT sp.participant_id, b.requirement_id, b.week_start, count(*)::int AS sessions
        FROM booked b JOIN homeward.session_participants sp ON sp.session_id = b.id
        WHERE b.requirement_id IS NOT NULL
        GROUP BY 1, 2, 3
    ), held_by_family AS MATERIALIZED (
        -- one family session a week serves every member's family requirement
        SELECT b.family_id, b.week_start, count(*)::int AS sessions
        FROM booked b WHERE b.mode = 'family' AND b.family_id IS NOT NULL
        GROUP BY 1, 2
    ), previous AS (
        -- the staff member of each role a participant saw last (planned or held), for continuity
        SELECT DISTINCT ON (sp.participant_id, sr.role) sp.participant_id, sr.role, st.code
        FROM homeward.session_participants sp
        JOIN homeward.sessions s ON s.id = sp.session_id AND s.status IN ('planned', 'held')
        JOIN homeward.session_staff ss ON ss.session_id = s.id
        JOIN homeward.staff st ON st.id = ss.staff_id AND st.active
        JOIN homeward.staff_roles sr ON sr.staff_id = st.id
        WHERE sp.participant_id IN (SELECT n.participant_id FROM need n)
        ORDER BY sp.participant_id, sr.role, s.starts_at DESC
    ), families AS MATERIALIZED (
        -- the members who remain through the week's window (a member who leaves inside it is no longer expected, and the
        -- window starts on the day she leaves: before it, the family session would have to seat her)
        SELECT fw.family_id, fw.week_start, array_agg(p.case_number ORDER BY p.case_number) AS members,
               (SELECT max(d.left_on) FROM homeward.family_members d WHERE d.family_id = fw.family_id AND d.left_on < fw.window_to) AS since
        FROM (SELECT n.family_id, n.week_start, max(n.window_to) AS window_to FROM need n
              WHERE n.mode = 'family' AND n.family_id IS NOT NULL GROUP BY 1, 2) fw
        JOIN homeward.family_members fm ON fm.family_id = fw.family_id AND homeward.family_member_on(fm.left_on, fw.window_to - 1)
        JOIN homeward.participants p ON p.id = fm.participant_id AND p.status NOT IN ('completed', 'withdrawn')
        -- members the scheduler knows (homeward.instance_participants): a discharged member is not expected
        WHERE EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
        GROUP BY fw.family_id, fw.week_start, fw.window_to
    ), preferred AS MATERIALIZED (
        -- the individual plan's preferred staff member, or else one who speaks its preferred language (the previous
        -- staff member when they do): soft, through the scheduler's continuity weight
        SELECT n.participant_id, n.requirement_id,
               coalesce(st.code,
                        CASE WHEN pv.code IS NOT NULL AND ip.preferred_language = ANY (pvs.languages) THEN pv.code END,
                        (SELECT min(ls.code) FROM homeward.staff ls JOIN homeward.staff_roles lr ON lr.staff_id = ls.id
                         WHERE ls.active AND lr.role = n.staff_role AND ip.preferred_language = ANY (ls.languages))) AS code
        FROM need n
        JOIN homeward.individual_plans ip ON ip.participant_id = n.participant_id AND ip.requirement_id = n.requirement_id
        LEFT JOIN homeward.staff st ON st.id = ip.preferred_staff_id AND st.active
        LEFT JOIN previous pv ON pv.participant_id = n.participant_id AND pv.role = n.staff_role
        LEFT JOIN homeward.staff pvs ON pvs.code = pv.code
        WHERE ip.preferred_staff_id IS NOT NULL OR ip.preferred_language IS NOT NULL
    ), counted AS (
        SELECT n.*,
               n.required - coalesce(CASE WHEN n.mode = 'family' THEN hf.sessions ELSE hp.sessions END, 0) AS missing,
               c.code AS centre, coalesce(pf.code, pv.code) AS previous_staff, f.members AS family_members, f.since AS family_since
        FROM need n
        LEFT JOIN held_by_participant hp ON n.mode <> 'family' AND hp.participant_id = n.participant_id
                                        AND hp.requirement_id = n.requirement_id AND hp.week_start = n.week_start
        LEFT JOIN held_by_family hf ON n.mode = 'family' AND hf.family_id = n.family_id AND hf.week_start = n.week_start
        LEFT JOIN homeward.participant_placements pl ON pl.participant_id = n.participant_id AND pl.during @> n.window_from
        LEFT JOIN homeward.centres c ON c.id = pl.centre_id
        LEFT JOIN previous pv ON pv.participant_id = n.participant_id AND pv.role = n.staff_role
        LEFT JOIN families f ON n.mode = 'family' AND f.family_id = n.family_id AND f.week_start = n.week_start
        LEFT JOIN (SELECT DISTINCT ON (participant_id, requirement_id) * FROM preferred) pf
               ON pf.participant_id = n.participant_id AND pf.requirement_id = n.requirement_id
    )
    -- One family session a week serves every member's family requirement: one demand per family and week, from the
    -- member whose programme asks for the most.
    SELECT DISTINCT ON (CASE WHEN x.mode = 'family' THEN 'f' || coalesce(x.family_id::text, x.case_number) ELSE x.case_number END,
                        CASE WHEN x.mode = 'family' THEN 0 ELSE x.requirement_id END, x.week_start)
           x.enrolment_id, x.case_number, x.requirement_id, x.requirement_code, x.session_type, x.mode, x.staff_role,
           coalesce(x.group_min, 2), coalesce(x.group_max, 8), x.duration_minutes, x.room_kind, x.requires_child_clearance,
           x.paediatric_only, x.week_start,
           homeward.slot_at(greatest(x.window_from, x.family_since)::timestamp AT TIME ZONE (SELECT homeward.planning_zone()), (SELECT homeward.horizon_start(p_from)), p_slot, false),
           homeward.slot_at(x.window_to::timestamp AT TIME ZONE (SELECT homeward.planning_zone()), (SELECT homeward.horizon_start(p_from)), p_slot, false),
           x.missing, x.centre, x.previous_staff, x.family_id, x.family_members
    FROM counted x
    WHERE x.missing > 0 AND x.centre IS NOT NULL AND (p_centre IS NULL OR x.centre = p_centre)
    ORDER BY CASE WHEN x.mode = 'family' THEN 'f' || coalesce(x.family_id::text, x.case_number) ELSE x.case_number END,
             CASE WHEN x.mode = 'family' THEN 0 ELSE x.requirement_id END, x.week_start, x.missing DESC, x.requirement_id,
             -- ties between family members (the same requirement, as many missing) go to the lowest case number (0028)
             x.case_number
$function$;

------------------------------------------------------------------------------------------------
-- Progress: one set-based count per (participant, requirement), filters push down
------------------------------------------------------------------------------------------------

-- 0025's view with the same rows. Which sessions count for a requirement (homeward.session_counts_for: the same
-- requirement, or any family session for a family requirement) is now an equality on a key, the requirement or -1 for
-- "family" (a session of a requirement has that requirement's mode, 0002's sessions_matches_requirement_fk), so the
-- sessions are joined once by hash, or by index for one participant or centre; the plan's rate and pauses are joined
-- once; the centre is looked up once per requirement row. Grouping by every column of the requirement row lets a
-- filter on any of them (case number, participant, centre, enrolment) push down below the count.
CREATE OR REPLACE VIEW homeward.requirement_progress WITH (security_invoker = true) AS
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
    -- once per requirement row, below the counting join
    LEFT JOIN LATERAL (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
                       WHERE pl.participant_id = e.participant_id AND pl.during @> t.today
                       ORDER BY lower(pl.during) DESC LIMIT 1) cc ON true
    WHERE e.status = 'active'
), taken AS (
    -- every seat anyone had, with the key of the requirements it counts for, its local day and what happened
    SELECT sp.participant_id, CASE WHEN s.mode = 'family' THEN -1 ELSE s.requirement_id END AS counting_key,
           (s.starts_at AT TIME ZONE c.time_zone)::date AS day, s.status, s.occupies, s.cancelled_by, a.status AS attendance
    FROM homeward.session_participants sp
    JOIN homeward.sessions s ON s.id = sp.session_id
    JOIN homeward.centres c ON c.id = s.centre_id
    LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
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
FROM counted;

------------------------------------------------------------------------------------------------
-- The hard-rule checks, planned for the sessions they are given
------------------------------------------------------------------------------------------------

-- The booking rules (0019, 0022, 0024) are SQL functions of an array of session ids. Called with a variable (from the
-- statement-level triggers and the checks), the planner guessed the array held 10 ids, and for a night's thousands of
-- sessions chose row-by-row plans: one rule joined every participant's seat with every centre, which grows with the
-- square of the country. Each function keeps its body under a new name (…_of) and is now a plpgsql function that runs
-- it with the ids bound as a value (EXECUTE … USING): the SQL body is inlined with the actual array, and the plan fits
-- its size. The rules themselves are unchanged; a later change to a rule restates the …_of function.
DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['session_rule_violations', 'session_rule_violations_people', 'session_rule_violations_closures'] LOOP
        EXECUTE format('ALTER FUNCTION homeward.%I(bigint[]) RENAME TO %I', f, f || '_of');
        EXECUTE format($body$
            CREATE FUNCTION homeward.%1$I(p_session_ids bigint[]) RETURNS TABLE (rule text, session_id bigint, detail text)
            LANGUAGE plpgsql STABLE SET jit = off AS $fn$
            BEGIN
                RETURN QUERY EXECUTE 'SELECT v.rule, v.session_id, v.detail FROM homeward.%2$I($1) v' USING p_session_ids;
            END $fn$ $body$, f, f || '_of');
        EXECUTE format('COMMENT ON FUNCTION homeward.%I(bigint[]) IS %L', f,
                       (SELECT obj_description(format('homeward.%I(bigint[])', f || '_of')::regprocedure, 'pg_proc'))
                       || ' (Runs homeward.' || f || '_of, planned for the ids given.)');
        EXECUTE format('GRANT EXECUTE ON FUNCTION homeward.%I(bigint[]) TO PUBLIC', f);
    END LOOP;
END
$$;

-- 0017's view, unchanged but for the reference day read once (OFFSET 0), not at every use.
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
    CROSS JOIN (SELECT homeward.today() AS today OFFSET 0) t
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

------------------------------------------------------------------------------------------------
-- A rerun with nothing new is cheap
------------------------------------------------------------------------------------------------

ALTER TABLE homeward.schedule_runs ADD COLUMN rerun_fingerprint bigint;
COMMENT ON COLUMN homeward.schedule_runs.rerun_fingerprint IS
    'What the next run of the same request reads if nothing changes (HomewardStore''s RerunFingerprint: supply, booked sessions and the demand this run left unplaced, as a 64-bit hash); NULL when the run took seats in existing groups or bookings took some of its sessions. A run that reads exactly this retries only known-unplaceable demand, and plans it without the improvement budget.';
