-- 0022_closures_and_repair: rooms and centres close, staff leave the programme, and the plan is repaired around them.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0021.
--
-- * homeward.room_closures: a room closed for a period (renovation); homeward.centre_closures: a centre closed for a
--   day or a run of days (a national holiday such as 16 December, a quarantine). Coordinators write the closures of
--   their own centres; everyone who reads reference data reads them; both are audited.
-- * homeward.staff.left_on: the first day a staff member no longer works for the programme (`staff update --inactive
--   --from D`); from that day they hold no planned session and the scheduler gives them none.
-- * Three booking rules (homeward.session_rule_violations_closures, unioned into homeward.session_rule_violations):
--   room_closed, centre_closed, staff_inactive. They guard people and rooms like leave does, so no override lifts them:
--   homeward.check_closure_rules refuses them for every writer (its own triggers on sessions and session_staff).
-- * The scheduling instance leaves closures out: homeward.instance_rooms (no slots of a closed room or of a closed
--   centre's rooms on those days) and homeward.instance_staff_windows (no windows from left_on on) are replaced; every
--   other instance_* function of 0018 is unchanged.
-- * homeward.sessions_to_repair(from, days, centre): the planned sessions from homeward.now() on that a disruption made
--   impossible (the rules of homeward.session_rule_violations that a leave, a departure, a closure, changed hours or a
--   move cause), which `homeward schedule repair` (and `nightly`) re-places with the scheduler's engine.
-- * homeward.retire_departed_staff(): `nightly` marks inactive those whose left_on has come and who hold no planned
--   session still to come (the repair before it moved or cancelled theirs).
-- * sessions.repair_of_session_id marks a replacement booked by a repair; the scheduler login may book such
--   replacements and cancel or reschedule a planned session for a repair (reason 'repair: …'), also one booked by hand.

ALTER TABLE homeward.staff ADD COLUMN left_on date;
COMMENT ON COLUMN homeward.staff.left_on IS
    'First day the person no longer works for the programme (NULL: still does). From that day they hold no planned session and are given none; `active` turns false once the day has come (`staff update --inactive`, or the nightly run: homeward.retire_departed_staff).';

CREATE TABLE homeward.room_closures (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT room_closures_pkey PRIMARY KEY,
    room_id     bigint NOT NULL,
    centre_id   bigint NOT NULL,
    first_day   date   NOT NULL,
    last_day    date   NOT NULL,
    during      daterange NOT NULL GENERATED ALWAYS AS (daterange(first_day, last_day, '[]')) STORED,
    reason      text   NOT NULL,
    recorded_by text   NOT NULL DEFAULT session_user,
    CONSTRAINT room_closures_room_fk FOREIGN KEY (room_id, centre_id) REFERENCES homeward.rooms (id, centre_id) ON DELETE CASCADE,
    CONSTRAINT room_closures_days_ordered CHECK (last_day >= first_day),
    CONSTRAINT room_closures_reason_text CHECK (btrim(reason) <> ''),
    CONSTRAINT room_closures_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)
);
COMMENT ON TABLE homeward.room_closures IS
    'Days a room cannot be used (renovation, damage). Periods of one room may not overlap. No session may be planned in it then; `homeward schedule repair` moves those already planned.';
COMMENT ON COLUMN homeward.room_closures.centre_id IS 'The room''s centre (kept here for the coordinators'' scope).';
COMMENT ON COLUMN homeward.room_closures.first_day IS 'First day closed (inclusive, the centre''s local calendar).';
COMMENT ON COLUMN homeward.room_closures.last_day IS 'Last day closed (inclusive).';
COMMENT ON COLUMN homeward.room_closures.reason IS 'Why, e.g. "renovation".';
COMMENT ON COLUMN homeward.room_closures.recorded_by IS 'The login that recorded the closure (session_user).';

CREATE TABLE homeward.centre_closures (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT centre_closures_pkey PRIMARY KEY,
    centre_id   bigint NOT NULL CONSTRAINT centre_closures_centre_fk REFERENCES homeward.centres (id) ON DELETE CASCADE,
    first_day   date   NOT NULL,
    last_day    date   NOT NULL,
    during      daterange NOT NULL GENERATED ALWAYS AS (daterange(first_day, last_day, '[]')) STORED,
    reason      text   NOT NULL,
    recorded_by text   NOT NULL DEFAULT session_user,
    CONSTRAINT centre_closures_days_ordered CHECK (last_day >= first_day),
    CONSTRAINT centre_closures_reason_text CHECK (btrim(reason) <> ''),
    CONSTRAINT centre_closures_no_overlap EXCLUDE USING gist (centre_id WITH =, during WITH &&)
);
COMMENT ON TABLE homeward.centre_closures IS
    'Days a centre holds no session (public holidays such as 16 December, quarantine): its holiday calendar. Periods of one centre may not overlap.';
