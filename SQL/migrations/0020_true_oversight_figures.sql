-- 0020_true_oversight_figures: oversight figures that are true, and the questions an ombudsman asks next.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0016.
--
-- * oversight.staff_load counts each session once per staff member (it multiplied a session's hours by its
--   participants: 4 h showed as 40 h), in weeks of the planning time zone (homeward.local_day).
-- * "region" has one meaning per column, named for it: region_of_origin (oversight.participants), school_region
--   (oversight.school_attendance), centre_region (oversight.open_flags, which mixed the centre's region with the
--   region of origin).
-- * New views: flagged_participants (each person once, at the worst severity of their open flags), phase_completion
--   (from homeward.enrolment_phases, the history of phases an enrolment went through, kept by a trigger for every
--   writer), flags_by_week, cancellations, consents and record_exports.
-- Every view keeps 0009's rule: no count of fewer than k people (k = homeward.oversight_min_group()) is shown, and
-- where a view shows a breakdown that adds up to a total, a hidden cell cannot be computed from the others.

------------------------------------------------------------------------------------------------
-- The phases an enrolment went through (phase completion needs to know when a phase ended)
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.enrolment_phases (
    id             bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT enrolment_phases_pkey PRIMARY KEY,
    enrolment_id   bigint NOT NULL CONSTRAINT enrolment_phases_enrolment_fk REFERENCES homeward.enrolments (id) ON DELETE CASCADE,
    participant_id bigint NOT NULL CONSTRAINT enrolment_phases_participant_fk REFERENCES homeward.participants (id),
    phase_id       bigint CONSTRAINT enrolment_phases_phase_fk REFERENCES homeward.programme_phases (id) ON DELETE SET NULL,
    phase_code     text   NOT NULL,
    started_on     date   NOT NULL,
    planned_end_on date   NOT NULL,
    ended_on       date,
    outcome        text CONSTRAINT enrolment_phases_outcome_check CHECK (outcome IN ('advanced', 'completed', 'withdrawn', 'void')),
    CONSTRAINT enrolment_phases_ended_iff_outcome CHECK ((ended_on IS NULL) = (outcome IS NULL)),
    CONSTRAINT enrolment_phases_end_after_start CHECK (ended_on IS NULL OR ended_on >= started_on),
    CONSTRAINT enrolment_phases_planned_end_after_start CHECK (planned_end_on >= started_on)
);
CREATE UNIQUE INDEX enrolment_phases_one_open ON homeward.enrolment_phases (enrolment_id) WHERE ended_on IS NULL;
CREATE INDEX enrolment_phases_enrolment_idx ON homeward.enrolment_phases (enrolment_id, started_on);
CREATE INDEX enrolment_phases_ended_idx ON homeward.enrolment_phases (ended_on) WHERE ended_on IS NOT NULL;
COMMENT ON TABLE homeward.enrolment_phases IS
    'One row per phase an enrolment went through, kept by the trigger enrolments_follow_phases for every writer: opened when the enrolment starts or moves to a phase, closed when it moves on, completes, is withdrawn or voided.';
COMMENT ON COLUMN homeward.enrolment_phases.enrolment_id IS 'The enrolment.';
COMMENT ON COLUMN homeward.enrolment_phases.participant_id IS 'The enrolment''s participant (for row-level security).';
COMMENT ON COLUMN homeward.enrolment_phases.phase_id IS 'The programme phase; empty if the phase was later removed from the programme (phase_code stays).';
COMMENT ON COLUMN homeward.enrolment_phases.phase_code IS 'Code of the phase when the enrolment was in it, e.g. RESIDENTIAL.';
COMMENT ON COLUMN homeward.enrolment_phases.started_on IS 'First day in the phase.';
COMMENT ON COLUMN homeward.enrolment_phases.planned_end_on IS
    'When the phase was planned to end on its first day: its duration after the start, cut at the enrolment''s planned end (as homeward.enrolment_progress.planned_phase_end).';
COMMENT ON COLUMN homeward.enrolment_phases.ended_on IS 'Day the phase ended (the next phase''s first day, or the enrolment''s end); empty while in it.';
COMMENT ON COLUMN homeward.enrolment_phases.outcome IS
    'How it ended: advanced (moved to the next phase) or completed (the enrolment completed in it) both complete the phase; withdrawn or void do not. Empty while in it.';

ALTER TABLE homeward.enrolment_phases ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_participants ON homeward.enrolment_phases FOR SELECT TO homeward_admin, homeward_scheduler USING (true);
CREATE POLICY centre_scope ON homeward.enrolment_phases FOR SELECT TO homeward_coordinator
    USING (participant_id IN (SELECT homeward.visible_participant_ids()));
