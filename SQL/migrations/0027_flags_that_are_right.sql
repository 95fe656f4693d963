-- Issue 14: an overdue assessment is the programme's failing (staff did not assess), not the participant falling
-- behind: it goes to the manager's not-served list with unplaced demand (0025's function otherwise).
CREATE OR REPLACE FUNCTION homeward.flag_kind(p_rule text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN p_rule IN ('requirement_unplaced', 'assessment_overdue') THEN 'not_served' ELSE 'falling_behind' END $$;
COMMENT ON FUNCTION homeward.flag_kind(text) IS
    'The kind of signal a flag rule gives: not_served (the programme fails the participant: requirement_unplaced, assessment_overdue) or falling_behind (every other rule).';
