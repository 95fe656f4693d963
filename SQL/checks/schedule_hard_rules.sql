-- schedule_hard_rules: every hard-rule violation among the planned sessions the scheduler created.
--
-- One query, read-only. It prints one row per violation (rule, session_id, detail) and
-- ZERO ROWS WHEN ALL IS WELL. The rules themselves are stated once, in homeward.session_rule_violations
-- (SQL/migrations/0019_booking_rules.sql): the same function the session triggers use to hold a booking made by hand
-- to the scheduler's rules.
--
--   psql -X -v ON_ERROR_STOP=1 -f SQL/checks/schedule_hard_rules.sql
--
-- Scope: sessions with status 'planned' and schedule_run_id IS NOT NULL (written by
-- `homeward schedule generate`) or repair_of_session_id IS NOT NULL (replacements booked by `homeward schedule repair`),
-- whoever wrote them. Clashes are looked for against EVERY other
-- session that occupies its slot (planned or held, booked by hand or by the scheduler).
--
-- Times: a session's "local day" and clock times are read in its centre's time zone; ages are
-- taken on that local day with homeward.age_on (as the database triggers do).
--
-- The daily limits and the after-school travel time are the database's settings (homeward.settings, written by
-- `homeward db migrate` from Config's scheduling section), read through homeward.max_sessions_per_day and
-- homeward.after_school_buffer: the very values the scheduler used. Age groups come from homeward.age_group_on.
SELECT v.rule, v.session_id, v.detail
FROM homeward.session_rule_violations(array(
    SELECT s.id FROM homeward.sessions s
    WHERE (s.schedule_run_id IS NOT NULL OR s.repair_of_session_id IS NOT NULL) AND s.status = 'planned')) v
ORDER BY v.rule, v.session_id;
