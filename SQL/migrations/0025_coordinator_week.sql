-- 0025_coordinator_week: what a coordinator's week through the CLI showed. An enrolment checks the lower end of a
-- programme's age band too; a family session that loses the member whose programme it served serves a programme of
-- those who remain; a booking by hand is warned of the soft rules it breaks; last contact per participant and role;
-- two kinds of flag and the morning digest; length limits on free text; excused absences leave the attendance rates.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0024.
--
-- 0014 checked only the upper end, because the under-7 programme takes infants although its play sessions start at 2.
-- So an 8-year-old could be enrolled in CHILDREN-13-17. The youngest age a programme admits is the lowest min_age of
-- the requirements that are the participant's own (individual and group ones; a family session seats everyone of the
-- household whatever their age), a requirement without min_age admitting any age; and it is a limit only when a
-- programme of the same audience takes the younger ones (its oldest age is below it). So: 13 for CHILDREN-13-17 and
-- 7 for CHILDREN-7-12, none for the under-7 programme (no younger programme: it takes infants for the family and
-- social work sessions). Enrolments made before this migration are left as they are.

CREATE FUNCTION homeward.programme_min_age(p_programme_id bigint) RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT own.min_age
    FROM homeward.programmes pg
    CROSS JOIN LATERAL (
        SELECT nullif(min(coalesce(q.min_age, 0)), 0) AS min_age
        FROM homeward.programme_phases ph JOIN homeward.phase_requirements q ON q.phase_id = ph.id
        WHERE ph.programme_id = pg.id AND q.mode <> 'family') own
    WHERE pg.id = p_programme_id
      AND EXISTS (SELECT 1 FROM homeward.programmes younger
                  WHERE younger.audience = pg.audience AND younger.id <> pg.id AND homeward.programme_max_age(younger.id) < own.min_age)
$$;
COMMENT ON FUNCTION homeward.programme_min_age(bigint) IS
    'The youngest age a programme admits: the lowest min_age of its own (not family) requirements, when a programme of the same audience takes those younger; NULL otherwise.';

CREATE OR REPLACE FUNCTION homeward.fits_programme(p_birth_date date, p_sex text, p_programme_id bigint, p_on date) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN pg.audience = 'adult_women' AND (p_sex <> 'female' OR a.age < homeward.adult_age())
            THEN format('%s is for women of %s or older; the participant is %s and %s on %s', pg.code, homeward.adult_age(), p_sex, a.age, p_on)
        WHEN pg.audience = 'adult_men' AND (p_sex <> 'male' OR a.age < homeward.adult_age())
            THEN format('%s is for men of %s or older; the participant is %s and %s on %s', pg.code, homeward.adult_age(), p_sex, a.age, p_on)
        WHEN pg.audience = 'children' AND a.age >= homeward.adult_age()
            THEN format('%s is for children; the participant is %s on %s', pg.code, a.age, p_on)
        WHEN a.age > homeward.programme_max_age(pg.id)
            THEN format('%s is for ages up to %s; the participant is %s on %s', pg.code, homeward.programme_max_age(pg.id), a.age, p_on)
        WHEN a.age < homeward.programme_min_age(pg.id)
            THEN format('%s is for ages from %s; the participant is %s on %s', pg.code, homeward.programme_min_age(pg.id), a.age, p_on)
    END
    FROM homeward.programmes pg
    CROSS JOIN LATERAL (SELECT homeward.age_on(p_birth_date, p_on) AS age) a
    WHERE pg.id = p_programme_id
$$;
GRANT EXECUTE ON FUNCTION homeward.programme_min_age(bigint) TO PUBLIC;

-- A family session serves the family requirement of one member's programme (0019: requirement_not_enrolled). When
-- that member leaves it (transfer, discharge, void), the session now serves a family requirement of the current phase
-- of a remaining member's enrolment in force on its day that the session as booked can serve: same session type and
-- room kind, its staff holding the role and the clearance (the lowest such requirement id, so every writer gets the
-- same answer). When no remaining member has one, it is cancelled by the centre with the reason. Otherwise the same
-- signature and results as 0013's version.
CREATE OR REPLACE FUNCTION homeward.free_from_sessions(p_participant_id bigint, p_session_ids bigint[], p_reason text,
                                                       OUT cancelled int, OUT seats_released int)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_cancel bigint[];
    v_free bigint[];
    v_orphaned bigint[];
    v_more int;
