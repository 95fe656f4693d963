-- Issue 15: a nightly rerun with nothing new costs nothing but its check.
--
-- Every write to a table of the homeward schema, by any writer (the CLI, psql, a migration), notes its transaction in
-- homeward.data_changes: one row per writing transaction, by a statement-level trigger, so it costs one index probe per
-- statement whatever the statement touches. A nightly that ran all its steps records, in homeward.nightly_completions,
-- the snapshot of the moment it ended (pg_current_snapshot()). The next nightly is a rerun with nothing new when:
--   * no transaction the recorded snapshot did not see has written since (committed: the check's own snapshot sees it;
--     still in progress: a full run would not see it either);
--   * the reference day (homeward.today(), the what-if setting included) and the settings (the file's digest, --days,
--     the program) are the same;
--   * no session began or ended in between (the repair and the progress views look at what has started by now).
-- A write that commits while a nightly runs, by another connection, makes that nightly record nothing: what it read may
-- predate the write. Only the last completion counts; older ones and the change notes below its horizon are pruned.
--
-- And the read costs less of what the night does not touch: ages-out gaps are computed for those whose age changes
-- inside the plan (instance_ages_out), not from the whole population's need a second time.

CREATE TABLE homeward.data_changes (
    xact    xid8 PRIMARY KEY,
    backend int  NOT NULL
);
COMMENT ON TABLE homeward.data_changes IS
    'One row per transaction that wrote to a table of the homeward schema (statement-level triggers, homeward.note_data_change): the change counter a nightly rerun checks. Pruned by each completed nightly below the horizon of its snapshot.';
COMMENT ON COLUMN homeward.data_changes.backend IS 'pg_backend_pid() of the writer: a nightly tells its own writes from the others''.';
REVOKE ALL ON homeward.data_changes FROM PUBLIC;

CREATE TABLE homeward.nightly_completions (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    planning_day         date        NOT NULL,
    settings_fingerprint text        NOT NULL,
    started_at           timestamptz NOT NULL,
    completed_at         timestamptz NOT NULL,
    seen                 pg_snapshot NOT NULL,
    summary              text        NOT NULL
);
COMMENT ON TABLE homeward.nightly_completions IS
    'The last nightly that ran all its steps with no other writer meanwhile: its day, settings, the snapshot it ended on and its summary line. A rerun finding nothing written since ends after checking it (homeward.nightly_unchanged).';
REVOKE ALL ON homeward.nightly_completions FROM PUBLIC;
-- Read-only for every role (0008's default privileges would let the admin role write them): only the trigger and the
-- nightly's functions below write them.
REVOKE ALL ON homeward.data_changes, homeward.nightly_completions
    FROM homeward_admin, homeward_coordinator, homeward_scheduler, homeward_auditor;
GRANT SELECT ON homeward.data_changes, homeward.nightly_completions TO homeward_admin, homeward_scheduler, homeward_auditor;

CREATE FUNCTION homeward.note_data_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO homeward.data_changes (xact, backend) VALUES (pg_current_xact_id(), pg_backend_pid())
    ON CONFLICT (xact) DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION homeward.note_data_change() IS
    'Statement-level trigger on every table of the homeward schema: notes the writing transaction in homeward.data_changes (once per transaction).';

-- Every table of the schema, but the two above. A table a later migration adds needs the same trigger:
-- homeward.tables_without_change_note() lists any that lack it (RerunTests checks it is empty).
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'homeward' AND c.relkind IN ('r', 'p') AND c.relname NOT IN ('data_changes', 'nightly_completions')
        ORDER BY c.relname
    LOOP
        EXECUTE format('CREATE TRIGGER zz_note_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON homeward.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION homeward.note_data_change()', t);
        -- ALWAYS: a bulk copy with the other triggers off (session_replication_role = replica) is noted too
        EXECUTE format('ALTER TABLE homeward.%I ENABLE ALWAYS TRIGGER zz_note_data_change', t);
    END LOOP;
END
$$;

CREATE FUNCTION homeward.tables_without_change_note() RETURNS SETOF text
    LANGUAGE sql STABLE
AS $$
    SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'homeward' AND c.relkind IN ('r', 'p') AND c.relname NOT IN ('data_changes', 'nightly_completions')
      AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'zz_note_data_change' AND g.tgenabled = 'A')
    ORDER BY 1
$$;
COMMENT ON FUNCTION homeward.tables_without_change_note() IS
    'Tables of the homeward schema whose writes would not be noted in homeward.data_changes, always (even under session_replication_role = replica): should be none.';

