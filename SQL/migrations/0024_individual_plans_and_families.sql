-- 0024_individual_plans_and_families: the plan follows the person (issue 12, items 1, 6 and 7).
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0023.
--
-- * Individual plans: homeward.individual_plans adjusts one requirement for one participant (sessions a week, a
--   preferred staff member or language); homeward.plan_pauses pauses a requirement from/to a day with a reason. The one
--   rule: homeward.plan_rate (the rate in force) and homeward.plan_sessions_due_to_date (sessions due up to a day at
--   that rate, paused days taken off), both built on homeward.sessions_due_to_date of 0017. The scheduling instance
--   (homeward.instance_need) and progress (homeward.requirement_progress) both call it. The preferred staff member
--   (or one speaking the preferred language) reaches the scheduler as the demand's preferred staff: soft, weighed like
--   continuity. An adjusted rate applies to the whole current phase. A pause at the start or end of a week's window
--   narrows the window (instance_need), so no session is planned on a paused day.
-- * Busy times: homeward.participant_busy_times holds one-off intervals (court hearing, medical appointment, other)
--   when a participant cannot attend. homeward.instance_participant_windows takes them off the participant's free
--   time, as it does school hours, and a booking over one is refused (rule participant_busy, may be overridden).
-- * Family changes: family_members.left_on (the first day the member no longer belongs). Family sessions from that day
--   expect only those who remain: the family_incomplete rule, the family demand and the family of the no-family rule
--   read membership through homeward.family_member_on. A departed member seated in a family session on or after the
--   day breaks the rule family_departed.
-- * Re-admission: homeward.case_number_known and homeward.readmit_participant (SECURITY DEFINER) let a coordinator
--   learn that a case number exists though row-level security hides the person, and re-admit a discharged person (or
--   one placed nowhere from that day) into a centre they coordinate. Someone placed at another centre is not shown:
--   the coordinator learns which centre holds them and asks for a transfer.
-- * Ageing out: homeward.next_programme names the programme for the participant's new age; the participant_ages_out
--   gap says which one to enrol them in.
--
-- Replaced (CREATE OR REPLACE) here: homeward.instance_participants, homeward.instance_participant_windows,
-- homeward.instance_need, homeward.instance_demand (0018), homeward.session_rule_violations (0019: its body plus the
-- family_member_on condition in rule 20, 0022's UNION ALL of homeward.session_rule_violations_closures and a UNION ALL
-- of homeward.session_rule_violations_people) and the view
-- homeward.requirement_progress (0017). New triggers: session_participants_people_rules_on_insert/_on_update and
-- sessions_people_rules_on_update (homeward.people_rules_after_change, calling homeward.check_booking_rules_people).

------------------------------------------------------------------------------------------------
-- Individual plans
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.individual_plans (
    id                  bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT individual_plans_pkey PRIMARY KEY,
    participant_id      bigint NOT NULL CONSTRAINT individual_plans_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    requirement_id      bigint NOT NULL CONSTRAINT individual_plans_requirement_fk REFERENCES homeward.phase_requirements (id),
    sessions_per_week   numeric(4,2) CONSTRAINT individual_plans_sessions_per_week_range CHECK (sessions_per_week >= 0 AND sessions_per_week <= 14),
    preferred_staff_id  bigint CONSTRAINT individual_plans_preferred_staff_fk REFERENCES homeward.staff (id),
    preferred_language  text CONSTRAINT individual_plans_language_format CHECK (preferred_language ~ '^[a-z]{2,3}$'),
    reason              text CONSTRAINT individual_plans_reason_not_blank CHECK (reason IS NULL OR btrim(reason) <> ''),
    CONSTRAINT individual_plans_key UNIQUE (participant_id, requirement_id),
    CONSTRAINT individual_plans_adjusts_something CHECK (num_nonnulls(sessions_per_week, preferred_staff_id, preferred_language) > 0)
);
CREATE INDEX individual_plans_requirement_idx ON homeward.individual_plans (requirement_id);
COMMENT ON TABLE homeward.individual_plans IS
    'One participant''s adjustment of one requirement: more or fewer sessions a week, a preferred staff member or language. Read through homeward.plan_rate and homeward.instance_demand.';
