-- 0012_placement_after_return: nobody is placed at a centre before they came back, whoever writes the placement.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0011.
-- The importer said so for its own files only; now the database says it for every writer, statement by statement.

CREATE FUNCTION homeward.placements_after_return() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    IF TG_TABLE_NAME = 'participant_placements' THEN
        SELECT p.case_number, lower(n.during) AS first_day, p.returned_on INTO r
        FROM (SELECT DISTINCT participant_id, during FROM new_rows) n
        JOIN homeward.participants p ON p.id = n.participant_id
        WHERE p.returned_on IS NOT NULL AND lower(n.during) < p.returned_on
        LIMIT 1;
    ELSE
        SELECT n.case_number, lower(pl.during) AS first_day, n.returned_on INTO r
        FROM new_rows n
        JOIN homeward.participant_placements pl ON pl.participant_id = n.id
        WHERE n.returned_on IS NOT NULL AND lower(pl.during) < n.returned_on
        LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'placements_after_return: participant % would be placed from % but returned on %', r.case_number, r.first_day, r.returned_on
            USING ERRCODE = 'check_violation', CONSTRAINT = 'placements_after_return', SCHEMA = 'homeward', TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION homeward.placements_after_return() IS
    'Refuses a placement that starts before the participant''s return (returned_on), and a return date moved after an existing placement''s start.';
REVOKE ALL ON FUNCTION homeward.placements_after_return() FROM PUBLIC;

CREATE TRIGGER placements_after_return_on_insert AFTER INSERT ON homeward.participant_placements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.placements_after_return();
CREATE TRIGGER placements_after_return_on_update AFTER UPDATE ON homeward.participant_placements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.placements_after_return();
CREATE TRIGGER participants_return_before_placements AFTER UPDATE ON homeward.participants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.placements_after_return();
