-- 0018_scheduling_instance: the scheduling instance is read through named SQL functions, one per part.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0017.
--
-- The store used to assemble these queries from SQL strings inside Swift, with a shared prelude and slot arithmetic
-- interpolated into each. Each part is now a function that the store calls with parameters and reads in one
-- REPEATABLE READ snapshot; psql users can call them too (`SELECT * FROM homeward.instance_demand('2026-12-07', 14,
-- NULL, 0, 15)`). All are SECURITY INVOKER: they read with the rights of whoever calls them (the scheduler login reads
-- no names). Times are converted to slots of the horizon's grid by homeward.slot_of; the grid's zone is the planning
-- zone. Parameters: p_from (first day), p_days (horizon length), p_centre (a centre code or NULL for all), p_slot
-- (slot minutes), p_freeze (days at the start the plan must not change).
--
-- Demand is read set-based: sessions already held or planned are counted once per (participant, requirement, week)
-- and per (family, week), and the previous staff member of each participant and role once, instead of a subquery
-- with an OR per demand row (the read that grew a hundredfold for ten times the data).

CREATE FUNCTION homeward.horizon_start(p_from date) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT p_from::timestamp AT TIME ZONE homeward.planning_zone() $$;
COMMENT ON FUNCTION homeward.horizon_start(date) IS 'The instant slot 0 of a plan starting on p_from begins: local midnight in the planning zone.';

CREATE FUNCTION homeward.slot_of(p_at timestamptz, p_from date, p_slot int, p_round_up boolean) RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (CASE WHEN p_round_up THEN ceil(x) ELSE floor(x) END)::int
    FROM (SELECT extract(epoch FROM p_at - homeward.horizon_start(p_from)) / (p_slot * 60) AS x) s
$$;
COMMENT ON FUNCTION homeward.slot_of(timestamptz, date, int, boolean) IS
    'The slot index of an instant in the grid of a plan starting on p_from with p_slot-minute slots, rounded down or up.';

CREATE FUNCTION homeward.instance_rooms(p_from date, p_days int, p_centre text, p_slot int)
RETURNS TABLE (room text, centre text, kind text, capacity int, start_slot int, end_slot int)
LANGUAGE sql STABLE AS $$
    SELECT c.code || '/' || r.code, c.code, r.kind, r.capacity,
           homeward.slot_of((d.day + h.opens_at) AT TIME ZONE c.time_zone, p_from, p_slot, true),
           homeward.slot_of((d.day + h.closes_at) AT TIME ZONE c.time_zone, p_from, p_slot, false)
    FROM homeward.rooms r
    JOIN homeward.centres c ON c.id = r.centre_id
    CROSS JOIN generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    CROSS JOIN LATERAL (SELECT g::date AS day) d
    JOIN homeward.centre_opening_hours h ON h.centre_id = c.id AND h.weekday = extract(isodow FROM d.day)
    WHERE p_centre IS NULL OR c.code = p_centre
    ORDER BY 1, 5
$$;
COMMENT ON FUNCTION homeward.instance_rooms(date, int, text, int) IS
    'Scheduling instance: each room and the slots its centre is open on the horizon''s days.';

CREATE FUNCTION homeward.instance_staff(p_centre text)
RETURNS TABLE (staff text, roles text[], languages text[], may_work_with_children boolean, weekly_hour_limit float8)
LANGUAGE sql STABLE AS $$
    SELECT st.code, array(SELECT r.role FROM homeward.staff_roles r WHERE r.staff_id = st.id ORDER BY r.role),
           st.languages, st.may_work_with_children, st.weekly_hour_limit::float8
    FROM homeward.staff st
    WHERE st.active AND (p_centre IS NULL OR EXISTS (
        SELECT 1 FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
        WHERE sc.staff_id = st.id AND c.code = p_centre))
    ORDER BY 1
$$;
COMMENT ON FUNCTION homeward.instance_staff(text) IS 'Scheduling instance: active staff (of a centre, or all) with roles, languages and clearance.';

CREATE FUNCTION homeward.instance_staff_windows(p_from date, p_days int, p_centre text, p_slot int)
RETURNS TABLE (staff text, centre text, start_slot int, end_slot int)
LANGUAGE sql STABLE AS $$
    SELECT st.code, c.code,
           homeward.slot_of((d.day + a.starts_at) AT TIME ZONE c.time_zone, p_from, p_slot, true),
           homeward.slot_of((d.day + a.ends_at) AT TIME ZONE c.time_zone, p_from, p_slot, false)
    FROM homeward.staff_availability a
    JOIN homeward.staff st ON st.id = a.staff_id AND st.active
    JOIN homeward.centres c ON c.id = a.centre_id
    CROSS JOIN generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    CROSS JOIN LATERAL (SELECT g::date AS day) d
    WHERE extract(isodow FROM d.day) = a.weekday AND a.valid_from <= d.day AND (a.valid_to IS NULL OR a.valid_to >= d.day)
      AND (p_centre IS NULL OR c.code = p_centre)
      AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> d.day)
    ORDER BY 1, 2, 3