COMMENT ON COLUMN homeward.individual_plans.sessions_per_week IS 'Sessions a week for this participant instead of the programme''s (0 stops the requirement for them); NULL keeps the programme''s.';
COMMENT ON COLUMN homeward.individual_plans.preferred_staff_id IS 'Staff member the scheduler prefers for this requirement (soft, like continuity).';
COMMENT ON COLUMN homeward.individual_plans.preferred_language IS 'Language the scheduler prefers a staff member to speak for this requirement (soft).';

CREATE TABLE homeward.plan_pauses (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT plan_pauses_pkey PRIMARY KEY,
    participant_id  bigint NOT NULL CONSTRAINT plan_pauses_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    requirement_id  bigint NOT NULL CONSTRAINT plan_pauses_requirement_fk REFERENCES homeward.phase_requirements (id),
    during          daterange NOT NULL CONSTRAINT plan_pauses_bounded CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    reason          text NOT NULL CONSTRAINT plan_pauses_reason_not_blank CHECK (btrim(reason) <> ''),
    CONSTRAINT plan_pauses_no_overlap EXCLUDE USING gist (participant_id WITH =, requirement_id WITH =, during WITH &&)
);
COMMENT ON TABLE homeward.plan_pauses IS
    'A requirement paused for one participant from a day to a day with a reason (e.g. a hospital stay): no session is due on those days.';

CREATE FUNCTION homeward.requirement_path(p_requirement_id bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT pg.code || '/' || ph.code || '/' || q.code
    FROM homeward.phase_requirements q
    JOIN homeward.programme_phases ph ON ph.id = q.phase_id
    JOIN homeward.programmes pg ON pg.id = ph.programme_id
    WHERE q.id = p_requirement_id
$$;
COMMENT ON FUNCTION homeward.requirement_path(bigint) IS 'A requirement as coordinators name it: PROGRAMME/PHASE/REQUIREMENT.';

CREATE FUNCTION homeward.plan_rate(p_participant_id bigint, p_requirement_id bigint, p_programme_rate numeric) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT ip.sessions_per_week FROM homeward.individual_plans ip
                     WHERE ip.participant_id = p_participant_id AND ip.requirement_id = p_requirement_id), p_programme_rate)
$$;
COMMENT ON FUNCTION homeward.plan_rate(bigint, bigint, numeric) IS
    'Sessions a week a requirement asks of one participant: their individual plan''s rate, or else the programme''s.';

CREATE FUNCTION homeward.plan_sessions_due_to_date(p_participant_id bigint, p_requirement_id bigint, p_programme_rate numeric,
                                                   p_phase_started_on date, p_on_day date) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    -- the one rule of 0017 at the plan's rate, over the phase's days that are not paused
    SELECT homeward.sessions_due_to_date(
        homeward.plan_rate(p_participant_id, p_requirement_id, p_programme_rate), p_phase_started_on,
        p_on_day - coalesce((
            SELECT sum(upper(r) - lower(r))::int
            FROM unnest((SELECT range_agg(pp.during) FROM homeward.plan_pauses pp
                         WHERE pp.participant_id = p_participant_id AND pp.requirement_id = p_requirement_id)
                        * datemultirange(daterange(p_phase_started_on, greatest(p_phase_started_on, p_on_day)))) r), 0))
$$;
COMMENT ON FUNCTION homeward.plan_sessions_due_to_date(bigint, bigint, numeric, date, date) IS
    'Sessions one participant''s requirement asks for from the phase start up to (not including) a day: homeward.sessions_due_to_date at homeward.plan_rate over the days not paused. What the scheduler and progress both count.';