COMMENT ON COLUMN homeward.centre_closures.first_day IS 'First day closed (inclusive, the centre''s local calendar).';
COMMENT ON COLUMN homeward.centre_closures.last_day IS 'Last day closed (inclusive).';
COMMENT ON COLUMN homeward.centre_closures.reason IS 'Why, e.g. "Independence Day".';
COMMENT ON COLUMN homeward.centre_closures.recorded_by IS 'The login that recorded the closure (session_user).';

-- Audited like the other tables (audit.record_changes of 0005).
DO $$
DECLARE
    audited text;
BEGIN
    FOREACH audited IN ARRAY ARRAY['room_closures', 'centre_closures'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON homeward.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', audited || '_audit_insert', audited);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON homeward.%I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', audited || '_audit_update', audited);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON homeward.%I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', audited || '_audit_delete', audited);
        -- Everyone who reads reference data reads closures; coordinators write those of their own centres (0008's
        -- homeward.visible_centre_ids); admins write all. Default privileges (0008) gave SELECT and the admin's ALL.
        EXECUTE format('ALTER TABLE homeward.%I ENABLE ROW LEVEL SECURITY', audited);
        EXECUTE format('CREATE POLICY all_rows ON homeward.%I TO homeward_admin USING (true) WITH CHECK (true)', audited);
        EXECUTE format('CREATE POLICY readers ON homeward.%I FOR SELECT TO homeward_coordinator, homeward_scheduler, homeward_auditor '
                       'USING (true)', audited);
        EXECUTE format('CREATE POLICY own_centres_add ON homeward.%I FOR INSERT TO homeward_coordinator '
                       'WITH CHECK (centre_id IN (SELECT homeward.visible_centre_ids()))', audited);
        EXECUTE format('CREATE POLICY own_centres_change ON homeward.%I FOR UPDATE TO homeward_coordinator '
                       'USING (centre_id IN (SELECT homeward.visible_centre_ids())) '
                       'WITH CHECK (centre_id IN (SELECT homeward.visible_centre_ids()))', audited);
        EXECUTE format('CREATE POLICY own_centres_remove ON homeward.%I FOR DELETE TO homeward_coordinator '
                       'USING (centre_id IN (SELECT homeward.visible_centre_ids()))', audited);
        EXECUTE format('COMMENT ON POLICY own_centres_add ON homeward.%I IS %L', audited,
                       'Coordinators record closures of their own centres only (homeward.user_scopes).');
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON homeward.%I TO homeward_coordinator', audited);
    END LOOP;
END
$$;

-- A replacement booked by a repair names the session it replaces; the scheduler login books such replacements and
-- cancels or reschedules, for a repair, planned sessions it did not create.
ALTER TABLE homeward.sessions
    ADD COLUMN repair_of_session_id bigint CONSTRAINT sessions_repair_of_fk REFERENCES homeward.sessions (id);
COMMENT ON COLUMN homeward.sessions.repair_of_session_id IS
    'The session this one replaces after a disruption (`homeward schedule repair`); NULL for every other booking.';
CREATE POLICY scheduler_adds_repairs ON homeward.sessions FOR INSERT TO homeward_scheduler
    WITH CHECK (repair_of_session_id IS NOT NULL);
CREATE POLICY scheduler_repairs ON homeward.sessions FOR UPDATE TO homeward_scheduler
    USING (status = 'planned') WITH CHECK (status IN ('cancelled', 'rescheduled') AND cancel_reason LIKE 'repair: %');
COMMENT ON POLICY scheduler_adds_repairs ON homeward.sessions IS 'The scheduler books replacements for sessions a repair moves.';
COMMENT ON POLICY scheduler_repairs ON homeward.sessions IS
    'The scheduler cancels or reschedules a planned session (also one booked by hand) only for a repair, with a reason ''repair: …''.';
CREATE POLICY scheduler_adds_repairs ON homeward.session_staff FOR INSERT TO homeward_scheduler
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id AND s.repair_of_session_id IS NOT NULL));
ALTER POLICY scheduler_adds_its_runs ON homeward.session_participants
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id
                        AND (s.schedule_run_id IS NOT NULL OR s.repair_of_session_id IS NOT NULL)));

-- The closure rules, one row per (rule, session, detail), for planned sessions.
CREATE FUNCTION homeward.session_rule_violations_closures(p_session_ids bigint[])
RETURNS TABLE (rule text, session_id bigint, detail text)
LANGUAGE sql STABLE AS $fn$
WITH checked AS (
    SELECT s.id, s.room_id, s.centre_id, c.code AS centre_code,
           daterange((s.starts_at AT TIME ZONE c.time_zone)::date, (s.ends_at AT TIME ZONE c.time_zone)::date, '[]') AS days,
           (s.starts_at AT TIME ZONE c.time_zone)::date AS local_day
    FROM homeward.sessions s
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE s.id = ANY (p_session_ids) AND s.status = 'planned'
)
-- 22. The room is closed that day.
SELECT 'room_closed' AS rule, k.id AS session_id,
       format('room %s/%s is closed from %s to %s (%s)', k.centre_code, r.code, rc.first_day, rc.last_day, rc.reason) AS detail