$$;
COMMENT ON FUNCTION homeward.instance_staff_windows(date, int, text, int) IS
    'Scheduling instance: the slots each active staff member is available at each centre, leave taken off.';

CREATE FUNCTION homeward.instance_staff_weeks(p_from date, p_days int, p_slot int)
RETURNS TABLE (staff text, start_slot int, end_slot int, limit_minutes float8, planned_minutes float8)
LANGUAGE sql STABLE AS $$
    WITH weeks AS (
        SELECT DISTINCT date_trunc('week', g)::date AS week_start
        FROM generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    ), outside AS (
        -- hours booked in the horizon's weeks but outside the horizon: the scheduler counts those inside itself
        SELECT ss.staff_id, date_trunc('week', homeward.local_day(s.starts_at))::date AS week_start,
               sum(extract(epoch FROM s.ends_at - s.starts_at) / 60) AS minutes
        FROM homeward.sessions s
        JOIN homeward.session_staff ss ON ss.session_id = s.id
        WHERE s.occupies
          AND s.starts_at >= ((SELECT min(week_start) FROM weeks)::timestamp AT TIME ZONE homeward.planning_zone())
          AND s.starts_at < (((SELECT max(week_start) FROM weeks) + 7)::timestamp AT TIME ZONE homeward.planning_zone())
          AND NOT s.during && tstzrange(homeward.horizon_start(p_from), homeward.horizon_start(p_from + p_days))
        GROUP BY 1, 2
    )
    SELECT st.code,
           homeward.slot_of(w.week_start::timestamp AT TIME ZONE homeward.planning_zone(), p_from, p_slot, false),
           homeward.slot_of((w.week_start + 7)::timestamp AT TIME ZONE homeward.planning_zone(), p_from, p_slot, false),
           (st.weekly_hour_limit * 60)::float8, coalesce(o.minutes, 0)::float8
    FROM homeward.staff st
    CROSS JOIN weeks w
    LEFT JOIN outside o ON o.staff_id = st.id AND o.week_start = w.week_start
    WHERE st.active
    ORDER BY 1, 2
$$;
COMMENT ON FUNCTION homeward.instance_staff_weeks(date, int, int) IS
    'Scheduling instance: each active staff member''s weekly limit per ISO week of the horizon and the minutes already booked in that week outside the horizon.';

CREATE FUNCTION homeward.instance_participants(p_from date, p_days int)
RETURNS TABLE (case_number text, languages text[], age int, is_child boolean, birthday_day int, limit_before int,
               limit_after int, sex text, family_id text, linked text[])
LANGUAGE sql STABLE AS $$
    SELECT p.case_number, p.languages, a.age, homeward.is_child_on(p.birth_date, p_from),
           nullif(least(b.day - p_from, p_days), p_days),
           homeward.max_sessions_per_day(homeward.age_group_on(p.birth_date, p_from)),
           homeward.max_sessions_per_day(homeward.age_group_on(p.birth_date, b.day)), p.sex::text,
           (SELECT min(fm.family_id)::text FROM homeward.family_members fm WHERE fm.participant_id = p.id),
           array(SELECT other.case_number FROM homeward.family_links fl
                 JOIN homeward.participants other ON other.id = CASE WHEN fl.participant_id = p.id
                                                                  THEN fl.related_participant_id ELSE fl.participant_id END
                 WHERE (fl.participant_id = p.id AND fl.related_participant_id IS NOT NULL) OR fl.related_participant_id = p.id
                 ORDER BY 1)
    FROM homeward.participants p
    CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, p_from) AS age) a
    CROSS JOIN LATERAL (SELECT homeward.day_turning(p.birth_date, a.age + 1) AS day) b
    WHERE p.status NOT IN ('completed', 'withdrawn')
      AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
    ORDER BY 1
$$;
COMMENT ON FUNCTION homeward.instance_participants(date, int) IS
    'Scheduling instance: participants with an active enrolment, their age and daily limit on the first day and, when a birthday falls inside the horizon, its day index and the limit from then on.';

