-- 0039_instance_read_costs_what_it_touches: the nightly's read of the scheduling instance costs what it touches (issue 15).
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0037 (0038 and 0040
-- touch other functions). Nothing here changes what is read: the instance of the 10,000-participant bench world is byte
-- for byte the one of 0037 (the md5 of its JSON), and InstanceReadTests compares every function below, row for row, with
-- its landed definition. Only how it is read:
--   * participants' free hours (instance_participant_windows): a centre's free hours on a day (opening hours minus
--     timetable blocks) and their slots are computed once per centre and day, not once per participant and day; school
--     hours and busy times are joined to the days of those who have them, not probed for every participant and day;
--   * the need (instance_need_of): the family of each participant and week is one aggregate joined on equal keys, not
--     a subquery per requirement row; the rows computed carry ids and values only, the participant's and the
--     requirement's columns are joined to them at the end (and not at all by a caller that does not read them);
--   * the demand (instance_demand): narrow rows (the requirement's columns are joined to the rows left at the end),
--     only requirement-weeks with sessions required are counted, the staff last seen is one aggregate over the seats
--     (no third join to sessions), the individual plan's preference is computed once per plan, and the counted rows
--     are MATERIALIZED so that their joins stay outer joins on equal keys whatever the planner estimates;
--   * participants (instance_participants): the daily limits are read from the settings once, not twice a participant,
--     and the linked participants and the families are aggregates joined once.

------------------------------------------------------------------------------------------------
-- Participants' free hours
------------------------------------------------------------------------------------------------

-- 0028's function with the same rows in the same order. Most participants have no hours of their own: their free
-- ranges are their centre's day, whose slots are computed once (centre_slots) and joined; only the days of those with
-- school hours or busy times subtract them, per person.
CREATE OR REPLACE FUNCTION homeward.instance_participant_windows(p_from date, p_days integer, p_centre text, p_slot integer)
 RETURNS TABLE(case_number text, centre text, start_slot integer, end_slot integer)
 LANGUAGE sql
 STABLE
AS $function$
    WITH placed AS MATERIALIZED (
        SELECT p.id AS participant_id, p.case_number, d.day, c.id AS centre_id, c.code AS centre, c.time_zone
        FROM homeward.participants p
        JOIN homeward.participant_placements pl ON pl.participant_id = p.id
        CROSS JOIN generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
        CROSS JOIN LATERAL (SELECT g::date AS day) d
        JOIN homeward.centres c ON c.id = pl.centre_id
        WHERE pl.during @> d.day AND p.status NOT IN ('completed', 'withdrawn') AND (p_centre IS NULL OR c.code = p_centre)
          AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
    ), centre_days AS MATERIALIZED (
        -- a centre's free hours on a day: opening hours minus timetable blocks (NULL when it does not open)
        SELECT x.centre_id, x.day,
               (SELECT range_agg(tstzrange((x.day + h.opens_at) AT TIME ZONE x.time_zone, (x.day + h.closes_at) AT TIME ZONE x.time_zone))
                FROM homeward.centre_opening_hours h
                WHERE h.centre_id = x.centre_id AND h.weekday = extract(isodow FROM x.day))
               - coalesce((SELECT range_agg(tstzrange((x.day + b.starts_at) AT TIME ZONE x.time_zone, (x.day + b.ends_at) AT TIME ZONE x.time_zone))
                           FROM homeward.centre_timetable_blocks b
                           WHERE b.centre_id = x.centre_id AND b.weekday = extract(isodow FROM x.day)), '{}'::tstzmultirange) AS open
        FROM (SELECT DISTINCT pl.centre_id, pl.day, pl.time_zone FROM placed pl) x
    ), personal AS MATERIALIZED (
        -- school hours (plus travel) and personal busy times (0024), on the days of those who have any
        SELECT y.participant_id, y.day, range_agg(y.x) AS m
        FROM (
            SELECT pl.participant_id, pl.day,
                   tstzrange((pl.day + se.school_day_starts_at) AT TIME ZONE pl.time_zone,
                             (pl.day + se.school_day_ends_at) AT TIME ZONE pl.time_zone + homeward.after_school_buffer()) AS x
            FROM placed pl
            JOIN homeward.school_enrolments se ON se.participant_id = pl.participant_id
            WHERE se.enrolled_from <= pl.day AND (se.enrolled_to IS NULL OR se.enrolled_to >= pl.day)
              AND extract(isodow FROM pl.day)::smallint = ANY (se.school_weekdays)
            UNION ALL
            SELECT pl.participant_id, pl.day, bt.during
            FROM placed pl
            JOIN homeward.participant_busy_times bt ON bt.participant_id = pl.participant_id
            WHERE bt.during && tstzrange(pl.day::timestamp AT TIME ZONE pl.time_zone, (pl.day + 1)::timestamp AT TIME ZONE pl.time_zone)
        ) y
        GROUP BY y.participant_id, y.day
    ), centre_slots AS MATERIALIZED (
        -- the slots of each centre's free ranges on a day, once
        SELECT cd.centre_id, cd.day, lower(r) AS starts,
               homeward.slot_at(lower(r), (SELECT homeward.horizon_start(p_from)), p_slot, true) AS start_slot,
               homeward.slot_at(upper(r), (SELECT homeward.horizon_start(p_from)), p_slot, false) AS end_slot
        FROM centre_days cd CROSS JOIN LATERAL unnest(cd.open) AS r
    ), free AS (
        -- those without hours of their own: their centre's day
        SELECT pl.case_number, pl.centre, cs.starts, cs.start_slot, cs.end_slot
        FROM placed pl
        JOIN centre_slots cs ON cs.centre_id = pl.centre_id AND cs.day = pl.day
        WHERE NOT EXISTS (SELECT 1 FROM personal pe WHERE pe.participant_id = pl.participant_id AND pe.day = pl.day)
        UNION ALL
        -- the others: their centre's day minus their own hours
        SELECT pl.case_number, pl.centre, lower(r),
               homeward.slot_at(lower(r), (SELECT homeward.horizon_start(p_from)), p_slot, true),
               homeward.slot_at(upper(r), (SELECT homeward.horizon_start(p_from)), p_slot, false)
        FROM placed pl
        JOIN centre_days cd ON cd.centre_id = pl.centre_id AND cd.day = pl.day
        JOIN personal pe ON pe.participant_id = pl.participant_id AND pe.day = pl.day
        CROSS JOIN LATERAL unnest(cd.open - pe.m) AS r
    )
    SELECT f.case_number, f.centre, f.start_slot, f.end_slot
    FROM free f
    ORDER BY f.case_number, f.starts
$function$;

------------------------------------------------------------------------------------------------
-- The need: a family per participant and week joined once
------------------------------------------------------------------------------------------------

-- 0035's function with the same rows: the family of each participant in each week of the horizon (the lowest family
-- they are a member of that week) is one aggregate over the family members joined on equal keys, not a subquery per
-- requirement row; the rows computed (base) carry ids and values, and the participant's and requirement's columns are
-- joined on their keys at the end, by LEFT JOINs the planner leaves out when the caller reads none of their columns.
CREATE OR REPLACE FUNCTION homeward.instance_need_of(p_from date, p_days int, p_freeze int, p_participants bigint[])
RETURNS TABLE (enrolment_id bigint, participant_id bigint, case_number text, requirement_id bigint, requirement_code text,
               session_type text, mode text, staff_role text, group_min int, group_max int, duration_minutes int,
               room_kind text, requires_child_clearance boolean, paediatric_only boolean, week_start date,
               window_from date, window_to date, required int, due_in_week int, eligible_until date, family_id bigint)