-- Written only by the trigger: nobody else may change the history (default privileges of 0008 would grant more).
REVOKE ALL ON homeward.enrolment_phases FROM PUBLIC, homeward_admin, homeward_coordinator, homeward_scheduler, homeward_auditor,
    homeward_oversight;
GRANT SELECT ON homeward.enrolment_phases TO homeward_admin, homeward_coordinator, homeward_scheduler;

-- Statement-level, from transition tables; definer, so that writers of enrolments need no right on the history.
CREATE FUNCTION homeward.enrolments_follow_phases() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Moved to another phase: the phase it left ends on the new phase's first day.
        UPDATE homeward.enrolment_phases h SET ended_on = greatest(h.started_on, n.phase_started_on), outcome = 'advanced'
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE h.enrolment_id = n.id AND h.ended_on IS NULL AND n.current_phase_id <> o.current_phase_id;
        -- Same phase, start corrected.
        UPDATE homeward.enrolment_phases h
        SET started_on = n.phase_started_on,
            planned_end_on = least(n.phase_started_on + ph.duration_days, greatest(n.planned_end_on, n.phase_started_on + 1))
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN homeward.programme_phases ph ON ph.id = n.current_phase_id
        WHERE h.enrolment_id = n.id AND h.ended_on IS NULL AND n.current_phase_id = o.current_phase_id
          AND n.phase_started_on <> o.phase_started_on;
        INSERT INTO homeward.enrolment_phases (enrolment_id, participant_id, phase_id, phase_code, started_on, planned_end_on)
        SELECT n.id, n.participant_id, ph.id, ph.code, n.phase_started_on,
               least(n.phase_started_on + ph.duration_days, greatest(n.planned_end_on, n.phase_started_on + 1))
        FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN homeward.programme_phases ph ON ph.id = n.current_phase_id
        WHERE n.current_phase_id <> o.current_phase_id AND n.status IN ('active', 'paused');
    ELSE
        INSERT INTO homeward.enrolment_phases (enrolment_id, participant_id, phase_id, phase_code, started_on, planned_end_on)
        SELECT n.id, n.participant_id, ph.id, ph.code, n.phase_started_on,
               least(n.phase_started_on + ph.duration_days, greatest(n.planned_end_on, n.phase_started_on + 1))
        FROM new_rows n JOIN homeward.programme_phases ph ON ph.id = n.current_phase_id;
    END IF;
    -- Closed: the phase it was in ends with the enrolment.
    UPDATE homeward.enrolment_phases h SET ended_on = greatest(h.started_on, n.ended_on), outcome = n.status
    FROM new_rows n
    WHERE h.enrolment_id = n.id AND h.ended_on IS NULL AND n.status IN ('completed', 'withdrawn', 'void');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION homeward.enrolments_follow_phases() IS
    'Trigger of homeward.enrolments: keeps homeward.enrolment_phases (opens a row for a new enrolment or a new phase, closes the previous one as advanced, closes the current one when the enrolment completes, is withdrawn or voided).';
CREATE TRIGGER enrolments_follow_phases_insert AFTER INSERT ON homeward.enrolments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION homeward.enrolments_follow_phases();
CREATE TRIGGER enrolments_follow_phases_update AFTER UPDATE ON homeward.enrolments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION homeward.enrolments_follow_phases();

-- The history so far, from the audit trail (every insert and update of an enrolment since 0005): each recorded
-- change of phase starts a segment that ends where the next begins; the last segment is the enrolment as it is now.
-- An enrolment whose trail does not end in its current phase gets its current phase only.
WITH steps AS (
    SELECT (a.primary_key ->> 'id')::bigint AS enrolment_id, a.at, a.id AS step,
           (a.changed -> 'current_phase_id' ->> 'new')::bigint AS phase_id,
           (a.changed -> 'phase_started_on' ->> 'new')::date AS started_on
    FROM audit.changes a
    WHERE a.table_name = 'homeward.enrolments' AND a.operation IN ('insert', 'update') AND a.changed ? 'current_phase_id'
), ordered AS (
    SELECT s.*, row_number() OVER w AS seq, count(*) OVER (PARTITION BY s.enrolment_id) AS steps,
           lead(s.started_on) OVER w AS next_started_on
    FROM steps s
    WINDOW w AS (PARTITION BY s.enrolment_id ORDER BY s.at, s.step)
), consistent AS (
    SELECT o.enrolment_id FROM ordered o JOIN homeward.enrolments e ON e.id = o.enrolment_id
    WHERE o.seq = o.steps AND o.phase_id = e.current_phase_id
)
INSERT INTO homeward.enrolment_phases (enrolment_id, participant_id, phase_id, phase_code, started_on, planned_end_on, ended_on, outcome)
SELECT e.id, e.participant_id, ph.id, ph.code, o.started_on,
       least(o.started_on + ph.duration_days, greatest(e.planned_end_on, o.started_on + 1)),
       greatest(o.started_on, o.next_started_on), 'advanced'