CREATE FUNCTION homeward.instance_participant_windows(p_from date, p_days int, p_centre text, p_slot int)
RETURNS TABLE (case_number text, centre text, start_slot int, end_slot int)
LANGUAGE sql STABLE AS $$
    WITH placed AS (
        SELECT p.id AS participant_id, p.case_number, d.day, c.id AS centre_id, c.code AS centre, c.time_zone
        FROM homeward.participants p
        JOIN homeward.participant_placements pl ON pl.participant_id = p.id
        CROSS JOIN generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
        CROSS JOIN LATERAL (SELECT g::date AS day) d
        JOIN homeward.centres c ON c.id = pl.centre_id
        WHERE pl.during @> d.day AND p.status NOT IN ('completed', 'withdrawn') AND (p_centre IS NULL OR c.code = p_centre)
          AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
    ), free AS (
        SELECT pl.case_number, pl.centre, open.m - coalesce(busy.m, '{}'::tstzmultirange) AS m
        FROM placed pl
        CROSS JOIN LATERAL (
            SELECT range_agg(tstzrange((pl.day + h.opens_at) AT TIME ZONE pl.time_zone,
                                       (pl.day + h.closes_at) AT TIME ZONE pl.time_zone)) AS m
            FROM homeward.centre_opening_hours h
            WHERE h.centre_id = pl.centre_id AND h.weekday = extract(isodow FROM pl.day)) open
        CROSS JOIN LATERAL (
            SELECT range_agg(x) AS m FROM (
                SELECT tstzrange((pl.day + b.starts_at) AT TIME ZONE pl.time_zone,
                                 (pl.day + b.ends_at) AT TIME ZONE pl.time_zone) AS x
                FROM homeward.centre_timetable_blocks b
                WHERE b.centre_id = pl.centre_id AND b.weekday = extract(isodow FROM pl.day)
                UNION ALL
                SELECT tstzrange((pl.day + se.school_day_starts_at) AT TIME ZONE pl.time_zone,
                                 (pl.day + se.school_day_ends_at) AT TIME ZONE pl.time_zone + homeward.after_school_buffer())
                FROM homeward.school_enrolments se
                WHERE se.participant_id = pl.participant_id AND se.enrolled_from <= pl.day
                  AND (se.enrolled_to IS NULL OR se.enrolled_to >= pl.day)
                  AND extract(isodow FROM pl.day)::smallint = ANY (se.school_weekdays)
            ) blocked) busy
    )
    SELECT f.case_number, f.centre, homeward.slot_of(lower(r), p_from, p_slot, true), homeward.slot_of(upper(r), p_from, p_slot, false)
    FROM free f CROSS JOIN LATERAL unnest(f.m) AS r
    ORDER BY 1, lower(r)
$$;
COMMENT ON FUNCTION homeward.instance_participant_windows(date, int, text, int) IS
    'Scheduling instance: the slots each participant is free, day by day where they are placed: their centre open, outside its timetable blocks and school hours (plus the travel buffer).';

CREATE FUNCTION homeward.instance_need(p_from date, p_days int, p_freeze int)
RETURNS TABLE (enrolment_id bigint, participant_id bigint, case_number text, requirement_id bigint, requirement_code text,
               session_type text, mode text, staff_role text, group_min int, group_max int, duration_minutes int,
               room_kind text, requires_child_clearance boolean, paediatric_only boolean, week_start date,
               window_from date, window_to date, required int, due_in_week int, eligible_until date, family_id bigint)
LANGUAGE sql STABLE AS $$
    -- Per active enrolment, current-phase requirement and ISO week of the horizon: the days the plan may use (ages are
    -- judged per day: a birthday inside the week ends one age band's window and starts the next) and the sessions the
    -- week asks for (homeward.sessions_due_in_share).
    WITH weeks AS (
        SELECT DISTINCT date_trunc('week', g)::date AS week_start
        FROM generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    )
    SELECT e.id, p.id, p.case_number, q.id, q.code, q.session_type, q.mode, q.staff_role, q.group_min, q.group_max,
           q.duration_minutes, q.room_kind, q.requires_child_clearance, q.paediatric_only, w.week_start,
           greatest(w.week_start, p_from + p_freeze, e.phase_started_on, lower(el.days)),
           least(w.week_start + 7, p_from + p_days, e.phase_started_on + ph.duration_days, upper(el.days)),
           homeward.sessions_due_in_share(q.sessions_per_week, e.phase_started_on, w.week_start, el.days, p_from + p_days),
           homeward.sessions_due_in_week(q.sessions_per_week, e.phase_started_on, w.week_start),
           upper(el.days),
           (SELECT min(fm.family_id) FROM homeward.family_members fm WHERE fm.participant_id = p.id)
    FROM homeward.enrolments e
    JOIN homeward.participants p ON p.id = e.participant_id AND p.status NOT IN ('completed', 'withdrawn')
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    JOIN weeks w ON w.week_start + 7 > e.phase_started_on AND w.week_start < e.phase_started_on + ph.duration_days
    CROSS JOIN LATERAL (SELECT homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text) AS days) el
    WHERE e.status = 'active' AND el.days && daterange(w.week_start, w.week_start + 7)
