/// The sentence a coordinator reads for each named constraint or trigger rule in `SQL/migrations`.
///
/// One place for all of them: the database is the last word on every rule; this table only says it in plain words.
enum ConstraintMessages {
    static func sentence(for rule: String) -> String? { sentences[rule] }

    static let sentences: [String: String] = [
        // Centres and rooms
        "centres_code_key": "a centre with this code already exists",
        "centres_code_format": "a centre code must be 2–32 capital letters, digits or hyphens",
        "centres_capacity_positive": "a centre's capacity must be at least 1",
        "centres_time_zone_known": "the time zone is not one PostgreSQL knows (use an IANA name such as Asia/Aqtau)",
        "centre_opening_hours_no_overlap": "these opening hours overlap hours already set for that weekday",
        "centre_opening_hours_opens_before_closes": "opening time must be before closing time",
        "rooms_code_key": "this centre already has a room with this code",
        "rooms_centre_fk": "the room's centre does not exist",
        "rooms_capacity_positive": "a room's capacity must be at least 1",
        // Staff
        "staff_code_key": "a staff member with this code already exists",
        "staff_languages_valid": "languages must be distinct two-letter codes such as kk, ru, ar",
        "staff_weekly_hour_limit_range": "the weekly hour limit must be more than 0 and at most 60",
        "staff_availability_works_at_centre_fk": "the staff member does not work at that centre",
        "staff_availability_no_overlap": "this availability overlaps availability already set for that weekday",
        "staff_leave_no_overlap": "this leave overlaps leave already recorded for the staff member",
        "staff_leave_days_ordered": "the leave's last day is before its first day",
        // Participants
        "participants_case_number_key": "a participant with this case number already exists",
        "participants_case_number_format": "a case number must be 2–32 capital letters, digits or hyphens",
        "participants_languages_valid": "languages must be distinct two-letter codes such as kk, ru, ar",
        "participants_sentence_only_when_convicted": "a sentence end date is required for convicted participants, and only for them",
        "participants_birth_before_return": "the return date is before the birth date",
        "participant_placements_no_overlap": "the participant already has a placement over these dates",
        "consents_one_current_per_kind": "this consent is already on record and not withdrawn",
        "family_links_exactly_one_person": "a family link names either a relative or another participant, not both",
        "family_links_not_self": "a participant cannot be linked to themself",
        "family_links_relative_key": "this relative is already linked to the participant",
        "family_links_related_participant_key": "these participants are already linked",
        "family_members_pkey": "the participant is already a member of this family",
        // Programmes and enrolments
        "programmes_code_key": "a programme with this code already exists",
        "enrolments_phase_in_programme_fk": "the phase does not belong to the enrolment's programme",
        "enrolments_one_open_per_programme": "the participant already has an open enrolment in this programme",
        "enrolments_phase_after_start": "the phase cannot start before the enrolment",
        "enrolments_planned_end_after_start": "the planned end is before the start",
        "enrolments_ended_when_closed": "a completed or withdrawn enrolment needs an end date, and an open one must not have one",
        // Schooling
        "schools_code_key": "a school with this code already exists",
        "school_enrolments_no_overlap": "the child is already enrolled in a school over these dates",
        "school_enrolments_day_ordered": "the school day must start before it ends",
        "school_enrolments_end_when_closed": "a school enrolment that is not current needs an end date",
        "school_attendance_one_per_day": "school attendance is already recorded for this child on this day",
        "school_attendance_enrolment_fk": "the child is not enrolled at that school",
        "school_attendance_within_enrolment": "the day is outside the child's school enrolment",
        // Prison education
        "courses_code_key": "a course with this code already exists",
        "courses_centre_is_prison": "prison education courses belong to a prison",
        "course_enrolments_one_active": "the participant is already enrolled in this course",
        "module_completions_module_in_course_fk": "the module is not part of the participant's course",
        "module_completions_passed_once": "the participant has already passed this module",
        // Sessions and attendance
        "sessions_room_no_overlap": "the room is already booked at that time",
        "session_staff_no_overlap": "this staff member already has a session at that time",
        "session_participants_no_overlap": "this participant already has a session at that time",
        "sessions_room_in_centre_fk": "the room is not in the session's centre",
        "sessions_matches_requirement_fk": "the session's type and mode do not match its programme requirement",
        "sessions_ends_after_starts": "a session must end after it starts",
        "sessions_at_most_8_hours": "a session lasts at most 8 hours",
        "sessions_cancellation_reason_required": "a cancelled session needs a reason and who cancelled it",
        "sessions_replacement_iff_rescheduled": "a rescheduled session must name its replacement",
        "sessions_family_iff_family_mode": "a family session must name the family, and only family sessions do",
        "session_participants_eligibility": "the participant is not eligible for this session (age band or sex of the programme requirement)",
        "session_staff_child_clearance": "a session with a child needs staff cleared to work with children",
        "session_staff_has_role": "the staff member does not hold the role this session needs",
        "session_staff_works_at_centre": "the staff member does not work at the session's centre",
        "sessions_room_capacity": "more participants than the room holds",
        "session_staff_paediatric_only": "only a paediatric psychologist may give this session",
        "attendance_participant_in_session_fk": "the participant is not in this session",
        "attendance_session_took_place": "attendance can only be recorded for a session that was planned or held",
        // Assessments and milestones
        "milestones_once_per_day": "this milestone is already recorded on that day",
    ]
}