FROM ordered o
JOIN consistent USING (enrolment_id)
JOIN homeward.enrolments e ON e.id = o.enrolment_id
JOIN homeward.programme_phases ph ON ph.id = o.phase_id
WHERE o.seq < o.steps AND o.started_on IS NOT NULL AND o.next_started_on IS NOT NULL
UNION ALL
SELECT e.id, e.participant_id, ph.id, ph.code, e.phase_started_on,
       least(e.phase_started_on + ph.duration_days, greatest(e.planned_end_on, e.phase_started_on + 1)),
       CASE WHEN e.status IN ('completed', 'withdrawn', 'void') THEN greatest(e.phase_started_on, e.ended_on) END,
       CASE WHEN e.status IN ('completed', 'withdrawn', 'void') THEN e.status END
FROM homeward.enrolments e
JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id;

------------------------------------------------------------------------------------------------
-- Who a login is, by role (never by name): for cancellations and record exports
------------------------------------------------------------------------------------------------

CREATE FUNCTION homeward.login_role(login name) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN r.rolname IS NULL THEN 'unknown'
                WHEN r.rolsuper OR pg_has_role(r.oid, 'homeward_admin', 'MEMBER') THEN 'admin'
                WHEN pg_has_role(r.oid, 'homeward_coordinator', 'MEMBER') THEN 'coordinator'
                WHEN pg_has_role(r.oid, 'homeward_scheduler', 'MEMBER') THEN 'scheduler'
                WHEN pg_has_role(r.oid, 'homeward_auditor', 'MEMBER') THEN 'auditor'
                WHEN pg_has_role(r.oid, 'homeward_oversight', 'MEMBER') THEN 'oversight'
                ELSE 'other' END
    FROM (SELECT login) l LEFT JOIN pg_roles r ON r.rolname = l.login
$$;
COMMENT ON FUNCTION homeward.login_role(name) IS
    'The Homeward role a database login acts in: admin (also a superuser), coordinator, scheduler, auditor, oversight, other; unknown when the login no longer exists.';
GRANT EXECUTE ON FUNCTION homeward.login_role(name) TO PUBLIC;

------------------------------------------------------------------------------------------------
-- oversight.staff_load: one session counted once, in local weeks
------------------------------------------------------------------------------------------------

-- The hours come from the staff member's sessions alone; the caseload (distinct participants) is counted apart, so
-- a session with ten participants adds its length once, not ten times.
CREATE OR REPLACE VIEW oversight.staff_load AS
WITH booked AS (
    SELECT ss.staff_id, s.id AS session_id, date_trunc('week', homeward.local_day(s.starts_at))::date AS week_start,
           extract(epoch FROM s.ends_at - s.starts_at) / 60 AS minutes
    FROM homeward.session_staff ss
    JOIN homeward.sessions s ON s.id = ss.session_id AND s.occupies
), weekly AS (
    SELECT b.staff_id, b.week_start, sum(b.minutes)::int AS planned_minutes, count(*)::int AS sessions,
           (SELECT count(DISTINCT sp.participant_id)::int FROM booked o JOIN homeward.session_participants sp ON sp.session_id = o.session_id
            WHERE o.staff_id = b.staff_id AND o.week_start = b.week_start) AS participants
    FROM booked b
    GROUP BY b.staff_id, b.week_start
)
SELECT st.code AS staff_code, st.active,
       (SELECT string_agg(r.role, ' ' ORDER BY r.role) FROM homeward.staff_roles r WHERE r.staff_id = st.id) AS roles,
       (SELECT string_agg(c.code, ' ' ORDER BY c.code) FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
        WHERE sc.staff_id = st.id) AS centre_codes,
       w.week_start, st.weekly_hour_limit,
       round(w.planned_minutes / 60.0, 1) AS planned_hours,
       round(w.planned_minutes / 60.0 / st.weekly_hour_limit, 3) AS share_of_limit,
       w.planned_minutes / 60.0 > st.weekly_hour_limit AS over_limit,
       w.sessions,
       CASE WHEN w.participants = 0 OR w.participants >= k.k THEN w.participants END AS participants
FROM homeward.staff st
JOIN weekly w ON w.staff_id = st.id
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.staff_load IS
    'Per staff member (by code) and week (Monday to Sunday in the planning time zone): hours of planned or held sessions against the weekly hour limit, sessions, and distinct participants seen. Each session counts once for each of its staff, whatever its number of participants.';