$$;
COMMENT ON FUNCTION homeward.instance_need(date, int, int) IS
    'Scheduling instance: per active enrolment, current-phase requirement and ISO week of the horizon, the window of days the plan may use and the sessions the week asks for.';

CREATE FUNCTION homeward.instance_demand(p_from date, p_days int, p_centre text, p_freeze int, p_slot int)
RETURNS TABLE (enrolment_id bigint, case_number text, requirement_id bigint, requirement_code text, session_type text,
               mode text, staff_role text, group_min int, group_max int, duration_minutes int, room_kind text,
               requires_child_clearance boolean, paediatric_only boolean, week_start date, window_start int,
               window_end int, missing int, centre text, previous_staff text, family_id bigint, family_members text[])
LANGUAGE sql STABLE AS $$
    WITH need AS (
        SELECT * FROM homeward.instance_need(p_from, p_days, p_freeze) n WHERE n.window_from < n.window_to
    ), span AS (
        SELECT (min(week_start)::timestamp AT TIME ZONE homeward.planning_zone()) AS from_at,
               ((max(week_start) + 7)::timestamp AT TIME ZONE homeward.planning_zone()) AS to_at
        FROM need
    ), booked AS (
        -- sessions planned or held in the horizon's weeks, once each, with their ISO week in the planning zone
        SELECT s.id, s.requirement_id, s.mode, s.family_id, date_trunc('week', homeward.local_day(s.starts_at))::date AS week_start
        FROM homeward.sessions s, span
        WHERE s.occupies AND s.starts_at >= span.from_at AND s.starts_at < span.to_at
    ), held_by_participant AS (
        SELECT sp.participant_id, b.requirement_id, b.week_start, count(*)::int AS sessions
        FROM booked b JOIN homeward.session_participants sp ON sp.session_id = b.id
        WHERE b.requirement_id IS NOT NULL
        GROUP BY 1, 2, 3
    ), held_by_family AS (
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
    ), families AS (
        SELECT fm.family_id, array_agg(p.case_number ORDER BY p.case_number) AS members
        FROM homeward.family_members fm JOIN homeward.participants p ON p.id = fm.participant_id
        WHERE fm.family_id IN (SELECT n.family_id FROM need n WHERE n.mode = 'family')
        GROUP BY 1
    ), counted AS (
        SELECT n.*,
               n.required - coalesce(CASE WHEN n.mode = 'family' THEN hf.sessions ELSE hp.sessions END, 0) AS missing,
               c.code AS centre, pv.code AS previous_staff, f.members AS family_members
        FROM need n
        LEFT JOIN held_by_participant hp ON n.mode <> 'family' AND hp.participant_id = n.participant_id
                                        AND hp.requirement_id = n.requirement_id AND hp.week_start = n.week_start
        LEFT JOIN held_by_family hf ON n.mode = 'family' AND hf.family_id = n.family_id AND hf.week_start = n.week_start
        LEFT JOIN homeward.participant_placements pl ON pl.participant_id = n.participant_id AND pl.during @> n.window_from
        LEFT JOIN homeward.centres c ON c.id = pl.centre_id
        LEFT JOIN previous pv ON pv.participant_id = n.participant_id AND pv.role = n.staff_role
        LEFT JOIN families f ON n.mode = 'family' AND f.family_id = n.family_id
    )
    -- One family session a week serves every member's family requirement: one demand per family and week, from the
    -- member whose programme asks for the most.
    SELECT DISTINCT ON (CASE WHEN x.mode = 'family' THEN 'f' || coalesce(x.family_id::text, x.case_number) ELSE x.case_number END,
                        CASE WHEN x.mode = 'family' THEN 0 ELSE x.requirement_id END, x.week_start)
           x.enrolment_id, x.case_number, x.requirement_id, x.requirement_code, x.session_type, x.mode, x.staff_role,
           coalesce(x.group_min, 2), coalesce(x.group_max, 8), x.duration_minutes, x.room_kind, x.requires_child_clearance,
           x.paediatric_only, x.week_start,
           homeward.slot_of(x.window_from::timestamp AT TIME ZONE homeward.planning_zone(), p_from, p_slot, false),
           homeward.slot_of(x.window_to::timestamp AT TIME ZONE homeward.planning_zone(), p_from, p_slot, false),
           x.missing, x.centre, x.previous_staff, x.family_id, x.family_members
    FROM counted x
    WHERE x.missing > 0 AND x.centre IS NOT NULL AND (p_centre IS NULL OR x.centre = p_centre)
    ORDER BY CASE WHEN x.mode = 'family' THEN 'f' || coalesce(x.family_id::text, x.case_number) ELSE x.case_number END,
             CASE WHEN x.mode = 'family' THEN 0 ELSE x.requirement_id END, x.week_start, x.missing DESC, x.requirement_id
