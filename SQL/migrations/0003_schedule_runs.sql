-- 0003_schedule_runs: a record of every run of the scheduler, and the demand it could not place.
--
-- `homeward schedule generate` (the nightly job) writes one schedule_runs row per run in the same transaction
-- as the sessions it creates, so a killed run leaves neither. Unplaced demand is kept per run so coordinators
-- can see gaps and the flag rules can find requirements left unplaced two runs running.

CREATE TABLE homeward.schedule_runs (
    id               bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT schedule_runs_pkey PRIMARY KEY,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL DEFAULT now(),
    run_by           text        NOT NULL DEFAULT session_user,
    application_name text        NOT NULL DEFAULT current_setting('application_name'),
    horizon_from     date        NOT NULL,
    horizon_days     int         NOT NULL,
    freeze_days      int         NOT NULL,
    centre_id        bigint CONSTRAINT schedule_runs_centre_fk REFERENCES homeward.centres (id),
    demand           int         NOT NULL,
    placed           int         NOT NULL,
    unplaced         int         NOT NULL,
    sessions_created int         NOT NULL,
    score            jsonb       NOT NULL DEFAULT '{}',
    duration_ms      int         NOT NULL,
    CONSTRAINT schedule_runs_horizon_days_range CHECK (horizon_days BETWEEN 1 AND 62),
    CONSTRAINT schedule_runs_freeze_days_range CHECK (freeze_days >= 0),
    CONSTRAINT schedule_runs_counts_consistent CHECK (demand >= 0 AND placed >= 0 AND unplaced >= 0 AND placed + unplaced = demand),
    CONSTRAINT schedule_runs_finished_after_start CHECK (finished_at >= started_at)
);
CREATE INDEX schedule_runs_started_idx ON homeward.schedule_runs (started_at DESC);
COMMENT ON TABLE homeward.schedule_runs IS
    'One row per run of the scheduler (homeward schedule generate): who ran it, the horizon, how much demand it placed, its score and how long it took.';
COMMENT ON COLUMN homeward.schedule_runs.run_by IS 'The database login that ran the scheduler (session_user).';
COMMENT ON COLUMN homeward.schedule_runs.application_name IS 'The client''s application_name, e.g. "homeward schedule generate".';
COMMENT ON COLUMN homeward.schedule_runs.horizon_from IS 'First local day the run planned.';
COMMENT ON COLUMN homeward.schedule_runs.freeze_days IS 'Days from horizon_from whose sessions the run did not move or add to.';
COMMENT ON COLUMN homeward.schedule_runs.centre_id IS 'The centre the run was limited to, or NULL for all centres.';
COMMENT ON COLUMN homeward.schedule_runs.demand IS 'Session units the programme requirements asked for in the horizon, after subtracting sessions already planned or held.';
COMMENT ON COLUMN homeward.schedule_runs.score IS 'The scheduler''s score by component (placed, continuity, spread, balance…), as JSON.';

ALTER TABLE homeward.sessions
    ADD CONSTRAINT sessions_schedule_run_fk FOREIGN KEY (schedule_run_id) REFERENCES homeward.schedule_runs (id);
COMMENT ON COLUMN homeward.sessions.schedule_run_id IS 'The scheduler run that created this session; NULL for sessions entered by hand.';

CREATE TABLE homeward.schedule_unplaced (
    schedule_run_id bigint NOT NULL CONSTRAINT schedule_unplaced_run_fk REFERENCES homeward.schedule_runs (id) ON DELETE CASCADE,
    participant_id  bigint NOT NULL CONSTRAINT schedule_unplaced_participant_fk REFERENCES homeward.participants (id),
    requirement_id  bigint NOT NULL CONSTRAINT schedule_unplaced_requirement_fk REFERENCES homeward.phase_requirements (id),
    week_start      date   NOT NULL,
    sessions        int    NOT NULL,
    reason          text   NOT NULL,
    detail          text   NOT NULL,
    CONSTRAINT schedule_unplaced_pkey PRIMARY KEY (schedule_run_id, participant_id, requirement_id, week_start, reason),
    CONSTRAINT schedule_unplaced_sessions_positive CHECK (sessions > 0),
    CONSTRAINT schedule_unplaced_reason_check CHECK (reason IN (
        'invalid_demand', 'no_staff_with_role', 'no_staff_with_language', 'no_child_cleared_staff', 'no_room_of_kind', 'room_too_small',
        'no_common_time', 'staff_weekly_limit', 'participant_daily_limit', 'group_too_small', 'participant_unavailable',
        'displaced_by_higher_priority'))
);
CREATE INDEX schedule_unplaced_participant_idx ON homeward.schedule_unplaced (participant_id, requirement_id);
COMMENT ON TABLE homeward.schedule_unplaced IS
    'Demand a scheduler run could not place: which participant, requirement and week, how many sessions, the reason code and the constraint that blocked it.';
COMMENT ON COLUMN homeward.schedule_unplaced.reason IS 'Why it could not be placed, as a reason code (e.g. no_staff_with_language).';
COMMENT ON COLUMN homeward.schedule_unplaced.detail IS 'The blocking constraint in words, e.g. "no psychologist speaking ar is available at AKT-RC in week 2026-W49".';

-- Which sessions count toward a requirement. A session counts for the requirement it was planned for; a family
-- session also counts for every family-session requirement of the members who took part (one session with a
-- mother and her children serves the mother's programme and each child's).
CREATE FUNCTION homeward.session_counts_for(session_requirement_id bigint, session_mode text,
                                            requirement_id bigint, requirement_mode text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT session_requirement_id = requirement_id OR (session_mode = 'family' AND requirement_mode = 'family') $$;
COMMENT ON FUNCTION homeward.session_counts_for(bigint, text, bigint, text) IS
    'True when a session (its requirement and mode) counts toward a requirement (its id and mode): the same requirement, or any family session for a family-session requirement.';

-- How many sessions of a requirement fall due in one ISO week. Weeks are counted from the week the phase started;
-- fractional rates spread evenly (0.5 = every other week, 0.25 = every fourth week), so the running total after k
-- weeks is always floor(k × rate). The scheduler's demand and `schedule explain` both ask this.
CREATE FUNCTION homeward.sessions_due_in_week(sessions_per_week numeric, phase_started_on date, week_start date) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (floor(((week_start - date_trunc('week', phase_started_on)::date) / 7 + 1) * sessions_per_week)
            - floor(((week_start - date_trunc('week', phase_started_on)::date) / 7) * sessions_per_week))::int
$$;
COMMENT ON FUNCTION homeward.sessions_due_in_week(numeric, date, date) IS
    'Sessions of a requirement (at sessions_per_week) due in the ISO week starting week_start, for a phase started on phase_started_on.';