COMMENT ON COLUMN oversight.staff_load.week_start IS 'Monday of the week, in the planning time zone (homeward.local_day of the session''s start).';
COMMENT ON COLUMN oversight.staff_load.planned_hours IS
    'Hours of the staff member''s planned or held sessions that week: each session''s length once (a session shared with other staff counts in full for each).';

------------------------------------------------------------------------------------------------
-- One meaning of region per column
------------------------------------------------------------------------------------------------

ALTER VIEW oversight.participants RENAME COLUMN region TO region_of_origin;
COMMENT ON COLUMN oversight.participants.region_of_origin IS
    'Region of origin (where the person will return), not the region of a centre or school; empty from generalisation 5.';
ALTER VIEW oversight.school_attendance RENAME COLUMN region TO school_region;
COMMENT ON COLUMN oversight.school_attendance.school_region IS 'Region of the school (not the child''s region of origin); empty from generalisation 3.';

DROP VIEW oversight.open_flags;
CREATE VIEW oversight.open_flags AS
SELECT centre_region, rule, severity,
       CASE WHEN participants >= k THEN open_flags END AS open_flags,
       CASE WHEN participants >= k THEN participants END AS participants,
       homeward.flag_severity_rank(severity) AS severity_rank
FROM (SELECT c.region AS centre_region, f.rule, f.severity, count(*)::int AS open_flags,
             count(DISTINCT f.participant_id)::int AS participants
      FROM homeward.flags f
      CROSS JOIN (SELECT homeward.today() AS today) t
      LEFT JOIN homeward.participant_placements pl ON pl.participant_id = f.participant_id AND pl.during @> t.today
      LEFT JOIN homeward.centres c ON c.id = pl.centre_id
      WHERE f.status <> 'resolved'
      GROUP BY c.region, f.rule, f.severity) x
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.open_flags IS
    'Open (not resolved) flags by region of the participant''s centre today, rule and severity. A person with flags under several rules is counted under each: do not add participants across rules (oversight.flagged_participants counts each person once). Counts of fewer than k people (homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.open_flags.centre_region IS 'Region of the centre where the participant is placed on the reference day; empty when not placed.';
COMMENT ON COLUMN oversight.open_flags.rule IS 'Flag rule, e.g. no_counselling_contact.';
COMMENT ON COLUMN oversight.open_flags.severity IS 'watch, concern or urgent (sort by severity_rank: the words sort alphabetically).';
COMMENT ON COLUMN oversight.open_flags.open_flags IS 'Number of open or acknowledged flags; empty when fewer than k people have them.';
COMMENT ON COLUMN oversight.open_flags.participants IS 'Distinct participants with such a flag under this rule; empty when fewer than k.';
COMMENT ON COLUMN oversight.open_flags.severity_rank IS 'The severity''s rank, for ORDER BY: watch 1 < concern 2 < urgent 3 (homeward.flag_severity_rank).';
GRANT SELECT ON oversight.open_flags TO homeward_oversight, homeward_admin;

------------------------------------------------------------------------------------------------
-- oversight.flagged_participants: each person once
------------------------------------------------------------------------------------------------

-- Each person is counted once, at the worst severity of their open flags. The view shows no total per region (nor
-- does any other), so a hidden cell cannot be had by subtraction.
CREATE VIEW oversight.flagged_participants AS
WITH person AS (
    SELECT f.participant_id, c.region AS centre_region, max(homeward.flag_severity_rank(f.severity)) AS worst, count(*) AS flags
    FROM homeward.flags f
    CROSS JOIN (SELECT homeward.today() AS today) t
    LEFT JOIN homeward.participant_placements pl ON pl.participant_id = f.participant_id AND pl.during @> t.today
    LEFT JOIN homeward.centres c ON c.id = pl.centre_id
    WHERE f.status <> 'resolved'
    GROUP BY f.participant_id, c.region
), cells AS (
    SELECT r.centre_region, s.severity, count(p.participant_id)::int AS participants, coalesce(sum(p.flags), 0)::int AS open_flags
    FROM (SELECT DISTINCT centre_region FROM person) r
    CROSS JOIN (VALUES ('watch'), ('concern'), ('urgent')) s (severity)
    LEFT JOIN person p ON p.centre_region IS NOT DISTINCT FROM r.centre_region AND p.worst = homeward.flag_severity_rank(s.severity)
    GROUP BY r.centre_region, s.severity
)
SELECT centre_region, severity AS worst_severity,
       CASE WHEN participants = 0 OR participants >= k THEN participants END AS participants,
       CASE WHEN participants = 0 OR participants >= k THEN open_flags END AS open_flags,
       homeward.flag_severity_rank(severity) AS severity_rank