FROM checked k
JOIN homeward.room_closures rc ON rc.room_id = k.room_id AND rc.during && k.days
JOIN homeward.rooms r ON r.id = k.room_id

UNION ALL
-- 23. The centre is closed that day.
SELECT 'centre_closed', k.id, format('centre %s is closed from %s to %s (%s)', k.centre_code, cc.first_day, cc.last_day, cc.reason)
FROM checked k
JOIN homeward.centre_closures cc ON cc.centre_id = k.centre_id AND cc.during && k.days

UNION ALL
-- 24. The staff member has left the programme by then.
SELECT 'staff_inactive', k.id, format('staff %s left the programme on %s', st.code, st.left_on)
FROM checked k
JOIN homeward.session_staff ss ON ss.session_id = k.id
JOIN homeward.staff st ON st.id = ss.staff_id
WHERE st.left_on <= upper(k.days) - 1
$fn$;
COMMENT ON FUNCTION homeward.session_rule_violations_closures(bigint[]) IS
    'The closure rules among the given planned sessions: room_closed, centre_closed, staff_inactive (part of homeward.session_rule_violations).';
GRANT EXECUTE ON FUNCTION homeward.session_rule_violations_closures(bigint[]) TO PUBLIC;

-- homeward.session_rule_violations: 0019's body, unchanged, plus the closure rules.
CREATE OR REPLACE FUNCTION homeward.session_rule_violations(p_session_ids bigint[])
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
UNION ALL
SELECT * FROM homeward.session_rule_violations_closures(p_session_ids)
$fn$;
COMMENT ON FUNCTION homeward.session_rule_violations(bigint[]) IS
    'Every hard-rule violation among the given planned sessions (rule, session_id, detail): the one statement of the scheduler''s hard rules that SQL/checks and the booking triggers share.';

