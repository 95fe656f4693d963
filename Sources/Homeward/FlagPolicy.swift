/// Thresholds and severity tiers of every flag rule: the `flags:` section of the settings file.
///
/// Each rule has a watch threshold (the flag opens) and stricter concern and urgent tiers. Defaults are the
/// issue's: 80% attendance, 2 unexcused absences in a row, 14 days without counselling, 90% school attendance
/// or 3 unexcused school days in a row, any module overdue, 2 nights unplaced, any assessment overdue, 14 days late.
public struct FlagPolicy: Sendable, Equatable, Codable {
    /// Attendance of one session kind over the last 28 days (attended ÷ counted). Flags when the rate is below `watchBelow`.
    public struct Attendance: Sendable, Equatable, Codable {
        public var watchBelow: Double = 0.80
        public var concernBelow: Double = 0.60
        public var urgentBelow: Double = 0.40
        /// Fewer counted sessions in the window than this: too early to judge.
        public var minSessions: Int = 3
        /// Fewer than this: the kind flags at watch at most (a concern needs more evidence, or several signs at once).
        public var minSessionsAboveWatch: Int = 6
        public init() {}
    }

    /// Unexcused absences in a row. Flags at `watchAt` or more.
    public struct ConsecutiveAbsences: Sendable, Equatable, Codable {
        public var watchAt: Int = 2
        public var concernAt: Int = 3
        public var urgentAt: Int = 4
        public init() {}
    }

    /// Days without a counselling session attended. Flags at `watchDays` or more.
    public struct CounsellingContact: Sendable, Equatable, Codable {
        public var watchDays: Int = 14
        public var concernDays: Int = 21
        public var urgentDays: Int = 28
        /// Session kinds that count as counselling contact.
        public var sessionTypes: [SessionType] = [.individualCounselling, .groupCounselling, .paediatricPlayTherapy, .artTherapy]
        public init() {}
    }

    /// A child's school attendance over 28 days, and unexcused school days in a row.
    public struct School: Sendable, Equatable, Codable {
        public var watchBelow: Double = 0.90
        public var concernBelow: Double = 0.80
        public var urgentBelow: Double = 0.60
        /// Fewer school days recorded in the window than this: the rate is not judged (the streak still is).
        public var minDays: Int = 5
        public var watchInARow: Int = 3
        public var concernInARow: Int = 5
        public var urgentInARow: Int = 10
        public init() {}
    }

    /// Prison education modules behind the expected pace. Flags at `watchBehind` or more.
    public struct Education: Sendable, Equatable, Codable {
        public var watchBehind: Int = 1
        public var concernBehind: Int = 2
        public var urgentBehind: Int = 3
        public init() {}
    }

    /// Consecutive nights (planning days with a scheduler run) whose last run left a requirement unplaced; reruns on
    /// one night count once. Flags at `watchNights` or more.
    public struct Unplaced: Sendable, Equatable, Codable {
        public var watchNights: Int = 2
        public var concernNights: Int = 3
        public var urgentNights: Int = 4
        public init() {}

        /// Scheduler reasons that prove the demand cannot be placed until a resource is added (nobody with the role or
        /// the language, no cleared staff, no room of the kind, no family recorded). Such demand is one standing
        /// not-served flag at concern from its first night, naming what is missing, with inputs that do not change
        /// night after night: acknowledged, it stays quiet until the reason or what is missing changes.
        public static let unplaceableReasons: Set<String> = [
            "no_staff_with_role", "no_staff_with_language", "no_child_cleared_staff", "no_room_of_kind", "no_family_recorded",
        ]
    }

    /// Days past the due assessment (phase start or last assessment + the phase's review interval).
    public struct Assessment: Sendable, Equatable, Codable {
        public var watchDaysOverdue: Int = 1
        public var concernDaysOverdue: Int = 14
        public var urgentDaysOverdue: Int = 30
        public init() {}
    }

