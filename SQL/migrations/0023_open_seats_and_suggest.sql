-- 0023_open_seats_and_suggest: newcomers join the groups that already meet; a day's free rooms and staff.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0022.
--
-- * homeward.session_open_seats(session ids): seats a planned group session still offers (the smaller of its room's
--   capacity and its requirement's group_max, minus those seated). `session join` names them when it refuses.
-- * homeward.instance_open_seats(from, days, slot): the planned group sessions of the horizon that follow a
--   requirement, carry no override and have seats left (a demand's window, after the freeze window, says which of
--   them a newcomer may still take). The scheduler reads it next to
--   homeward.instance_existing (0018, unchanged) and lets a group demand of the same requirement take such a seat
--   before it forms new groups; the nightly writes those seats as session_participants rows in its one transaction
--   (audited like every seat, checked by the booking rules of 0019).
-- * The scheduler may now seat people in group sessions booked by hand, not only in those of its own runs (the policy
--   scheduler_adds_its_runs on session_participants); it still creates sessions only as part of a recorded run.
-- * homeward.centre_free(centre, day): rooms and staff of a centre with their free intervals that day in the centre's
--   local time: a room's opening hours minus its occupying sessions; a staff member's availability there (inside
--   opening hours, not on leave) minus their occupying sessions anywhere. Invoker's rights: row-level security applies,
--   and a coordinator gets rows only for the centres they coordinate (homeward.visible_centre_ids).

CREATE FUNCTION homeward.session_open_seats(p_session_ids bigint[])
RETURNS TABLE (session_id bigint, room_capacity int, group_max int, seated int, open_seats int)
LANGUAGE sql STABLE AS $$
    SELECT s.id, r.capacity, q.group_max, n.seated,
           greatest(0, least(r.capacity, coalesce(q.group_max, r.capacity)) - n.seated)
    FROM homeward.sessions s
    JOIN homeward.rooms r ON r.id = s.room_id
    LEFT JOIN homeward.phase_requirements q ON q.id = s.requirement_id
    CROSS JOIN LATERAL (SELECT count(*)::int AS seated FROM homeward.session_participants sp WHERE sp.session_id = s.id) n
    WHERE s.id = ANY (p_session_ids) AND s.mode = 'group'
    ORDER BY s.id
$$;
COMMENT ON FUNCTION homeward.session_open_seats(bigint[]) IS
    'Seats each given group session still offers: least(room capacity, requirement group_max) minus the participants seated.';
GRANT EXECUTE ON FUNCTION homeward.session_open_seats(bigint[]) TO PUBLIC;

CREATE FUNCTION homeward.instance_open_seats(p_from date, p_days int, p_slot int)
RETURNS TABLE (session_id bigint, centre text, open_seats int)
LANGUAGE sql STABLE AS $$
    SELECT o.session_id, c.code, o.open_seats
    FROM homeward.sessions s
    JOIN homeward.centres c ON c.id = s.centre_id
    CROSS JOIN LATERAL homeward.session_open_seats(ARRAY[s.id]) o
    WHERE s.status = 'planned' AND s.mode = 'group' AND s.requirement_id IS NOT NULL AND s.override_reason IS NULL
      AND s.during && tstzrange(homeward.horizon_start(p_from), homeward.horizon_start(p_from + p_days))
      AND o.open_seats > 0
    ORDER BY s.id
$$;
COMMENT ON FUNCTION homeward.instance_open_seats(date, int, int) IS
    'Scheduling instance: planned group sessions of the horizon with seats a newcomer of the same requirement may take.';
GRANT EXECUTE ON FUNCTION homeward.instance_open_seats(date, int, int) TO PUBLIC;

ALTER POLICY scheduler_adds_its_runs ON homeward.session_participants
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s
                        WHERE s.id = session_id
                          AND (s.schedule_run_id IS NOT NULL OR s.repair_of_session_id IS NOT NULL
                               OR (s.mode = 'group' AND s.status = 'planned'))));