CREATE FUNCTION homeward.plan_sessions_due_between(p_participant_id bigint, p_requirement_id bigint, p_programme_rate numeric,
                                                   p_phase_started_on date, p_days daterange) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(homeward.plan_sessions_due_to_date(p_participant_id, p_requirement_id, p_programme_rate, p_phase_started_on, upper(p_days))
                  - homeward.plan_sessions_due_to_date(p_participant_id, p_requirement_id, p_programme_rate, p_phase_started_on, lower(p_days)), 0)
$$;
COMMENT ON FUNCTION homeward.plan_sessions_due_between(bigint, bigint, numeric, date, daterange) IS
    'Sessions due in a range of days (a week, or the part of it the plan may use): homeward.plan_sessions_due_to_date at its end minus at its start; 0 for an empty range.';

------------------------------------------------------------------------------------------------
-- Busy times
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.participant_busy_times (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT participant_busy_times_pkey PRIMARY KEY,
    participant_id  bigint NOT NULL CONSTRAINT participant_busy_times_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    during          tstzrange NOT NULL CONSTRAINT participant_busy_times_bounded
                        CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during) AND upper(during) - lower(during) <= interval '14 days'),
    kind            text NOT NULL CONSTRAINT participant_busy_times_kind_check CHECK (kind IN ('court', 'medical', 'other')),
    note            text CONSTRAINT participant_busy_times_note_not_blank CHECK (note IS NULL OR btrim(note) <> '')
);
CREATE INDEX participant_busy_times_participant_idx ON homeward.participant_busy_times USING gist (participant_id, during);
COMMENT ON TABLE homeward.participant_busy_times IS
    'One-off times a participant cannot attend (a court hearing, a medical appointment): taken off their free time like school hours, and a booking over one is refused (participant_busy).';

------------------------------------------------------------------------------------------------
-- Family changes
------------------------------------------------------------------------------------------------

ALTER TABLE homeward.family_members
    ADD COLUMN left_on date,
    ADD COLUMN leave_reason text,
    ADD CONSTRAINT family_members_leave_reason CHECK (leave_reason IS NULL OR (left_on IS NOT NULL AND btrim(leave_reason) <> ''));
COMMENT ON COLUMN homeward.family_members.left_on IS
    'First day the participant no longer belongs to the family (e.g. the mother sent to prison); NULL: still a member. Family sessions from that day expect only those who remain.';
COMMENT ON COLUMN homeward.family_members.leave_reason IS 'Why the member left the family.';