BEGIN
    PERFORM 1 FROM homeward.sessions s WHERE s.id = ANY (p_session_ids) AND s.status = 'planned' FOR UPDATE;
    SELECT array_agg(s.id) FILTER (WHERE k.booked - 1 < k.keeps_at), array_agg(s.id) FILTER (WHERE k.booked - 1 >= k.keeps_at)
    INTO v_cancel, v_free
    FROM homeward.sessions s
    LEFT JOIN homeward.phase_requirements q ON q.id = s.requirement_id
    CROSS JOIN LATERAL (
        SELECT count(*) AS booked, CASE WHEN s.mode = 'group' THEN coalesce(q.group_min, 2) ELSE 1 END AS keeps_at
        FROM homeward.session_participants o WHERE o.session_id = s.id) k
    WHERE s.id = ANY (p_session_ids) AND s.status = 'planned'
      AND EXISTS (SELECT 1 FROM homeward.session_participants sp WHERE sp.session_id = s.id AND sp.participant_id = p_participant_id);

    UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = p_reason
    WHERE id = ANY (coalesce(v_cancel, '{}'));
    GET DIAGNOSTICS cancelled = ROW_COUNT;
    DELETE FROM homeward.session_participants
    WHERE session_id = ANY (coalesce(v_free, '{}')) AND participant_id = p_participant_id;
    GET DIAGNOSTICS seats_released = ROW_COUNT;

    -- Family sessions whose requirement no remaining member follows that day: re-pointed, or cancelled.
    WITH left_behind AS (
        SELECT s.id, s.session_type, s.room_id, (s.starts_at AT TIME ZONE c.time_zone)::date AS local_day
        FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
        JOIN homeward.phase_requirements q ON q.id = s.requirement_id
        WHERE s.id = ANY (coalesce(v_free, '{}')) AND s.mode = 'family'
          AND NOT EXISTS (SELECT 1 FROM homeward.session_participants sp
                          JOIN homeward.enrolments e ON e.participant_id = sp.participant_id AND e.current_phase_id = q.phase_id
                          WHERE sp.session_id = s.id
                            AND homeward.enrolled_on(e.status, e.started_on, e.ended_on, (s.starts_at AT TIME ZONE c.time_zone)::date))
    ), serves AS (
        SELECT b.id, (SELECT min(fq.id) FROM homeward.session_participants sp
                      JOIN homeward.enrolments e ON e.participant_id = sp.participant_id
                      JOIN homeward.phase_requirements fq ON fq.phase_id = e.current_phase_id AND fq.mode = 'family'
                                                                 AND fq.session_type = b.session_type
                      JOIN homeward.rooms r ON r.id = b.room_id AND r.kind = fq.room_kind
                      WHERE sp.session_id = b.id AND homeward.enrolled_on(e.status, e.started_on, e.ended_on, b.local_day)
                        AND NOT EXISTS (SELECT 1 FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                                        WHERE ss.session_id = b.id
                                          AND (NOT EXISTS (SELECT 1 FROM homeward.staff_roles sr
                                                           WHERE sr.staff_id = ss.staff_id AND sr.role = fq.staff_role)
                                               OR (fq.requires_child_clearance AND NOT st.may_work_with_children)))) AS requirement_id
        FROM left_behind b
    ), repointed AS (
        UPDATE homeward.sessions s SET requirement_id = v.requirement_id
        FROM serves v WHERE s.id = v.id AND v.requirement_id IS NOT NULL
        RETURNING s.id
    )
    SELECT array_agg(v.id) INTO v_orphaned FROM serves v WHERE v.requirement_id IS NULL;
    UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = p_reason
    WHERE id = ANY (coalesce(v_orphaned, '{}'));
    GET DIAGNOSTICS v_more = ROW_COUNT;
    cancelled := cancelled + v_more;
END
$$;
COMMENT ON FUNCTION homeward.free_from_sessions(bigint, bigint[], text) IS
    'Frees a participant from the given planned sessions: those only they would hold, and groups that would fall below their minimum, are cancelled by the centre with the reason; other groups and family sessions lose only the seat, and a family session then serves the family requirement of a remaining member (cancelled when none has one). Returns (cancelled, seats_released).';

