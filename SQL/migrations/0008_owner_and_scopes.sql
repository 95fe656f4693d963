-- 0008_owner_and_scopes: nobody logs in as the owner, views honour row-level security, and every role's scope is the
-- job it does.
--
-- Run by `homeward db migrate` in one transaction. Forward only. Requires 0001…0007.
--
-- * homeward_owner (NOLOGIN) owns every schema, table, view, sequence and function of homeward, audit and oversight.
--   The migrating login (a superuser, once) creates objects and homeward.hand_over_to_owner() gives them to the owner in
--   the same transaction; from 0009 on, migration files run as homeward_owner itself (SET LOCAL ROLE), so default
--   privileges give every table added later the standard grants. No daily login owns anything, so none is exempt from
--   row-level security or can disable the audit trigger.
-- * The progress views run with the caller's rights (security_invoker): a coordinator sees their centres only.
-- * Coordinators: sessions, their staff and unrecorded marks by the session's centre; relatives and families of their
--   own participants (or that they registered); flag events and module completions through their parents; arrivals
--   through homeward.register_arrivals (participant and first placement at their centre in one step).
-- * The scheduler reads no names, writes only sessions of its own runs and changes no session it did not create.
-- * Policies read only session_user and homeward.actual_today(): no setting a session may set widens a scope.

------------------------------------------------------------------------------------------------
-- The owner
------------------------------------------------------------------------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'homeward_owner') THEN
        CREATE ROLE homeward_owner NOLOGIN;
    END IF;
END
$$;
COMMENT ON ROLE homeward_owner IS
    'Homeward: owns every object of schemas homeward, audit and oversight. NOLOGIN: nobody works as the owner; migrations run as it.';

-- Run by the migration runner after every file, in the file's transaction, by a login that may act as the owner.
CREATE FUNCTION homeward.hand_over_to_owner() RETURNS int
    LANGUAGE plpgsql
AS $$
DECLARE
    r record;
    moved int := 0;