LANGUAGE sql STABLE AS $$
    WITH weeks AS MATERIALIZED (
        SELECT DISTINCT date_trunc('week', g)::date AS week_start
        FROM generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    ), families AS MATERIALIZED (
        SELECT fm.participant_id, w.week_start, min(fm.family_id) AS family_id
        FROM homeward.family_members fm
        JOIN weeks w ON homeward.family_member_on(fm.left_on, w.week_start)
        WHERE p_participants IS NULL OR fm.participant_id = ANY (p_participants)
        GROUP BY fm.participant_id, w.week_start
    ), base AS MATERIALIZED (
        SELECT e.id AS enrolment_id, p.id AS participant_id, q.id AS requirement_id,
               w.week_start, e.phase_started_on, coalesce(ip.sessions_per_week, q.sessions_per_week) AS rate, pa.paused,
               lower(d.plan_days) AS plan_from, upper(d.plan_days) AS plan_to, upper(el.days) AS eligible_until,
               greatest(win.first_day, pz.pause_ends) AS window_from, least(win.end_day, pz.pause_starts) AS window_to,
               f.family_id
        FROM homeward.enrolments e
        JOIN homeward.participants p ON p.id = e.participant_id AND p.status NOT IN ('completed', 'withdrawn')
        JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
        JOIN homeward.phase_requirements q ON q.phase_id = ph.id
        JOIN weeks w ON w.week_start + 7 > e.phase_started_on AND w.week_start < e.phase_started_on + ph.duration_days
        LEFT JOIN families f ON f.participant_id = p.id AND f.week_start = w.week_start
        LEFT JOIN homeward.individual_plans ip ON ip.participant_id = p.id AND ip.requirement_id = q.id
        -- the paused days of each plan, aggregated once
        LEFT JOIN (SELECT pp.participant_id, pp.requirement_id, range_agg(pp.during) AS paused FROM homeward.plan_pauses pp GROUP BY 1, 2) pa
               ON pa.participant_id = p.id AND pa.requirement_id = q.id
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
          AND (p_participants IS NULL OR p.id = ANY (p_participants))
    )
    SELECT b.enrolment_id, b.participant_id, p.case_number, b.requirement_id, q.code, q.session_type, q.mode, q.staff_role,
           q.group_min, q.group_max, q.duration_minutes, q.room_kind, q.requires_child_clearance, q.paediatric_only, b.week_start,
           b.window_from, b.window_to,
           coalesce(homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.plan_to)
                    - homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.plan_from), 0),
           homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.week_start + 7)
               - homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.week_start),
           b.eligible_until, b.family_id
    FROM base b
    -- the participant's and the requirement's columns, joined to the rows computed (on their keys: a caller that does
    -- not read them does not join them)
    LEFT JOIN homeward.participants p ON p.id = b.participant_id
    LEFT JOIN homeward.phase_requirements q ON q.id = b.requirement_id