COMMENT ON POLICY scheduler_adds_its_runs ON homeward.session_participants IS
    'The scheduler seats people in the sessions of its runs and of its repairs (0022), and in open seats of planned group sessions.';

CREATE FUNCTION homeward.sees_centre(p_centre_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user)
        OR NOT pg_has_role(session_user, 'homeward_coordinator', 'MEMBER')
        OR p_centre_id IN (SELECT homeward.visible_centre_ids())
$$;
COMMENT ON FUNCTION homeward.sees_centre(bigint) IS
    'Whether the login sees all of a centre''s sessions: any login but a coordinator does; a coordinator for the centres they coordinate.';
GRANT EXECUTE ON FUNCTION homeward.sees_centre(bigint) TO PUBLIC;

CREATE FUNCTION homeward.centre_free(p_centre text, p_day date)
RETURNS TABLE (kind text, code text, name text, free_from time, free_to time)
LANGUAGE sql STABLE AS $$
WITH centre AS (
    SELECT c.id, c.time_zone FROM homeward.centres c
    WHERE c.code = p_centre
      -- A coordinator sees only the sessions of their own centres, so only those centres' free time is true for them.
      AND homeward.sees_centre(c.id)
),
bounds AS (
    SELECT tstzrange(p_day AT TIME ZONE k.time_zone, (p_day + 1) AT TIME ZONE k.time_zone) AS day FROM centre k
),
opening AS (
    SELECT coalesce(range_agg(tstzrange((p_day + h.opens_at) AT TIME ZONE k.time_zone, (p_day + h.closes_at) AT TIME ZONE k.time_zone)),
                    '{}'::tstzmultirange) AS open
    FROM centre k
    LEFT JOIN homeward.centre_opening_hours h ON h.centre_id = k.id AND h.weekday = extract(isodow FROM p_day)
),
room_free AS (
    SELECT 'room'::text AS kind, r.code, r.name,
           (SELECT open FROM opening)
             - coalesce((SELECT range_agg(s.during) FROM homeward.sessions s WHERE s.room_id = r.id AND s.occupies AND s.during && (SELECT day FROM bounds)),
                        '{}'::tstzmultirange) AS free
    FROM homeward.rooms r JOIN centre k ON k.id = r.centre_id
),
staff_free AS (
    SELECT 'staff'::text AS kind, st.code, st.given_name || ' ' || st.family_name AS name,
           (coalesce((SELECT range_agg(tstzrange((p_day + a.starts_at) AT TIME ZONE k.time_zone, (p_day + a.ends_at) AT TIME ZONE k.time_zone))
                      FROM homeward.staff_availability a
                      WHERE a.staff_id = st.id AND a.centre_id = k.id AND a.weekday = extract(isodow FROM p_day)
                        AND a.valid_from <= p_day AND (a.valid_to IS NULL OR a.valid_to >= p_day)), '{}'::tstzmultirange)
             * (SELECT open FROM opening))
             - coalesce((SELECT range_agg(ss.during) FROM homeward.session_staff ss WHERE ss.staff_id = st.id AND ss.occupies AND ss.during && (SELECT day FROM bounds)),
                        '{}'::tstzmultirange) AS free
    FROM homeward.staff st
    JOIN homeward.staff_centres sc ON sc.staff_id = st.id
    JOIN centre k ON k.id = sc.centre_id
    WHERE st.active AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> p_day)
)
SELECT f.kind, f.code, f.name, (lower(u.r) AT TIME ZONE k.time_zone)::time, (upper(u.r) AT TIME ZONE k.time_zone)::time
FROM (SELECT * FROM room_free UNION ALL SELECT * FROM staff_free) f
CROSS JOIN centre k
CROSS JOIN LATERAL unnest(f.free) AS u(r)
ORDER BY 1, 2, 4
$$;
COMMENT ON FUNCTION homeward.centre_free(text, date) IS
    'Rooms and staff of a centre with their free intervals on a day, in the centre''s local time: opening hours (and for staff their availability there, not on leave) minus occupying sessions.';
GRANT EXECUTE ON FUNCTION homeward.centre_free(text, date) TO PUBLIC;
