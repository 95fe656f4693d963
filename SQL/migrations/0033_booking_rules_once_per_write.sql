-- 0033: the booking rules are checked once per write for the sessions it touched, and only the rules that refuse.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0032.
--
-- Until now the statement triggers on session_staff and session_participants each ran homeward.check_booking_rules
-- (0019) for the sessions the statement touched. A writer that books a session, its staff and its seats in two
-- statements paid for the whole rule set twice: at 10k participants the nightly's write spent some 3.75 s in each.
-- And each check computed every rule of homeward.session_rule_violations, of which it refuses only 12; the overlaps
-- (exclusion constraints), the per-member rules (check_session_rules), closures and people's rules (their own
-- triggers) were computed and thrown away.
--
-- Now:
--   * the statement triggers queue the sessions they touched in homeward.booking_checks_due (one row a statement), and a
--     constraint trigger on that table runs the check. It is DEFERRABLE INITIALLY IMMEDIATE: for every writer that does
--     nothing about it (psql, the CLI's coordinators) it fires at the end of the very statement, exactly as before. A
--     writer that says `SET CONSTRAINTS homeward.booking_rules_checked DEFERRED` has the check run once, for every
--     session queued since, at `SET CONSTRAINTS … IMMEDIATE` or at COMMIT at the latest: it cannot skip it. The first
--     firing takes (deletes) every queued row of the transaction and checks the union; the others find none left.
--     Under a savepoint rolled back, the queued rows and their firings go with it; a firing done inside a rolled-back
--     savepoint is fired again (PostgreSQL re-arms it) and finds the rows the rollback restored. No login may read or
--     change the queue (no grants; the trigger functions are SECURITY DEFINER).
--   * homeward.check_booking_rules computes only the rules it refuses: homeward.session_rule_violations_of filtered by
--     rule, planned for the ids given (EXECUTE … USING), so the planner drops the other rules' branches;
--   * a staff or seat row that gives its session's time and state skips the per-row copy trigger (its foreign key
--     already holds them to the session's).
-- The nightly's writer (HomewardStore's saveSchedule) defers the check and runs it at the end of each savepoint: once
-- for all the night's new sessions, once for the seats it takes in existing groups; when one session breaks a rule,
-- the per-session fallback runs it per session, under that session's savepoint, as before.

CREATE TABLE homeward.booking_checks_due (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xact        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    session_ids bigint[] NOT NULL
);
COMMENT ON TABLE homeward.booking_checks_due IS
    'Internal queue of the booking-rule check: the sessions each statement on session_staff / session_participants (or a session''s move) touched, until homeward.booking_rules_checked runs homeward.check_booking_rules for them (at the statement''s end, or once at SET CONSTRAINTS … IMMEDIATE / COMMIT when deferred). Always empty outside a transaction. No login may read or change it.';
REVOKE ALL ON homeward.booking_checks_due FROM PUBLIC, homeward_admin, homeward_coordinator, homeward_scheduler, homeward_auditor;
REVOKE ALL ON SEQUENCE homeward.booking_checks_due_id_seq FROM PUBLIC, homeward_admin, homeward_coordinator, homeward_scheduler;

-- The check itself, for every session queued by this transaction and not yet checked.
CREATE FUNCTION homeward.booking_rules_due() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_ids bigint[];
BEGIN
    WITH taken AS (
        DELETE FROM homeward.booking_checks_due d WHERE d.xact = pg_current_xact_id() RETURNING d.session_ids
    )
    SELECT array_agg(DISTINCT u.id ORDER BY u.id) INTO v_ids FROM taken t CROSS JOIN LATERAL unnest(t.session_ids) AS u(id);
    IF v_ids IS NOT NULL THEN
        PERFORM homeward.check_booking_rules(v_ids);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION homeward.booking_rules_due() IS
    'Constraint trigger of homeward.booking_checks_due: takes every session this transaction queued and runs homeward.check_booking_rules for them once.';
REVOKE ALL ON FUNCTION homeward.booking_rules_due() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER booking_rules_checked AFTER INSERT ON homeward.booking_checks_due
    DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION homeward.booking_rules_due();

-- 0019's trigger function, unchanged but for the last step: the sessions are queued for the booking check instead of
-- checked here (the check runs at this statement's end unless the writer deferred it). Locks and the per-member rules
-- are taken and checked at once, as before.
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
    IF v_ids IS NOT NULL THEN
        INSERT INTO homeward.booking_checks_due (session_ids) VALUES (v_ids);
    END IF;
    RETURN NULL;
END $$;

-- 0019's check, unchanged in what it refuses and how it words it; the rules are now computed only for the 12 it
-- refuses (the others' branches are planned away), planned for the ids given.
CREATE OR REPLACE FUNCTION homeward.check_booking_rules(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
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
        FROM homeward.session_rule_violations_of($1) v
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
COMMENT ON FUNCTION homeward.check_booking_rules(bigint[]) IS
    'Refuses the first planning-rule violation among the given planned sessions that carry no override; run for every writer by homeward.booking_rules_checked (at the statement''s end, or once per transaction when deferred), computing only the rules it refuses.';

-- 0002's copy of the session's time and state into each staff and seat row, now only for a writer that does not give
-- them: the foreign key (session_id, during, occupies) → sessions already holds whatever a writer gives to the
-- session's own values, so copying them again cost a query a row for nothing (the nightly gives them: some 130k rows
-- at 10k participants).
CREATE OR REPLACE TRIGGER session_staff_copy_session BEFORE INSERT ON homeward.session_staff
    FOR EACH ROW WHEN (NEW.during IS NULL OR NEW.occupies IS NULL) EXECUTE FUNCTION homeward.session_member_copy_session();
CREATE OR REPLACE TRIGGER session_participants_copy_session BEFORE INSERT ON homeward.session_participants
    FOR EACH ROW WHEN (NEW.during IS NULL OR NEW.occupies IS NULL) EXECUTE FUNCTION homeward.session_member_copy_session();