BEGIN
    FOR r IN
        SELECT format('ALTER SCHEMA %I OWNER TO homeward_owner', n.nspname) AS command
        FROM pg_namespace n
        WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND n.nspowner <> 'homeward_owner'::regrole
    LOOP
        EXECUTE r.command;
        moved := moved + 1;
    END LOOP;
    -- Tables first: their identity sequences follow them.
    FOR r IN
        SELECT format('ALTER %s %s OWNER TO homeward_owner',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                      c.oid::regclass) AS command
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND c.relowner <> 'homeward_owner'::regrole
    LOOP
        EXECUTE r.command;
        moved := moved + 1;
    END LOOP;
    FOR r IN
        SELECT format('ALTER SEQUENCE %s OWNER TO homeward_owner', c.oid::regclass) AS command
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND c.relkind = 'S' AND c.relowner <> 'homeward_owner'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE r.command;
        moved := moved + 1;
    END LOOP;
    FOR r IN
        SELECT format('ALTER %s %s OWNER TO homeward_owner', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                      p.oid::regprocedure) AS command
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND p.proowner <> 'homeward_owner'::regrole
    LOOP
        EXECUTE r.command;
        moved := moved + 1;
    END LOOP;
    FOR r IN
        SELECT format('ALTER TYPE %s OWNER TO homeward_owner', t.oid::regtype) AS command
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND t.typowner <> 'homeward_owner'::regrole
          AND (t.typtype IN ('d', 'e', 'r', 'm') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
    LOOP
        EXECUTE r.command;
        moved := moved + 1;
    END LOOP;
    RETURN moved;
END
$$;
COMMENT ON FUNCTION homeward.hand_over_to_owner() IS
    'Gives every schema, table, view, sequence, function and type of homeward, audit and oversight to homeward_owner; returns how many changed owner. The migration runner calls it after every file.';
REVOKE ALL ON FUNCTION homeward.hand_over_to_owner() FROM PUBLIC;

-- Tables, sequences and functions the owner creates later (migrations from 0009 on) get the standard grants.
ALTER DEFAULT PRIVILEGES FOR ROLE homeward_owner IN SCHEMA homeward GRANT ALL ON TABLES TO homeward_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE homeward_owner IN SCHEMA homeward
    GRANT SELECT ON TABLES TO homeward_coordinator, homeward_scheduler, homeward_auditor;
ALTER DEFAULT PRIVILEGES FOR ROLE homeward_owner IN SCHEMA homeward
    GRANT USAGE ON SEQUENCES TO homeward_admin, homeward_coordinator, homeward_scheduler;
ALTER DEFAULT PRIVILEGES FOR ROLE homeward_owner IN SCHEMA oversight GRANT SELECT ON TABLES TO homeward_oversight, homeward_admin;

------------------------------------------------------------------------------------------------
-- Scopes
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.visible_centre_ids() RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT s.centre_id FROM homeward.user_scopes s WHERE s.login = session_user $$;
COMMENT ON FUNCTION homeward.visible_centre_ids() IS
    'Centres the current login coordinates (homeward.user_scopes, by session_user, which no setting can change). Read by the row-level security policies.';
REVOKE ALL ON FUNCTION homeward.visible_centre_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.visible_centre_ids() TO homeward_admin, homeward_coordinator, homeward_scheduler;

-- Progress views with the caller's rights: the row-level security of the tables they read applies.
ALTER VIEW homeward.requirement_progress SET (security_invoker = true);
ALTER VIEW homeward.enrolment_progress SET (security_invoker = true);

-- Oversight reads progress for everyone (pseudonymised): the same view, evaluated with the owner's rights.
CREATE FUNCTION homeward.enrolment_progress_for_oversight() RETURNS SETOF homeward.enrolment_progress
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM homeward.enrolment_progress $$;
COMMENT ON FUNCTION homeward.enrolment_progress_for_oversight() IS
    'Every row of homeward.enrolment_progress, with the owner''s rights: what the pseudonymised oversight views aggregate. Not for daily logins.';
REVOKE ALL ON FUNCTION homeward.enrolment_progress_for_oversight() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.enrolment_progress_for_oversight() TO homeward_oversight, homeward_admin;

CREATE OR REPLACE VIEW oversight.progress AS
SELECT 'P-' || left(md5(s.secret || e.case_number), 10) AS pseudonym,
       e.programme_code, e.phase_code, e.centre_code,
       date_trunc('month', e.started_on)::date AS started_month,
       e.required_to_date, e.attended, e.missed, e.excused, e.unrecorded,
       e.attendance_rate_last_28_days, e.attendance_rate_since_phase_start, e.pace, e.stalled_requirements,
       e.school_attendance_rate_last_28_days, e.modules_passed, e.modules_expected
FROM homeward.enrolment_progress_for_oversight() e
CROSS JOIN homeward.pseudonym_secret s;

-- The rules the triggers check see every row whatever the writer's scope: a coordinator's session is checked against
-- bookings at other centres too (capacity, eligibility, clearance, leave), with the owner's rights.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'homeward.check_session_rules(bigint[], boolean, boolean)', 'homeward.session_rules_after_change()',
        'homeward.session_rules_after_reference_change()', 'homeward.attendance_check_session()',
        'homeward.session_member_copy_session()', 'homeward.school_attendance_check_day()',
        'homeward.module_completions_fill_course()', 'homeward.unrecorded_sessions_clear_on_attendance()',
        'homeward.unrecorded_sessions_clear_on_status()']::regprocedure[] LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, pg_temp', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;

------------------------------------------------------------------------------------------------
-- Sessions, by centre
------------------------------------------------------------------------------------------------

ALTER TABLE homeward.sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_sessions ON homeward.sessions TO homeward_admin, homeward_auditor USING (true) WITH CHECK (true);
CREATE POLICY centre_scope ON homeward.sessions TO homeward_coordinator
    USING (centre_id IN (SELECT homeward.visible_centre_ids())) WITH CHECK (centre_id IN (SELECT homeward.visible_centre_ids()));
CREATE POLICY scheduler_reads ON homeward.sessions FOR SELECT TO homeward_scheduler USING (true);
CREATE POLICY scheduler_adds_its_runs ON homeward.sessions FOR INSERT TO homeward_scheduler WITH CHECK (schedule_run_id IS NOT NULL);
CREATE POLICY scheduler_changes_its_runs ON homeward.sessions FOR UPDATE TO homeward_scheduler
    USING (schedule_run_id IS NOT NULL) WITH CHECK (schedule_run_id IS NOT NULL);
COMMENT ON POLICY all_sessions ON homeward.sessions IS 'Admins and auditors see (and, as granted, change) every session.';
COMMENT ON POLICY centre_scope ON homeward.sessions IS 'Coordinators see and change the sessions held at their centres only.';
COMMENT ON POLICY scheduler_reads ON homeward.sessions IS 'The scheduler reads every session (they block staff, rooms and people).';
COMMENT ON POLICY scheduler_adds_its_runs ON homeward.sessions IS 'The scheduler adds sessions only as part of a recorded run.';
COMMENT ON POLICY scheduler_changes_its_runs ON homeward.sessions IS 'The scheduler changes only sessions a run of its own created.';