FROM cells CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.flagged_participants IS
    'People with at least one open (not resolved) flag, each counted once, at the worst severity of their open flags, by region of their centre today: participants add up across severities. Counts of 1 to k-1 people (k = homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.flagged_participants.centre_region IS 'Region of the centre where the participant is placed on the reference day; empty when not placed.';
COMMENT ON COLUMN oversight.flagged_participants.worst_severity IS 'The most severe of the person''s open flags: watch, concern or urgent.';
COMMENT ON COLUMN oversight.flagged_participants.participants IS 'Distinct people whose worst open flag has this severity; empty when 1 to k-1.';
COMMENT ON COLUMN oversight.flagged_participants.severity_rank IS
    'The worst severity''s rank, for ORDER BY: watch 1 < concern 2 < urgent 3 (homeward.flag_severity_rank).';
COMMENT ON COLUMN oversight.flagged_participants.open_flags IS 'All open flags of those people (of any severity); empty when the people number 1 to k-1.';
GRANT SELECT ON oversight.flagged_participants TO homeward_oversight, homeward_admin;

------------------------------------------------------------------------------------------------
-- oversight.phase_completion: phases completed on time, by centre, sex, age band and month
------------------------------------------------------------------------------------------------

-- Two breakdowns of the same people, told apart by `breakdown`: centre_and_sex (centre × sex) and sex_and_age_band
-- (sex × age band), each per programme, phase and month the phase ended. Each breakdown adds up to the month's total,
-- so a measure is shown for a breakdown only when every one of its cells counts 0 or at least k people; on time and
-- late add up to completed, so those three are shown together or not at all.
CREATE VIEW oversight.phase_completion AS
WITH ended AS (
    SELECT pr.code AS programme_code, h.phase_code, h.participant_id, date_trunc('month', h.ended_on)::date AS month,
           c.code AS centre_code, p.sex, homeward.age_band(homeward.age_on(p.birth_date, d.last_day)) AS age_band,
           h.outcome IN ('advanced', 'completed') AS completed, h.ended_on <= h.planned_end_on AS in_time,
           h.outcome = 'withdrawn' AS withdrawn
    FROM homeward.enrolment_phases h
    JOIN homeward.enrolments e ON e.id = h.enrolment_id
    JOIN homeward.programmes pr ON pr.id = e.programme_id
    JOIN homeward.participants p ON p.id = h.participant_id
    CROSS JOIN LATERAL (SELECT greatest(h.started_on, h.ended_on - 1) AS last_day) d
    LEFT JOIN homeward.participant_placements pl ON pl.participant_id = h.participant_id AND pl.during @> d.last_day
    LEFT JOIN homeward.centres c ON c.id = pl.centre_id
    WHERE h.outcome IN ('advanced', 'completed', 'withdrawn')
), cells AS (
    SELECT programme_code, phase_code, month,
           CASE WHEN grouping(centre_code) = 0 THEN 'centre_and_sex' ELSE 'sex_and_age_band' END AS breakdown,
           centre_code, sex, age_band,
           count(*) FILTER (WHERE completed)::int AS completed,
           count(*) FILTER (WHERE completed AND in_time)::int AS on_time,
           count(*) FILTER (WHERE completed AND NOT in_time)::int AS late,
           count(*) FILTER (WHERE withdrawn)::int AS withdrawn,
           count(DISTINCT participant_id) FILTER (WHERE completed) AS completed_people,
           count(DISTINCT participant_id) FILTER (WHERE completed AND in_time) AS on_time_people,
           count(DISTINCT participant_id) FILTER (WHERE completed AND NOT in_time) AS late_people,
           count(DISTINCT participant_id) FILTER (WHERE withdrawn) AS withdrawn_people
    FROM ended
    GROUP BY GROUPING SETS ((programme_code, phase_code, month, centre_code, sex), (programme_code, phase_code, month, sex, age_band))
), checked AS (
    SELECT c.*,
           bool_and(c.completed_people = 0 OR c.completed_people >= k.k) OVER w AS completed_shown,
           bool_and((c.completed_people = 0 OR c.completed_people >= k.k) AND (c.on_time_people = 0 OR c.on_time_people >= k.k)
                    AND (c.late_people = 0 OR c.late_people >= k.k)) OVER w AS timing_shown,
           bool_and(c.withdrawn_people = 0 OR c.withdrawn_people >= k.k) OVER w AS withdrawn_shown
    FROM cells c CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k
    WINDOW w AS (PARTITION BY c.programme_code, c.phase_code, c.month, c.breakdown)
)
SELECT programme_code, phase_code, month, breakdown, centre_code, sex, age_band,
       CASE WHEN completed_shown THEN completed END AS completed,
       CASE WHEN timing_shown THEN on_time END AS completed_on_time,
       CASE WHEN timing_shown THEN late END AS completed_late,
       CASE WHEN withdrawn_shown THEN withdrawn END AS withdrawn,
       CASE WHEN timing_shown THEN round(on_time::numeric / nullif(completed, 0), 3) END AS share_on_time
