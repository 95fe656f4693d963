/// The kind of meeting a session is.
public enum SessionType: String, Vocabulary {
    case individualCounselling = "individual_counselling"
    case religiousConsultation = "religious_consultation"
    case groupTheologyClass = "group_theology_class"
    case familySession = "family_session"
    case paediatricPlayTherapy = "paediatric_play_therapy"
    case artTherapy = "art_therapy"
    case prisonEducationLesson = "prison_education_lesson"
    case vocationalTraining = "vocational_training"
    case socialWorkMeeting = "social_work_meeting"
    case legalConsultation = "legal_consultation"
    case groupCounselling = "group_counselling"
}

/// Who meets: one participant, a group, or a family together.
public enum SessionMode: String, Vocabulary {
    case individual, group, family
}

/// A session's lifecycle; only planned and held sessions occupy staff, rooms and participants.
public enum SessionStatus: String, Vocabulary {
    case planned, held, cancelled, rescheduled
}

/// Who caused a cancellation; sessions cancelled by staff or the centre never count against a participant.
public enum CancelledBy: String, Vocabulary {
    case staff, participant, centre, other
}

/// What happened for one participant at one session.
public enum AttendanceStatus: String, Vocabulary {
    case attended, late
    case absentExcused = "absent_excused"
    case absentUnexcused = "absent_unexcused"
}