$$;

------------------------------------------------------------------------------------------------
-- The demand
------------------------------------------------------------------------------------------------

-- 0028's function with the same rows in the same order:
--   * the rows carry keys and values; the requirement's columns, the case number and the centre's code are joined to
--     the rows left at the end (81,000 of 141,000 at 10,000 participants);
--   * only requirement-weeks with sessions required are counted (a week with none can miss none); the families' windows
--     are still taken from every requirement-week of theirs;
--   * the staff member a participant saw last: each participant's latest seat with each staff member (one aggregate
--     over the seats and the sessions' staff; a seat carries its session's time and whether it occupies it, 0002's
--     foreign key), then the latest per role; of two staff members of the same role in the same latest session, the
--     one with the lowest code (0028 took either);
--   * the individual plan's preferred staff member, once per plan.
CREATE OR REPLACE FUNCTION homeward.instance_demand(p_from date, p_days integer, p_centre text, p_freeze integer, p_slot integer)
 RETURNS TABLE(enrolment_id bigint, case_number text, requirement_id bigint, requirement_code text, session_type text, mode text,
               staff_role text, group_min integer, group_max integer, duration_minutes integer, room_kind text,
               requires_child_clearance boolean, paediatric_only boolean, week_start date, window_start integer, window_end integer,
               missing integer, centre text, previous_staff text, family_id bigint, family_members text[])
 LANGUAGE sql
 STABLE