FROM checked;
COMMENT ON VIEW oversight.phase_completion IS
    'Programme phases that ended (completed, or left when the enrolment was withdrawn), by programme, phase, month ended and one of two breakdowns: centre × sex, or sex × age band. Completed on time = ended on or before the phase''s planned end. Filter phase_code = ''RESIDENTIAL'' for the residential phase. A breakdown''s counts for a month are empty unless every cell counts 0 or at least k people (k = homeward.oversight_min_group()).';
COMMENT ON COLUMN oversight.phase_completion.programme_code IS 'Programme, e.g. WOMEN-RESIDENTIAL.';
COMMENT ON COLUMN oversight.phase_completion.phase_code IS 'Phase, e.g. RESIDENTIAL.';
COMMENT ON COLUMN oversight.phase_completion.month IS 'Month the phase ended (first day).';
COMMENT ON COLUMN oversight.phase_completion.breakdown IS
    'centre_and_sex: rows by centre and sex (age_band empty); sex_and_age_band: rows by sex and age band (centre_code empty). Add up rows of one breakdown only.';
COMMENT ON COLUMN oversight.phase_completion.centre_code IS
    'Centre where the participant was placed on the phase''s last day (breakdown centre_and_sex; empty there when not placed).';
COMMENT ON COLUMN oversight.phase_completion.sex IS 'female or male.';
COMMENT ON COLUMN oversight.phase_completion.age_band IS
    'Age on the phase''s last day, banded: 0-6, 7-12, 13-17, 18-29, 30-44, 45+ (breakdown sex_and_age_band only).';
COMMENT ON COLUMN oversight.phase_completion.completed IS 'Phases completed (the enrolment moved on or completed); empty when hidden.';
COMMENT ON COLUMN oversight.phase_completion.completed_on_time IS 'Of those, ended on or before the planned end of the phase; empty when hidden.';
COMMENT ON COLUMN oversight.phase_completion.completed_late IS 'Of those, ended after the planned end of the phase; empty when hidden.';
COMMENT ON COLUMN oversight.phase_completion.withdrawn IS 'Phases left because the enrolment was withdrawn during them; empty when hidden.';
COMMENT ON COLUMN oversight.phase_completion.share_on_time IS 'Completed on time ÷ completed (0–1); empty when hidden or nothing was completed.';
GRANT SELECT ON oversight.phase_completion TO homeward_oversight, homeward_admin;

------------------------------------------------------------------------------------------------
-- oversight.flags_by_week: flags opened, acknowledged and resolved, and how fast they were acknowledged
------------------------------------------------------------------------------------------------

-- From the flags' history (homeward.flag_events). Each opening (opened or reopened) counts its first
-- acknowledgement only; the time to acknowledge runs from that opening.
CREATE VIEW oversight.flags_by_week AS
WITH events AS (
    SELECT e.flag_id, f.participant_id, e.event, e.at,
           count(*) FILTER (WHERE e.event IN ('opened', 'reopened')) OVER (PARTITION BY e.flag_id ORDER BY e.at, e.id) AS opening
    FROM homeward.flag_events e JOIN homeward.flags f ON f.id = e.flag_id
), acknowledgements AS (
    SELECT participant_id, min(at) FILTER (WHERE event = 'acknowledged') AS at,
           min(at) FILTER (WHERE event = 'acknowledged') - min(at) FILTER (WHERE event IN ('opened', 'reopened')) AS waited
    FROM events WHERE opening > 0
    GROUP BY flag_id, participant_id, opening
), happened AS (
    SELECT event, participant_id, at, NULL::interval AS waited FROM events WHERE event IN ('opened', 'reopened', 'resolved')
    UNION ALL
    SELECT 'acknowledged', participant_id, at, waited FROM acknowledgements WHERE at IS NOT NULL
), weekly AS (
    SELECT date_trunc('week', homeward.local_day(h.at))::date AS week_start,
           count(*) FILTER (WHERE event = 'opened')::int AS opened,
           count(*) FILTER (WHERE event = 'reopened')::int AS reopened,
           count(*) FILTER (WHERE event = 'acknowledged')::int AS acknowledged,
           count(*) FILTER (WHERE event = 'resolved')::int AS resolved,
           count(DISTINCT participant_id) FILTER (WHERE event = 'opened') AS opened_people,
           count(DISTINCT participant_id) FILTER (WHERE event = 'reopened') AS reopened_people,
           count(DISTINCT participant_id) FILTER (WHERE event = 'acknowledged') AS acknowledged_people,
           count(DISTINCT participant_id) FILTER (WHERE event = 'resolved') AS resolved_people,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM waited) / 3600) FILTER (WHERE event = 'acknowledged')
               AS median_hours
    FROM happened h
    GROUP BY 1
)
SELECT week_start,
       CASE WHEN opened_people = 0 OR opened_people >= k THEN opened END AS opened,
       CASE WHEN reopened_people = 0 OR reopened_people >= k THEN reopened END AS reopened,
       CASE WHEN acknowledged_people = 0 OR acknowledged_people >= k THEN acknowledged END AS acknowledged,
       CASE WHEN resolved_people = 0 OR resolved_people >= k THEN resolved END AS resolved,
       CASE WHEN acknowledged_people >= k THEN round(median_hours::numeric, 1) END AS median_hours_to_acknowledge
