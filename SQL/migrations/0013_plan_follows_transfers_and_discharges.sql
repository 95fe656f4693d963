-- 0013_plan_follows_transfers_and_discharges: when a participant moves or leaves, their planned sessions go with them.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0012.
--
-- `homeward participant transfer` and `participant discharge` call these functions in the same transaction as the
-- placement change; a DBA in psql calls the same ones. They run with the caller's rights, so a coordinator releases
-- only what row-level security lets them reach. Every change is audited like any other.

-- Frees a participant from the given planned sessions (one rule for transfers, discharges and voided enrolments): a
-- session nobody else is booked into, and a group that would fall below its minimum, are cancelled (by the centre:
-- never counted against anyone); from any other group or family session only the participant's seat is removed.
CREATE FUNCTION homeward.free_from_sessions(p_participant_id bigint, p_session_ids bigint[], p_reason text,
                                            OUT cancelled int, OUT seats_released int)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_cancel bigint[];
    v_free bigint[];
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
END
$$;
COMMENT ON FUNCTION homeward.free_from_sessions(bigint, bigint[], text) IS
    'Frees a participant from the given planned sessions: those only they would hold, and groups that would fall below their minimum, are cancelled by the centre with the reason; other groups and family sessions lose only the seat. Returns (cancelled, seats_released).';

-- The planned sessions on or after p_from (their centre's local day), at p_centre_id only when given.
CREATE FUNCTION homeward.release_planned_sessions(p_participant_id bigint, p_from date, p_centre_id bigint, p_reason text,
                                                  OUT cancelled int, OUT seats_released int)
    LANGUAGE sql
AS $$
    SELECT f.cancelled, f.seats_released
    FROM homeward.free_from_sessions(p_participant_id, ARRAY(
        SELECT s.id FROM homeward.session_participants sp
        JOIN homeward.sessions s ON s.id = sp.session_id AND s.status = 'planned'
        JOIN homeward.centres c ON c.id = s.centre_id
        WHERE sp.participant_id = p_participant_id
          AND (s.starts_at AT TIME ZONE c.time_zone)::date >= p_from
          AND (p_centre_id IS NULL OR s.centre_id = p_centre_id)), p_reason) f
$$;
COMMENT ON FUNCTION homeward.release_planned_sessions(bigint, date, bigint, text) IS
    'Frees a participant from their planned sessions from a day on (at one centre, or anywhere), through homeward.free_from_sessions. Returns (cancelled, seats_released).';

-- Closes a participant's open enrolments and flags when they leave the programme (discharge, withdrawal, completion).
CREATE FUNCTION homeward.close_case(p_participant_id bigint, p_on date, p_outcome text, p_reason text,
                                    OUT enrolments_closed int, OUT flags_resolved int)
    LANGUAGE plpgsql
AS $$
BEGIN
    IF p_outcome NOT IN ('completed', 'withdrawn') THEN
        RAISE EXCEPTION 'close_case_outcome: a case closes as completed or withdrawn, not %', p_outcome
            USING ERRCODE = 'check_violation', CONSTRAINT = 'close_case_outcome', SCHEMA = 'homeward', TABLE = 'enrolments';
    END IF;
    UPDATE homeward.enrolments
    SET status = p_outcome, ended_on = greatest(p_on, started_on)
    WHERE participant_id = p_participant_id AND status IN ('active', 'paused');
    GET DIAGNOSTICS enrolments_closed = ROW_COUNT;

    WITH closed AS (
        UPDATE homeward.flags
        SET status = 'resolved', resolved_at = homeward.now(), resolved_by = current_user,
            resolve_reason = p_reason, resolved_automatically = false
        WHERE participant_id = p_participant_id AND status IN ('open', 'acknowledged')
        RETURNING id, severity
    )
    INSERT INTO homeward.flag_events (flag_id, event, by, severity, note)
    SELECT id, 'resolved', current_user, severity, p_reason FROM closed;
    GET DIAGNOSTICS flags_resolved = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION homeward.close_case(bigint, date, text, text) IS
    'Ends a participant''s active or paused enrolments with the outcome (completed or withdrawn) on a day and resolves their open flags with the reason. Returns (enrolments_closed, flags_resolved).';

-- A coordinator resolving a flag by hand says so (resolved_automatically = false), as the store always did.
GRANT UPDATE (resolved_automatically) ON homeward.flags TO homeward_coordinator;

REVOKE ALL ON FUNCTION homeward.free_from_sessions(bigint, bigint[], text),
    homeward.release_planned_sessions(bigint, date, bigint, text), homeward.close_case(bigint, date, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.free_from_sessions(bigint, bigint[], text),
    homeward.release_planned_sessions(bigint, date, bigint, text), homeward.close_case(bigint, date, text, text)
    TO homeward_admin, homeward_coordinator;
