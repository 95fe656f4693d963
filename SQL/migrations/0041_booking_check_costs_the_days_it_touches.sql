-- 0041: the booking check costs the days and weeks it touches.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only.
--
-- homeward.session_rule_violations_of (0024's body, renamed by 0028) is restated with the same rules and the same
-- findings, computed for less. At 10k participants the nightly's one booking check of its ~44k new sessions took 2.5 s:
--   * daily_limit and staff_weekly_limit counted every occupying session their participants and staff ever had (the
--     whole history, 250k seats at 10k) to compare the days and weeks under review. They now count the sessions that
--     start within three days (nine for a week) of the sessions under review: every session of the same local day
--     (ISO week), at any centre's time zone, starts in that span;
--   * each participant's age and age band were computed for every seat under review, once per rule that might need
--     them; they are now computed where a rule needs them, for the rows it looks at, and the daily limit looks up the
--     age band only for participant-days above the lowest of the three limits;
--   * timetable_block compared the block's weekday (smallint) with a numeric, which kept the (centre_id, weekday) index
--     to its first column: eight blocks a seat instead of the day's;
--   * child_clearance and no_shared_language take each session's staff from the staff under review (checked_staff)
--     instead of joining session_staff and staff again;
--   * the body is homeward.session_rule_violations_own_of, and session_rule_violations_of adds closures' and people's
--     rules to it as before. The booking check reads the former: none of its 12 rules is theirs (their own triggers
--     check them), and it computed them for nothing (0.3 s of 1.6 s at 10k).
-- And the check itself (check_booking_rules) sorts and hashes in memory: 32 MB for its statements, which a night's
-- write needs (the 4 MB default spilled its day and week counts to disk) and a coordinator's booking never uses.
--
-- SessionRuleViolationsTests compares every rule's findings with the rule as 0024 wrote it.

CREATE FUNCTION homeward.session_rule_violations_own_of(p_session_ids bigint[])
RETURNS TABLE (rule text, session_id bigint, detail text)
LANGUAGE sql STABLE AS $fn$
WITH settings AS (
    SELECT homeward.after_school_buffer() AS after_school_buffer,
           -- no participant-day at or under the lowest daily limit can break one: age bands are looked up above it only
           least(homeward.max_sessions_per_day('adult'), homeward.max_sessions_per_day('child'),
                 homeward.max_sessions_per_day('young_child')) AS lowest_daily_limit
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
-- The time the sessions under review span, widened by three days each side: every session on the same local day as
-- one of them (at any centre's time zone) starts inside it, and nine days for the same ISO week.
span AS (
    SELECT min(starts_at) - interval '3 days' AS day_from, max(starts_at) + interval '3 days' AS day_to,
           min(starts_at) - interval '9 days' AS week_from, max(starts_at) + interval '9 days' AS week_to
    FROM checked
),
-- Each participant of those sessions (their age and age band on the local day are computed where a rule needs them,
-- for the rows it looks at: homeward.age_on, homeward.age_group_on).
checked_participants AS (
    SELECT k.*, p.id AS participant_id, p.case_number, p.sex, p.birth_date, p.languages AS participant_languages
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
      AND s.starts_at >= (SELECT day_from FROM span) AND s.starts_at < (SELECT day_to FROM span)
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
      AND s.starts_at >= (SELECT week_from FROM span) AND s.starts_at < (SELECT week_to FROM span)
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
SELECT 'child_clearance', p.id,
       format('staff %s is not cleared to work with children; %s is %s', st.staff_code, p.case_number, homeward.age_on(p.birth_date, p.local_day))
FROM checked_participants p
JOIN checked_staff st ON st.id = p.id
WHERE NOT st.may_work_with_children AND homeward.age_group_on(p.birth_date, p.local_day) <> 'adult'

UNION ALL
-- 6b. The requirement asks for child clearance and the staff member does not have it.
SELECT 'child_clearance', k.id, format('staff %s is not cleared to work with children (requirement %s needs it)', k.staff_code, q.code)
FROM checked_staff k
JOIN homeward.phase_requirements q ON q.id = k.requirement_id AND q.requires_child_clearance
WHERE NOT k.may_work_with_children

UNION ALL
-- 7. A participant and a staff member of the session share no language.
SELECT 'no_shared_language', p.id,
       format('staff %s speaks {%s}, participant %s speaks {%s}', st.staff_code, array_to_string(st.staff_languages, ','),
              p.case_number, array_to_string(p.participant_languages, ','))
FROM checked_participants p
JOIN checked_staff st ON st.id = p.id
WHERE NOT (st.staff_languages && p.participant_languages)

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
       format('participant %s (%s years, %s) may not join requirement %s (ages %s-%s, sex %s)', p.case_number,
              homeward.age_on(p.birth_date, p.local_day), p.sex, q.code,
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
  ON b.centre_id = pc.id AND b.weekday = extract(isodow FROM (p.starts_at AT TIME ZONE pc.time_zone))::smallint
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
--     (The age band is looked up once per participant-day above the lowest limit, not once per seat.)
SELECT 'daily_limit', x.last_session,
       format('participant %s (%s years) has %s sessions on %s, at most %s', x.case_number,
              homeward.age_on(x.birth_date, x.local_day), x.sessions, x.local_day, x.day_limit)
FROM (
    SELECT g.*, homeward.max_sessions_per_day(homeward.age_group_on(g.birth_date, g.local_day)) AS day_limit
    FROM (SELECT p.participant_id, p.case_number, p.birth_date, p.local_day, max(p.id) AS last_session, min(d.sessions) AS sessions
          FROM checked_participants p
          JOIN participant_days d ON d.participant_id = p.participant_id AND d.day = p.local_day
          WHERE d.sessions > (SELECT lowest_daily_limit FROM settings)
          GROUP BY p.participant_id, p.case_number, p.birth_date, p.local_day
          OFFSET 0) g
) x
WHERE x.sessions > x.day_limit

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
JOIN homeward.family_members fm ON fm.family_id = k.family_id AND homeward.family_member_on(fm.left_on, k.local_day)
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
COMMENT ON FUNCTION homeward.session_rule_violations_own_of(bigint[]) IS
    'The booking rules of homeward.session_rule_violations (0019, 0022, 0024) but closures and people''s (their own functions), for the sessions given: rule, session, detail. Its rules are the ones homeward.check_booking_rules refuses and the per-member rules; 0041.';
GRANT EXECUTE ON FUNCTION homeward.session_rule_violations_own_of(bigint[]) TO PUBLIC;

-- Every rule, as before: the rules above, closures' and people's.
CREATE OR REPLACE FUNCTION homeward.session_rule_violations_of(p_session_ids bigint[])
RETURNS TABLE (rule text, session_id bigint, detail text)
LANGUAGE sql STABLE AS $fn$
SELECT * FROM homeward.session_rule_violations_own_of(p_session_ids)
UNION ALL
SELECT * FROM homeward.session_rule_violations_closures(p_session_ids)
UNION ALL
SELECT * FROM homeward.session_rule_violations_people(p_session_ids)
$fn$;


-- 0033's check, unchanged but for reading the rules it refuses from session_rule_violations_own_of: none of closures'
-- or people's rules is among its 12 (their own triggers check them), so they are no longer computed and thrown away.
CREATE OR REPLACE FUNCTION homeward.check_booking_rules(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off SET work_mem = '32MB' AS $$
DECLARE
    r record;
    v_ids bigint[];
    v_message text;
    v_found integer;
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
    EXECUTE $q$
        SELECT v.rule, v.session_id, v.detail
        FROM homeward.session_rule_violations_own_of($1) v
        WHERE v.rule IN ('no_shared_language', 'centre_hours', 'staff_availability', 'timetable_block', 'school_hours',
                         'not_placed_at_centre', 'daily_limit', 'staff_weekly_limit', 'room_kind', 'paediatric_only',
                         'family_incomplete', 'requirement_not_enrolled')
        ORDER BY v.session_id, v.rule
        LIMIT 1 $q$ INTO r USING v_ids;
    GET DIAGNOSTICS v_found = ROW_COUNT;
    IF v_found = 0 THEN
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

