-- Issue 15: bulk writes of centres and enrolments cost what they write (`homeward demo generate` COPYs 100,000
-- enrolments and 2,500 centres). Same rules, same messages; only how often the expensive lookups run changes.

-- The programme-fit rule in one place, given a programme's audience and age band (0025's fits_programme, unchanged in
-- its words): NULL when it fits.
CREATE FUNCTION homeward.programme_fit_reason(p_code text, p_audience text, p_oldest int, p_youngest int, p_sex text, p_age int,
                                              p_on date) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_audience = 'adult_women' AND (p_sex <> 'female' OR p_age < homeward.adult_age())
            THEN format('%s is for women of %s or older; the participant is %s and %s on %s', p_code, homeward.adult_age(), p_sex, p_age, p_on)
        WHEN p_audience = 'adult_men' AND (p_sex <> 'male' OR p_age < homeward.adult_age())
            THEN format('%s is for men of %s or older; the participant is %s and %s on %s', p_code, homeward.adult_age(), p_sex, p_age, p_on)
        WHEN p_audience = 'children' AND p_age >= homeward.adult_age()
            THEN format('%s is for children; the participant is %s on %s', p_code, p_age, p_on)
        WHEN p_age > p_oldest
            THEN format('%s is for ages up to %s; the participant is %s on %s', p_code, p_oldest, p_age, p_on)
        WHEN p_age < p_youngest
            THEN format('%s is for ages from %s; the participant is %s on %s', p_code, p_youngest, p_age, p_on)
    END
$$;
COMMENT ON FUNCTION homeward.programme_fit_reason(text, text, int, int, text, int, date) IS
    'Why someone of a sex and age does not fit a programme (code, audience, oldest and youngest age admitted) on a day; NULL when they fit. The one statement of the rule: fits_programme and the enrolment trigger call it.';
GRANT EXECUTE ON FUNCTION homeward.programme_fit_reason(text, text, int, int, text, int, date) TO PUBLIC;

CREATE OR REPLACE FUNCTION homeward.fits_programme(p_birth_date date, p_sex text, p_programme_id bigint, p_on date) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT homeward.programme_fit_reason(pg.code, pg.audience, homeward.programme_max_age(pg.id), homeward.programme_min_age(pg.id),
                                         p_sex, homeward.age_on(p_birth_date, p_on), p_on)
    FROM homeward.programmes pg
    WHERE pg.id = p_programme_id
$$;

-- The age band of each programme written to, looked up once per statement rather than once per row.
CREATE OR REPLACE FUNCTION homeward.enrolments_fit_programmes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    WITH bands AS MATERIALIZED (
        SELECT pg.id, pg.code, pg.audience, homeward.programme_max_age(pg.id) AS oldest, homeward.programme_min_age(pg.id) AS youngest
        FROM homeward.programmes pg WHERE pg.id IN (SELECT DISTINCT programme_id FROM new_rows)
    )
    SELECT p.case_number, w.why INTO r
    FROM new_rows n
    JOIN homeward.participants p ON p.id = n.participant_id
    JOIN bands b ON b.id = n.programme_id
    CROSS JOIN LATERAL (SELECT homeward.programme_fit_reason(b.code, b.audience, b.oldest, b.youngest, p.sex,
                                                             homeward.age_on(p.birth_date, n.started_on), n.started_on) AS why) w
    WHERE w.why IS NOT NULL
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'enrolments_fit_programmes: % cannot be enrolled: %', r.case_number, r.why
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enrolments_fit_programmes', SCHEMA = 'homeward', TABLE = 'enrolments',
                  DETAIL = r.case_number || ': ' || r.why;
    END IF;
    RETURN NULL;
END $$;

-- A time zone another centre already has was checked when that centre was written: only a new zone is looked up in
-- pg_timezone_names (which reads the zone files on every call, some 60 ms).
CREATE OR REPLACE FUNCTION homeward.centres_check_time_zone() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM homeward.centres c WHERE c.time_zone = NEW.time_zone AND c.id IS DISTINCT FROM NEW.id)
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'centres_time_zone_known: unknown time zone "%" for centre %', NEW.time_zone, NEW.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'centres_time_zone_known',
                  SCHEMA = 'homeward', TABLE = 'centres', COLUMN = 'time_zone',
                  HINT = 'Use an IANA zone name such as Asia/Aqtau or Asia/Almaty.';
    END IF;
    RETURN NEW;
END $$;
