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
    END LOOP;
END
$$;

CREATE FUNCTION homeward.tables_without_change_note() RETURNS SETOF text
    LANGUAGE sql STABLE
AS $$
    SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'homeward' AND c.relkind IN ('r', 'p') AND c.relname NOT IN ('data_changes', 'nightly_completions')
      AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'zz_note_data_change')
    ORDER BY 1
$$;
COMMENT ON FUNCTION homeward.tables_without_change_note() IS
    'Tables of the homeward schema whose writes would not be noted in homeward.data_changes (should be none).';

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
    VALUES (homeward.today(), p_settings, p_started_at, clock_timestamp(), v_seen, p_summary);
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
