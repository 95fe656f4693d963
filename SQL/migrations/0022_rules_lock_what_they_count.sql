-- 0022_rules_lock_what_they_count: the session rules that count lock what they count, so concurrent writers cannot
-- together break what each alone keeps.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0021.
--
-- Capacity, group size and a family's seats count the participants of a session; the daily limit counts a
-- participant's sessions on a day. Under READ COMMITTED two transactions seating people in the same session each
-- counted only their own seat and the committed ones, and both went through: a room of 2 held 3. The session trigger
-- now takes, before it counts:
--   * a row lock (FOR NO KEY UPDATE, which blocks no reader and no foreign key) on each session being checked, in id
--     order, so that seat additions to one session queue one behind the other; and
--   * a transaction-scoped advisory lock per participant seated (namespace 'homeward.participant_day'), in id order,
--     so that two bookings of one participant on the same day are counted one after the other.
-- A waiting writer's next statement sees what the first committed, so the count is true. Each lock is released at
-- commit or rollback; lock_timeout (the settings' database section) bounds the wait.

CREATE FUNCTION homeward.lock_counted_rows(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_session_ids IS NULL OR cardinality(p_session_ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM homeward.sessions s WHERE s.id = ANY (p_session_ids) ORDER BY s.id FOR NO KEY UPDATE;
    PERFORM pg_advisory_xact_lock(hashtext('homeward.participant_day'), x.participant_id::int)
    FROM (SELECT DISTINCT sp.participant_id FROM homeward.session_participants sp
          WHERE sp.session_id = ANY (p_session_ids) ORDER BY sp.participant_id) x;
END $$;
COMMENT ON FUNCTION homeward.lock_counted_rows(bigint[]) IS
    'Locks the sessions a rule is about to count seats of, and (advisory, transaction-scoped) the participants it is about to count sessions of, in id order: concurrent writers are counted one after the other.';
REVOKE ALL ON FUNCTION homeward.lock_counted_rows(bigint[]) FROM PUBLIC;

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
    PERFORM homeward.check_booking_rules(v_ids);
    RETURN NULL;
END $$;
