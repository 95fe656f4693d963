/// The rules that raise a flag on a participant who is falling behind; raw values match `homeward.flags.rule`.
///
/// Thresholds and severity tiers of each rule live in `FlagPolicy` (the `flags:` section of the settings file).
public enum FlagRule: String, Vocabulary {
    /// Attendance over the last 28 days below a threshold (default 80%), per session kind.
    case attendanceBelowThreshold = "attendance_below_threshold"
    /// N unexcused absences in a row across the participant's sessions (default 2).
    case consecutiveUnexcusedAbsences = "consecutive_unexcused_absences"
    /// No counselling contact for N days (default 14) while enrolled in a phase that asks for counselling.
    case noCounsellingContact = "no_counselling_contact"
    /// A child's school attendance below 90% over 28 days (chronic absence), or 3 unexcused days in a row.
    case schoolAttendance = "school_attendance"
    /// A prison education module overdue against the course's expected pace.
    case educationModuleOverdue = "education_module_overdue"
    /// A requirement the scheduler left unplaced two nights running (reruns on one night count once): the participant cannot be served.
    case requirementUnplaced = "requirement_unplaced"
    /// No assessment within the phase's review interval.
    case assessmentOverdue = "assessment_overdue"
    /// At the current pace the phase ends more than N days after its planned end.
    case forecastLateCompletion = "forecast_late_completion"
    /// Several of the participant's own behaviour rules (attendance, absences in a row, counselling contact, school)
    /// flag at once, each at a lower severity than their combination: three signs are a concern, four urgent.
    case severalWarningSigns = "several_warning_signs"

    /// One line for coordinators: what the rule watches.
    public var summary: String {
        switch self {
        case .attendanceBelowThreshold: return "attendance of one session kind below the threshold over the last 28 days"
        case .consecutiveUnexcusedAbsences: return "unexcused absences in a row"
        case .noCounsellingContact: return "no counselling contact for too long while enrolled"
        case .schoolAttendance: return "school attendance below the threshold over 28 days, or unexcused days in a row"
        case .educationModuleOverdue: return "prison education modules behind the course's expected pace"
        case .requirementUnplaced: return "requirement left unplaced on consecutive nights by the scheduler"
        case .assessmentOverdue: return "assessment overdue for the phase's review interval"
        case .forecastLateCompletion: return "phase projected to end well after its planned end at the current pace"
        case .severalWarningSigns: return "several behaviour rules flag at once (attendance, absences in a row, counselling contact, school)"
        }
    }
}

/// How worrying a flag is; raw values match `homeward.flags.severity`.
public enum FlagSeverity: String, Vocabulary, Comparable {
    case watch, concern, urgent

    /// watch < concern < urgent.
    public var rank: Int {
        switch self {
        case .watch: return 1
        case .concern: return 2
        case .urgent: return 3
        }
    }

    public static func < (lhs: FlagSeverity, rhs: FlagSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// The two kinds of signal, for two owners (`homeward.flag_kind`, the one statement of which rule is which): falling
/// behind, the participant disengages (a coordinator's follow-up); not served, the programme fails them (a manager's
/// staffing or capacity problem).
public enum FlagKind: String, Vocabulary {
    case fallingBehind = "falling_behind"
    case notServed = "not_served"
}

/// Where a flag stands; raw values match `homeward.flags.status`.
public enum FlagStatus: String, Vocabulary {
    case open, acknowledged, resolved
}

/// What happened to a flag; raw values match `homeward.flag_events.event`.
public enum FlagEventKind: String, Vocabulary {
    case opened, updated, acknowledged, resolved, reopened
}