    /// Projected phase completion later than the planned phase end, judged against the phase's planned length: a
    /// five-year sentence a month behind is not an eight-week residential phase a month behind.
    public struct Forecast: Sendable, Equatable, Codable {
        /// Lateness as a share of the phase's planned length above which the forecast is watch, concern, urgent.
        public var watchLateShare: Double = 0.10
        public var concernLateShare: Double = 0.25
        public var urgentLateShare: Double = 0.50
        /// Never fewer days late than this (two days late is no signal, however short the phase).
        public var minLateDays: Int = 14
        /// The phase must have run this many days, and this share of its planned length, before a forecast is made.
        public var minElapsedDays: Int = 14
        public var minElapsedShare: Double = 0.25
        public init() {}
    }

    /// Several independent warning signs of one participant at once: attendance over all session kinds together below
    /// the attendance rule's watch rate, absences in a row, counselling contact, school. `concernAt` signs together are a
    /// concern, `urgentAt` urgent. The combined flag is raised only when it is more severe than every behaviour flag the
    /// participant has, so it never repeats what a single flag already says.
    public struct WarningSigns: Sendable, Equatable, Codable {
        public var concernAt: Int = 3
        public var urgentAt: Int = 4
        /// The rules that count as signs: the participant's own behaviour from week to week, never what the programme
        /// fails to offer. Modules behind pace are left out: a course's pace is judged over months, and one module behind
        /// beside one missed week is ordinary in prison education.
        public static let signs: Set<FlagRule> = [
            .attendanceBelowThreshold, .consecutiveUnexcusedAbsences, .noCounsellingContact, .schoolAttendance,
        ]
        public init() {}
    }

    public var attendance = Attendance()
    public var consecutiveAbsences = ConsecutiveAbsences()
    public var counsellingContact = CounsellingContact()
    public var school = School()
    public var education = Education()
    public var unplaced = Unplaced()
    public var assessment = Assessment()
    public var forecast = Forecast()
    public var warningSigns = WarningSigns()

    public init() {}

