-- 0010_settings_and_age_rules: the settings every writer, view and check must agree on live in the database, and the
-- age rules are named functions that the scheduling instance, the flags and SQL/checks all call.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0009.
--
-- `homeward db migrate` writes scheduling.max_sessions_per_day_* and after_school_buffer_minutes of
-- Config/homeward.yaml into homeward.settings, as it writes the planning zone; the scheduler reads them from here, so
-- `psql -f SQL/checks/schedule_hard_rules.sql` checks a run with the very limits it used.

ALTER TABLE homeward.settings
    ADD COLUMN max_sessions_per_day_adult int NOT NULL DEFAULT 3,
    ADD COLUMN max_sessions_per_day_child int NOT NULL DEFAULT 2,
    ADD COLUMN max_sessions_per_day_young_child int NOT NULL DEFAULT 1,
    ADD COLUMN after_school_buffer_minutes int NOT NULL DEFAULT 30,
    ADD CONSTRAINT settings_daily_limits_range CHECK (
        max_sessions_per_day_adult BETWEEN 1 AND 12 AND max_sessions_per_day_child BETWEEN 1 AND 12
        AND max_sessions_per_day_young_child BETWEEN 1 AND 12),
    ADD CONSTRAINT settings_after_school_buffer_range CHECK (after_school_buffer_minutes BETWEEN 0 AND 240);
COMMENT ON COLUMN homeward.settings.max_sessions_per_day_adult IS 'Most sessions a day for an adult (scheduling.max_sessions_per_day_adult).';
COMMENT ON COLUMN homeward.settings.max_sessions_per_day_child IS 'Most sessions a day for a child aged 7 to 17 (scheduling.max_sessions_per_day_child).';
COMMENT ON COLUMN homeward.settings.max_sessions_per_day_young_child IS 'Most sessions a day for a child under 7 (scheduling.max_sessions_per_day_young_child).';
COMMENT ON COLUMN homeward.settings.after_school_buffer_minutes IS 'Travel time kept free after a child''s school day (scheduling.after_school_buffer_minutes).';
GRANT UPDATE (max_sessions_per_day_adult, max_sessions_per_day_child, max_sessions_per_day_young_child, after_school_buffer_minutes)
    ON homeward.settings TO homeward_admin;

CREATE FUNCTION homeward.adult_age() RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 18 $$;
COMMENT ON FUNCTION homeward.adult_age() IS 'The age from which a participant is an adult (18): children are seen only by staff cleared for children.';

CREATE FUNCTION homeward.age_group_on(birth_date date, on_day date) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN a < 7 THEN 'young_child' WHEN a < homeward.adult_age() THEN 'child' ELSE 'adult' END
    FROM (SELECT homeward.age_on(birth_date, on_day) AS a) x
$$;
COMMENT ON FUNCTION homeward.age_group_on(date, date) IS
    'young_child (under 7), child (under homeward.adult_age()) or adult, on a given day: the group the daily limits and child clearance follow.';

CREATE FUNCTION homeward.is_child_on(birth_date date, on_day date) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT homeward.age_on(birth_date, on_day) < homeward.adult_age() $$;
COMMENT ON FUNCTION homeward.is_child_on(date, date) IS 'True when the person is a child (under homeward.adult_age()) on that day.';

-- Definer, so that every role (and a DBA's psql) reads the same limits the scheduler used.
CREATE FUNCTION homeward.max_sessions_per_day(age_group text) RETURNS int
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE age_group WHEN 'young_child' THEN s.max_sessions_per_day_young_child
                          WHEN 'child' THEN s.max_sessions_per_day_child ELSE s.max_sessions_per_day_adult END
    FROM homeward.settings s
$$;
COMMENT ON FUNCTION homeward.max_sessions_per_day(text) IS
    'Most sessions a day for a participant of an age group (homeward.age_group_on), from homeward.settings.';

CREATE FUNCTION homeward.after_school_buffer() RETURNS interval
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT make_interval(mins => s.after_school_buffer_minutes) FROM homeward.settings s $$;
COMMENT ON FUNCTION homeward.after_school_buffer() IS 'Travel time kept free after a child''s school day, from homeward.settings.';

GRANT EXECUTE ON FUNCTION homeward.adult_age(), homeward.age_group_on(date, date), homeward.is_child_on(date, date),
    homeward.max_sessions_per_day(text), homeward.after_school_buffer() TO PUBLIC;
