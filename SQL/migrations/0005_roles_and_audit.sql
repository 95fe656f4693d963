-- 0005_roles_and_audit: who may do what (group roles and grants), which participants a coordinator sees
-- (row-level security on user_scopes), and an append-only audit trail of every change to personal data or case state.
--
-- Run by `homeward db migrate` in one transaction. Forward only. Requires 0002…0004.
--
-- Roles are cluster-wide while this file runs once per database, so they are created only when missing. They are
-- NOLOGIN groups: real logins are granted one of them (`homeward user grant LOGIN --role coordinator --centre CODE`).
-- Role attributes such as BYPASSRLS are not inherited through membership, so "sees everything" is expressed as a
-- permissive policy for the admin, scheduler and auditor groups instead.

------------------------------------------------------------------------------------------------
-- Group roles
------------------------------------------------------------------------------------------------

DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['homeward_admin', 'homeward_coordinator', 'homeward_scheduler',
                                     'homeward_oversight', 'homeward_auditor'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
        END IF;
    END LOOP;
END
$$;
COMMENT ON ROLE homeward_admin IS 'Homeward: runs migrations and manages users; reads and writes everything, sees every participant.';
COMMENT ON ROLE homeward_coordinator IS
    'Homeward: reads and writes the cases of the participants placed at the centres in homeward.user_scopes for the login.';
COMMENT ON ROLE homeward_scheduler IS
    'Homeward: the nightly job; reads all demand, writes sessions, scheduler runs, flags and unrecorded sessions; cannot change personal data.';
COMMENT ON ROLE homeward_oversight IS 'Homeward: read-only, pseudonymised views in schema oversight only.';
COMMENT ON ROLE homeward_auditor IS 'Homeward: reads the audit trail (schema audit).';

------------------------------------------------------------------------------------------------
-- Scopes: which centres a login coordinates
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.user_scopes (
    login       name   NOT NULL,
    centre_id   bigint NOT NULL CONSTRAINT user_scopes_centre_fk REFERENCES homeward.centres (id) ON DELETE CASCADE,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    granted_by  name   NOT NULL DEFAULT session_user,
    CONSTRAINT user_scopes_pkey PRIMARY KEY (login, centre_id)
);
CREATE INDEX user_scopes_centre_idx ON homeward.user_scopes (centre_id);
COMMENT ON TABLE homeward.user_scopes IS
    'Which centres each database login coordinates; the row-level security policies show a coordinator only the participants placed now at these centres.';
COMMENT ON COLUMN homeward.user_scopes.login IS 'The database login (session_user), e.g. aigerim.';
COMMENT ON COLUMN homeward.user_scopes.centre_id IS 'A centre whose current participants the login may see and change.';
COMMENT ON COLUMN homeward.user_scopes.granted_at IS 'When the scope was granted.';
COMMENT ON COLUMN homeward.user_scopes.granted_by IS 'The login that granted it.';

-- Set-based: evaluated once per query as a hashed subplan (participant_id IN (SELECT …)), reading two indexed tables.
CREATE FUNCTION homeward.visible_participant_ids() RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pl.participant_id
    FROM homeward.user_scopes s
    JOIN homeward.participant_placements pl ON pl.centre_id = s.centre_id AND pl.during @> homeward.today()
    WHERE s.login = session_user
$$;
COMMENT ON FUNCTION homeward.visible_participant_ids() IS
    'Participants the current login coordinates: placed today at one of its centres (homeward.user_scopes). Read by the row-level security policies.';

------------------------------------------------------------------------------------------------
-- Audit trail
------------------------------------------------------------------------------------------------

CREATE SCHEMA audit;
COMMENT ON SCHEMA audit IS 'Homeward''s append-only audit trail: every change to personal data or case state, who made it and with which command.';

CREATE TABLE audit.changes (
    id               bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT changes_pkey PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    login            name        NOT NULL DEFAULT session_user,
    application_name text        NOT NULL DEFAULT current_setting('application_name'),
    table_name       text        NOT NULL,
    primary_key      jsonb       NOT NULL,
    operation        text        NOT NULL,
    participant_id   bigint,
    changed          jsonb       NOT NULL,
    CONSTRAINT changes_operation_check CHECK (operation IN ('insert', 'update', 'delete'))
);
CREATE INDEX changes_participant_idx ON audit.changes (participant_id, at) WHERE participant_id IS NOT NULL;
CREATE INDEX changes_at_idx ON audit.changes (at);
CREATE INDEX changes_case_number_idx ON audit.changes ((coalesce(changed -> 'case_number' ->> 'new', changed -> 'case_number' ->> 'old')))
    WHERE table_name = 'homeward.participants';
COMMENT ON TABLE audit.changes IS
    'One row per row inserted, updated or deleted in a table with personal data or case state. Append-only: no role may UPDATE, DELETE or TRUNCATE it.';
COMMENT ON COLUMN audit.changes.at IS 'When the transaction that made the change started (now()).';
COMMENT ON COLUMN audit.changes.login IS 'The database login that made the change (session_user; SET ROLE does not change it).';
COMMENT ON COLUMN audit.changes.application_name IS 'The client''s application_name, e.g. "homeward participant add"; psql sessions show "psql".';
COMMENT ON COLUMN audit.changes.table_name IS 'The changed table, schema-qualified, e.g. homeward.participants.';
COMMENT ON COLUMN audit.changes.primary_key IS 'The changed row''s primary key as JSON, e.g. {"id": 42} or {"session_id": 7, "participant_id": 42}.';
COMMENT ON COLUMN audit.changes.operation IS 'insert, update or delete.';
COMMENT ON COLUMN audit.changes.participant_id IS 'The participant the row belongs to, when it has one (for homeward audit CASE).';
COMMENT ON COLUMN audit.changes.changed IS
    'Changed fields as {"field": {"old": …, "new": …}}: every field for insert (old null) and delete (new null), only the fields that changed for update.';

-- One generic function for every audited table, statement-level over transition tables, so a bulk COPY or
-- INSERT … SELECT of thousands of rows costs one set-based INSERT rather than a call per row.
CREATE FUNCTION audit.record_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    key_columns text[];
    qualified   text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    is_participants boolean := TG_TABLE_SCHEMA = 'homeward' AND TG_TABLE_NAME = 'participants';
BEGIN
    SELECT array_agg(a.attname::text ORDER BY k.ord) INTO key_columns
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = TG_RELID AND i.indisprimary;

    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit.changes (table_name, primary_key, operation, participant_id, changed)
        SELECT qualified, (SELECT jsonb_object_agg(c, r.j -> c) FROM unnest(key_columns) c), 'insert',
               CASE WHEN is_participants THEN (r.j ->> 'id')::bigint ELSE (r.j ->> 'participant_id')::bigint END,
               (SELECT jsonb_object_agg(e.key, jsonb_build_object('old', NULL, 'new', e.value)) FROM jsonb_each(r.j) e)
        FROM (SELECT to_jsonb(n) AS j FROM new_rows n) r;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit.changes (table_name, primary_key, operation, participant_id, changed)
        SELECT qualified, (SELECT jsonb_object_agg(c, r.j -> c) FROM unnest(key_columns) c), 'delete',
               CASE WHEN is_participants THEN (r.j ->> 'id')::bigint ELSE (r.j ->> 'participant_id')::bigint END,
               (SELECT jsonb_object_agg(e.key, jsonb_build_object('old', e.value, 'new', NULL)) FROM jsonb_each(r.j) e)
        FROM (SELECT to_jsonb(o) AS j FROM old_rows o) r;
    ELSE
        -- Old and new rows are paired by primary key; a row whose key itself changed shows as an unpaired old and new.
        INSERT INTO audit.changes (table_name, primary_key, operation, participant_id, changed)
        SELECT qualified, coalesce(n.k, o.k), 'update',
               CASE WHEN is_participants THEN (coalesce(n.j, o.j) ->> 'id')::bigint
                    ELSE (coalesce(n.j, o.j) ->> 'participant_id')::bigint END,
               coalesce((SELECT jsonb_object_agg(e.key, jsonb_build_object('old', o.j -> e.key, 'new', n.j -> e.key))
                         FROM jsonb_each(coalesce(n.j, o.j)) e
                         WHERE (o.j -> e.key) IS DISTINCT FROM (n.j -> e.key)), '{}')
        FROM (SELECT to_jsonb(x) AS j, (SELECT jsonb_object_agg(c, to_jsonb(x) -> c) FROM unnest(key_columns) c) AS k
              FROM old_rows x) o
        FULL JOIN (SELECT to_jsonb(x) AS j, (SELECT jsonb_object_agg(c, to_jsonb(x) -> c) FROM unnest(key_columns) c) AS k
                   FROM new_rows x) n ON n.k = o.k
        WHERE o.j IS DISTINCT FROM n.j;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION audit.record_changes() IS
    'Trigger function attached to every audited table: appends one audit.changes row per inserted, updated or deleted row (statement-level, from transition tables).';

CREATE FUNCTION audit.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'audit.changes is append-only: % is not allowed', lower(TG_OP)
        USING ERRCODE = 'insufficient_privilege', HINT = 'The audit trail can be read and added to, never changed.';
END
$$;
COMMENT ON FUNCTION audit.refuse_change() IS 'Raises on any UPDATE, DELETE or TRUNCATE of audit.changes, even by its owner.';

CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON audit.changes
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON audit.changes
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- Attach the audit trigger to every table with personal data or case state.
DO $$
DECLARE
    audited text;
BEGIN
    FOREACH audited IN ARRAY ARRAY[
        'participants', 'participant_placements', 'consents', 'relatives', 'family_links', 'families', 'family_members',
        'enrolments', 'school_enrolments', 'school_attendance', 'course_enrolments', 'module_completions',
        'sessions', 'session_staff', 'session_participants', 'attendance', 'assessments', 'milestones',
        'flags', 'flag_events', 'staff', 'staff_roles', 'staff_centres', 'staff_leave', 'user_scopes'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON homeward.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', audited || '_audit_insert', audited);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON homeward.%I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', audited || '_audit_update', audited);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON homeward.%I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes()', audited || '_audit_delete', audited);
    END LOOP;
END
$$;

------------------------------------------------------------------------------------------------
-- Row-level security: coordinators see the participants of their centres
------------------------------------------------------------------------------------------------

-- Table owners (the migration runner) and superusers are not subject to these policies.
DO $$
DECLARE
    scoped text;
    key_column text;
BEGIN
    FOREACH scoped IN ARRAY ARRAY[
        'participants', 'participant_placements', 'consents', 'family_links', 'family_members', 'enrolments',
        'school_enrolments', 'school_attendance', 'course_enrolments', 'session_participants', 'attendance',
        'assessments', 'milestones', 'flags', 'schedule_unplaced'] LOOP
        key_column := CASE scoped WHEN 'participants' THEN 'id' ELSE 'participant_id' END;
        EXECUTE format('ALTER TABLE homeward.%I ENABLE ROW LEVEL SECURITY', scoped);
        EXECUTE format('CREATE POLICY all_participants ON homeward.%I TO homeward_admin, homeward_scheduler, homeward_auditor '
                       'USING (true) WITH CHECK (true)', scoped);
        EXECUTE format('CREATE POLICY centre_scope ON homeward.%I TO homeward_coordinator '
                       'USING (%I IN (SELECT homeward.visible_participant_ids())) '
                       'WITH CHECK (%I IN (SELECT homeward.visible_participant_ids()))', scoped, key_column, key_column);
        EXECUTE format('COMMENT ON POLICY all_participants ON homeward.%I IS %L', scoped,
                       'Admins, the scheduler and auditors see and (as granted) change every participant''s rows.');
        EXECUTE format('COMMENT ON POLICY centre_scope ON homeward.%I IS %L', scoped,
                       'Coordinators see and change only rows of participants placed today at their centres (homeward.user_scopes).');
    END LOOP;
END
$$;

------------------------------------------------------------------------------------------------
-- Privileges (least privilege per role)
------------------------------------------------------------------------------------------------

REVOKE ALL ON SCHEMA audit FROM PUBLIC;
REVOKE ALL ON audit.changes FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.record_changes() FROM PUBLIC;
REVOKE ALL ON FUNCTION homeward.visible_participant_ids() FROM PUBLIC;

-- Admin: everything in homeward, reads the audit trail, manages scopes.
GRANT USAGE, CREATE ON SCHEMA homeward TO homeward_admin;
GRANT ALL ON ALL TABLES IN SCHEMA homeward TO homeward_admin;
GRANT ALL ON ALL SEQUENCES IN SCHEMA homeward TO homeward_admin;
GRANT EXECUTE ON FUNCTION homeward.visible_participant_ids() TO homeward_admin, homeward_coordinator, homeward_scheduler;
GRANT USAGE ON SCHEMA audit TO homeward_admin, homeward_auditor;
GRANT SELECT, INSERT ON audit.changes TO homeward_admin;
GRANT SELECT ON audit.changes TO homeward_auditor;

-- Coordinator: reads the reference data and the cases (filtered by the policies), writes case tables.
GRANT USAGE ON SCHEMA homeward TO homeward_coordinator;
GRANT SELECT ON ALL TABLES IN SCHEMA homeward TO homeward_coordinator;
REVOKE SELECT ON homeward.user_scopes FROM homeward_coordinator;
GRANT INSERT, UPDATE, DELETE ON
    homeward.participants, homeward.participant_placements, homeward.consents, homeward.relatives, homeward.family_links,
    homeward.families, homeward.family_members, homeward.enrolments, homeward.school_enrolments, homeward.school_attendance,
    homeward.course_enrolments, homeward.module_completions, homeward.sessions, homeward.session_staff,
    homeward.session_participants, homeward.attendance, homeward.assessments, homeward.milestones, homeward.flag_events
    TO homeward_coordinator;
GRANT UPDATE (status, acknowledged_at, acknowledged_by, acknowledge_note, resolved_at, resolved_by, resolve_reason)
    ON homeward.flags TO homeward_coordinator;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA homeward TO homeward_coordinator;

-- Scheduler: reads all demand; writes sessions, runs, flags; no write at all on participants or other personal data.
GRANT USAGE ON SCHEMA homeward TO homeward_scheduler;
GRANT SELECT ON ALL TABLES IN SCHEMA homeward TO homeward_scheduler;
REVOKE SELECT ON homeward.user_scopes FROM homeward_scheduler;
GRANT INSERT ON homeward.sessions, homeward.session_staff, homeward.session_participants, homeward.schedule_runs,
    homeward.schedule_unplaced, homeward.flags, homeward.flag_events TO homeward_scheduler;
GRANT INSERT, DELETE ON homeward.unrecorded_sessions TO homeward_scheduler;
GRANT UPDATE (status, cancel_reason, cancelled_by, replaced_by_session_id) ON homeward.sessions TO homeward_scheduler;
GRANT UPDATE (severity, status, threshold, inputs, condition_holds, opened_at, last_evaluated_at, acknowledged_by, acknowledged_at,
               acknowledge_note, resolved_at, resolved_by, resolve_reason, resolved_automatically, reopen_count)
    ON homeward.flags TO homeward_scheduler;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA homeward TO homeward_scheduler;

-- Oversight: the pseudonymised views only (they are added to schema oversight by a later migration).
CREATE SCHEMA oversight;
COMMENT ON SCHEMA oversight IS 'Pseudonymised views for oversight bodies (role homeward_oversight): no names, case numbers or birth dates.';
REVOKE ALL ON SCHEMA oversight FROM PUBLIC;
GRANT USAGE ON SCHEMA oversight TO homeward_oversight, homeward_admin;

------------------------------------------------------------------------------------------------
-- Oversight: pseudonymised views (read as homeward_oversight; views run with their owner's rights)
------------------------------------------------------------------------------------------------

-- Random per database, readable by admins only: pseudonyms cannot be recomputed from a case number without it.
CREATE TABLE homeward.pseudonym_secret (
    only_row  boolean NOT NULL DEFAULT true CONSTRAINT pseudonym_secret_pkey PRIMARY KEY,
    secret    text    NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text || random()::text),
    CONSTRAINT pseudonym_secret_single_row CHECK (only_row)
);
INSERT INTO homeward.pseudonym_secret DEFAULT VALUES;
REVOKE ALL ON homeward.pseudonym_secret FROM PUBLIC, homeward_coordinator, homeward_scheduler;
COMMENT ON TABLE homeward.pseudonym_secret IS
    'The per-database secret mixed into oversight pseudonyms (P- + 10 hex of md5(secret || case number)); readable by admins only.';
COMMENT ON COLUMN homeward.pseudonym_secret.only_row IS 'Always true: the table holds one row.';
COMMENT ON COLUMN homeward.pseudonym_secret.secret IS 'Random text; changing it changes every pseudonym.';

CREATE VIEW oversight.participants AS
SELECT 'P-' || left(md5(s.secret || p.case_number), 10) AS pseudonym,
       p.sex,
       CASE WHEN a.age < 7 THEN '0-6' WHEN a.age < 13 THEN '7-12' WHEN a.age < 18 THEN '13-17'
            WHEN a.age < 30 THEN '18-29' WHEN a.age < 45 THEN '30-44' ELSE '45+' END AS age_band,
       p.region_of_origin AS region,
       p.status, p.legal_situation,
       date_trunc('month', p.returned_on)::date AS returned_month,
       c.code AS centre_code, c.region AS centre_region
FROM homeward.participants p
CROSS JOIN homeward.pseudonym_secret s
CROSS JOIN LATERAL (SELECT date_part('year', age(coalesce(nullif(current_setting('homeward.today', true), '')::date, current_date),
                                                  p.birth_date))::int AS age) a
LEFT JOIN homeward.participant_placements pl ON pl.participant_id = p.id
     AND pl.during @> coalesce(nullif(current_setting('homeward.today', true), '')::date, current_date)
LEFT JOIN homeward.centres c ON c.id = pl.centre_id;
COMMENT ON VIEW oversight.participants IS 'One row per participant, pseudonymised: no name, case number, birth date or address.';
COMMENT ON COLUMN oversight.participants.pseudonym IS 'Stable pseudonym (P- and 10 hex digits); the same person keeps it across views and days.';
COMMENT ON COLUMN oversight.participants.sex IS 'female or male.';
COMMENT ON COLUMN oversight.participants.age_band IS 'Age on the reference day, banded: 0-6, 7-12, 13-17, 18-29, 30-44, 45+.';
COMMENT ON COLUMN oversight.participants.region IS 'Region of origin (where the person will return).';
COMMENT ON COLUMN oversight.participants.status IS 'Where the person is in the programme (intake … completed, withdrawn).';
COMMENT ON COLUMN oversight.participants.legal_situation IS 'free, under_investigation, in_custody or convicted.';
COMMENT ON COLUMN oversight.participants.returned_month IS 'Month of repatriation (first day of the month).';
COMMENT ON COLUMN oversight.participants.centre_code IS 'Centre where the participant is placed on the reference day; empty when not placed.';
COMMENT ON COLUMN oversight.participants.centre_region IS 'Region of that centre.';

CREATE VIEW oversight.progress AS
SELECT 'P-' || left(md5(s.secret || e.case_number), 10) AS pseudonym,
       e.programme_code, e.phase_code, e.centre_code,
       date_trunc('month', e.started_on)::date AS started_month,
       e.required_to_date, e.attended, e.missed, e.excused, e.unrecorded,
       e.attendance_rate_last_28_days, e.attendance_rate_since_phase_start, e.pace, e.stalled_requirements,
       e.school_attendance_rate_last_28_days, e.modules_passed, e.modules_expected
FROM homeward.enrolment_progress e
CROSS JOIN homeward.pseudonym_secret s;
COMMENT ON VIEW oversight.progress IS 'Progress of every active enrolment by programme and phase, pseudonymised (from homeward.enrolment_progress).';
COMMENT ON COLUMN oversight.progress.pseudonym IS 'The participant''s stable pseudonym (as in oversight.participants).';
COMMENT ON COLUMN oversight.progress.programme_code IS 'Programme, e.g. WOMEN-RESIDENTIAL.';
COMMENT ON COLUMN oversight.progress.phase_code IS 'Current phase.';
COMMENT ON COLUMN oversight.progress.centre_code IS 'Centre where the participant is placed on the reference day.';
COMMENT ON COLUMN oversight.progress.started_month IS 'Month the enrolment started.';
COMMENT ON COLUMN oversight.progress.required_to_date IS 'Sessions required to date in the current phase.';
COMMENT ON COLUMN oversight.progress.attended IS 'Sessions attended since the phase started.';
COMMENT ON COLUMN oversight.progress.missed IS 'Unexcused absences since the phase started.';
COMMENT ON COLUMN oversight.progress.excused IS 'Excused absences since the phase started.';
COMMENT ON COLUMN oversight.progress.unrecorded IS 'Past sessions with no attendance recorded.';
COMMENT ON COLUMN oversight.progress.attendance_rate_last_28_days IS 'Attendance rate over the last 28 days (0–1).';
COMMENT ON COLUMN oversight.progress.attendance_rate_since_phase_start IS 'Attendance rate since the phase started (0–1).';
COMMENT ON COLUMN oversight.progress.pace IS 'Attended ÷ required to date.';
COMMENT ON COLUMN oversight.progress.stalled_requirements IS 'Requirements with sessions required but none attended.';
COMMENT ON COLUMN oversight.progress.school_attendance_rate_last_28_days IS 'Children: school days present ÷ recorded over 28 days.';
COMMENT ON COLUMN oversight.progress.modules_passed IS 'Prison education: modules passed.';
COMMENT ON COLUMN oversight.progress.modules_expected IS 'Prison education: modules due by the reference day.';

CREATE VIEW oversight.open_flags AS
SELECT coalesce(c.region, p.region_of_origin) AS region, f.rule, f.severity, count(*)::int AS open_flags,
       count(DISTINCT f.participant_id)::int AS participants
FROM homeward.flags f
JOIN homeward.participants p ON p.id = f.participant_id
LEFT JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> current_date
LEFT JOIN homeward.centres c ON c.id = pl.centre_id
WHERE f.status <> 'resolved'
GROUP BY 1, 2, 3;
COMMENT ON VIEW oversight.open_flags IS 'Open (not resolved) flags counted by region of the current centre (else region of origin), rule and severity.';
COMMENT ON COLUMN oversight.open_flags.region IS 'Region of the centre where the participant is placed today, else their region of origin.';
COMMENT ON COLUMN oversight.open_flags.rule IS 'Flag rule, e.g. no-counselling-contact.';
COMMENT ON COLUMN oversight.open_flags.severity IS 'watch, concern or urgent.';
COMMENT ON COLUMN oversight.open_flags.open_flags IS 'Number of open or acknowledged flags.';
COMMENT ON COLUMN oversight.open_flags.participants IS 'Number of distinct participants with such a flag.';

CREATE VIEW oversight.schedule_runs AS
SELECT r.id AS run, r.started_at, c.code AS centre_code, r.horizon_from, r.horizon_days, r.demand, r.placed, r.unplaced,
       r.sessions_created, r.duration_ms,
       (SELECT coalesce(jsonb_object_agg(u.reason, u.sessions), '{}')
        FROM (SELECT reason, sum(sessions)::int AS sessions FROM homeward.schedule_unplaced
              WHERE schedule_run_id = r.id GROUP BY reason) u) AS unplaced_by_reason
FROM homeward.schedule_runs r
LEFT JOIN homeward.centres c ON c.id = r.centre_id;
COMMENT ON VIEW oversight.schedule_runs IS 'Every scheduler run: horizon, demand placed and unplaced, sessions created, time taken, unplaced sessions by reason.';
COMMENT ON COLUMN oversight.schedule_runs.run IS 'Run number.';
COMMENT ON COLUMN oversight.schedule_runs.started_at IS 'When the run started.';
COMMENT ON COLUMN oversight.schedule_runs.centre_code IS 'Centre the run was limited to; empty for all centres.';
COMMENT ON COLUMN oversight.schedule_runs.horizon_from IS 'First day planned.';
COMMENT ON COLUMN oversight.schedule_runs.horizon_days IS 'Days planned.';
COMMENT ON COLUMN oversight.schedule_runs.demand IS 'Session units asked for.';
COMMENT ON COLUMN oversight.schedule_runs.placed IS 'Session units placed.';
COMMENT ON COLUMN oversight.schedule_runs.unplaced IS 'Session units not placed.';
COMMENT ON COLUMN oversight.schedule_runs.sessions_created IS 'Sessions written.';
COMMENT ON COLUMN oversight.schedule_runs.duration_ms IS 'Run time in milliseconds.';
COMMENT ON COLUMN oversight.schedule_runs.unplaced_by_reason IS 'Unplaced sessions by reason code, as JSON.';

GRANT SELECT ON ALL TABLES IN SCHEMA oversight TO homeward_oversight, homeward_admin;