$$;
COMMENT ON FUNCTION homeward.instance_demand(date, int, text, int, int) IS
    'Scheduling instance: demand units per requirement-week (a family''s family sessions once per family and week): the sessions still missing after what is planned or held, the window in slots, the centre, the previous staff member of the role and the family''s members.';

CREATE FUNCTION homeward.instance_ages_out(p_from date, p_days int, p_centre text, p_freeze int)
RETURNS TABLE (case_number text, requirement_id bigint, week_start date, sessions int, eligible_until date,
               requirement_code text, centre text)
LANGUAGE sql STABLE AS $$
    SELECT n.case_number, n.requirement_id, n.week_start, n.due_in_week - n.required, n.eligible_until, n.requirement_code, c.code
    FROM homeward.instance_need(p_from, p_days, p_freeze) n
    JOIN homeward.participant_placements pl ON pl.participant_id = n.participant_id AND pl.during @> p_from
    JOIN homeward.centres c ON c.id = pl.centre_id
    WHERE n.eligible_until > greatest(n.week_start, p_from)
      AND n.eligible_until < least(n.week_start + 7, p_from + p_days)
      AND n.due_in_week > n.required
      AND (p_centre IS NULL OR c.code = p_centre)
    ORDER BY 1, 2, 3
$$;
COMMENT ON FUNCTION homeward.instance_ages_out(date, int, text, int) IS
    'Requirement-weeks a birthday cuts short inside the plan: the sessions of the rest of the week, reported as participant_ages_out.';

CREATE FUNCTION homeward.instance_existing(p_from date, p_days int, p_slot int)
RETURNS TABLE (session_id bigint, staff text[], room text, participants text[], start_slot int, end_slot int,
               session_type text, requirement_id text, mode text)
LANGUAGE sql STABLE AS $$
    SELECT s.id,
           array(SELECT st.code FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                 WHERE ss.session_id = s.id ORDER BY 1),
           c.code || '/' || r.code,
           array(SELECT p.case_number FROM homeward.session_participants sp JOIN homeward.participants p ON p.id = sp.participant_id
                 WHERE sp.session_id = s.id ORDER BY 1),
           homeward.slot_of(s.starts_at, p_from, p_slot, false), homeward.slot_of(s.ends_at, p_from, p_slot, true),
           s.session_type, coalesce(s.requirement_id::text, ''), s.mode
    FROM homeward.sessions s
    JOIN homeward.rooms r ON r.id = s.room_id
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE s.occupies AND s.during && tstzrange(homeward.horizon_start(p_from), homeward.horizon_start(p_from + p_days))
    ORDER BY s.id
$$;
COMMENT ON FUNCTION homeward.instance_existing(date, int, int) IS
    'Scheduling instance: planned and held sessions overlapping the horizon, fixed: they block staff, rooms and participants.';

CREATE FUNCTION homeward.instance_behind() RETURNS TABLE (case_number text, behind float8)
LANGUAGE sql STABLE AS $$
    SELECT e.case_number, greatest(0, least(1, 1 - min(e.pace)))::float8
    FROM homeward.enrolment_progress e WHERE e.pace IS NOT NULL AND e.required_to_date > 0
    GROUP BY 1
$$;
COMMENT ON FUNCTION homeward.instance_behind() IS
    'Scheduling instance: how far behind each participant is (1 − their slowest enrolment''s pace); the scheduler serves those furthest behind first.';

DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'homeward'::regnamespace
               AND (p.proname LIKE 'instance\_%' OR p.proname IN ('horizon_start', 'slot_of'))
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO PUBLIC', f);
    END LOOP;
END $$;
