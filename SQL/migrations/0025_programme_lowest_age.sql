-- 0025_programme_lowest_age: an enrolment checks the lower end of a programme's age band too; a family session
-- that loses the member whose programme it served serves a programme of those who remain.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0024.
--
-- 0014 checked only the upper end, because the under-7 programme takes infants although its play sessions start at 2.
-- So an 8-year-old could be enrolled in CHILDREN-13-17. The youngest age a programme admits is the lowest min_age of
-- the requirements that are the participant's own (individual and group ones; a family session seats everyone of the
-- household whatever their age), a requirement without min_age admitting any age: 13 for CHILDREN-13-17, 18 for the
-- adult programmes, none for the under-7 programme (its social work and family requirements have no lower limit).
-- Enrolments made before this migration are left as they are.

CREATE FUNCTION homeward.programme_min_age(p_programme_id bigint) RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT nullif(min(coalesce(q.min_age, 0)), 0)
    FROM homeward.programme_phases ph JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    WHERE ph.programme_id = p_programme_id AND q.mode <> 'family'
$$;
COMMENT ON FUNCTION homeward.programme_min_age(bigint) IS
    'The youngest age a programme admits: the lowest min_age of its own (not family) requirements, NULL when one of them has none.';

CREATE OR REPLACE FUNCTION homeward.fits_programme(p_birth_date date, p_sex text, p_programme_id bigint, p_on date) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN pg.audience = 'adult_women' AND (p_sex <> 'female' OR a.age < homeward.adult_age())
            THEN format('%s is for women of %s or older; the participant is %s and %s on %s', pg.code, homeward.adult_age(), p_sex, a.age, p_on)
        WHEN pg.audience = 'adult_men' AND (p_sex <> 'male' OR a.age < homeward.adult_age())
            THEN format('%s is for men of %s or older; the participant is %s and %s on %s', pg.code, homeward.adult_age(), p_sex, a.age, p_on)
        WHEN pg.audience = 'children' AND a.age >= homeward.adult_age()
            THEN format('%s is for children; the participant is %s on %s', pg.code, a.age, p_on)
        WHEN a.age > homeward.programme_max_age(pg.id)
            THEN format('%s is for ages up to %s; the participant is %s on %s', pg.code, homeward.programme_max_age(pg.id), a.age, p_on)
        WHEN a.age < homeward.programme_min_age(pg.id)
            THEN format('%s is for ages from %s; the participant is %s on %s', pg.code, homeward.programme_min_age(pg.id), a.age, p_on)
    END
    FROM homeward.programmes pg
    CROSS JOIN LATERAL (SELECT homeward.age_on(p_birth_date, p_on) AS age) a
    WHERE pg.id = p_programme_id
$$;
GRANT EXECUTE ON FUNCTION homeward.programme_min_age(bigint) TO PUBLIC;

-- A family session serves the family requirement of one member's programme (0019: requirement_not_enrolled). When
-- that member leaves it (transfer, discharge, void), the session now serves a family requirement of the current phase
-- of a remaining member's enrolment in force on its day that the session as booked can serve: same session type and
-- room kind, its staff holding the role and the clearance (the lowest such requirement id, so every writer gets the
-- same answer). When no remaining member has one, it is cancelled by the centre with the reason. Otherwise the same
-- signature and results as 0013's version.
CREATE OR REPLACE FUNCTION homeward.free_from_sessions(p_participant_id bigint, p_session_ids bigint[], p_reason text,
                                                       OUT cancelled int, OUT seats_released int)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_cancel bigint[];
    v_free bigint[];
    v_orphaned bigint[];
    v_more int;
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

    -- Family sessions whose requirement no remaining member follows that day: re-pointed, or cancelled.
    WITH left_behind AS (
        SELECT s.id, s.session_type, s.room_id, (s.starts_at AT TIME ZONE c.time_zone)::date AS local_day
        FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
        JOIN homeward.phase_requirements q ON q.id = s.requirement_id
        WHERE s.id = ANY (coalesce(v_free, '{}')) AND s.mode = 'family'
          AND NOT EXISTS (SELECT 1 FROM homeward.session_participants sp
                          JOIN homeward.enrolments e ON e.participant_id = sp.participant_id AND e.current_phase_id = q.phase_id
                          WHERE sp.session_id = s.id
                            AND homeward.enrolled_on(e.status, e.started_on, e.ended_on, (s.starts_at AT TIME ZONE c.time_zone)::date))
    ), serves AS (
        SELECT b.id, (SELECT min(fq.id) FROM homeward.session_participants sp
                      JOIN homeward.enrolments e ON e.participant_id = sp.participant_id
                      JOIN homeward.phase_requirements fq ON fq.phase_id = e.current_phase_id AND fq.mode = 'family'
                                                                 AND fq.session_type = b.session_type
                      JOIN homeward.rooms r ON r.id = b.room_id AND r.kind = fq.room_kind
                      WHERE sp.session_id = b.id AND homeward.enrolled_on(e.status, e.started_on, e.ended_on, b.local_day)
                        AND NOT EXISTS (SELECT 1 FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                                        WHERE ss.session_id = b.id
                                          AND (NOT EXISTS (SELECT 1 FROM homeward.staff_roles sr
                                                           WHERE sr.staff_id = ss.staff_id AND sr.role = fq.staff_role)
                                               OR (fq.requires_child_clearance AND NOT st.may_work_with_children)))) AS requirement_id
        FROM left_behind b
    ), repointed AS (
        UPDATE homeward.sessions s SET requirement_id = v.requirement_id
        FROM serves v WHERE s.id = v.id AND v.requirement_id IS NOT NULL
        RETURNING s.id
    )
    SELECT array_agg(v.id) INTO v_orphaned FROM serves v WHERE v.requirement_id IS NULL;
    UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = p_reason
    WHERE id = ANY (coalesce(v_orphaned, '{}'));
    GET DIAGNOSTICS v_more = ROW_COUNT;
    cancelled := cancelled + v_more;
END
$$;
COMMENT ON FUNCTION homeward.free_from_sessions(bigint, bigint[], text) IS
    'Frees a participant from the given planned sessions: those only they would hold, and groups that would fall below their minimum, are cancelled by the centre with the reason; other groups and family sessions lose only the seat, and a family session then serves the family requirement of a remaining member (cancelled when none has one). Returns (cancelled, seats_released).';
