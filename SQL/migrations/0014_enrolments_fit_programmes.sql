-- 0014_enrolments_fit_programmes: a participant is enrolled only in a programme meant for them on its first day.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0013.
--
-- The programme's audience (adult women, adult men, children, mixed) and the oldest age its requirements admit are
-- judged on the enrolment's start date, with homeward.age_on and homeward.adult_age(), for every writer. Enrolments
-- made before this migration are left as they are.

CREATE FUNCTION homeward.programme_max_age(p_programme_id bigint) RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT max(q.max_age)
    FROM homeward.programme_phases ph JOIN homeward.phase_requirements q ON q.phase_id = ph.id
    WHERE ph.programme_id = p_programme_id
$$;
COMMENT ON FUNCTION homeward.programme_max_age(bigint) IS
    'The oldest age any requirement of a programme admits (NULL: no upper limit). Templates state no lowest age for a programme (the under-7 programme takes infants although its play sessions start at 2), so only the upper end is a rule.';

CREATE FUNCTION homeward.fits_programme(p_birth_date date, p_sex text, p_programme_id bigint, p_on date) RETURNS text
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
    END
    FROM homeward.programmes pg
    CROSS JOIN LATERAL (SELECT homeward.age_on(p_birth_date, p_on) AS age) a
    WHERE pg.id = p_programme_id
$$;
COMMENT ON FUNCTION homeward.fits_programme(date, text, bigint, date) IS
    'NULL when someone (birth date, sex) fits a programme''s audience and age band on a day; otherwise why not, in words.';

CREATE FUNCTION homeward.enrolments_fit_programmes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    SELECT p.case_number, homeward.fits_programme(p.birth_date, p.sex, n.programme_id, n.started_on) AS why INTO r
    FROM new_rows n JOIN homeward.participants p ON p.id = n.participant_id
    WHERE homeward.fits_programme(p.birth_date, p.sex, n.programme_id, n.started_on) IS NOT NULL
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'enrolments_fit_programmes: % cannot be enrolled: %', r.case_number, r.why
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enrolments_fit_programmes', SCHEMA = 'homeward', TABLE = 'enrolments',
                  DETAIL = r.case_number || ': ' || r.why;
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION homeward.enrolments_fit_programmes() IS 'Refuses an enrolment in a programme whose audience or age band does not fit the participant on its start date.';
REVOKE ALL ON FUNCTION homeward.enrolments_fit_programmes() FROM PUBLIC;

CREATE TRIGGER enrolments_fit_programmes AFTER INSERT ON homeward.enrolments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.enrolments_fit_programmes();
GRANT EXECUTE ON FUNCTION homeward.programme_max_age(bigint), homeward.fits_programme(date, text, bigint, date) TO PUBLIC;
