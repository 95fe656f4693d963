-- Issue 15: the nightly evaluates its flags on a connection of its own while its main connection reads and solves the
-- schedule (they share nothing until the schedule's write, which waits for the flags to be done).
--
-- A completed nightly is recorded only when nobody else wrote while it ran (0035's nightly_complete). Its flags are now
-- written by a second backend of the same nightly, so the function takes the backends that are the nightly's own
-- (p_backends, besides the caller's): their writes are the run's, not news. The nightly keeps that connection open until
-- it has recorded its completion, so the pid cannot pass to another writer in between.

DROP FUNCTION homeward.nightly_complete(pg_snapshot, timestamptz, text, text);

CREATE FUNCTION homeward.nightly_complete(p_started pg_snapshot, p_started_at timestamptz, p_settings text, p_summary text,
                                          p_backends int[] DEFAULT '{}')
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
                 AND d.backend <> pg_backend_pid() AND d.backend <> ALL (coalesce(p_backends, '{}'))) THEN
        RETURN false;
    END IF;
    INSERT INTO homeward.nightly_completions (planning_day, settings_fingerprint, started_at, completed_at, seen, summary)
    VALUES (homeward.today(), p_settings, p_started_at, homeward.now(), v_seen, p_summary);
    -- Below the snapshot's horizon every transaction is visible to it: those notes can never count again.
    DELETE FROM homeward.data_changes WHERE xact < pg_snapshot_xmin(v_seen);
    RETURN true;
END
$$;
COMMENT ON FUNCTION homeward.nightly_complete(pg_snapshot, timestamptz, text, text, int[]) IS
    'Records that a nightly begun at snapshot p_started ran all its steps (its day, settings and summary), unless a connection other than the caller and p_backends (the nightly''s own other connections) wrote meanwhile; false when not recorded.';

REVOKE ALL ON FUNCTION homeward.nightly_complete(pg_snapshot, timestamptz, text, text, int[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.nightly_complete(pg_snapshot, timestamptz, text, text, int[]) TO homeward_admin, homeward_scheduler;