AS $function$
    WITH need_all AS MATERIALIZED (
        -- the keys and the values the demand computes with; the requirement's and the participant's columns are joined
        -- to the few rows left at the end
        SELECT n.enrolment_id, n.participant_id, n.requirement_id, n.mode, n.staff_role, n.week_start, n.window_from,
               n.window_to, n.required, n.family_id
        FROM homeward.instance_need(p_from, p_days, p_freeze) n WHERE n.window_from < n.window_to
    ), span AS (
        SELECT (min(week_start)::timestamp AT TIME ZONE (SELECT homeward.planning_zone())) AS from_at,
               ((max(week_start) + 7)::timestamp AT TIME ZONE (SELECT homeward.planning_zone())) AS to_at
        FROM need_all
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
    ), previous AS MATERIALIZED (
        -- the staff member of each role a participant saw last (planned or held), for continuity: each participant's
        -- latest seat with each staff member first (one aggregate over the seats), then the latest of those per role
        SELECT DISTINCT ON (x.participant_id, sr.role) x.participant_id, sr.role, st.code
        FROM (SELECT sp.participant_id, ss.staff_id, max(lower(sp.during)) AS latest
              FROM homeward.session_participants sp
              JOIN homeward.session_staff ss ON ss.session_id = sp.session_id
              WHERE sp.occupies
              GROUP BY sp.participant_id, ss.staff_id) x
        JOIN homeward.staff st ON st.id = x.staff_id AND st.active
        JOIN homeward.staff_roles sr ON sr.staff_id = st.id
        ORDER BY x.participant_id, sr.role, x.latest DESC, st.code
    ), families AS MATERIALIZED (
        -- the members who remain through the week's window (a member who leaves inside it is no longer expected, and the
        -- window starts on the day she leaves: before it, the family session would have to seat her); the window is
        -- the latest of every member's requirement-week, sessions required or not
        SELECT fw.family_id, fw.week_start, array_agg(p.case_number ORDER BY p.case_number) AS members,
               (SELECT max(d.left_on) FROM homeward.family_members d WHERE d.family_id = fw.family_id AND d.left_on < fw.window_to) AS since
        FROM (SELECT n.family_id, n.week_start, max(n.window_to) AS window_to FROM need_all n
              WHERE n.mode = 'family' AND n.family_id IS NOT NULL GROUP BY 1, 2) fw
        JOIN homeward.family_members fm ON fm.family_id = fw.family_id AND homeward.family_member_on(fm.left_on, fw.window_to - 1)
        JOIN homeward.participants p ON p.id = fm.participant_id AND p.status NOT IN ('completed', 'withdrawn')
        -- members the scheduler knows (homeward.instance_participants): a discharged member is not expected
        WHERE EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
        GROUP BY fw.family_id, fw.week_start, fw.window_to
    ), preferred AS MATERIALIZED (
        -- the individual plan's preferred staff member, or else one who speaks its preferred language (the previous
        -- staff member when they do): soft, through the scheduler's continuity weight; once per plan
        SELECT ip.participant_id, ip.requirement_id,
               coalesce(st.code,
                        CASE WHEN pv.code IS NOT NULL AND ip.preferred_language = ANY (pvs.languages) THEN pv.code END,
                        (SELECT min(ls.code) FROM homeward.staff ls JOIN homeward.staff_roles lr ON lr.staff_id = ls.id
                         WHERE ls.active AND lr.role = q.staff_role AND ip.preferred_language = ANY (ls.languages))) AS code
        FROM homeward.individual_plans ip
        JOIN homeward.phase_requirements q ON q.id = ip.requirement_id
        LEFT JOIN homeward.staff st ON st.id = ip.preferred_staff_id AND st.active
        LEFT JOIN previous pv ON pv.participant_id = ip.participant_id AND pv.role = q.staff_role
        LEFT JOIN homeward.staff pvs ON pvs.code = pv.code
        WHERE ip.preferred_staff_id IS NOT NULL OR ip.preferred_language IS NOT NULL
    ), counted AS MATERIALIZED (
        -- the requirement-weeks with sessions required. MATERIALIZED: the filters below stay below, so these joins stay
        -- outer joins on equal keys, planned for every requirement-week (the planner cannot estimate how many of them
        -- miss sessions, and took one row for 80,000)
        SELECT n.enrolment_id, n.participant_id, n.requirement_id, n.mode, n.week_start, n.window_from, n.window_to, n.family_id,
               n.required - coalesce(CASE WHEN n.mode = 'family' THEN hf.sessions ELSE hp.sessions END, 0) AS missing,
               pl.centre_id, coalesce(pf.code, pv.code) AS previous_staff, f.members AS family_members, f.since AS family_since
        FROM need_all n
        LEFT JOIN held_by_participant hp ON n.mode <> 'family' AND hp.participant_id = n.participant_id
                                        AND hp.requirement_id = n.requirement_id AND hp.week_start = n.week_start
        LEFT JOIN held_by_family hf ON n.mode = 'family' AND hf.family_id = n.family_id AND hf.week_start = n.week_start
        LEFT JOIN homeward.participant_placements pl ON pl.participant_id = n.participant_id AND pl.during @> n.window_from
        LEFT JOIN previous pv ON pv.participant_id = n.participant_id AND pv.role = n.staff_role
        LEFT JOIN families f ON n.mode = 'family' AND f.family_id = n.family_id AND f.week_start = n.week_start
        LEFT JOIN preferred pf ON pf.participant_id = n.participant_id AND pf.requirement_id = n.requirement_id
        WHERE n.required > 0
    ), short AS (
        SELECT x.*, p.case_number, c.code AS centre
        FROM counted x
        JOIN homeward.participants p ON p.id = x.participant_id
        JOIN homeward.centres c ON c.id = x.centre_id
        WHERE x.missing > 0 AND (p_centre IS NULL OR c.code = p_centre)
    )
    -- One family session a week serves every member's family requirement: one demand per family and week, from the
    -- member whose programme asks for the most.
    SELECT DISTINCT ON (CASE WHEN x.mode = 'family' THEN 'f' || coalesce(x.family_id::text, x.case_number) ELSE x.case_number END,
                        CASE WHEN x.mode = 'family' THEN 0 ELSE x.requirement_id END, x.week_start)
           x.enrolment_id, x.case_number, x.requirement_id, q.code, q.session_type, x.mode, q.staff_role,
           coalesce(q.group_min, 2), coalesce(q.group_max, 8), q.duration_minutes, q.room_kind, q.requires_child_clearance,
           q.paediatric_only, x.week_start,
           homeward.slot_at(greatest(x.window_from, x.family_since)::timestamp AT TIME ZONE (SELECT homeward.planning_zone()), (SELECT homeward.horizon_start(p_from)), p_slot, false),
           homeward.slot_at(x.window_to::timestamp AT TIME ZONE (SELECT homeward.planning_zone()), (SELECT homeward.horizon_start(p_from)), p_slot, false),
           x.missing, x.centre, x.previous_staff, x.family_id, x.family_members
    FROM short x
    JOIN homeward.phase_requirements q ON q.id = x.requirement_id
    ORDER BY CASE WHEN x.mode = 'family' THEN 'f' || coalesce(x.family_id::text, x.case_number) ELSE x.case_number END,
             CASE WHEN x.mode = 'family' THEN 0 ELSE x.requirement_id END, x.week_start, x.missing DESC, x.requirement_id,
             -- ties between family members (the same requirement, as many missing) go to the lowest case number (0028)
             x.case_number