    /// Every setting that makes no sense (tiers out of order, rates outside 0–1, counts below 1), with its YAML path.
    public func validationErrors() -> [InvalidInput] {
        var errors: [InvalidInput] = []
        func rates(_ path: String, _ watch: Double, _ concern: Double, _ urgent: Double) {
            for (name, value) in [("watch_below", watch), ("concern_below", concern), ("urgent_below", urgent)] where !(0...1).contains(value) {
                errors.append(InvalidInput(field: "flags.\(path).\(name)", value: "\(value)", reason: "must be a rate between 0 and 1 (e.g. 0.8)"))
            }
            if !(urgent <= concern && concern <= watch) {
                errors.append(InvalidInput(field: "flags.\(path)", value: "\(watch)/\(concern)/\(urgent)",
                                           reason: "tiers must tighten: urgent_below ≤ concern_below ≤ watch_below"))
            }
        }
        func counts(_ path: String, _ names: [String], _ watch: Int, _ concern: Int, _ urgent: Int, minimum: Int = 1) {
            if watch < minimum {
                errors.append(InvalidInput(field: "flags.\(path).\(names[0])", value: "\(watch)", reason: "must be at least \(minimum)"))
            }
            if !(watch <= concern && concern <= urgent) {
                errors.append(InvalidInput(field: "flags.\(path)", value: "\(watch)/\(concern)/\(urgent)",
                                           reason: "tiers must grow: \(names[0]) ≤ \(names[1]) ≤ \(names[2])"))
            }
        }
        rates("attendance", attendance.watchBelow, attendance.concernBelow, attendance.urgentBelow)
        if attendance.minSessions < 1 {
            errors.append(InvalidInput(field: "flags.attendance.min_sessions", value: "\(attendance.minSessions)", reason: "must be at least 1"))
        }
        if attendance.minSessionsAboveWatch < attendance.minSessions {
            errors.append(InvalidInput(field: "flags.attendance.min_sessions_above_watch", value: "\(attendance.minSessionsAboveWatch)",
                                       reason: "must be at least min_sessions (\(attendance.minSessions))"))
        }
        counts("consecutive_absences", ["watch_at", "concern_at", "urgent_at"],
               consecutiveAbsences.watchAt, consecutiveAbsences.concernAt, consecutiveAbsences.urgentAt)
        counts("counselling_contact", ["watch_days", "concern_days", "urgent_days"],
               counsellingContact.watchDays, counsellingContact.concernDays, counsellingContact.urgentDays)
        if counsellingContact.sessionTypes.isEmpty {
            errors.append(InvalidInput(field: "flags.counselling_contact.session_types", value: "[]", reason: "needs at least one session kind"))
        }
        rates("school", school.watchBelow, school.concernBelow, school.urgentBelow)
        if school.minDays < 1 {
            errors.append(InvalidInput(field: "flags.school.min_days", value: "\(school.minDays)", reason: "must be at least 1"))
        }
        counts("school", ["watch_in_a_row", "concern_in_a_row", "urgent_in_a_row"], school.watchInARow, school.concernInARow, school.urgentInARow)
        counts("education", ["watch_behind", "concern_behind", "urgent_behind"], education.watchBehind, education.concernBehind, education.urgentBehind)
        counts("unplaced", ["watch_nights", "concern_nights", "urgent_nights"], unplaced.watchNights, unplaced.concernNights, unplaced.urgentNights)
        counts("assessment", ["watch_days_overdue", "concern_days_overdue", "urgent_days_overdue"],
               assessment.watchDaysOverdue, assessment.concernDaysOverdue, assessment.urgentDaysOverdue)
        if !(0 < forecast.watchLateShare && forecast.watchLateShare <= forecast.concernLateShare
             && forecast.concernLateShare <= forecast.urgentLateShare) {
            errors.append(InvalidInput(field: "flags.forecast", value: "\(forecast.watchLateShare), \(forecast.concernLateShare), \(forecast.urgentLateShare)",
                                       reason: "watch_late_share, concern_late_share and urgent_late_share must be above 0 and not decrease"))
        }
        for (key, value) in [("min_late_days", forecast.minLateDays), ("min_elapsed_days", forecast.minElapsedDays)] where value < 0 {
            errors.append(InvalidInput(field: "flags.forecast.\(key)", value: "\(value)", reason: "must not be negative"))
        }
        if !(0...1).contains(forecast.minElapsedShare) {
            errors.append(InvalidInput(field: "flags.forecast.min_elapsed_share", value: "\(forecast.minElapsedShare)", reason: "must be from 0 to 1"))
        }
        if warningSigns.concernAt < 2 {
            errors.append(InvalidInput(field: "flags.warning_signs.concern_at", value: "\(warningSigns.concernAt)",
                                       reason: "must be at least 2 (one sign alone is its own rule's flag)"))
        }
        if warningSigns.urgentAt < warningSigns.concernAt {
            errors.append(InvalidInput(field: "flags.warning_signs", value: "\(warningSigns.concernAt)/\(warningSigns.urgentAt)",
                                       reason: "tiers must grow: concern_at ≤ urgent_at"))
        }
        return errors
    }

    /// The severity of a value where lower is worse (rates), or nil when it is not below `watch`.
    static func severity(below value: Double, watch: Double, concern: Double, urgent: Double) -> FlagSeverity? {
        if value < urgent { return .urgent }
        if value < concern { return .concern }
        if value < watch { return .watch }
        return nil
    }

    /// The severity of a value where more is worse (counts, days), or nil when it is below `watch`.
    static func severity(atLeast value: Int, watch: Int, concern: Int, urgent: Int) -> FlagSeverity? {
        if value >= urgent { return .urgent }
        if value >= concern { return .concern }
        if value >= watch { return .watch }
        return nil
    }
}