FROM weekly CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.flags_by_week IS
    'Per week (Monday to Sunday in the planning time zone): flags opened, re-opened, acknowledged and resolved, and the median time from a flag''s opening to its first acknowledgement. Counts of fewer than k people (homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.flags_by_week.week_start IS 'Monday of the week, in the planning time zone.';
COMMENT ON COLUMN oversight.flags_by_week.opened IS 'Flags opened for the first time that week; empty when 1 to k-1 people.';
COMMENT ON COLUMN oversight.flags_by_week.reopened IS 'Resolved flags opened again that week; empty when 1 to k-1 people.';
COMMENT ON COLUMN oversight.flags_by_week.acknowledged IS
    'Flag openings first acknowledged that week (acknowledging again does not count); empty when 1 to k-1 people.';
COMMENT ON COLUMN oversight.flags_by_week.resolved IS 'Flags resolved that week, by hand or because the condition cleared; empty when 1 to k-1 people.';
COMMENT ON COLUMN oversight.flags_by_week.median_hours_to_acknowledge IS
    'Median hours from opening (or re-opening) to first acknowledgement, over the acknowledgements of the week; empty when fewer than k people.';
GRANT SELECT ON oversight.flags_by_week TO homeward_oversight, homeward_admin;

------------------------------------------------------------------------------------------------
-- oversight.cancellations: who cancelled, as a party and as a role, never as a person
------------------------------------------------------------------------------------------------

CREATE INDEX changes_session_status_idx ON audit.changes ((primary_key ->> 'id'), at)
    WHERE table_name = 'homeward.sessions' AND changed ? 'status';

CREATE VIEW oversight.cancellations AS
WITH cancelled AS (
    SELECT s.id, c.code AS centre_code, date_trunc('month', s.starts_at AT TIME ZONE c.time_zone)::date AS month, s.cancelled_by,
           coalesce((SELECT homeward.login_role(a.login) FROM audit.changes a
                     WHERE a.table_name = 'homeward.sessions' AND a.changed ? 'status' AND (a.primary_key ->> 'id') = s.id::text
                       AND a.changed -> 'status' ->> 'new' = 'cancelled'
                     ORDER BY a.at DESC, a.id DESC LIMIT 1), 'unknown') AS cancelled_by_role
    FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
    WHERE s.status = 'cancelled'
)
SELECT centre_code, month, cancelled_by, cancelled_by_role,
       CASE WHEN participants = 0 OR participants >= k THEN sessions END AS sessions,
       CASE WHEN participants = 0 OR participants >= k THEN participants END AS participants
FROM (SELECT x.centre_code, x.month, x.cancelled_by, x.cancelled_by_role, count(DISTINCT x.id)::int AS sessions,
             count(DISTINCT sp.participant_id)::int AS participants
      FROM cancelled x LEFT JOIN homeward.session_participants sp ON sp.session_id = x.id
      GROUP BY x.centre_code, x.month, x.cancelled_by, x.cancelled_by_role) y
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.cancellations IS
    'Cancelled sessions by centre, month (centre local time), the party that cancelled and the role of the login that recorded it (never the person). Counts of 1 to k-1 booked people (homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.cancellations.centre_code IS 'Centre of the sessions.';
COMMENT ON COLUMN oversight.cancellations.month IS 'Month the sessions were to take place (first day), in the centre''s time zone.';
COMMENT ON COLUMN oversight.cancellations.cancelled_by IS 'Who called the session off: staff, participant, centre or other.';
COMMENT ON COLUMN oversight.cancellations.cancelled_by_role IS
    'Role of the login that recorded the cancellation (homeward.login_role): admin, coordinator, scheduler, other; unknown when the trail does not say.';
COMMENT ON COLUMN oversight.cancellations.sessions IS 'Sessions cancelled; empty when 1 to k-1 people were booked into them.';
COMMENT ON COLUMN oversight.cancellations.participants IS 'Distinct people booked into them; empty when 1 to k-1.';
GRANT SELECT ON oversight.cancellations TO homeward_oversight, homeward_admin;