CREATE FUNCTION homeward.family_member_on(p_left_on date, p_day date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT p_left_on IS NULL OR p_left_on > p_day $$;
COMMENT ON FUNCTION homeward.family_member_on(date, date) IS 'Whether a family membership that ends on left_on (NULL: never) holds on a day.';

CREATE FUNCTION homeward.family_hours(p_family_id bigint, p_day date) RETURNS text
LANGUAGE sql STABLE AS $$
    -- each member of the family on the day, with the regular hours that keep them away (school, plus the travel
    -- buffer) or "free in the centre's hours"; the same text every week while the school enrolments stay
    SELECT string_agg(p.case_number || ' ' || coalesce(
               (SELECT string_agg(format('at school %s %s-%s (+%s travel)',
                                         array_to_string(ARRAY(SELECT (ARRAY['Mon','Tue','Wed','Thu','Fri','Sat','Sun'])[d]
                                                               FROM unnest(se.school_weekdays) d ORDER BY d), ','),
                                         to_char(se.school_day_starts_at, 'HH24:MI'), to_char(se.school_day_ends_at, 'HH24:MI'),
                                         to_char(homeward.after_school_buffer(), 'HH24:MI')), '; ' ORDER BY se.school_day_starts_at)
                FROM homeward.school_enrolments se
                WHERE se.participant_id = p.id AND se.enrolled_from <= p_day AND (se.enrolled_to IS NULL OR se.enrolled_to >= p_day)),
               'free in the centre''s hours'), ', ' ORDER BY p.birth_date, p.case_number)
    FROM homeward.family_members fm JOIN homeward.participants p ON p.id = fm.participant_id
    WHERE fm.family_id = p_family_id AND homeward.family_member_on(fm.left_on, p_day)
$$;
COMMENT ON FUNCTION homeward.family_hours(bigint, date) IS
    'The members of a family on a day with the regular hours that keep them away (school days and hours plus travel): what a family that can never meet is explained by.';

------------------------------------------------------------------------------------------------
-- Ageing out: the programme to suggest
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.next_programme(p_participant_id bigint, p_on date) RETURNS text
LANGUAGE sql STABLE AS $$
    -- the programme meant for them on the day (homeward.fits_programme) with the narrowest age band, among those they
    -- do not follow yet; NULL when none fits
    SELECT pg.code
    FROM homeward.participants p
    CROSS JOIN homeward.programmes pg
    WHERE p.id = p_participant_id
      AND homeward.fits_programme(p.birth_date, p.sex::text, pg.id, p_on) IS NULL
      AND NOT EXISTS (SELECT 1 FROM homeward.enrolments e
                      WHERE e.participant_id = p.id AND e.programme_id = pg.id AND e.status IN ('active', 'paused'))
    ORDER BY homeward.programme_max_age(pg.id) NULLS LAST, pg.code
    LIMIT 1
$$;
COMMENT ON FUNCTION homeward.next_programme(bigint, date) IS
    'The programme to suggest to someone on a day (a child leaving a programme''s age band): the one that fits them then with the narrowest age band, not followed yet.';

------------------------------------------------------------------------------------------------
-- Row-level security and privileges, like enrolments: coordinators of the participant's centre; audited
------------------------------------------------------------------------------------------------

DO $$
DECLARE
    scoped text;
BEGIN
    FOREACH scoped IN ARRAY ARRAY['individual_plans', 'plan_pauses', 'participant_busy_times'] LOOP
        EXECUTE format('ALTER TABLE homeward.%I ENABLE ROW LEVEL SECURITY', scoped);
        EXECUTE format('CREATE POLICY all_participants ON homeward.%I TO homeward_admin, homeward_scheduler '
                       'USING (true) WITH CHECK (true)', scoped);
        EXECUTE format('CREATE POLICY centre_scope ON homeward.%I TO homeward_coordinator '
                       'USING (participant_id IN (SELECT homeward.visible_participant_ids())) '
                       'WITH CHECK (participant_id IN (SELECT homeward.visible_participant_ids()))', scoped);
        EXECUTE format('COMMENT ON POLICY centre_scope ON homeward.%I IS %L', scoped,
                       'Coordinators see and change only rows of participants placed today at their centres (homeward.user_scopes).');
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON homeward.%I TO homeward_coordinator', scoped);
        -- the auditor reads the audit trail, not case tables (the default privileges would give it this one)
        EXECUTE format('REVOKE ALL ON homeward.%I FROM homeward_auditor', scoped);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON homeward.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', scoped || '_audit_insert', scoped);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON homeward.%I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', scoped || '_audit_update', scoped);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON homeward.%I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', scoped || '_audit_delete', scoped);
    END LOOP;
END
$$;

------------------------------------------------------------------------------------------------
-- Booking rules of people: busy times and departed family members
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.session_rule_violations_people(p_session_ids bigint[])
RETURNS TABLE (rule text, session_id bigint, detail text)
LANGUAGE sql STABLE AS $fn$
WITH checked AS (
    SELECT s.id, s.mode, s.family_id, s.during, c.time_zone, sp.participant_id, p.case_number,
           (s.starts_at AT TIME ZONE c.time_zone)::date AS local_day
    FROM homeward.sessions s
    JOIN homeward.centres c ON c.id = s.centre_id
    JOIN homeward.session_participants sp ON sp.session_id = s.id
    JOIN homeward.participants p ON p.id = sp.participant_id
    WHERE s.id = ANY (p_session_ids) AND s.status = 'planned'
)
-- 22. A participant booked over one of their busy times (court hearing, medical appointment…).
SELECT 'participant_busy', k.id,
       format('participant %s has a %s %s-%s%s', k.case_number, b.kind,
              to_char(lower(b.during) AT TIME ZONE k.time_zone, 'YYYY-MM-DD HH24:MI'),
              to_char(upper(b.during) AT TIME ZONE k.time_zone, 'HH24:MI'), coalesce(' (' || b.note || ')', ''))