ALTER TABLE homeward.session_staff ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON homeward.session_staff TO homeward_admin, homeward_auditor USING (true) WITH CHECK (true);
CREATE POLICY centre_scope ON homeward.session_staff TO homeward_coordinator
    USING (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id))
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id));
CREATE POLICY scheduler_reads ON homeward.session_staff FOR SELECT TO homeward_scheduler USING (true);
CREATE POLICY scheduler_adds_its_runs ON homeward.session_staff FOR INSERT TO homeward_scheduler
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id AND s.schedule_run_id IS NOT NULL));
COMMENT ON POLICY centre_scope ON homeward.session_staff IS 'Coordinators see and change who holds the sessions of their centres.';

-- A coordinator seats their participants only in sessions of their own centres.
CREATE POLICY own_centres_sessions ON homeward.session_participants AS RESTRICTIVE FOR INSERT TO homeward_coordinator
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id));
CREATE POLICY own_centres_sessions_update ON homeward.session_participants AS RESTRICTIVE FOR UPDATE TO homeward_coordinator
    USING (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id))
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id));
CREATE POLICY scheduler_adds_its_runs ON homeward.session_participants AS RESTRICTIVE FOR INSERT TO homeward_scheduler
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id AND s.schedule_run_id IS NOT NULL));

-- Marks of unrecorded attendance: cleared by the coordinator's own writes (attendance, cancelling, rescheduling).
ALTER TABLE homeward.unrecorded_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON homeward.unrecorded_sessions TO homeward_admin, homeward_auditor, homeward_scheduler USING (true) WITH CHECK (true);
CREATE POLICY centre_scope ON homeward.unrecorded_sessions TO homeward_coordinator
    USING (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id))
    WITH CHECK (EXISTS (SELECT 1 FROM homeward.sessions s WHERE s.id = session_id));
GRANT SELECT, DELETE ON homeward.unrecorded_sessions TO homeward_coordinator;

------------------------------------------------------------------------------------------------
-- Relatives and families: of one's own participants, or registered by oneself (before they are linked)
------------------------------------------------------------------------------------------------

ALTER TABLE homeward.relatives ADD COLUMN registered_by name NOT NULL DEFAULT session_user;
COMMENT ON COLUMN homeward.relatives.registered_by IS 'The login that registered the relative (session_user); they see the record before it is linked.';
ALTER TABLE homeward.families ADD COLUMN registered_by name NOT NULL DEFAULT session_user;
COMMENT ON COLUMN homeward.families.registered_by IS 'The login that created the family (session_user); they see it before it has members.';

ALTER TABLE homeward.relatives ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON homeward.relatives TO homeward_admin, homeward_auditor USING (true) WITH CHECK (true);
CREATE POLICY own_participants ON homeward.relatives TO homeward_coordinator
    USING (registered_by = session_user OR id IN (SELECT fl.relative_id FROM homeward.family_links fl WHERE fl.relative_id IS NOT NULL))
    WITH CHECK (registered_by = session_user OR id IN (SELECT fl.relative_id FROM homeward.family_links fl WHERE fl.relative_id IS NOT NULL));
COMMENT ON POLICY own_participants ON homeward.relatives IS
    'Coordinators see relatives linked to their own participants (family_links is itself scoped) and those they registered.';

ALTER TABLE homeward.families ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON homeward.families TO homeward_admin, homeward_auditor, homeward_scheduler USING (true) WITH CHECK (true);
CREATE POLICY own_participants ON homeward.families TO homeward_coordinator
    USING (registered_by = session_user OR id IN (SELECT fm.family_id FROM homeward.family_members fm))
    WITH CHECK (registered_by = session_user OR id IN (SELECT fm.family_id FROM homeward.family_members fm));
COMMENT ON POLICY own_participants ON homeward.families IS
    'Coordinators see families with a member among their own participants (family_members is itself scoped) and those they created.';

-- Flag events and module completions follow their flag and course enrolment (both scoped by participant).
ALTER TABLE homeward.flag_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON homeward.flag_events TO homeward_admin, homeward_auditor, homeward_scheduler USING (true) WITH CHECK (true);
CREATE POLICY own_participants ON homeward.flag_events TO homeward_coordinator
    USING (flag_id IN (SELECT f.id FROM homeward.flags f)) WITH CHECK (flag_id IN (SELECT f.id FROM homeward.flags f));