$function$;

------------------------------------------------------------------------------------------------
-- Participants
------------------------------------------------------------------------------------------------

-- 0028's function with the same rows in the same order: the daily limits of the three age groups are read from the
-- settings once (homeward.max_sessions_per_day is a SECURITY DEFINER function the planner cannot inline: twice a
-- participant, it was most of the cost), and the linked participants are one aggregate over the links, not a query per
-- participant.
CREATE OR REPLACE FUNCTION homeward.instance_participants(p_from date, p_days integer)
 RETURNS TABLE(case_number text, languages text[], age integer, is_child boolean, birthday_day integer, limit_before integer,
               limit_after integer, sex text, family_id text, linked text[])
 LANGUAGE sql
 STABLE
AS $function$
    WITH limits AS MATERIALIZED (
        SELECT homeward.max_sessions_per_day('young_child') AS young_child, homeward.max_sessions_per_day('child') AS child,
               homeward.max_sessions_per_day('adult') AS adult
    ), links AS MATERIALIZED (
        -- each link seen from both ends (a link to a relative who is not a participant has no other end)
        SELECT x.participant_id, array_agg(other.case_number ORDER BY other.case_number) AS linked
        FROM (SELECT fl.participant_id, fl.related_participant_id AS other_id FROM homeward.family_links fl
              WHERE fl.related_participant_id IS NOT NULL
              UNION ALL
              SELECT fl.related_participant_id, fl.participant_id FROM homeward.family_links fl
              WHERE fl.related_participant_id IS NOT NULL) x
        JOIN homeward.participants other ON other.id = x.other_id
        GROUP BY x.participant_id
    ), families AS MATERIALIZED (
        SELECT fm.participant_id, min(fm.family_id)::text AS family_id
        FROM homeward.family_members fm WHERE homeward.family_member_on(fm.left_on, p_from)
        GROUP BY fm.participant_id
    )
    SELECT p.case_number, p.languages, a.age, homeward.is_child_on(p.birth_date, p_from),
           nullif(least(b.day - p_from, p_days), p_days),
           CASE homeward.age_group_on(p.birth_date, p_from) WHEN 'young_child' THEN l.young_child WHEN 'child' THEN l.child
                                                            ELSE l.adult END,
           CASE homeward.age_group_on(p.birth_date, b.day) WHEN 'young_child' THEN l.young_child WHEN 'child' THEN l.child
                                                           ELSE l.adult END,
           p.sex::text, f.family_id, coalesce(k.linked, '{}')
    FROM homeward.participants p
    CROSS JOIN limits l
    CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, p_from) AS age) a
    CROSS JOIN LATERAL (SELECT homeward.day_turning(p.birth_date, a.age + 1) AS day) b
    LEFT JOIN families f ON f.participant_id = p.id
    LEFT JOIN links k ON k.participant_id = p.id
    WHERE p.status NOT IN ('completed', 'withdrawn')
      AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
    ORDER BY 1
$function$;
