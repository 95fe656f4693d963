-- 0016_no_family_recorded: a family-session requirement of a participant in no family is a gap with its reason.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0015.
-- Before, the scheduler skipped such demand with a warning on stderr; now `schedule gaps` lists it for the
-- coordinator, who records the family (`homeward family add`).

ALTER TABLE homeward.schedule_unplaced DROP CONSTRAINT schedule_unplaced_reason_check;
ALTER TABLE homeward.schedule_unplaced ADD CONSTRAINT schedule_unplaced_reason_check CHECK (reason IN (
    'invalid_demand', 'no_staff_with_role', 'no_staff_with_language', 'no_child_cleared_staff', 'no_room_of_kind', 'room_too_small',
    'no_common_time', 'staff_weekly_limit', 'participant_daily_limit', 'group_too_small', 'participant_unavailable',
    'displaced_by_higher_priority', 'participant_ages_out', 'no_family_recorded'));
COMMENT ON COLUMN homeward.schedule_unplaced.reason IS
    'Why it could not be placed, as a reason code (e.g. no_staff_with_language; participant_ages_out when a birthday inside the week ends the requirement''s age band; no_family_recorded when a family-session requirement''s participant is in no family).';
