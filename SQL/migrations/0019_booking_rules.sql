-- 0019_booking_rules: a session booked by hand obeys the rules the scheduler obeys, checked once, in the database.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0018.
--
-- * homeward.session_rule_violations(session ids): every hard-rule violation among those planned sessions, one row per
--   (rule, session, detail): the rules of SQL/checks/schedule_hard_rules.sql (which now calls this function for the
--   scheduler's sessions), plus two the scheduler always kept and manual bookings did not: a family session seats every
--   current member of its family (not discharged, placed at the session's centre that day), and a session's
--   requirement is in the current phase of an active enrolment of the people it seats.
-- * Every writer is held to them: the session triggers call homeward.check_booking_rules after the rules they already
--   enforced, and it refuses the first violation with its rule's name as the constraint. A session booked or moved by
--   hand into the past (it starts before homeward.now() and was written in this transaction) is refused too: one that
--   took place is recorded as held. The scheduler's own sessions are not held to this one: the demo's simulated history
--   asks it to plan past weeks.
-- * sessions.override_reason: a coordinator who must break a planning rule (a psychologist covering outside her hours, an
--   interpreter in the room) says why; the session is then not held to the planning rules, the reason and who gave it
--   are in the session row and so in the audit trail, and `session show` prints them. The rules that guard people
--   (capacity, eligibility, child clearance, role, leave, double booking) cannot be overridden.
-- * The rules that count lock what they count (homeward.lock_counted_rows), so concurrent writers cannot together
--   break what each alone keeps.
-- Capacity, group size and a family's seats count the participants of a session; the daily limit counts a
-- participant's sessions on a day. Under READ COMMITTED two transactions seating people in the same session each
-- counted only their own seat and the committed ones, and both went through: a room of 2 held 3. The session trigger
-- now takes, before it counts:
--   * a row lock (FOR NO KEY UPDATE, which blocks no reader and no foreign key) on each session being checked, in id
--     order, so that seat additions to one session queue one behind the other; and
--   * a transaction-scoped advisory lock per participant seated (namespace 'homeward.participant_day'), in id order,
--     so that two bookings of one participant on the same day are counted one after the other.
-- A waiting writer's next statement sees what the first committed, so the count is true. Each lock is released at
-- commit or rollback; lock_timeout (the settings' database section) bounds the wait.

ALTER TABLE homeward.sessions
    ADD COLUMN override_reason text,
    ADD COLUMN override_by text,
    ADD CONSTRAINT sessions_override_reason_text CHECK (override_reason IS NULL OR btrim(override_reason) <> ''),
    ADD CONSTRAINT sessions_override_by_reason CHECK ((override_reason IS NULL) = (override_by IS NULL));
COMMENT ON COLUMN homeward.sessions.override_reason IS
    'Why this session was booked against a planning rule (language, hours, availability, placement, school, daily limit, family, enrolment, past); NULL: it obeys them all.';
COMMENT ON COLUMN homeward.sessions.override_by IS 'The login that gave the override (session_user), set by the database.';
GRANT INSERT (override_reason), UPDATE (override_reason) ON homeward.sessions TO homeward_coordinator;

CREATE FUNCTION homeward.sessions_stamp_override() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.override_reason IS NULL THEN
        NEW.override_by := NULL;
    ELSIF TG_OP = 'INSERT' OR NEW.override_reason IS DISTINCT FROM OLD.override_reason THEN
        NEW.override_by := session_user;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sessions_stamp_override BEFORE INSERT OR UPDATE OF override_reason ON homeward.sessions
    FOR EACH ROW EXECUTE FUNCTION homeward.sessions_stamp_override();

CREATE FUNCTION homeward.enrolled_on(p_status text, p_started_on date, p_ended_on date, p_day date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_status <> 'void' AND p_started_on <= p_day AND (p_status = 'active' OR p_ended_on >= p_day)
$$;
COMMENT ON FUNCTION homeward.enrolled_on(text, date, date, date) IS
    'Whether an enrolment is in force on a day: begun, and still active or ended on or after it; a void enrolment never was.';
GRANT EXECUTE ON FUNCTION homeward.enrolled_on(text, date, date, date) TO PUBLIC;

CREATE FUNCTION homeward.session_rule_violations(p_session_ids bigint[])
RETURNS TABLE (rule text, session_id bigint, detail text)
LANGUAGE sql STABLE AS $fn$
WITH settings AS (
    SELECT homeward.after_school_buffer() AS after_school_buffer
),
-- The sessions under review, with their local day and local clock times at their centre.
checked AS (
    SELECT s.id, s.mode, s.centre_id, c.code AS centre_code, c.time_zone, s.room_id, s.requirement_id, s.family_id,
           s.starts_at, s.ends_at, s.during,
           (s.starts_at AT TIME ZONE c.time_zone)::date AS local_day,
           (s.ends_at AT TIME ZONE c.time_zone)::date   AS local_end_day,
           (s.starts_at AT TIME ZONE c.time_zone)::time AS local_start,
           (s.ends_at AT TIME ZONE c.time_zone)::time   AS local_end,
           extract(isodow FROM (s.starts_at AT TIME ZONE c.time_zone))::smallint AS weekday
    FROM homeward.sessions s
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE s.id = ANY (p_session_ids) AND s.status = 'planned'
),
-- Each staff member of those sessions.
checked_staff AS (
    SELECT k.*, st.id AS staff_id, st.code AS staff_code, st.languages AS staff_languages,
           st.may_work_with_children, st.weekly_hour_limit
    FROM checked k
    JOIN homeward.session_staff ss ON ss.session_id = k.id
    JOIN homeward.staff st ON st.id = ss.staff_id
),
-- Each participant of those sessions, with their age and sex on the local day.
checked_participants AS (
    SELECT k.*, p.id AS participant_id, p.case_number, p.sex, p.birth_date, p.languages AS participant_languages,
           homeward.age_on(p.birth_date, k.local_day) AS age,
           homeward.age_group_on(p.birth_date, k.local_day) AS age_group
    FROM checked k
    JOIN homeward.session_participants sp ON sp.session_id = k.id
    JOIN homeward.participants p ON p.id = sp.participant_id
),
-- Occupying sessions per participant and local day (any writer), for the participants under review.
participant_days AS (
    SELECT sp.participant_id, (s.starts_at AT TIME ZONE c.time_zone)::date AS day, count(*) AS sessions
    FROM homeward.session_participants sp
    JOIN homeward.sessions s ON s.id = sp.session_id AND s.occupies
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE sp.participant_id IN (SELECT participant_id FROM checked_participants)
    GROUP BY 1, 2
),
-- Minutes of occupying sessions per staff member and ISO week (local Monday), for the staff under review.
staff_weeks AS (
    SELECT ss.staff_id, date_trunc('week', (s.starts_at AT TIME ZONE c.time_zone)::date)::date AS week,
           sum(extract(epoch FROM (s.ends_at - s.starts_at)) / 60)::int AS minutes
    FROM homeward.session_staff ss
    JOIN homeward.sessions s ON s.id = ss.session_id AND s.occupies
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE ss.staff_id IN (SELECT staff_id FROM checked_staff)
    GROUP BY 1, 2
)

-- 1. A staff member in two occupying sessions at once.
SELECT 'staff_overlap' AS rule, k.id AS session_id,
       format('staff %s is also in session %s', k.staff_code, other.session_id) AS detail
FROM checked_staff k
JOIN homeward.session_staff other
  ON other.staff_id = k.staff_id AND other.session_id <> k.id AND other.occupies AND other.during && k.during

UNION ALL
-- 2. A room holding two occupying sessions at once.
SELECT 'room_overlap', k.id, format('room %s is also used by session %s', r.code, other.id)
FROM checked k
JOIN homeward.rooms r ON r.id = k.room_id
JOIN homeward.sessions other
  ON other.room_id = k.room_id AND other.id <> k.id AND other.occupies AND other.during && k.during

UNION ALL
-- 3. A participant in two occupying sessions at once.
SELECT 'participant_overlap', k.id, format('participant %s is also in session %s', k.case_number, other.session_id)
FROM checked_participants k
JOIN homeward.session_participants other
  ON other.participant_id = k.participant_id AND other.session_id <> k.id AND other.occupies AND other.during && k.during

UNION ALL
-- 4. The staff member lacks the role the requirement names.
SELECT 'staff_role', k.id, format('staff %s does not have the role %s (requirement %s)', k.staff_code, q.staff_role, q.code)
FROM checked_staff k
JOIN homeward.phase_requirements q ON q.id = k.requirement_id
WHERE NOT EXISTS (SELECT 1 FROM homeward.staff_roles sr WHERE sr.staff_id = k.staff_id AND sr.role = q.staff_role)

UNION ALL
-- 5. A paediatric-only requirement held by someone who is not a paediatric psychologist.
SELECT 'paediatric_only', k.id, format('staff %s is not a paediatric psychologist (requirement %s)', k.staff_code, q.code)
FROM checked_staff k
JOIN homeward.phase_requirements q ON q.id = k.requirement_id AND q.paediatric_only
WHERE NOT EXISTS (SELECT 1 FROM homeward.staff_roles sr WHERE sr.staff_id = k.staff_id AND sr.role = 'paediatric_psychologist')

UNION ALL
-- 6a. A child (under homeward.adult_age() on the session's local day) with a staff member not cleared for children.
SELECT 'child_clearance', p.id, format('staff %s is not cleared to work with children; %s is %s', st.code, p.case_number, p.age)
FROM checked_participants p
JOIN homeward.session_staff ss ON ss.session_id = p.id
JOIN homeward.staff st ON st.id = ss.staff_id
WHERE p.age_group <> 'adult' AND NOT st.may_work_with_children

UNION ALL
-- 6b. The requirement asks for child clearance and the staff member does not have it.
SELECT 'child_clearance', k.id, format('staff %s is not cleared to work with children (requirement %s needs it)', k.staff_code, q.code)
FROM checked_staff k
JOIN homeward.phase_requirements q ON q.id = k.requirement_id AND q.requires_child_clearance
WHERE NOT k.may_work_with_children

UNION ALL
-- 7. A participant and a staff member of the session share no language.
SELECT 'no_shared_language', p.id,
       format('staff %s speaks {%s}, participant %s speaks {%s}', st.code, array_to_string(st.languages, ','),
              p.case_number, array_to_string(p.participant_languages, ','))
FROM checked_participants p
JOIN homeward.session_staff ss ON ss.session_id = p.id
JOIN homeward.staff st ON st.id = ss.staff_id
WHERE NOT (st.languages && p.participant_languages)

UNION ALL
-- 8. The room is not of the kind the requirement asks for.
SELECT 'room_kind', k.id, format('room %s is a %s, requirement %s needs a %s', r.code, r.kind, q.code, q.room_kind)
FROM checked k
JOIN homeward.rooms r ON r.id = k.room_id
JOIN homeward.phase_requirements q ON q.id = k.requirement_id
WHERE r.kind <> q.room_kind

UNION ALL
-- 9. More participants than the room holds.
SELECT 'room_capacity', k.id, format('%s participants in room %s, which holds %s', n.booked, r.code, r.capacity)
FROM checked k
JOIN homeward.rooms r ON r.id = k.room_id
CROSS JOIN LATERAL (SELECT count(*) AS booked FROM homeward.session_participants sp WHERE sp.session_id = k.id) n
WHERE n.booked > r.capacity

UNION ALL
-- 10. Group size outside the requirement's group_min..group_max (an individual session has exactly one participant).
SELECT 'group_size', k.id,
       format('%s session with %s participants; requirement %s allows %s to %s', k.mode, n.booked, q.code,
              CASE WHEN k.mode = 'individual' THEN 1 ELSE q.group_min END, CASE WHEN k.mode = 'individual' THEN 1 ELSE q.group_max END)
FROM checked k
JOIN homeward.phase_requirements q ON q.id = k.requirement_id
CROSS JOIN LATERAL (SELECT count(*) AS booked FROM homeward.session_participants sp WHERE sp.session_id = k.id) n
WHERE (k.mode = 'group' AND (n.booked < coalesce(q.group_min, 2) OR n.booked > coalesce(q.group_max, n.booked)))
   OR (k.mode = 'individual' AND n.booked <> 1)

UNION ALL
-- 11. A participant outside the requirement's age band or of the wrong sex.
SELECT 'eligibility', p.id,
       format('participant %s (%s years, %s) may not join requirement %s (ages %s-%s, sex %s)', p.case_number, p.age, p.sex, q.code,
              coalesce(q.min_age::text, 'any'), coalesce(q.max_age::text, 'any'), coalesce(q.sex, 'any'))
FROM checked_participants p
JOIN homeward.phase_requirements q ON q.id = p.requirement_id
WHERE NOT homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text) @> p.local_day

UNION ALL
-- 12. Outside the centre's opening hours that day (back-to-back rows such as 09:00-13:00 and 13:00-18:00 count as one).
SELECT 'centre_hours', k.id, format('%s %s-%s is outside the opening hours of %s', k.local_day, k.local_start, k.local_end, k.centre_code)
FROM checked k
WHERE k.local_end_day <> k.local_day
   OR NOT coalesce(homeward.timerange(k.local_start, k.local_end) <@ (
          SELECT range_agg(homeward.timerange(h.opens_at, h.closes_at)) FROM homeward.centre_opening_hours h
          WHERE h.centre_id = k.centre_id AND h.weekday = k.weekday), false)

UNION ALL
-- 13. Outside the staff member's weekly availability at that centre (windows valid on that day; back-to-back ones join).
SELECT 'staff_availability', k.id,
       format('staff %s is not available at %s on %s %s-%s', k.staff_code, k.centre_code, k.local_day, k.local_start, k.local_end)
FROM checked_staff k
WHERE NOT coalesce(homeward.timerange(k.local_start, k.local_end) <@ (
          SELECT range_agg(homeward.timerange(a.starts_at, a.ends_at)) FROM homeward.staff_availability a
          WHERE a.staff_id = k.staff_id AND a.centre_id = k.centre_id AND a.weekday = k.weekday
            AND a.valid_from <= k.local_day AND (a.valid_to IS NULL OR a.valid_to >= k.local_day)), false)

UNION ALL
-- 14. The staff member is on leave that day.
SELECT 'staff_leave', k.id, format('staff %s is away (%s) from %s to %s', k.staff_code, l.kind, l.first_day, l.last_day)
FROM checked_staff k
JOIN homeward.staff_leave l ON l.staff_id = k.staff_id AND l.during && daterange(k.local_day, k.local_end_day, '[]')

UNION ALL
-- 15. Inside a timetable block (meals, counts…) of the centre where the participant is placed that day.
SELECT 'timetable_block', p.id,
       format('participant %s is placed at %s, which has "%s" %s-%s on that day', p.case_number, pc.code, b.label, b.starts_at, b.ends_at)
FROM checked_participants p
JOIN homeward.participant_placements pl ON pl.participant_id = p.participant_id AND pl.during @> p.local_day
JOIN homeward.centres pc ON pc.id = pl.centre_id
JOIN homeward.centre_timetable_blocks b
  ON b.centre_id = pc.id AND b.weekday = extract(isodow FROM (p.starts_at AT TIME ZONE pc.time_zone))
 AND tstzrange(((p.starts_at AT TIME ZONE pc.time_zone)::date + b.starts_at) AT TIME ZONE pc.time_zone,
               ((p.starts_at AT TIME ZONE pc.time_zone)::date + b.ends_at) AT TIME ZONE pc.time_zone) && p.during

UNION ALL
-- 16. During a child's school hours (plus the travel time after school), on a school day of a current enrolment.
SELECT 'school_hours', p.id,
       format('participant %s is at school %s-%s (+%s travel) on %s', p.case_number, se.school_day_starts_at, se.school_day_ends_at,
              (SELECT after_school_buffer FROM settings), p.local_day)
FROM checked_participants p
JOIN homeward.school_enrolments se
  ON se.participant_id = p.participant_id
 AND se.enrolled_from <= p.local_day AND (se.enrolled_to IS NULL OR se.enrolled_to >= p.local_day)
 AND p.weekday = ANY (se.school_weekdays)
WHERE tstzrange((p.local_day + se.school_day_starts_at) AT TIME ZONE p.time_zone,
                ((p.local_day + se.school_day_ends_at) AT TIME ZONE p.time_zone) + (SELECT after_school_buffer FROM settings)) && p.during

UNION ALL
-- 17. The participant is not placed at the session's centre that day.
SELECT 'not_placed_at_centre', p.id, format('participant %s is not placed at %s on %s', p.case_number, p.centre_code, p.local_day)
FROM checked_participants p
WHERE NOT EXISTS (SELECT 1 FROM homeward.participant_placements pl
                  WHERE pl.participant_id = p.participant_id AND pl.centre_id = p.centre_id AND pl.during @> p.local_day)

UNION ALL
-- 18. More occupying sessions on one local day than the participant's daily limit (by age that day).
--     One row per participant and day, naming the latest scheduler session of that day.
SELECT 'daily_limit', max(p.id),
       format('participant %s (%s years) has %s sessions on %s, at most %s', p.case_number, min(p.age), min(d.sessions), p.local_day,
              min(homeward.max_sessions_per_day(p.age_group)))
FROM checked_participants p
JOIN participant_days d ON d.participant_id = p.participant_id AND d.day = p.local_day
WHERE d.sessions > homeward.max_sessions_per_day(p.age_group)
GROUP BY p.participant_id, p.case_number, p.local_day

UNION ALL
-- 19. More session minutes in one ISO week than the staff member's weekly_hour_limit × 60.
--     One row per staff member and week, naming the latest scheduler session of that week.
SELECT 'staff_weekly_limit', max(k.id),
       format('staff %s has %s minutes in the week of %s, at most %s', k.staff_code, min(w.minutes), w.week, min(k.weekly_hour_limit * 60))
FROM checked_staff k
JOIN staff_weeks w ON w.staff_id = k.staff_id AND w.week = date_trunc('week', k.local_day)::date
WHERE w.minutes > k.weekly_hour_limit * 60
GROUP BY k.staff_id, k.staff_code, w.week

UNION ALL
-- 20. A family session that does not seat every current member of its family: those enrolled in a programme that day
--     (homeward.enrolled_on) and placed at the session's centre.
SELECT 'family_incomplete', k.id, format('family session %s does not seat %s, a member of its family placed at %s on %s',
                                         k.id, p.case_number, k.centre_code, k.local_day)
FROM checked k
JOIN homeward.family_members fm ON fm.family_id = k.family_id
JOIN homeward.participants p ON p.id = fm.participant_id
WHERE k.mode = 'family'
  AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND homeward.enrolled_on(e.status, e.started_on, e.ended_on, k.local_day))
  AND EXISTS (SELECT 1 FROM homeward.session_participants sp WHERE sp.session_id = k.id)  -- seated, not still being built
  AND EXISTS (SELECT 1 FROM homeward.participant_placements pl
              WHERE pl.participant_id = p.id AND pl.centre_id = k.centre_id AND pl.during @> k.local_day)
  AND NOT EXISTS (SELECT 1 FROM homeward.session_participants sp WHERE sp.session_id = k.id AND sp.participant_id = p.id)

UNION ALL
-- 21. A session for a requirement that is not in the current phase of an enrolment, in force on the session's day, of
--     the people it seats (of one of them, for a family session).
SELECT 'requirement_not_enrolled', p.id,
       format('participant %s follows no enrolment on %s whose current phase has requirement %s', p.case_number, p.local_day, q.code)
FROM checked_participants p
JOIN homeward.phase_requirements q ON q.id = p.requirement_id
WHERE p.mode <> 'family'
  AND NOT EXISTS (SELECT 1 FROM homeward.enrolments e
                  WHERE e.participant_id = p.participant_id AND e.current_phase_id = q.phase_id
                    AND homeward.enrolled_on(e.status, e.started_on, e.ended_on, p.local_day))
UNION ALL
SELECT 'requirement_not_enrolled', k.id,
       format('no member of family session %s follows an enrolment on %s whose current phase has requirement %s', k.id, k.local_day, q.code)
FROM checked k
JOIN homeward.phase_requirements q ON q.id = k.requirement_id
WHERE k.mode = 'family'
  AND EXISTS (SELECT 1 FROM homeward.session_participants sp WHERE sp.session_id = k.id)
  AND NOT EXISTS (SELECT 1 FROM homeward.session_participants sp
                  JOIN homeward.enrolments e ON e.participant_id = sp.participant_id AND e.current_phase_id = q.phase_id
                  WHERE sp.session_id = k.id AND homeward.enrolled_on(e.status, e.started_on, e.ended_on, k.local_day))
$fn$;

COMMENT ON FUNCTION homeward.session_rule_violations(bigint[]) IS
    'Every hard-rule violation among the given planned sessions (rule, session_id, detail): the one statement of the scheduler''s hard rules that SQL/checks and the booking triggers share.';
GRANT EXECUTE ON FUNCTION homeward.session_rule_violations(bigint[]) TO PUBLIC;

-- The planning rules a booking may break only with an override; the others are the constraints check_session_rules
-- and the exclusion constraints already enforce, with their own messages.
CREATE FUNCTION homeward.check_booking_rules(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    v_ids bigint[];
    v_message text;
    v_hint constant text := 'book it anyway with --override "reason"';
BEGIN
    SELECT array_agg(s.id) INTO v_ids
    FROM homeward.sessions s
    WHERE s.id = ANY (p_session_ids) AND s.status = 'planned' AND s.override_reason IS NULL;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    SELECT s.id, s.starts_at INTO r
    FROM homeward.sessions s
    WHERE s.id = ANY (v_ids) AND s.schedule_run_id IS NULL AND s.starts_at < homeward.now() AND s.updated_at = homeward.now()
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'session_in_past: session % starts before now', r.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_in_past', SCHEMA = 'homeward', TABLE = 'sessions',
                  DETAIL = format('session %s starts at %s %s', r.id,
                                  to_char(r.starts_at AT TIME ZONE homeward.planning_zone(), 'YYYY-MM-DD HH24:MI'), homeward.planning_zone()),
                  HINT = v_hint;
    END IF;
    SELECT v.rule, v.session_id, v.detail INTO r
    FROM homeward.session_rule_violations(v_ids) v
    WHERE v.rule IN ('no_shared_language', 'centre_hours', 'staff_availability', 'timetable_block', 'school_hours',
                     'not_placed_at_centre', 'daily_limit', 'staff_weekly_limit', 'room_kind', 'paediatric_only',
                     'family_incomplete', 'requirement_not_enrolled')
    ORDER BY v.session_id, v.rule
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_message := format('session_%s: session %s: %s', r.rule, r.session_id, r.detail);
    -- one branch a rule, so that each constraint name is written out (DriftTests gives each a sentence)
    CASE r.rule
        WHEN 'no_shared_language' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_no_shared_language', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'centre_hours' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_centre_hours', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'staff_availability' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_availability', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'timetable_block' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_timetable_block', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'school_hours' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_school_hours', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'not_placed_at_centre' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_not_placed_at_centre', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'daily_limit' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_daily_limit', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'staff_weekly_limit' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_weekly_limit', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'room_kind' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_room_kind', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'paediatric_only' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_paediatric_only', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'family_incomplete' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_family_incomplete', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'requirement_not_enrolled' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_requirement_not_enrolled', SCHEMA = 'homeward', TABLE = 'sessions';
    END CASE;
END $$;
COMMENT ON FUNCTION homeward.check_booking_rules(bigint[]) IS
    'Refuses the first planning-rule violation among the given planned sessions that carry no override; called by the session triggers for every writer.';

CREATE FUNCTION homeward.lock_counted_rows(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_session_ids IS NULL OR cardinality(p_session_ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM homeward.sessions s WHERE s.id = ANY (p_session_ids) ORDER BY s.id FOR NO KEY UPDATE;
    PERFORM pg_advisory_xact_lock(hashtext('homeward.participant_day'), x.participant_id::int)
    FROM (SELECT DISTINCT sp.participant_id FROM homeward.session_participants sp
          WHERE sp.session_id = ANY (p_session_ids) ORDER BY sp.participant_id) x;
END $$;
COMMENT ON FUNCTION homeward.lock_counted_rows(bigint[]) IS
    'Locks the sessions a rule is about to count seats of, and (advisory, transaction-scoped) the participants it is about to count sessions of, in id order: concurrent writers are counted one after the other.';
REVOKE ALL ON FUNCTION homeward.lock_counted_rows(bigint[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION homeward.session_rules_after_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'sessions' THEN
        -- a session that was moved to another room/centre, changed requirement, family, mode or override, or came back
        -- to life (cancelled -> planned). Time changes reach the members via the cascading foreign key and are checked
        -- by their triggers.
        SELECT array_agg(n.id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.occupies
          AND ((n.room_id, n.centre_id, n.requirement_id, n.family_id, n.mode, n.occupies, n.status, n.override_reason)
               IS DISTINCT FROM (o.room_id, o.centre_id, o.requirement_id, o.family_id, o.mode, o.occupies, o.status, o.override_reason));
        PERFORM homeward.lock_counted_rows(v_ids);
        PERFORM homeward.check_session_rules(v_ids);
    ELSE
        SELECT array_agg(DISTINCT n.session_id) INTO v_ids FROM new_rows n WHERE n.occupies;
        PERFORM homeward.lock_counted_rows(v_ids);
        -- staff rows: staff rules (incl. child clearance); participant rows: participant rules (incl. child clearance)
        PERFORM homeward.check_session_rules(v_ids, TG_TABLE_NAME = 'session_staff', TG_TABLE_NAME = 'session_participants');
    END IF;
    PERFORM homeward.check_booking_rules(v_ids);
    RETURN NULL;
END $$;