-- Closures guard rooms and people like leave does: no override lifts them, for any writer.
CREATE FUNCTION homeward.check_closure_rules(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    v_message text;
    v_hint constant text := 'choose another day, room or staff member (`homeward session suggest`), or end the closure first';
BEGIN
    IF p_session_ids IS NULL OR cardinality(p_session_ids) = 0 THEN
        RETURN;
    END IF;
    SELECT v.rule, v.session_id, v.detail INTO r
    FROM homeward.session_rule_violations_closures(p_session_ids) v
    ORDER BY v.session_id, v.rule
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_message := format('session_%s: session %s: %s', r.rule, r.session_id, r.detail);
    -- one branch a rule, so that each constraint name is written out (DriftTests gives each a sentence)
    CASE r.rule
        WHEN 'room_closed' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_room_closed', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'centre_closed' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_centre_closed', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'staff_inactive' THEN RAISE EXCEPTION USING MESSAGE = v_message, DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_inactive', SCHEMA = 'homeward', TABLE = 'sessions';
    END CASE;
END $$;
COMMENT ON FUNCTION homeward.check_closure_rules(bigint[]) IS
    'Refuses the first closure-rule violation (room_closed, centre_closed, staff_inactive) among the given planned sessions; no override lifts these.';
REVOKE ALL ON FUNCTION homeward.check_closure_rules(bigint[]) FROM PUBLIC;

CREATE FUNCTION homeward.closure_rules_after_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'sessions' AND TG_OP = 'UPDATE' THEN
        -- moved in time or room, or back to planned: a status change to cancelled/rescheduled/held is not re-judged
        SELECT array_agg(n.id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.occupies AND (n.room_id, n.centre_id, n.starts_at, n.ends_at, n.status)
                             IS DISTINCT FROM (o.room_id, o.centre_id, o.starts_at, o.ends_at, o.status);
    ELSIF TG_TABLE_NAME = 'sessions' THEN
        SELECT array_agg(n.id) INTO v_ids FROM new_rows n WHERE n.occupies;
    ELSE
        SELECT array_agg(DISTINCT n.session_id) INTO v_ids FROM new_rows n WHERE n.occupies;
    END IF;
    PERFORM homeward.check_closure_rules(v_ids);
    RETURN NULL;
END $$;
COMMENT ON FUNCTION homeward.closure_rules_after_change() IS
    'Statement trigger on sessions and session_staff: refuses a planned session in a closed room or centre, or held by someone who has left the programme.';
REVOKE ALL ON FUNCTION homeward.closure_rules_after_change() FROM PUBLIC;
CREATE TRIGGER sessions_closures_on_insert AFTER INSERT ON homeward.sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.closure_rules_after_change();
CREATE TRIGGER sessions_closures_on_update AFTER UPDATE ON homeward.sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.closure_rules_after_change();
CREATE TRIGGER session_staff_closures_on_insert AFTER INSERT ON homeward.session_staff
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.closure_rules_after_change();

-- The scheduling instance leaves closures out. Replaced from 0018: instance_rooms and instance_staff_windows (each
-- gains one condition); the other instance_* functions are unchanged.
CREATE OR REPLACE FUNCTION homeward.instance_rooms(p_from date, p_days int, p_centre text, p_slot int)
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
    WHERE (p_centre IS NULL OR c.code = p_centre)
      AND NOT EXISTS (SELECT 1 FROM homeward.room_closures rc WHERE rc.room_id = r.id AND rc.during @> d.day)
      AND NOT EXISTS (SELECT 1 FROM homeward.centre_closures cc WHERE cc.centre_id = c.id AND cc.during @> d.day)
    ORDER BY 1, 5
$$;
COMMENT ON FUNCTION homeward.instance_rooms(date, int, text, int) IS
    'Scheduling instance: each room and the slots its centre is open on the horizon''s days, leaving out days the room or its centre is closed.';

CREATE OR REPLACE FUNCTION homeward.instance_staff_windows(p_from date, p_days int, p_centre text, p_slot int)
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
      AND (st.left_on IS NULL OR d.day < st.left_on)
    ORDER BY 1, 2, 3
$$;
COMMENT ON FUNCTION homeward.instance_staff_windows(date, int, text, int) IS
    'Scheduling instance: the slots each active staff member is available at each centre, leave and the days from left_on taken off.';

-- What a repair re-places: planned sessions from homeward.now() on (starting on the local days p_from … p_from +
-- p_days - 1 of the planning zone, at one centre or all) with a violation a disruption causes. Leave, departure and
-- closures always count; changed hours or availability, and a participant no longer placed at the centre (not for a
-- group, which keeps its other members), only for sessions booked without an override.
CREATE FUNCTION homeward.sessions_to_repair(p_from date, p_days int, p_centre text)
RETURNS TABLE (session_id bigint, rule text, detail text)
LANGUAGE sql STABLE AS $$
    WITH candidates AS (
        SELECT s.id, s.mode, s.override_reason
        FROM homeward.sessions s
        JOIN homeward.centres c ON c.id = s.centre_id
        WHERE s.status = 'planned' AND s.starts_at >= homeward.now()
          AND homeward.local_day(s.starts_at) >= p_from AND homeward.local_day(s.starts_at) < p_from + p_days
          AND (p_centre IS NULL OR c.code = p_centre)
    )
    SELECT DISTINCT v.session_id, v.rule, v.detail
    FROM homeward.session_rule_violations(array(SELECT id FROM candidates)) v
    JOIN candidates k ON k.id = v.session_id
    WHERE v.rule IN ('staff_leave', 'staff_inactive', 'room_closed', 'centre_closed')
       OR (k.override_reason IS NULL
           AND (v.rule IN ('staff_availability', 'centre_hours') OR (v.rule = 'not_placed_at_centre' AND k.mode <> 'group')))
    ORDER BY 1, 2, 3
$$;
COMMENT ON FUNCTION homeward.sessions_to_repair(date, int, text) IS
    'Planned sessions from now on, in the given local days (and centre), that a disruption made impossible: leave, departure from the programme, a closed room or centre, changed hours or availability, a participant moved; one row per rule broken.';
GRANT EXECUTE ON FUNCTION homeward.sessions_to_repair(date, int, text) TO PUBLIC;

-- Someone who leaves the programme on a later day stays active until then; the nightly run retires them once the day
-- has come, as the repair has left them no planned session (the 0002 trigger still refuses while one remains).
CREATE FUNCTION homeward.retire_departed_staff() RETURNS int
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH retired AS (
        UPDATE homeward.staff st SET active = false
        WHERE st.active AND st.left_on <= homeward.actual_today()
          AND NOT EXISTS (SELECT 1 FROM homeward.session_staff ss JOIN homeward.sessions s ON s.id = ss.session_id
                          WHERE ss.staff_id = st.id AND s.status = 'planned' AND s.ends_at > homeward.now())
        RETURNING 1
    )
    SELECT count(*)::int FROM retired
$$;
COMMENT ON FUNCTION homeward.retire_departed_staff() IS
    'Marks inactive every staff member whose left_on has come and who holds no planned session still to come; returns how many. Run by `homeward nightly`.';
REVOKE ALL ON FUNCTION homeward.retire_departed_staff() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.retire_departed_staff() TO homeward_scheduler, homeward_admin;
