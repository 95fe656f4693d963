-- Issue 14: several warning signs at once. A participant whose attendance, absences in a row, counselling contact
-- or school flag together, each only at watch, is a concern no single rule states: the rule
-- several_warning_signs (FlagEvaluator.warningSigns; Config/homeward.yaml, flags: warning_signs:) says so in one flag.
-- Its kind is falling_behind (homeward.flag_kind's ELSE: nothing to restate).
ALTER TABLE homeward.flags DROP CONSTRAINT flags_rule_check;
ALTER TABLE homeward.flags ADD CONSTRAINT flags_rule_check CHECK (rule IN (
    'attendance_below_threshold', 'consecutive_unexcused_absences', 'no_counselling_contact', 'school_attendance',
    'education_module_overdue', 'requirement_unplaced', 'assessment_overdue', 'forecast_late_completion',
    'several_warning_signs'));
COMMENT ON COLUMN homeward.flags.rule IS
    'attendance_below_threshold, consecutive_unexcused_absences, no_counselling_contact, school_attendance, education_module_overdue, requirement_unplaced, assessment_overdue, forecast_late_completion or several_warning_signs (see Config/homeward.yaml, flags:).';
