-- 0007_one_clock: one clock and one calendar, in the database.
--
-- Run by `homeward db migrate` in one transaction. Forward only. Requires 0001…0006.
--
-- Every view, rule, trigger and function reads time through these functions only:
--   * homeward.now()          the moment (the transaction's start): the only caller of pg_catalog.now();
--   * homeward.planning_zone() the planning time zone (homeward.settings, written by `homeward db migrate` from
--                              Config/homeward.yaml, scheduling.time_zone);
--   * homeward.local_day(t)   the planning zone's calendar day of a moment;
--   * homeward.actual_today() the planning zone's day now: what row-level security and write rules use;
--   * homeward.today()        the reference day of progress, flags and oversight: actual_today(), unless the what-if
--                              setting homeward.today is set (SET homeward.today = '2027-03-15'). The what-if never
--                              changes who may see or change what: the policies call actual_today().
-- Per-centre rules convert with the centre's own zone (centres.time_zone), e.g. a session's local day.

------------------------------------------------------------------------------------------------
-- Settings the database itself must know
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.settings (
    only_row    boolean     NOT NULL DEFAULT true CONSTRAINT settings_pkey PRIMARY KEY,
    time_zone   text        NOT NULL DEFAULT 'Asia/Almaty',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  name        NOT NULL DEFAULT session_user,
    CONSTRAINT settings_only_one_row CHECK (only_row)
);
COMMENT ON TABLE homeward.settings IS
    'Installation settings every writer and view must agree on (one row). Written by `homeward db migrate` from Config/homeward.yaml.';
COMMENT ON COLUMN homeward.settings.only_row IS 'Always true: the table holds one row.';
COMMENT ON COLUMN homeward.settings.time_zone IS
    'The planning time zone (IANA name): the zone of "today", of the nightly job''s day and of the scheduling grid (scheduling.time_zone).';
COMMENT ON COLUMN homeward.settings.updated_at IS 'When the settings were last written.';
COMMENT ON COLUMN homeward.settings.updated_by IS 'The login that last wrote them.';
INSERT INTO homeward.settings DEFAULT VALUES;

CREATE FUNCTION homeward.settings_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'settings_time_zone_known: unknown time zone "%" (use an IANA name such as Asia/Almaty)', NEW.time_zone
            USING ERRCODE = 'check_violation', CONSTRAINT = 'settings_time_zone_known', SCHEMA = 'homeward', TABLE = 'settings';
    END IF;
    NEW.updated_at := homeward.now();
    NEW.updated_by := session_user;
    RETURN NEW;
END $$;

GRANT SELECT ON homeward.settings TO homeward_admin, homeward_coordinator, homeward_scheduler, homeward_auditor;
GRANT UPDATE (time_zone) ON homeward.settings TO homeward_admin;

------------------------------------------------------------------------------------------------
-- The clock
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.now() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_catalog.now() $$;
COMMENT ON FUNCTION homeward.now() IS
    'The moment, for every rule and view (the start of the current transaction). The only function that calls now().';

CREATE TRIGGER settings_check BEFORE INSERT OR UPDATE ON homeward.settings
    FOR EACH ROW EXECUTE FUNCTION homeward.settings_check();

-- Definer, so that roles without rights on homeward (oversight) can still ask the day through the views.
CREATE FUNCTION homeward.planning_zone() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT time_zone FROM homeward.settings $$;
COMMENT ON FUNCTION homeward.planning_zone() IS 'The planning time zone (homeward.settings.time_zone), e.g. Asia/Almaty.';

CREATE FUNCTION homeward.local_day(p_at timestamptz) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT (p_at AT TIME ZONE homeward.planning_zone())::date $$;
COMMENT ON FUNCTION homeward.local_day(timestamptz) IS
    'The calendar day of a moment in the planning time zone: 2026-12-01 20:30 UTC is 2026-12-02 in Asia/Almaty.';

CREATE FUNCTION homeward.actual_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT homeward.local_day(homeward.now()) $$;
COMMENT ON FUNCTION homeward.actual_today() IS
    'Today in the planning time zone, ignoring the what-if setting homeward.today: used by row-level security and write rules.';

CREATE OR REPLACE FUNCTION homeward.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(nullif(current_setting('homeward.today', true), '')::date, homeward.actual_today()) $$;
COMMENT ON FUNCTION homeward.today() IS
    'The reference day of progress, flags and oversight: today in the planning time zone (homeward.actual_today()), or the what-if setting homeward.today when set (SET homeward.today = ''2027-03-15''). Never used to decide who may see or change what.';

GRANT EXECUTE ON FUNCTION homeward.now(), homeward.planning_zone(), homeward.local_day(timestamptz),
    homeward.actual_today(), homeward.today() TO PUBLIC;
-- The oversight views call the clock, and calling a function needs USAGE on its schema. USAGE lets the oversight
-- role name objects in homeward, not read them: it holds SELECT on no homeward table.
GRANT USAGE ON SCHEMA homeward TO homeward_oversight;

------------------------------------------------------------------------------------------------
-- Row-level security: the real day, never the what-if
------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION homeward.visible_participant_ids() RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pl.participant_id
    FROM homeward.user_scopes s
    JOIN homeward.participant_placements pl ON pl.centre_id = s.centre_id AND pl.during @> (SELECT homeward.actual_today())
    WHERE s.login = session_user
$$;
COMMENT ON FUNCTION homeward.visible_participant_ids() IS
    'Participants the current login coordinates: placed today (homeward.actual_today(), not the what-if day) at one of its centres (homeward.user_scopes). Read by the row-level security policies.';

------------------------------------------------------------------------------------------------
-- Triggers: the moment through homeward.now()
------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION homeward.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := homeward.now();
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION homeward.session_rules_after_reference_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[];
    v_now timestamptz := homeward.now();
BEGIN
    IF TG_TABLE_NAME = 'staff' THEN
        SELECT array_agg(DISTINCT ss.session_id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN homeward.session_staff ss ON ss.staff_id = n.id AND ss.occupies
        JOIN homeward.sessions s ON s.id = ss.session_id AND s.status = 'planned' AND s.ends_at > v_now
        WHERE (n.may_work_with_children, n.active) IS DISTINCT FROM (o.may_work_with_children, o.active);
    ELSIF TG_TABLE_NAME IN ('staff_roles', 'staff_centres') THEN
        SELECT array_agg(DISTINCT ss.session_id) INTO v_ids
        FROM (SELECT DISTINCT o.staff_id FROM old_rows o) AS o
        JOIN homeward.session_staff ss ON ss.staff_id = o.staff_id AND ss.occupies
        JOIN homeward.sessions s ON s.id = ss.session_id AND s.status = 'planned' AND s.ends_at > v_now;
    ELSIF TG_TABLE_NAME = 'participants' THEN
        SELECT array_agg(DISTINCT sp.session_id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN homeward.session_participants sp ON sp.participant_id = n.id AND sp.occupies
        JOIN homeward.sessions s ON s.id = sp.session_id AND s.status = 'planned' AND s.ends_at > v_now
        WHERE (n.birth_date, n.sex) IS DISTINCT FROM (o.birth_date, o.sex);
    ELSIF TG_TABLE_NAME = 'rooms' THEN
        SELECT array_agg(s.id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN homeward.sessions s ON s.room_id = n.id AND s.status = 'planned' AND s.ends_at > v_now
        WHERE n.capacity < o.capacity;
    ELSIF TG_TABLE_NAME = 'family_members' THEN
        SELECT array_agg(DISTINCT s.id) INTO v_ids
        FROM old_rows o
        JOIN homeward.sessions s ON s.family_id = o.family_id AND s.status = 'planned' AND s.ends_at > v_now;
    END IF;
    PERFORM homeward.check_session_rules(v_ids);
    RETURN NULL;
END $$;

-- Attendance only for sessions that have started and still take (or took) place; the message gives the
-- session's start in its centre's local time.
CREATE OR REPLACE FUNCTION homeward.attendance_check_session() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    SELECT s.id, s.status, to_char(s.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI') || ' ' || c.time_zone AS starts
    INTO r
    FROM (SELECT DISTINCT n.session_id FROM new_rows n) AS n
    JOIN homeward.sessions s ON s.id = n.session_id
    JOIN homeward.centres c ON c.id = s.centre_id
    WHERE NOT s.occupies OR s.starts_at > homeward.now()
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'attendance_session_took_place: cannot record attendance for session % (status %, starts %)', r.id, r.status, r.starts
            USING ERRCODE = 'check_violation', CONSTRAINT = 'attendance_session_took_place', SCHEMA = 'homeward', TABLE = 'attendance';
    END IF;
    RETURN NULL;
END $$;

------------------------------------------------------------------------------------------------
-- Oversight views: the reference day through homeward.today(), ages through homeward.age_on
------------------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW oversight.participants AS
SELECT 'P-' || left(md5(s.secret || p.case_number), 10) AS pseudonym,
       p.sex,
       CASE WHEN a.age < 7 THEN '0-6' WHEN a.age < 13 THEN '7-12' WHEN a.age < 18 THEN '13-17'
            WHEN a.age < 30 THEN '18-29' WHEN a.age < 45 THEN '30-44' ELSE '45+' END AS age_band,
       p.region_of_origin AS region,
       p.status, p.legal_situation,
       date_trunc('month', p.returned_on)::date AS returned_month,
       c.code AS centre_code, c.region AS centre_region
FROM homeward.participants p
CROSS JOIN homeward.pseudonym_secret s
CROSS JOIN (SELECT homeward.today() AS today) t
CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, t.today) AS age) a
LEFT JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> t.today
LEFT JOIN homeward.centres c ON c.id = pl.centre_id;

CREATE OR REPLACE VIEW oversight.open_flags AS
SELECT coalesce(c.region, p.region_of_origin) AS region, f.rule, f.severity, count(*)::int AS open_flags,
       count(DISTINCT f.participant_id)::int AS participants
FROM homeward.flags f
JOIN homeward.participants p ON p.id = f.participant_id
CROSS JOIN (SELECT homeward.today() AS today) t
LEFT JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> t.today
LEFT JOIN homeward.centres c ON c.id = pl.centre_id
WHERE f.status <> 'resolved'
GROUP BY 1, 2, 3;

CREATE OR REPLACE VIEW oversight.attendance_by_month AS
SELECT c.code AS centre_code, c.region AS centre_region, date_trunc('month', s.starts_at AT TIME ZONE c.time_zone)::date AS month,
       pr.code AS programme_code, s.session_type,
       count(DISTINCT s.id)::int AS sessions,
       count(*)::int AS bookings,
       count(*) FILTER (WHERE a.status IN ('attended', 'late'))::int AS attended,
       count(*) FILTER (WHERE a.status = 'late')::int AS late,
       count(*) FILTER (WHERE a.status = 'absent_excused')::int AS excused,
       count(*) FILTER (WHERE a.status = 'absent_unexcused')::int AS missed,
       count(*) FILTER (WHERE a.status IS NULL)::int AS unrecorded,
       round(count(*) FILTER (WHERE a.status IN ('attended', 'late'))::numeric / nullif(count(a.status), 0), 3) AS attendance_rate
FROM homeward.sessions s
JOIN homeward.centres c ON c.id = s.centre_id
JOIN homeward.session_participants sp ON sp.session_id = s.id
LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
LEFT JOIN homeward.phase_requirements r ON r.id = s.requirement_id
LEFT JOIN homeward.programme_phases ph ON ph.id = r.phase_id
LEFT JOIN homeward.programmes pr ON pr.id = ph.programme_id
WHERE s.status = 'held' OR (s.status = 'planned' AND s.starts_at < (SELECT homeward.now()))
GROUP BY c.code, c.region, date_trunc('month', s.starts_at AT TIME ZONE c.time_zone), pr.code, s.session_type;

CREATE OR REPLACE VIEW oversight.school_attendance AS
SELECT 'P-' || left(md5(sec.secret || p.case_number), 10) AS pseudonym,
       CASE WHEN ag.age < 7 THEN '0-6' WHEN ag.age < 13 THEN '7-12' WHEN ag.age < 18 THEN '13-17'
            WHEN ag.age < 30 THEN '18-29' WHEN ag.age < 45 THEN '30-44' ELSE '45+' END AS age_band,
       p.sex, sc.region, date_trunc('month', a.day)::date AS month,
       count(*)::int AS school_days,
       count(*) FILTER (WHERE a.status = 'present')::int AS present,
       count(*) FILTER (WHERE a.status = 'absent_excused')::int AS absent_excused,
       count(*) FILTER (WHERE a.status = 'absent_unexcused')::int AS absent_unexcused,
       round(count(*) FILTER (WHERE a.status = 'present')::numeric / count(*), 3) AS attendance_rate
FROM homeward.school_attendance a
JOIN homeward.school_enrolments se ON se.id = a.school_enrolment_id
JOIN homeward.schools sc ON sc.id = se.school_id
JOIN homeward.participants p ON p.id = a.participant_id
CROSS JOIN homeward.pseudonym_secret sec
CROSS JOIN (SELECT homeward.today() AS today) t
CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, t.today) AS age) ag
GROUP BY 1, 2, p.sex, sc.region, date_trunc('month', a.day);

CREATE OR REPLACE VIEW oversight.education_progress AS
WITH modules AS (
    SELECT m.id, m.course_id,
           sum(m.expected_weeks) OVER (PARTITION BY m.course_id ORDER BY m.ordinal) AS weeks_until_due
    FROM homeward.course_modules m
), per_enrolment AS (
    SELECT ce.id, ce.course_id, ce.status,
           (SELECT count(*) FROM modules m WHERE m.course_id = ce.course_id)::int AS modules_in_course,
           (SELECT count(*) FROM modules m WHERE m.course_id = ce.course_id
              AND ce.started_on + 7 * m.weeks_until_due::int <= t.today)::int AS modules_expected,
           (SELECT count(*) FROM homeward.module_completions mc WHERE mc.course_enrolment_id = ce.id AND mc.result = 'passed')::int
               AS modules_passed,
           (SELECT avg(mc.score) FROM homeward.module_completions mc WHERE mc.course_enrolment_id = ce.id AND mc.score IS NOT NULL)
               AS average_score
    FROM homeward.course_enrolments ce
    CROSS JOIN (SELECT homeward.today() AS today) t
)
SELECT co.code AS course_code, c.code AS centre_code,
       count(*) FILTER (WHERE e.status = 'active')::int AS active_enrolments,
       count(*) FILTER (WHERE e.status = 'completed')::int AS completed_enrolments,
       count(*) FILTER (WHERE e.status = 'withdrawn')::int AS withdrawn_enrolments,
       max(e.modules_in_course)::int AS modules_in_course,
       coalesce(sum(e.modules_passed) FILTER (WHERE e.status = 'active'), 0)::int AS modules_passed,
       coalesce(sum(e.modules_expected) FILTER (WHERE e.status = 'active'), 0)::int AS modules_expected,
       count(*) FILTER (WHERE e.status = 'active' AND e.modules_passed < e.modules_expected)::int AS behind,
       round(avg(e.average_score), 1) AS average_score
FROM per_enrolment e
JOIN homeward.courses co ON co.id = e.course_id
LEFT JOIN homeward.centres c ON c.id = co.centre_id
GROUP BY co.code, c.code;

------------------------------------------------------------------------------------------------
-- Reproducible scheduler runs: what decided each run
------------------------------------------------------------------------------------------------

ALTER TABLE homeward.schedule_runs
    ADD COLUMN seed        bigint,
    ADD COLUMN iterations  int,
    ADD COLUMN stop_reason text,
    ADD COLUMN upper_bound int,
    ADD CONSTRAINT schedule_runs_stop_reason_check
        CHECK (stop_reason IN ('all_placed', 'converged', 'iterations', 'time_cap'));
COMMENT ON COLUMN homeward.schedule_runs.seed IS 'Seed of the scheduler''s random choices (scheduling.seed): the same database, settings and seed give the same plan.';
COMMENT ON COLUMN homeward.schedule_runs.iterations IS 'Improvement iterations the run used (the work budget is scheduling.budget_iterations).';
COMMENT ON COLUMN homeward.schedule_runs.stop_reason IS
    'Why the search stopped: all_placed (every unit not provably unplaceable is placed), converged, iterations (work budget used up) or time_cap (the wall-clock safety cap cut it: the only machine-dependent outcome).';
COMMENT ON COLUMN homeward.schedule_runs.upper_bound IS 'Units not provably unplaceable: no plan can place more than this.';

------------------------------------------------------------------------------------------------
-- Ages change inside a horizon: eligibility as a range of days, and each week's share of demand
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.day_turning(birth_date date, years int) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN homeward.age_on(birth_date, d) >= years THEN d ELSE d + 1 END
    FROM (SELECT (birth_date + make_interval(years => years))::date AS d) x
$$;
COMMENT ON FUNCTION homeward.day_turning(date, int) IS
    'The first day on which someone born on birth_date is `years` old by homeward.age_on (a 29 February birthday counts from 1 March in other years).';

CREATE FUNCTION homeward.eligible_during(birth_date date, sex text, min_age int, max_age int, required_sex text) RETURNS daterange
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN required_sex IS NOT NULL AND required_sex IS DISTINCT FROM sex THEN 'empty'::daterange
                ELSE daterange(CASE WHEN min_age IS NOT NULL THEN homeward.day_turning(birth_date, min_age) END,
                               CASE WHEN max_age IS NOT NULL THEN homeward.day_turning(birth_date, max_age + 1) END) END
$$;
COMMENT ON FUNCTION homeward.eligible_during(date, text, int, int, text) IS
    'The days on which a person (birth date, sex) may take part in a requirement (min_age, max_age, sex; NULL = no limit), as a date range: ages are judged on each session''s day, so a birthday splits the range. The same rule as the session eligibility trigger, in closed form.';

-- A week asks for its share: the days of the ISO week that this plan can serve (the participant eligible, up to
-- the horizon's end) out of seven. Days of the week already past count in full: sessions held or planned on
-- them count against the week too, so the rest of the week is asked for honestly. A week wholly inside the
-- horizon asks for all its sessions; the last, partial week asks for its share and the next nights for the rest.
CREATE FUNCTION homeward.sessions_due_in_share(sessions_per_week numeric, phase_started_on date, week_start date,
                                               eligible daterange, horizon_end date) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN served_days >= 7 THEN due ELSE round(due * served_days / 7.0)::int END
    FROM (SELECT homeward.sessions_due_in_week(sessions_per_week, phase_started_on, week_start) AS due,
                 coalesce(upper(w) - lower(w), 0) AS served_days
          FROM (SELECT daterange(week_start, least(week_start + 7, horizon_end)) * eligible AS w) x) y
$$;
COMMENT ON FUNCTION homeward.sessions_due_in_share(numeric, date, date, daterange, date) IS
    'Sessions of a requirement asked for in one ISO week by a plan that ends on horizon_end (exclusive): the week''s sessions_due_in_week, times the share of its seven days on which the participant is eligible and that lie before horizon_end, rounded. Whole weeks ask for everything.';

-- A requirement whose age band ends inside a week is reported, not silently dropped.
ALTER TABLE homeward.schedule_unplaced DROP CONSTRAINT schedule_unplaced_reason_check;
ALTER TABLE homeward.schedule_unplaced ADD CONSTRAINT schedule_unplaced_reason_check CHECK (reason IN (
    'invalid_demand', 'no_staff_with_role', 'no_staff_with_language', 'no_child_cleared_staff', 'no_room_of_kind', 'room_too_small',
    'no_common_time', 'staff_weekly_limit', 'participant_daily_limit', 'group_too_small', 'participant_unavailable',
    'displaced_by_higher_priority', 'participant_ages_out'));
COMMENT ON COLUMN homeward.schedule_unplaced.reason IS
    'Why it could not be placed, as a reason code (e.g. no_staff_with_language; participant_ages_out when a birthday inside the week ends the requirement''s age band).';
