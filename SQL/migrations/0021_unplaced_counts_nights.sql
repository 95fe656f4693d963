-- 0021_unplaced_counts_nights: a scheduler run belongs to a planning day, so unplaced demand is counted in nights.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only. Requires 0003 and 0007.
--
-- The flag requirement_unplaced counted scheduler runs: four `nightly` runs in one day made an urgent flag of what one
-- night had left unplaced. Each run now records the reference day it planned on (homeward.today() when it was
-- written), and the flag counts the distinct planning days before the reference day whose last run left the
-- requirement unplaced. Runs of the day itself count from the next day on, so evaluating the flags again the same
-- day, before or after tonight's schedule, finds the same nights.

ALTER TABLE homeward.schedule_runs ADD COLUMN planning_day date;
UPDATE homeward.schedule_runs SET planning_day = homeward.local_day(started_at);
ALTER TABLE homeward.schedule_runs ALTER COLUMN planning_day SET DEFAULT homeward.today(),
                                   ALTER COLUMN planning_day SET NOT NULL;
CREATE INDEX schedule_runs_planning_day_idx ON homeward.schedule_runs (planning_day DESC, started_at DESC);
COMMENT ON COLUMN homeward.schedule_runs.planning_day IS
    'The reference day the run planned on (homeward.today() when it was written; before 0021: the day of started_at in the planning time zone). The flag requirement_unplaced counts these days (nights), not runs.';