-- The last completed nightly, when nothing has changed since it ended: same day, same settings, no write it did not
-- see, no session begun or ended since it started. No row: the nightly must do the full work.
CREATE FUNCTION homeward.nightly_unchanged(p_settings text, p_now timestamptz DEFAULT homeward.now())
    RETURNS TABLE (completion_id bigint, completed_at timestamptz, summary text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.id, c.completed_at, c.summary
    FROM (SELECT * FROM homeward.nightly_completions ORDER BY id DESC LIMIT 1) c
    WHERE c.planning_day = homeward.today() AND c.settings_fingerprint = p_settings
      AND NOT EXISTS (SELECT 1 FROM homeward.data_changes d
                      WHERE d.xact >= pg_snapshot_xmin(c.seen) AND NOT pg_visible_in_snapshot(d.xact, c.seen))
      -- sessions last at most 8 hours (sessions_at_most_8_hours): the starts_at index finds every boundary passed
      AND NOT EXISTS (SELECT 1 FROM homeward.sessions s
                      WHERE s.starts_at > c.started_at - interval '8 hours' AND s.starts_at <= p_now
                        AND (s.starts_at > c.started_at OR s.ends_at > c.started_at AND s.ends_at <= p_now))
$$;
COMMENT ON FUNCTION homeward.nightly_unchanged(text, timestamptz) IS
    'The last completed nightly (id, when it ended, its summary line) if nothing changed since: the same day and settings, no transaction written that its snapshot did not see, no session begun or ended since it started (up to p_now, the moment by default). Empty: do the full work.';

-- The snapshot a nightly starts from, taken before it reads anything (under the scheduler's lock).
CREATE FUNCTION homeward.nightly_start() RETURNS pg_snapshot
    LANGUAGE sql VOLATILE
AS $$ SELECT pg_current_snapshot() $$;

-- Records a nightly that ran all its steps, begun at snapshot p_started (clock p_started_at), unless another connection
-- wrote meanwhile (then what it read may predate that write: nothing is recorded and the next run does the full work).
-- Returns whether it was recorded.
CREATE FUNCTION homeward.nightly_complete(p_started pg_snapshot, p_started_at timestamptz, p_settings text, p_summary text)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seen pg_snapshot := pg_current_snapshot();
BEGIN
    DELETE FROM homeward.nightly_completions;
    IF EXISTS (SELECT 1 FROM homeward.data_changes d
               WHERE d.xact >= pg_snapshot_xmin(p_started) AND NOT pg_visible_in_snapshot(d.xact, p_started)
                 AND d.backend <> pg_backend_pid()) THEN
        RETURN false;
    END IF;
    INSERT INTO homeward.nightly_completions (planning_day, settings_fingerprint, started_at, completed_at, seen, summary)
    VALUES (homeward.today(), p_settings, p_started_at, homeward.now(), v_seen, p_summary);
    -- Below the snapshot's horizon every transaction is visible to it: those notes can never count again.
    DELETE FROM homeward.data_changes WHERE xact < pg_snapshot_xmin(v_seen);
    RETURN true;
END
$$;
COMMENT ON FUNCTION homeward.nightly_complete(pg_snapshot, timestamptz, text, text) IS
    'Records that a nightly begun at snapshot p_started ran all its steps (its day, settings and summary), unless another connection wrote meanwhile; false when not recorded.';

REVOKE ALL ON FUNCTION homeward.nightly_unchanged(text, timestamptz), homeward.nightly_complete(pg_snapshot, timestamptz, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.nightly_unchanged(text, timestamptz), homeward.nightly_complete(pg_snapshot, timestamptz, text, text),
    homeward.nightly_start(), homeward.tables_without_change_note() TO homeward_admin, homeward_scheduler;

------------------------------------------------------------------------------------------------
-- The read: what a birthday cuts short is looked for among those who have one in the plan
------------------------------------------------------------------------------------------------

-- 0028's instance_need, for the participants given (all when NULL): the body moves here unchanged but for that filter,
-- and instance_need calls it with NULL (both inline, so the demand's plan is the one of 0028).
CREATE FUNCTION homeward.instance_need_of(p_from date, p_days int, p_freeze int, p_participants bigint[])
RETURNS TABLE (enrolment_id bigint, participant_id bigint, case_number text, requirement_id bigint, requirement_code text,
               session_type text, mode text, staff_role text, group_min int, group_max int, duration_minutes int,
               room_kind text, requires_child_clearance boolean, paediatric_only boolean, week_start date,
               window_from date, window_to date, required int, due_in_week int, eligible_until date, family_id bigint)
LANGUAGE sql STABLE AS $$
    WITH weeks AS (
        SELECT DISTINCT date_trunc('week', g)::date AS week_start
        FROM generate_series(p_from, p_from + (p_days - 1), interval '1 day') g
    ), base AS MATERIALIZED (
        SELECT e.id AS enrolment_id, p.id AS participant_id, p.case_number, q.id AS requirement_id, q.code, q.session_type, q.mode,
               q.staff_role, q.group_min, q.group_max, q.duration_minutes, q.room_kind, q.requires_child_clearance, q.paediatric_only,
               w.week_start, e.phase_started_on, coalesce(ip.sessions_per_week, q.sessions_per_week) AS rate, pa.paused,
               lower(d.plan_days) AS plan_from, upper(d.plan_days) AS plan_to, upper(el.days) AS eligible_until,
               greatest(win.first_day, pz.pause_ends) AS window_from, least(win.end_day, pz.pause_starts) AS window_to,
               (SELECT min(fm.family_id) FROM homeward.family_members fm
                WHERE fm.participant_id = p.id AND homeward.family_member_on(fm.left_on, w.week_start)) AS family_id
        FROM homeward.enrolments e
        JOIN homeward.participants p ON p.id = e.participant_id AND p.status NOT IN ('completed', 'withdrawn')
        JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
        JOIN homeward.phase_requirements q ON q.phase_id = ph.id
        JOIN weeks w ON w.week_start + 7 > e.phase_started_on AND w.week_start < e.phase_started_on + ph.duration_days
        LEFT JOIN homeward.individual_plans ip ON ip.participant_id = p.id AND ip.requirement_id = q.id
        -- the paused days of each plan, aggregated once
    LEFT JOIN (SELECT pp.participant_id, pp.requirement_id, range_agg(pp.during) AS paused FROM homeward.plan_pauses pp GROUP BY 1, 2) pa ON pa.participant_id = p.id AND pa.requirement_id = q.id
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
    SELECT b.enrolment_id, b.participant_id, b.case_number, b.requirement_id, b.code, b.session_type, b.mode, b.staff_role,
           b.group_min, b.group_max, b.duration_minutes, b.room_kind, b.requires_child_clearance, b.paediatric_only, b.week_start,
           b.window_from, b.window_to,
           coalesce(homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.plan_to)
                    - homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.plan_from), 0),
           homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.week_start + 7)
               - homeward.plan_due_to_date(b.rate, b.phase_started_on, b.paused, b.week_start),
           b.eligible_until, b.family_id
    FROM base b
$$;
COMMENT ON FUNCTION homeward.instance_need_of(date, int, int, bigint[]) IS
    'Scheduling instance: homeward.instance_need for the participants given (all when NULL).';

CREATE OR REPLACE FUNCTION homeward.instance_need(p_from date, p_days int, p_freeze int)
RETURNS TABLE (enrolment_id bigint, participant_id bigint, case_number text, requirement_id bigint, requirement_code text,
               session_type text, mode text, staff_role text, group_min int, group_max int, duration_minutes int,
               room_kind text, requires_child_clearance boolean, paediatric_only boolean, week_start date,
               window_from date, window_to date, required int, due_in_week int, eligible_until date, family_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT * FROM homeward.instance_need_of(p_from, p_days, p_freeze, NULL)
$$;

-- 0018's function with the same rows: a requirement-week is cut short by the end of an age band inside the plan, the
-- day someone turns an age (homeward.eligible_during's upper bound is homeward.day_turning's day). Only someone whose
-- age on the plan's last day differs from their age on its first has such a day, so the need is computed for them
-- (a few hundred at 10,000 participants), not again for everyone as the demand read already did.
CREATE OR REPLACE FUNCTION homeward.instance_ages_out(p_from date, p_days int, p_centre text, p_freeze int)
RETURNS TABLE (case_number text, requirement_id bigint, week_start date, sessions int, eligible_until date,
               requirement_code text, centre text)
LANGUAGE sql STABLE AS $$
    SELECT n.case_number, n.requirement_id, n.week_start, n.due_in_week - n.required, n.eligible_until, n.requirement_code, c.code
    FROM homeward.instance_need_of(p_from, p_days, p_freeze,
                                   ARRAY(SELECT p.id FROM homeward.participants p
                                         WHERE homeward.age_on(p.birth_date, p_from) <> homeward.age_on(p.birth_date, p_from + (p_days - 1)))) n
    JOIN homeward.participant_placements pl ON pl.participant_id = n.participant_id AND pl.during @> p_from
    JOIN homeward.centres c ON c.id = pl.centre_id
    WHERE n.eligible_until > greatest(n.week_start, p_from)
      AND n.eligible_until < least(n.week_start + 7, p_from + p_days)
      AND n.due_in_week > n.required
      AND (p_centre IS NULL OR c.code = p_centre)
    ORDER BY 1, 2, 3
$$;
GRANT EXECUTE ON FUNCTION homeward.instance_need_of(date, int, int, bigint[]) TO PUBLIC;