------------------------------------------------------------------------------------------------
-- oversight.consents and oversight.record_exports: how many, never whose
------------------------------------------------------------------------------------------------

-- Not covered: in_force of two consecutive months differs by granted − withdrawn, so that difference is known even
-- when granted and withdrawn are hidden (it says how many, never who).
CREATE VIEW oversight.consents AS
WITH months AS (
    SELECT kind, generate_series(date_trunc('month', min(given_on)), date_trunc('month', homeward.today()), interval '1 month')::date AS month
    FROM homeward.consents GROUP BY kind
), counted AS (
    SELECT m.kind, m.month,
           count(*) FILTER (WHERE c.given_on >= m.month)::int AS given,
           count(DISTINCT c.participant_id) FILTER (WHERE c.given_on >= m.month) AS given_people,
           count(*) FILTER (WHERE c.withdrawn_on BETWEEN m.month AND e.month_end)::int AS withdrawn,
           count(DISTINCT c.participant_id) FILTER (WHERE c.withdrawn_on BETWEEN m.month AND e.month_end) AS withdrawn_people,
           count(DISTINCT c.participant_id) FILTER (WHERE c.withdrawn_on IS NULL OR c.withdrawn_on > e.month_end) AS in_force
    FROM months m
    CROSS JOIN LATERAL (SELECT least((m.month + interval '1 month')::date - 1, homeward.today()) AS month_end) e
    LEFT JOIN homeward.consents c ON c.kind = m.kind AND c.given_on <= e.month_end
    GROUP BY m.kind, m.month
)
SELECT kind, month,
       CASE WHEN (given_people = 0 OR given_people >= k) AND (withdrawn_people = 0 OR withdrawn_people >= k) THEN given END AS granted,
       CASE WHEN (given_people = 0 OR given_people >= k) AND (withdrawn_people = 0 OR withdrawn_people >= k) THEN withdrawn END AS withdrawn,
       CASE WHEN in_force = 0 OR in_force >= k THEN in_force::int END AS in_force
FROM counted CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.consents IS
    'Consents by kind and month, from the first consent of the kind to the reference month: granted and withdrawn that month, and in force at the month''s end (the reference day for the current month). Counts of 1 to k-1 people (homeward.oversight_min_group()) are empty; granted and withdrawn are shown together or not at all.';
COMMENT ON COLUMN oversight.consents.kind IS 'data_processing, psychological_support, school_information_sharing or photo.';
COMMENT ON COLUMN oversight.consents.month IS 'Month (first day).';
COMMENT ON COLUMN oversight.consents.granted IS 'Consents given that month; empty when it or withdrawn counts 1 to k-1 people.';
COMMENT ON COLUMN oversight.consents.withdrawn IS 'Consents withdrawn that month; empty when it or granted counts 1 to k-1 people.';
COMMENT ON COLUMN oversight.consents.in_force IS 'People whose consent of this kind is in force at the end of the month (or on the reference day); empty when 1 to k-1.';
GRANT SELECT ON oversight.consents TO homeward_oversight, homeward_admin;

CREATE INDEX changes_exports_idx ON audit.changes (at) WHERE operation = 'export';

CREATE VIEW oversight.record_exports AS
SELECT month, exported_by_role,
       CASE WHEN participants >= k THEN exports END AS exports,
       CASE WHEN participants >= k THEN participants END AS participants
FROM (SELECT date_trunc('month', homeward.local_day(a.at))::date AS month, homeward.login_role(a.login) AS exported_by_role,
             count(*)::int AS exports, count(DISTINCT a.participant_id)::int AS participants
      FROM audit.changes a WHERE a.operation = 'export'
      GROUP BY 1, 2) x
CROSS JOIN (SELECT homeward.oversight_min_group() AS k) k;
COMMENT ON VIEW oversight.record_exports IS
    'Full participant records exported (homeward participant export: subject access requests, transfers), by month and the role of the login that exported, never the person. Counts of fewer than k people (homeward.oversight_min_group()) are empty.';
COMMENT ON COLUMN oversight.record_exports.month IS 'Month of the export (first day), in the planning time zone.';
COMMENT ON COLUMN oversight.record_exports.exported_by_role IS 'Role of the exporting login (homeward.login_role): admin or coordinator, or unknown when the login is gone.';
COMMENT ON COLUMN oversight.record_exports.exports IS 'Records exported; empty when fewer than k people''s records.';
COMMENT ON COLUMN oversight.record_exports.participants IS 'Distinct people whose record was exported; empty when fewer than k.';
GRANT SELECT ON oversight.record_exports TO homeward_oversight, homeward_admin;
