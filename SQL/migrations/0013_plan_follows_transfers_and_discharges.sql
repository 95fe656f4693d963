-- 0013_plan_follows_transfers_and_discharges: when a participant moves or leaves, their planned sessions go with them.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0012.
--
-- `homeward participant transfer` and `participant discharge` call these functions in the same transaction as the
-- placement change; a DBA in psql calls the same ones. They run with the caller's rights, so a coordinator releases
-- only what row-level security lets them reach. Every change is audited like any other.

-- Frees the participant from every planned session on or after p_from (their centre's local day), at p_centre_id
-- only when given. A session nobody else is booked into, and a group that would fall below its minimum, are cancelled
-- (by the centre: never counted against anyone); from any other group or family session only the seat is removed.
-- Returns how many sessions were cancelled and how many seats released.
CREATE FUNCTION homeward.release_planned_sessions(p_participant_id bigint, p_from date, p_centre_id bigint, p_reason text,
                                                  OUT cancelled int, OUT seats_released int)
    LANGUAGE plpgsql
AS $$
BEGIN
    CREATE TEMP TABLE released ON COMMIT DROP AS
    SELECT s.id, s.mode,
           (SELECT count(*) FROM homeward.session_participants o WHERE o.session_id = s.id) AS booked,
           CASE WHEN s.mode = 'group' THEN coalesce(q.group_min, 2) ELSE 1 END AS group_min
    FROM homeward.session_participants sp
    JOIN homeward.sessions s ON s.id = sp.session_id AND s.status = 'planned'
    JOIN homeward.centres c ON c.id = s.centre_id
    LEFT JOIN homeward.phase_requirements q ON q.id = s.requirement_id
    WHERE sp.participant_id = p_participant_id
      AND (s.starts_at AT TIME ZONE c.time_zone)::date >= p_from
      AND (p_centre_id IS NULL OR s.centre_id = p_centre_id);
    PERFORM 1 FROM homeward.sessions s WHERE s.id IN (SELECT r.id FROM released r) FOR UPDATE;

    UPDATE homeward.sessions s
    SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = p_reason
    FROM released r
    WHERE s.id = r.id AND r.booked - 1 < r.group_min;
    GET DIAGNOSTICS cancelled = ROW_COUNT;

    DELETE FROM homeward.session_participants sp
    USING released r
    WHERE sp.session_id = r.id AND sp.participant_id = p_participant_id AND r.booked - 1 >= r.group_min;
    GET DIAGNOSTICS seats_released = ROW_COUNT;

    DROP TABLE released;
END
$$;
COMMENT ON FUNCTION homeward.release_planned_sessions(bigint, date, bigint, text) IS
    'Frees a participant from their planned sessions from a day on (at one centre, or anywhere): sessions only they would hold, and groups that would fall below their minimum, are cancelled by the centre with the reason; other groups and family sessions lose only the seat. Returns (cancelled, seats_released).';

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

REVOKE ALL ON FUNCTION homeward.release_planned_sessions(bigint, date, bigint, text), homeward.close_case(bigint, date, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.release_planned_sessions(bigint, date, bigint, text), homeward.close_case(bigint, date, text, text)
    TO homeward_admin, homeward_coordinator;