-- The scheduler's soft rules, for a booking by hand: breaking one is allowed and worth a warning, never a refusal.
--   continuity: a participant of an individual session last saw another staff member of that role (the scheduler's
--               previous_staff of 0018: the latest planned or held session before this one);
--   linked_clash: a participant's mother, child or other linked participant (family_links) is in another session at
--                 the same time (the scheduler's linkedClash weight).
CREATE FUNCTION homeward.session_soft_warnings(p_session_ids bigint[])
RETURNS TABLE (rule text, session_id bigint, detail text)
LANGUAGE sql STABLE AS $fn$
WITH checked AS (
    SELECT s.id, s.mode, s.starts_at, s.during, sp.participant_id, p.case_number
    FROM homeward.sessions s
    JOIN homeward.session_participants sp ON sp.session_id = s.id
    JOIN homeward.participants p ON p.id = sp.participant_id
    WHERE s.id = ANY (p_session_ids) AND s.status = 'planned'
)
SELECT 'continuity', k.id, format('%s last saw %s (%s); this session is with %s', k.case_number, last.code, sr.role, st.code)
FROM checked k
JOIN homeward.session_staff ss ON ss.session_id = k.id
JOIN homeward.staff st ON st.id = ss.staff_id
JOIN homeward.staff_roles sr ON sr.staff_id = st.id
CROSS JOIN LATERAL (
    SELECT ost.code, ost.id
    FROM homeward.session_participants osp
    JOIN homeward.sessions o ON o.id = osp.session_id AND o.status IN ('planned', 'held') AND o.starts_at < k.starts_at
    JOIN homeward.session_staff oss ON oss.session_id = o.id
    JOIN homeward.staff ost ON ost.id = oss.staff_id AND ost.active
    JOIN homeward.staff_roles osr ON osr.staff_id = ost.id AND osr.role = sr.role
    WHERE osp.participant_id = k.participant_id
    ORDER BY o.starts_at DESC, ost.code LIMIT 1) last
WHERE k.mode = 'individual' AND last.id <> st.id
UNION ALL
SELECT 'linked_clash', k.id, format('%s is in session %s at the same time as %s, who is linked to them', other.case_number, o.id, k.case_number)
FROM checked k
JOIN homeward.family_links fl ON (fl.participant_id = k.participant_id AND fl.related_participant_id IS NOT NULL)
                              OR fl.related_participant_id = k.participant_id
JOIN homeward.participants other ON other.id = CASE WHEN fl.participant_id = k.participant_id THEN fl.related_participant_id
                                                    ELSE fl.participant_id END
JOIN homeward.session_participants osp ON osp.participant_id = other.id AND osp.session_id <> k.id
JOIN homeward.sessions o ON o.id = osp.session_id AND o.status IN ('planned', 'held') AND o.during && k.during
WHERE NOT EXISTS (SELECT 1 FROM homeward.session_participants both_in WHERE both_in.session_id = k.id AND both_in.participant_id = other.id)
ORDER BY 2, 1, 3
$fn$;
COMMENT ON FUNCTION homeward.session_soft_warnings(bigint[]) IS
    'The scheduler''s soft rules a booking breaks (rule, session_id, detail): continuity with the staff member last seen, and a linked participant (mother, child) in another session at the same time. Warnings, never refusals.';
GRANT EXECUTE ON FUNCTION homeward.session_soft_warnings(bigint[]) TO PUBLIC;

-- Last contact: for each participant with an active enrolment and each staff role their current phase asks for, the
-- last local day on or before p_day they attended (or came late to) a session with a staff member in that role, who
-- it was, and the days since (counted from the enrolment's start when there was none since). The role of a session is
-- its requirement's; a session booked without one counts for every role of its staff. Caller's rights: a coordinator
-- sees their centres. `homeward participant last-contact` reads it.
CREATE FUNCTION homeward.last_contacts(p_day date)
RETURNS TABLE (participant_id bigint, case_number text, centre text, role text, since date, last_on date, staff text, days int)
LANGUAGE sql STABLE AS $$
WITH asked AS (
    SELECT e.participant_id, q.staff_role AS role, min(e.started_on) AS since
    FROM homeward.enrolments e
    JOIN homeward.participants p ON p.id = e.participant_id
    JOIN homeward.phase_requirements q ON q.phase_id = e.current_phase_id
    WHERE e.status = 'active' AND e.started_on <= p_day
      AND homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text) @> p_day
    GROUP BY 1, 2
), seen AS (
    SELECT DISTINCT ON (a.participant_id, sr.role) a.participant_id, sr.role,
           (s.starts_at AT TIME ZONE c.time_zone)::date AS on_day, st.code
    FROM homeward.attendance a
    JOIN homeward.sessions s ON s.id = a.session_id AND s.occupies
    JOIN homeward.centres c ON c.id = s.centre_id
    LEFT JOIN homeward.phase_requirements sq ON sq.id = s.requirement_id
    JOIN homeward.session_staff ss ON ss.session_id = s.id
    JOIN homeward.staff st ON st.id = ss.staff_id
    JOIN homeward.staff_roles sr ON sr.staff_id = st.id AND (sq.id IS NULL OR sr.role = sq.staff_role)
    WHERE a.status IN ('attended', 'late') AND (s.starts_at AT TIME ZONE c.time_zone)::date <= p_day
      AND a.participant_id IN (SELECT k.participant_id FROM asked k)
    ORDER BY a.participant_id, sr.role, s.starts_at DESC, st.code
)
SELECT k.participant_id, p.case_number, c.code, k.role, k.since, v.on_day, v.code,
       p_day - greatest(k.since, coalesce(v.on_day, k.since))
FROM asked k
JOIN homeward.participants p ON p.id = k.participant_id
LEFT JOIN seen v ON v.participant_id = k.participant_id AND v.role = k.role
LEFT JOIN homeward.participant_placements pl ON pl.participant_id = k.participant_id AND pl.during @> p_day
LEFT JOIN homeward.centres c ON c.id = pl.centre_id
$$;
COMMENT ON FUNCTION homeward.last_contacts(date) IS
    'Per participant with an active enrolment and staff role their current phase asks for: the last day (on or before the given one) they attended a session with that role, with whom, and the days since (from the enrolment start when never).';
GRANT EXECUTE ON FUNCTION homeward.last_contacts(date) TO homeward_admin, homeward_coordinator, homeward_scheduler, homeward_auditor;

-- Two kinds of signal, for two owners. Falling behind: the participant disengages (attendance, absences, contact,
-- school, modules, assessments, forecast): a coordinator's follow-up. Not served: the programme fails them (demand
-- the scheduler cannot place): a manager's staffing or capacity problem.
CREATE FUNCTION homeward.flag_kind(p_rule text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE p_rule WHEN 'requirement_unplaced' THEN 'not_served' ELSE 'falling_behind' END $$;
COMMENT ON FUNCTION homeward.flag_kind(text) IS
    'The kind of signal a flag rule gives: not_served (the programme fails the participant: requirement_unplaced) or falling_behind (every other rule).';
GRANT EXECUTE ON FUNCTION homeward.flag_kind(text) TO PUBLIC;

-- What a coordinator reads each morning: flags still unresolved that opened, re-opened or grew more severe since a
-- moment, with the change and the severity before it (a flag opened in that time is new, however it changed since). Caller's rights (row-level security on flags).
CREATE FUNCTION homeward.flag_digest(p_since timestamptz)
RETURNS TABLE (flag_id bigint, change text, severity_before text, changed_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (c.flag_id) c.flag_id,
           CASE c.event WHEN 'opened' THEN 'new' WHEN 'reopened' THEN 'reopened' ELSE 'worse' END, c.before, c.at
    FROM (
        SELECT e.flag_id, e.event, e.at, e.id, e.severity,
               lag(e.severity) OVER (PARTITION BY e.flag_id ORDER BY e.at, e.id) AS before
        FROM homeward.flag_events e
        WHERE e.flag_id IN (SELECT r.flag_id FROM homeward.flag_events r WHERE r.at >= p_since)
          AND e.event IN ('opened', 'updated', 'reopened')
    ) c
    JOIN homeward.flags f ON f.id = c.flag_id AND f.status IN ('open', 'acknowledged')
    WHERE c.at >= p_since
      AND (c.event IN ('opened', 'reopened')
           OR homeward.flag_severity_rank(c.severity) > homeward.flag_severity_rank(c.before))
    ORDER BY c.flag_id, c.event = 'updated', c.at DESC, c.id DESC
$$;
COMMENT ON FUNCTION homeward.flag_digest(timestamptz) IS
    'Unresolved flags that opened, re-opened or grew more severe since the given moment: the change (new, reopened, worse), the severity before and when. homeward flags digest reads it.';
GRANT EXECUTE ON FUNCTION homeward.flag_digest(timestamptz) TO homeward_admin, homeward_coordinator, homeward_scheduler, homeward_auditor;
CREATE INDEX flag_events_at_idx ON homeward.flag_events (at);

-- Lengths, for every writer (the CLI checks the same limits first, Rules.maxNameLength and maxTextLength): a name of
-- 3,000 characters from psql is refused by name, not by the index's size limit in a raw error, and a megabyte of note
-- is refused too. Names people are searched by: 200 characters; every other free text: 4,000.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT k.table_name, k.column_name,
               CASE WHEN (k.table_name, k.column_name) IN (('participants', 'given_name'), ('participants', 'family_name'),
                                                           ('participants', 'patronymic'), ('staff', 'given_name'),
                                                           ('staff', 'family_name'), ('relatives', 'given_name'),
                                                           ('relatives', 'family_name'))
                    THEN 200 ELSE 4000 END AS max_length
        FROM information_schema.columns k
        JOIN information_schema.tables t ON t.table_schema = k.table_schema AND t.table_name = k.table_name AND t.table_type = 'BASE TABLE'
        WHERE k.table_schema = 'homeward' AND k.data_type = 'text'
          AND k.table_name NOT IN ('schema_migrations', 'pseudonym_secret', 'settings', 'schedule_runs', 'schedule_unplaced')
        ORDER BY 1, 2
    LOOP
        EXECUTE format('ALTER TABLE homeward.%I ADD CONSTRAINT %I CHECK (char_length(%I) <= %s)',
                       c.table_name, c.table_name || '_' || c.column_name || '_length', c.column_name, c.max_length);
    END LOOP;
END
$$;

-- An excused absence is not a missed session: the attendance rates count sessions attended, late or missed without
-- excuse, and cancellations by the participant, never the excused ones (0024's view otherwise). A sick child with a
-- certificate no longer drags a rate below the attendance rule's threshold.
CREATE OR REPLACE VIEW homeward.requirement_progress WITH (security_invoker = true) AS
WITH base AS (
    SELECT e.id AS enrolment_id, e.participant_id, p.case_number,
           (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
             WHERE pl.participant_id = e.participant_id AND pl.during @> t.today
             ORDER BY lower(pl.during) DESC LIMIT 1) AS centre_code,
           pg.code AS programme_code, ph.code AS phase_code, q.id AS requirement_id, q.code AS requirement_code,
           q.session_type, q.mode AS requirement_mode, homeward.plan_rate(e.participant_id, q.id, q.sessions_per_week)::numeric(4,2) AS sessions_per_week,
           q.sessions_per_week AS programme_sessions_per_week, e.phase_started_on,
           least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)) AS planned_phase_end,
           t.today,
           greatest(0, least(t.today, least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)))
                       - e.phase_started_on) AS elapsed_days
    FROM homeward.enrolments e
    CROSS JOIN (SELECT homeward.today() AS today) t
    JOIN homeward.participants p ON p.id = e.participant_id
    JOIN homeward.programmes pg ON pg.id = e.programme_id
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    WHERE e.status = 'active'
      AND homeward.eligible_during(p.birth_date, p.sex, q.min_age, q.max_age, q.sex) @> t.today
), counted AS (
    SELECT b.*, x.*,
           greatest(0, homeward.plan_sessions_due_to_date(b.participant_id, b.requirement_id, b.programme_sessions_per_week,
                                                          b.phase_started_on, b.phase_started_on + b.elapsed_days)
                       - x.cancelled_by_staff_or_centre) AS required_to_date
    FROM base b
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE k.status = 'planned' AND a.status IS NULL AND k.day >= b.today)::int AS planned,
               count(*) FILTER (WHERE k.occupies AND a.status IN ('attended', 'late') AND k.day <= b.today)::int AS attended,
               count(*) FILTER (WHERE k.occupies AND a.status = 'absent_unexcused' AND k.day <= b.today)::int AS missed,
               count(*) FILTER (WHERE k.occupies AND a.status = 'absent_excused' AND k.day <= b.today)::int AS excused,
               count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by = 'participant' AND k.day <= b.today)::int AS cancelled_by_participant,
               count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by IN ('staff', 'centre') AND k.day <= b.today)::int AS cancelled_by_staff_or_centre,
               count(*) FILTER (WHERE k.occupies AND a.status IS NULL AND k.day < b.today)::int AS unrecorded,
               count(*) FILTER (WHERE k.day > b.today - 28 AND k.day <= b.today
                                  AND ((k.occupies AND a.status IN ('attended', 'late', 'absent_unexcused')) OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int
                   AS counted_last_28_days,
               count(*) FILTER (WHERE k.day > b.today - 28 AND k.occupies AND a.status IN ('attended', 'late') AND k.day <= b.today)::int
                   AS attended_last_28_days,
               count(*) FILTER (WHERE k.day <= b.today
                                  AND ((k.occupies AND a.status IN ('attended', 'late', 'absent_unexcused')) OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int
                   AS counted_since_phase_start
        FROM homeward.session_participants sp
        JOIN homeward.sessions s ON s.id = sp.session_id
                                 AND homeward.session_counts_for(s.requirement_id, s.mode, b.requirement_id, b.requirement_mode)
        JOIN homeward.centres c ON c.id = s.centre_id
        CROSS JOIN LATERAL (SELECT (s.starts_at AT TIME ZONE c.time_zone)::date AS day, s.status, s.occupies, s.cancelled_by) k
        LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
        WHERE sp.participant_id = b.participant_id AND k.day >= b.phase_started_on
    ) x
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
