-- 0015_enrolment_void: a mistaken enrolment can be voided; it then counts nowhere, unlike a withdrawal.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0014.
--
-- `homeward enrolment void ID --reason "…"` (or homeward.void_enrolment in psql) sets status 'void', ends the
-- enrolment on its own start day and frees the participant from the sessions planned for its requirements, in one
-- transaction. The audit trail keeps the enrolment and who voided it; progress, completion and withdrawal figures
-- (which count active, completed and withdrawn enrolments) leave it out.

ALTER TABLE homeward.enrolments ADD COLUMN void_reason text;
ALTER TABLE homeward.enrolments DROP CONSTRAINT enrolments_status_check;
ALTER TABLE homeward.enrolments ADD CONSTRAINT enrolments_status_check CHECK (status IN ('active', 'paused', 'completed', 'withdrawn', 'void'));
ALTER TABLE homeward.enrolments DROP CONSTRAINT enrolments_ended_when_closed;
ALTER TABLE homeward.enrolments ADD CONSTRAINT enrolments_ended_when_closed
    CHECK ((status IN ('completed', 'withdrawn', 'void')) = (ended_on IS NOT NULL));
ALTER TABLE homeward.enrolments ADD CONSTRAINT enrolments_void_has_reason
    CHECK ((status = 'void') = (void_reason IS NOT NULL AND btrim(void_reason) <> ''));
COMMENT ON COLUMN homeward.enrolments.status IS
    'active, paused, completed, withdrawn, or void (entered by mistake: counts nowhere; see void_reason).';
COMMENT ON COLUMN homeward.enrolments.void_reason IS 'Why the enrolment was voided (set if and only if status is void).';

CREATE FUNCTION homeward.void_enrolment(p_enrolment_id bigint, p_reason text, OUT sessions_cancelled int, OUT seats_released int)
    LANGUAGE plpgsql
AS $$
DECLARE
    e record;
BEGIN
    SELECT * INTO e FROM homeward.enrolments WHERE id = p_enrolment_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'void_enrolment_exists: no enrolment with id %', p_enrolment_id
            USING ERRCODE = 'no_data_found', CONSTRAINT = 'void_enrolment_exists', SCHEMA = 'homeward', TABLE = 'enrolments';
    END IF;
    IF e.status IN ('completed', 'void') THEN
        RAISE EXCEPTION 'void_enrolment_open: enrolment % is % and cannot be voided', p_enrolment_id, e.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'void_enrolment_open', SCHEMA = 'homeward', TABLE = 'enrolments';
    END IF;
    UPDATE homeward.enrolments SET status = 'void', ended_on = started_on, void_reason = p_reason WHERE id = p_enrolment_id;

    -- The sessions planned for this programme's requirements go (homeward.free_from_sessions).
    SELECT f.cancelled, f.seats_released INTO sessions_cancelled, seats_released
    FROM homeward.free_from_sessions(e.participant_id, ARRAY(
        SELECT s.id FROM homeward.session_participants sp
        JOIN homeward.sessions s ON s.id = sp.session_id AND s.status = 'planned'
        JOIN homeward.phase_requirements q ON q.id = s.requirement_id
        JOIN homeward.programme_phases ph ON ph.id = q.phase_id AND ph.programme_id = e.programme_id
        WHERE sp.participant_id = e.participant_id), 'enrolment voided: ' || p_reason) f;
END
$$;
COMMENT ON FUNCTION homeward.void_enrolment(bigint, text) IS
    'Voids a mistaken enrolment (not completed): status void with the reason, ended on its start day, and its planned sessions cancelled or its group seats freed. Returns (sessions_cancelled, seats_released).';
REVOKE ALL ON FUNCTION homeward.void_enrolment(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION homeward.void_enrolment(bigint, text) TO homeward_admin, homeward_coordinator;
GRANT UPDATE (void_reason) ON homeward.enrolments TO homeward_coordinator;
