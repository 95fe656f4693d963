-- 0026_night_never_lost: demand the scheduler placed but could not write, because a booking committed meanwhile took
-- its room, staff member or participant, is recorded with its own reason.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0001…0025.
-- The write phase of `schedule generate` and `nightly` writes each session the database refuses at write time under
-- its own savepoint, drops it and records its demand as `conflict_with_booking`, with the refusal's words as detail;
-- the rest of the night is written.

ALTER TABLE homeward.schedule_unplaced DROP CONSTRAINT schedule_unplaced_reason_check;
ALTER TABLE homeward.schedule_unplaced ADD CONSTRAINT schedule_unplaced_reason_check CHECK (reason IN (
    'invalid_demand', 'no_staff_with_role', 'no_staff_with_language', 'no_child_cleared_staff', 'no_room_of_kind', 'room_too_small',
    'no_common_time', 'staff_weekly_limit', 'participant_daily_limit', 'group_too_small', 'participant_unavailable',
    'displaced_by_higher_priority', 'participant_ages_out', 'no_family_recorded', 'conflict_with_booking'));
COMMENT ON COLUMN homeward.schedule_unplaced.reason IS
    'Why it could not be placed, as a reason code (e.g. no_staff_with_language; participant_ages_out when a birthday inside the week ends the requirement''s age band; no_family_recorded when a family-session requirement''s participant is in no family; conflict_with_booking when the scheduler placed it but a booking committed while it wrote took the room, staff member or participant).';