FROM checked k
JOIN homeward.participant_busy_times b ON b.participant_id = k.participant_id AND b.during && k.during
UNION ALL
-- 23. A family session seating someone who left the family before its day.
SELECT 'family_departed', k.id,
       format('participant %s left family %s on %s; family session %s is on %s', k.case_number, k.family_id, fm.left_on, k.id, k.local_day)
FROM checked k
JOIN homeward.family_members fm ON fm.family_id = k.family_id AND fm.participant_id = k.participant_id
WHERE k.mode = 'family' AND NOT homeward.family_member_on(fm.left_on, k.local_day)
$fn$;
COMMENT ON FUNCTION homeward.session_rule_violations_people(bigint[]) IS
    'Hard-rule violations of people''s own calendars among the given planned sessions: participant_busy (a busy time) and family_departed (a member who left the family). Unioned into homeward.session_rule_violations.';
GRANT EXECUTE ON FUNCTION homeward.session_rule_violations_people(bigint[]) TO PUBLIC;

-- Every writer is held to them, like the rules of check_booking_rules (0019): a session with an override is not.
CREATE FUNCTION homeward.check_booking_rules_people(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    v_hint constant text := 'book it anyway with --override "reason"';
BEGIN
    IF p_session_ids IS NULL THEN
        RETURN;
    END IF;
    SELECT v.rule, v.session_id, v.detail INTO r
    FROM homeward.session_rule_violations_people(
             ARRAY(SELECT s.id FROM homeward.sessions s WHERE s.id = ANY (p_session_ids) AND s.override_reason IS NULL)) v
    ORDER BY v.session_id, v.rule
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    CASE r.rule
        WHEN 'participant_busy' THEN RAISE EXCEPTION USING MESSAGE = format('session_participant_busy: session %s: %s', r.session_id, r.detail),
            DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_participant_busy', SCHEMA = 'homeward', TABLE = 'sessions';
        WHEN 'family_departed' THEN RAISE EXCEPTION USING MESSAGE = format('session_family_departed: session %s: %s', r.session_id, r.detail),
            DETAIL = r.detail, HINT = v_hint,
            ERRCODE = 'check_violation', CONSTRAINT = 'session_family_departed', SCHEMA = 'homeward', TABLE = 'sessions';
    END CASE;
END $$;
COMMENT ON FUNCTION homeward.check_booking_rules_people(bigint[]) IS
    'Refuses the first participant_busy or family_departed violation among the given planned sessions that carry no override; called by the triggers below for every writer.';
REVOKE ALL ON FUNCTION homeward.check_booking_rules_people(bigint[]) FROM PUBLIC;

CREATE FUNCTION homeward.people_rules_after_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'sessions' THEN
        -- a session that changed family or override, or came back to life; time changes reach the seats by the cascade
        SELECT array_agg(n.id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.occupies AND (n.family_id, n.status, n.override_reason) IS DISTINCT FROM (o.family_id, o.status, o.override_reason);
    ELSE
        SELECT array_agg(DISTINCT n.session_id) INTO v_ids FROM new_rows n WHERE n.occupies;
    END IF;
    PERFORM homeward.check_booking_rules_people(v_ids);
    RETURN NULL;
END $$;
CREATE TRIGGER session_participants_people_rules_on_insert AFTER INSERT ON homeward.session_participants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.people_rules_after_change();
CREATE TRIGGER session_participants_people_rules_on_update AFTER UPDATE ON homeward.session_participants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.people_rules_after_change();
CREATE TRIGGER sessions_people_rules_on_update AFTER UPDATE ON homeward.sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.people_rules_after_change();

------------------------------------------------------------------------------------------------
-- Re-admission: what a coordinator may learn about a case number row-level security hides
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.case_number_known(p_case_number text)
RETURNS TABLE (placed_at text, placed_until date, status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    -- Only that the case exists, where it is placed from today on (centre code, no names), and its status.
    SELECT (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
            WHERE pl.participant_id = p.id AND pl.during && daterange(homeward.today(), NULL) ORDER BY lower(pl.during) LIMIT 1),
           (SELECT CASE WHEN bool_or(upper_inf(pl.during)) THEN NULL ELSE max(upper(pl.during)) - 1 END
            FROM homeward.participant_placements pl WHERE pl.participant_id = p.id),
           p.status
    FROM homeward.participants p
    WHERE p.case_number = p_case_number
      AND (pg_has_role(session_user, 'homeward_coordinator', 'MEMBER') OR pg_has_role(session_user, 'homeward_admin', 'MEMBER'))
$$;
COMMENT ON FUNCTION homeward.case_number_known(text) IS
    'For a coordinator who cannot see a case: whether the case number exists, the centre it is placed at from today on (if any), the last day of its placements and its status. No names or other personal data.';
REVOKE ALL ON FUNCTION homeward.case_number_known(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.case_number_known(text) TO homeward_admin, homeward_coordinator;

CREATE FUNCTION homeward.readmit_participant(p_case_number text, p_centre_code text, p_from date, p_reason text)
RETURNS TABLE (previous_status text, previous_centre text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_participant homeward.participants%ROWTYPE;
    v_centre_id bigint;
    v_held record;
    v_last text;
BEGIN
    IF NOT (pg_has_role(session_user, 'homeward_coordinator', 'MEMBER') OR pg_has_role(session_user, 'homeward_admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'readmit_role: login % may not re-admit participants', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_participant FROM homeward.participants WHERE case_number = p_case_number FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'readmit_unknown_case: no participant with case number %', p_case_number
            USING ERRCODE = 'no_data_found', CONSTRAINT = 'readmit_unknown_case', SCHEMA = 'homeward', TABLE = 'participants',
                  DETAIL = 'register a new arrival with homeward participant add';
    END IF;
    SELECT c.id INTO v_centre_id FROM homeward.centres c WHERE c.code = p_centre_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'readmit_unknown_centre: no centre with code %', p_centre_code
            USING ERRCODE = 'no_data_found', CONSTRAINT = 'readmit_unknown_centre', SCHEMA = 'homeward', TABLE = 'centres';
    END IF;
    IF pg_has_role(session_user, 'homeward_coordinator', 'MEMBER') AND NOT pg_has_role(session_user, 'homeward_admin', 'MEMBER')
       AND NOT EXISTS (SELECT 1 FROM homeward.user_scopes s WHERE s.login = session_user AND s.centre_id = v_centre_id) THEN
        RAISE EXCEPTION 'arrivals_at_own_centres: % would be placed at %, which login % does not coordinate', p_case_number, p_centre_code, session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- placed somewhere on or after the day: a transfer (by the centre holding them), not a re-admission
    SELECT c.code, lower(pl.during) AS first_day, upper(pl.during) - 1 AS last_day INTO v_held
    FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
    WHERE pl.participant_id = v_participant.id AND pl.during && daterange(p_from, NULL)
    ORDER BY lower(pl.during) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'readmit_still_placed: participant % is placed at % until %', p_case_number, v_held.code,
                coalesce(v_held.last_day::text, 'further notice')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'readmit_still_placed', SCHEMA = 'homeward', TABLE = 'participant_placements',
                  DETAIL = format('%s is placed at %s from %s until %s: %s', p_case_number, v_held.code, v_held.first_day,
                                  coalesce(v_held.last_day::text, 'further notice'),
                                  CASE WHEN v_held.code = p_centre_code THEN 'nothing to re-admit'
                                       ELSE format('ask a coordinator of %s to transfer them (homeward participant transfer %s --to %s)',
                                                   v_held.code, p_case_number, p_centre_code) END);
    END IF;
    SELECT c.code INTO v_last
    FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
    WHERE pl.participant_id = v_participant.id ORDER BY upper(pl.during) DESC NULLS FIRST LIMIT 1;
    INSERT INTO homeward.participant_placements (participant_id, centre_id, during, reason)
    VALUES (v_participant.id, v_centre_id, daterange(p_from, NULL), coalesce('re-admitted: ' || p_reason, 're-admitted'));
    IF v_participant.status IN ('completed', 'withdrawn') THEN
        UPDATE homeward.participants SET status = 'intake' WHERE id = v_participant.id;
    END IF;
    RETURN QUERY SELECT v_participant.status, v_last;
END $$;
COMMENT ON FUNCTION homeward.readmit_participant(text, text, date, text) IS
    'Re-admits a participant who is placed nowhere from p_from on (discharged, left) into a centre the login coordinates: a new open placement from that day, status back to intake if the case was closed. Someone still placed is refused, naming the centre to ask for a transfer. Returns the previous status and last centre.';
REVOKE ALL ON FUNCTION homeward.readmit_participant(text, text, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.readmit_participant(text, text, date, text) TO homeward_admin, homeward_coordinator;

------------------------------------------------------------------------------------------------
-- Replaced functions and the progress view
------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION homeward.instance_participants(p_from date, p_days int)
RETURNS TABLE (case_number text, languages text[], age int, is_child boolean, birthday_day int, limit_before int,
               limit_after int, sex text, family_id text, linked text[])
LANGUAGE sql STABLE AS $$
    SELECT p.case_number, p.languages, a.age, homeward.is_child_on(p.birth_date, p_from),
           nullif(least(b.day - p_from, p_days), p_days),
           homeward.max_sessions_per_day(homeward.age_group_on(p.birth_date, p_from)),
           homeward.max_sessions_per_day(homeward.age_group_on(p.birth_date, b.day)), p.sex::text,
           (SELECT min(fm.family_id)::text FROM homeward.family_members fm
            WHERE fm.participant_id = p.id AND homeward.family_member_on(fm.left_on, p_from)),
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

CREATE OR REPLACE FUNCTION homeward.instance_participant_windows(p_from date, p_days int, p_centre text, p_slot int)
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
                UNION ALL
                -- an adult's (or child's) personal busy times: court hearings, medical appointments (0024)
                SELECT bt.during
                FROM homeward.participant_busy_times bt
                WHERE bt.participant_id = pl.participant_id
                  AND bt.during && tstzrange(pl.day::timestamp AT TIME ZONE pl.time_zone, (pl.day + 1)::timestamp AT TIME ZONE pl.time_zone)
            ) blocked) busy
    )
    SELECT f.case_number, f.centre, homeward.slot_of(lower(r), p_from, p_slot, true), homeward.slot_of(upper(r), p_from, p_slot, false)
    FROM free f CROSS JOIN LATERAL unnest(f.m) AS r
    ORDER BY 1, lower(r)
$$;

CREATE OR REPLACE FUNCTION homeward.instance_need(p_from date, p_days int, p_freeze int)
RETURNS TABLE (enrolment_id bigint, participant_id bigint, case_number text, requirement_id bigint, requirement_code text,
               session_type text, mode text, staff_role text, group_min int, group_max int, duration_minutes int,
               room_kind text, requires_child_clearance boolean, paediatric_only boolean, week_start date,
               window_from date, window_to date, required int, due_in_week int, eligible_until date, family_id bigint)
LANGUAGE sql STABLE AS $$
    -- Per active enrolment, current-phase requirement and ISO week of the horizon: the days the plan may use (ages are
    -- judged per day: a birthday inside the week ends one age band's window and starts the next) and the sessions the
    -- week asks for (homeward.plan_sessions_due_between: the
    -- programme's rate or the participant's individual plan, paused days taken off).
    WITH weeks AS (
        SELECT DISTINCT date_trunc('week', g)::date AS week_start
        FROM generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    )
    SELECT e.id, p.id, p.case_number, q.id, q.code, q.session_type, q.mode, q.staff_role, q.group_min, q.group_max,
           q.duration_minutes, q.room_kind, q.requires_child_clearance, q.paediatric_only, w.week_start,
           greatest(win.first_day, pz.pause_ends), least(win.end_day, pz.pause_starts),
           homeward.plan_sessions_due_between(p.id, q.id, q.sessions_per_week, e.phase_started_on,
                                              daterange(w.week_start, least(w.week_start + 7, p_from + p_days)) * el.days),
           homeward.plan_sessions_due_between(p.id, q.id, q.sessions_per_week, e.phase_started_on,
                                              daterange(w.week_start, w.week_start + 7)),
           upper(el.days),
           (SELECT min(fm.family_id) FROM homeward.family_members fm
            WHERE fm.participant_id = p.id AND homeward.family_member_on(fm.left_on, w.week_start))
    FROM homeward.enrolments e
    JOIN homeward.participants p ON p.id = e.participant_id AND p.status NOT IN ('completed', 'withdrawn')
    JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
    JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    JOIN weeks w ON w.week_start + 7 > e.phase_started_on AND w.week_start < e.phase_started_on + ph.duration_days
    CROSS JOIN LATERAL (SELECT homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text) AS days) el
    CROSS JOIN LATERAL (SELECT greatest(w.week_start, p_from + p_freeze, e.phase_started_on, lower(el.days)) AS first_day,
                               least(w.week_start + 7, p_from + p_days, e.phase_started_on + ph.duration_days, upper(el.days)) AS end_day) win
    -- a pause at the start or the end of the window narrows it: no session is planned on a paused day
    CROSS JOIN LATERAL (SELECT (SELECT max(upper(pp.during)) FROM homeward.plan_pauses pp
                                WHERE pp.participant_id = p.id AND pp.requirement_id = q.id AND pp.during @> win.first_day) AS pause_ends,
                               (SELECT min(lower(pp.during)) FROM homeward.plan_pauses pp
                                WHERE pp.participant_id = p.id AND pp.requirement_id = q.id AND pp.during @> (win.end_day - 1)) AS pause_starts) pz
    WHERE e.status = 'active' AND el.days && daterange(w.week_start, w.week_start + 7)
$$;

CREATE OR REPLACE FUNCTION homeward.instance_demand(p_from date, p_days int, p_centre text, p_freeze int, p_slot int)
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
    ), preferred AS (
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
           homeward.slot_of(greatest(x.window_from, x.family_since)::timestamp AT TIME ZONE homeward.planning_zone(), p_from, p_slot, false),
           homeward.slot_of(x.window_to::timestamp AT TIME ZONE homeward.planning_zone(), p_from, p_slot, false),
           x.missing, x.centre, x.previous_staff, x.family_id, x.family_members
    FROM counted x
    WHERE x.missing > 0 AND x.centre IS NOT NULL AND (p_centre IS NULL OR x.centre = p_centre)
    ORDER BY CASE WHEN x.mode = 'family' THEN 'f' || coalesce(x.family_id::text, x.case_number) ELSE x.case_number END,
             CASE WHEN x.mode = 'family' THEN 0 ELSE x.requirement_id END, x.week_start, x.missing DESC, x.requirement_id
$$;

-- 0019's body; rule 20 expects only those who remain in the family; the people rules of this file are unioned in.
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
UNION ALL
SELECT * FROM homeward.session_rule_violations_closures(p_session_ids)
UNION ALL
SELECT * FROM homeward.session_rule_violations_people(p_session_ids)
$fn$;

-- 0017's view; the rate and the days due follow the individual plan.
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
                                  AND ((k.occupies AND a.status IS NOT NULL) OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int
                   AS counted_last_28_days,
               count(*) FILTER (WHERE k.day > b.today - 28 AND k.occupies AND a.status IN ('attended', 'late') AND k.day <= b.today)::int
                   AS attended_last_28_days,
               count(*) FILTER (WHERE k.day <= b.today
                                  AND ((k.occupies AND a.status IS NOT NULL) OR (k.status = 'cancelled' AND k.cancelled_by = 'participant')))::int
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