ALTER TABLE homeward.module_completions ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON homeward.module_completions TO homeward_admin, homeward_auditor, homeward_scheduler USING (true) WITH CHECK (true);
CREATE POLICY own_participants ON homeward.module_completions TO homeward_coordinator
    USING (course_enrolment_id IN (SELECT ce.id FROM homeward.course_enrolments ce))
    WITH CHECK (course_enrolment_id IN (SELECT ce.id FROM homeward.course_enrolments ce));

------------------------------------------------------------------------------------------------
-- The scheduler reads no names
------------------------------------------------------------------------------------------------

REVOKE SELECT ON homeward.participants FROM homeward_scheduler;
GRANT SELECT (id, case_number, birth_date, sex, languages, region_of_origin, legal_situation, sentence_ends_on, status,
              returned_on, created_at) ON homeward.participants TO homeward_scheduler;
REVOKE SELECT ON homeward.relatives FROM homeward_scheduler;
REVOKE SELECT ON homeward.pseudonym_secret FROM homeward_scheduler, homeward_coordinator, homeward_auditor;

------------------------------------------------------------------------------------------------
-- Arrivals: the participant and their first placement, at a centre the login coordinates, in one step
------------------------------------------------------------------------------------------------

-- A coordinator cannot see a participant before they are placed at one of their centres, so the two inserts are
-- made here, with the owner's rights, after checking the centre. The audit trail still names the login.
CREATE FUNCTION homeward.register_arrivals(p_rows jsonb) RETURNS int
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_coordinator_only boolean := pg_has_role(session_user, 'homeward_coordinator', 'MEMBER')
                                  AND NOT pg_has_role(session_user, 'homeward_admin', 'MEMBER');
    v_refused record;
    v_count int;
BEGIN
    IF NOT (pg_has_role(session_user, 'homeward_coordinator', 'MEMBER') OR pg_has_role(session_user, 'homeward_admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'register_arrivals_role: login % may not register arrivals', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    CREATE TEMP TABLE arrivals ON COMMIT DROP AS
    SELECT r.*, row_number() OVER () AS ordinal
    FROM jsonb_to_recordset(p_rows) AS r(case_number text, given_name text, family_name text, patronymic text, birth_date date,
                                         sex text, languages text[], region_of_origin text, legal_situation text,
                                         sentence_ends_on date, status text, returned_on date, centre_code text,
                                         placed_from date, placed_to date, reason text);
    IF v_coordinator_only THEN
        SELECT a.case_number, a.centre_code INTO v_refused
        FROM arrivals a
        WHERE a.centre_code IS NULL
           OR NOT EXISTS (SELECT 1 FROM homeward.user_scopes s JOIN homeward.centres c ON c.id = s.centre_id
                          WHERE s.login = session_user AND c.code = a.centre_code)
        ORDER BY a.ordinal LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'arrivals_at_own_centres: % would be placed at %, which login % does not coordinate',
                    v_refused.case_number, coalesce(v_refused.centre_code, 'no centre'), session_user
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    INSERT INTO homeward.participants (case_number, given_name, family_name, patronymic, birth_date, sex, languages,
                                       region_of_origin, legal_situation, sentence_ends_on, status, returned_on)
    SELECT a.case_number, a.given_name, a.family_name, a.patronymic, a.birth_date, a.sex, a.languages, a.region_of_origin,
           coalesce(a.legal_situation, 'free'), a.sentence_ends_on, coalesce(a.status, 'intake'), a.returned_on
    FROM arrivals a ORDER BY a.ordinal;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    INSERT INTO homeward.participant_placements (participant_id, centre_id, during, reason)
    SELECT p.id, c.id, daterange(a.placed_from, a.placed_to + 1), a.reason
    FROM arrivals a
    JOIN homeward.participants p ON p.case_number = a.case_number
    JOIN homeward.centres c ON c.code = a.centre_code
    ORDER BY a.ordinal;
    DROP TABLE arrivals;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION homeward.register_arrivals(jsonb) IS
    'Registers arrivals: each JSON object {case_number, given_name, family_name, patronymic, birth_date, sex, languages, region_of_origin, legal_situation, sentence_ends_on, status, returned_on, centre_code, placed_from, placed_to, reason} becomes a participant and their first placement, in one step. A coordinator may place people only at centres they coordinate. Returns how many participants were added.';
REVOKE ALL ON FUNCTION homeward.register_arrivals(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.register_arrivals(jsonb) TO homeward_admin, homeward_coordinator;

SELECT homeward.hand_over_to_owner();
