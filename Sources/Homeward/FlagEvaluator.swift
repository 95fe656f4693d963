/// A value recorded in a flag's threshold or inputs (stored as JSON in `homeward.flags`), so a flag says why it was raised.
public enum FlagValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case int(Int)
    case number(Double)
    case text(String)
    case list([FlagValue])
    case null

    /// A rate or ratio rounded to 4 decimals, so the same inputs always compare equal.
    public static func rate(_ value: Double) -> FlagValue { .number((value * 10_000).rounded() / 10_000) }

    /// A day as `YYYY-MM-DD`, or null.
    public static func day(_ date: LocalDate?) -> FlagValue { date.map { .text($0.description) } ?? .null }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let int = try? container.decode(Int.self) {
            self = .int(int)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .list(try container.decode([FlagValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .number(let value): return String(value)
        case .text(let value): return value
        case .list(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .null: return "—"
        }
    }
}

/// One condition found by an evaluation: which participant, rule and subject, how severe, and the values behind it.
public struct FlagFinding: Sendable, Equatable, Codable {
    public var participantID: Int
    public var caseNumber: String
    public var rule: FlagRule
    /// What within the rule: a session kind, requirement, course or programme code, "school", "sessions", "counselling".
    public var subject: String
    public var severity: FlagSeverity
    public var threshold: [String: FlagValue]
    public var inputs: [String: FlagValue]

    public init(participantID: Int, caseNumber: String, rule: FlagRule, subject: String, severity: FlagSeverity,
                threshold: [String: FlagValue], inputs: [String: FlagValue]) {
        self.participantID = participantID
        self.caseNumber = caseNumber
        self.rule = rule
        self.subject = subject
        self.severity = severity
        self.threshold = threshold
        self.inputs = inputs
    }
}

/// Everything the flag rules look at, per participant, gathered by the store with one set-based query per rule family.
public struct FlagInputs: Sendable, Equatable {
    /// Sessions of one kind over the last 28 days (from `homeward.requirement_progress`, summed per session kind).
    public struct SessionKindAttendance: Sendable, Equatable {
        public var participantID: Int
        public var caseNumber: String
        public var sessionType: SessionType
        public var attended: Int
        /// Attended + absences + participant cancellations; staff- or centre-cancelled sessions are never in it.
        public var counted: Int
        /// Since the phase started (context for the coordinator; the rule reads the 28-day counts).
        public var missed: Int
        public var excused: Int
        public var cancelledByParticipant: Int
        public var cancelledByStaffOrCentre: Int

        public init(participantID: Int, caseNumber: String, sessionType: SessionType, attended: Int, counted: Int, missed: Int = 0,
                    excused: Int = 0, cancelledByParticipant: Int = 0, cancelledByStaffOrCentre: Int = 0) {
            self.participantID = participantID
            self.caseNumber = caseNumber
            self.sessionType = sessionType
            self.attended = attended
            self.counted = counted
            self.missed = missed
            self.excused = excused
            self.cancelledByParticipant = cancelledByParticipant
            self.cancelledByStaffOrCentre = cancelledByStaffOrCentre
        }
    }

    /// The unexcused absences since the participant's last recorded session that was not one.
    public struct AbsenceStreak: Sendable, Equatable {
        public var participantID: Int
        public var caseNumber: String
        public var count: Int
        public var sessionIDs: [Int]
        public var firstDay: LocalDate
        public var lastDay: LocalDate

        public init(participantID: Int, caseNumber: String, count: Int, sessionIDs: [Int], firstDay: LocalDate, lastDay: LocalDate) {
            self.participantID = participantID
            self.caseNumber = caseNumber
            self.count = count
            self.sessionIDs = sessionIDs
            self.firstDay = firstDay
            self.lastDay = lastDay
        }
    }

    /// A participant whose current phase asks for counselling, and when they last attended any.
    public struct CounsellingContact: Sendable, Equatable {
        public var participantID: Int
        public var caseNumber: String
        /// Start of the earliest active enrolment: days are never counted from before it.
        public var enrolledSince: LocalDate
        public var lastContactOn: LocalDate?
        /// Counselling sessions since the last contact (or the enrolment) missed without excuse or cancelled by the
        /// participant: none means nobody offered one, which is the programme failing them, not them falling behind.
        public var missedSinceContact: Int

        public init(participantID: Int, caseNumber: String, enrolledSince: LocalDate, lastContactOn: LocalDate?, missedSinceContact: Int) {
            self.participantID = participantID
            self.caseNumber = caseNumber
            self.enrolledSince = enrolledSince
            self.lastContactOn = lastContactOn
            self.missedSinceContact = missedSinceContact
        }
    }

    /// A child's school days over the last 28 days (every school, so a move keeps one record).
    public struct SchoolRecord: Sendable, Equatable {
        public var participantID: Int
        public var caseNumber: String
        public var daysRecorded: Int
        public var daysPresent: Int
        public var unexcusedInARow: Int

        public init(participantID: Int, caseNumber: String, daysRecorded: Int, daysPresent: Int, unexcusedInARow: Int) {
            self.participantID = participantID
            self.caseNumber = caseNumber
            self.daysRecorded = daysRecorded
            self.daysPresent = daysPresent
            self.unexcusedInARow = unexcusedInARow
        }
    }

    /// An active prison education course: modules passed against modules due by now.
    public struct CourseRecord: Sendable, Equatable {
        public var participantID: Int
        public var caseNumber: String
        public var courseCode: String
        public var startedOn: LocalDate
        public var modules: Int
        public var passed: Int
        public var expected: Int
        /// Due day of the first module not yet passed, when it is past.
        public var overdueSince: LocalDate?

        public init(participantID: Int, caseNumber: String, courseCode: String, startedOn: LocalDate, modules: Int, passed: Int,
                    expected: Int, overdueSince: LocalDate? = nil) {
            self.participantID = participantID
            self.caseNumber = caseNumber
            self.courseCode = courseCode
            self.startedOn = startedOn
            self.modules = modules
            self.passed = passed
            self.expected = expected
            self.overdueSince = overdueSince
        }
    }

    /// A requirement of a participant's current phase left unplaced on the latest consecutive nights (planning days
    /// before the reference day), each night judged by its last scheduler run.
    public struct UnplacedRecord: Sendable, Equatable {
        public var participantID: Int
        public var caseNumber: String
        /// `PROGRAMME/PHASE/REQUIREMENT`.
        public var requirement: String
        /// The consecutive latest nights (newest first) whose last run left it unplaced.
        public var nights: [LocalDate]
        /// The last run of each of those nights, in the same order.
        public var runIDs: [Int]
        public var sessions: Int
        public var reason: String
        public var detail: String

        public init(participantID: Int, caseNumber: String, requirement: String, nights: [LocalDate], runIDs: [Int], sessions: Int,
                    reason: String, detail: String) {
            self.participantID = participantID
            self.caseNumber = caseNumber
            self.requirement = requirement
            self.nights = nights
            self.runIDs = runIDs
            self.sessions = sessions
            self.reason = reason
            self.detail = detail
        }
    }

    /// An active enrolment's phase progress and assessments (from `homeward.enrolment_progress`).
    public struct EnrolmentRecord: Sendable, Equatable {
        public var participantID: Int
        public var caseNumber: String
        public var programmeCode: String
        public var phaseCode: String
        public var phaseStartedOn: LocalDate
        public var plannedPhaseEnd: LocalDate
        public var requiredToDate: Int
        public var attended: Int
        public var pace: Double?
        /// Requirements the participant was offered sessions of and attended none (sessions never offered do not stall).
        public var stalledRequirements: Int
        /// Completion projected from the participant's own rate among the sessions offered (nil: stalled or none offered).
        public var projectedCompletionOn: LocalDate?
        public var lastAssessedOn: LocalDate?
        public var assessmentDueOn: LocalDate
        /// Sessions offered since the phase started: attended, missed without excuse or cancelled by the participant.
        public var offered: Int
        /// Sessions due by now that were never offered (not served: `requirement_unplaced` reports those).
        public var notOffered: Int

        public init(participantID: Int, caseNumber: String, programmeCode: String, phaseCode: String, phaseStartedOn: LocalDate,
                    plannedPhaseEnd: LocalDate, requiredToDate: Int, attended: Int, pace: Double?, stalledRequirements: Int,
                    projectedCompletionOn: LocalDate?, lastAssessedOn: LocalDate?, assessmentDueOn: LocalDate, offered: Int? = nil,
                    notOffered: Int = 0) {
            self.participantID = participantID
            self.caseNumber = caseNumber
            self.programmeCode = programmeCode
            self.phaseCode = phaseCode
            self.phaseStartedOn = phaseStartedOn
            self.plannedPhaseEnd = plannedPhaseEnd
            self.requiredToDate = requiredToDate
            self.attended = attended
            self.pace = pace
            self.stalledRequirements = stalledRequirements
            self.projectedCompletionOn = projectedCompletionOn
            self.lastAssessedOn = lastAssessedOn
            self.assessmentDueOn = assessmentDueOn
            self.offered = offered ?? requiredToDate
            self.notOffered = notOffered
        }
    }

    /// The reference day.
    public var today: LocalDate
    public var sessionKinds: [SessionKindAttendance] = []
    public var absenceStreaks: [AbsenceStreak] = []
    public var counselling: [CounsellingContact] = []
    public var school: [SchoolRecord] = []
    public var courses: [CourseRecord] = []
    public var unplaced: [UnplacedRecord] = []
    public var enrolments: [EnrolmentRecord] = []

    public init(today: LocalDate) { self.today = today }
}

/// The flag rules as one pure function: inputs and a policy in, findings out (no I/O, so every rule is unit-tested).
public enum FlagEvaluator {
    /// Every condition that holds, at most one per (participant, rule, subject), ordered by case number, rule and subject.
    public static func evaluate(_ inputs: FlagInputs, policy: FlagPolicy) -> [FlagFinding] {
        var findings: [FlagFinding] = []
        findings += inputs.sessionKinds.compactMap { attendance($0, policy.attendance) }
        findings += inputs.absenceStreaks.compactMap { absences($0, policy.consecutiveAbsences) }
        findings += inputs.counselling.compactMap { counselling($0, today: inputs.today, policy.counsellingContact) }
        findings += inputs.school.compactMap { school($0, policy.school) }
        findings += inputs.courses.compactMap { course($0, policy.education) }
        findings += inputs.unplaced.compactMap { unplaced($0, policy.unplaced) }
        findings += inputs.enrolments.compactMap { assessment($0, today: inputs.today, policy.assessment) }
        findings += inputs.enrolments.compactMap { forecast($0, today: inputs.today, policy.forecast) }
        // One finding per key: the most severe wins (a participant in two programmes can meet a rule twice).
        func key(_ finding: FlagFinding) -> String { "\(finding.participantID)|\(finding.rule.rawValue)|\(finding.subject)" }
        var byKey: [String: FlagFinding] = [:]
        for finding in findings {
            if let existing = byKey[key(finding)], existing.severity >= finding.severity { continue }
            byKey[key(finding)] = finding
        }
        for combined in warningSigns(Array(byKey.values), inputs, policy) { byKey[key(combined)] = combined }
        return byKey.values.sorted { ($0.caseNumber, $0.rule.rawValue, $0.subject) < ($1.caseNumber, $1.rule.rawValue, $1.subject) }
    }

    /// Per participant, the independent warning signs: attendance over all session kinds together below the attendance
    /// rule's watch rate, over at least `minSessionsAboveWatch` sessions (one sign, however many kinds flag alone: a
    /// session kind with three sessions says little), and
    /// each of absences in a row, counselling contact and school that flags. `concernAt` signs together are a concern,
    /// `urgentAt` urgent, raised only when that is more severe than every behaviour flag the participant has (three
    /// signs that flag at most at watch become a concern; beside a concern flag the combination adds nothing).
    static func warningSigns(_ findings: [FlagFinding], _ inputs: FlagInputs, _ policy: FlagPolicy) -> [FlagFinding] {
        var signs: [Int: (caseNumber: String, worst: [String: FlagSeverity])] = [:]
        func note(_ participantID: Int, _ caseNumber: String, _ sign: String, _ severity: FlagSeverity) {
            var entry = signs[participantID] ?? (caseNumber, [:])
            entry.worst[sign] = max(entry.worst[sign] ?? .watch, severity)
            signs[participantID] = entry
        }
        var pooled: [Int: (caseNumber: String, attended: Int, counted: Int)] = [:]
        for row in inputs.sessionKinds {
            let sum = pooled[row.participantID] ?? (row.caseNumber, 0, 0)
            pooled[row.participantID] = (row.caseNumber, sum.attended + row.attended, sum.counted + row.counted)
        }
        let attendance = policy.attendance
        // The pooled rate is a sign on as many sessions as a kind needs to flag above watch alone: over fewer, two
        // missed of four is noise as often as not.
        for (participantID, sum) in pooled where sum.counted >= attendance.minSessionsAboveWatch {
            if let severity = FlagPolicy.severity(below: Double(sum.attended) / Double(sum.counted), watch: attendance.watchBelow,
                                                  concern: attendance.concernBelow, urgent: attendance.urgentBelow) {
                note(participantID, sum.caseNumber, "attendance_all_kinds", severity)
            }
        }
        // Every flag the participant already has among the behaviour rules (the combination must say more than each);
        // each but attendance, whose sign is the pooled rate above, is a sign.
        var strongest: [Int: FlagSeverity] = [:]
        for finding in findings where FlagPolicy.WarningSigns.signs.contains(finding.rule) {
            strongest[finding.participantID] = max(strongest[finding.participantID] ?? .watch, finding.severity)
            if finding.rule != .attendanceBelowThreshold {
                note(finding.participantID, finding.caseNumber, finding.rule.rawValue, finding.severity)
            }
        }
        let warning = policy.warningSigns
        return signs.compactMap { participantID, entry in
            let count = entry.worst.count
            let severity: FlagSeverity? = count >= warning.urgentAt ? .urgent : count >= warning.concernAt ? .concern : nil
            guard let severity, severity > strongest[participantID] ?? .watch else { return nil }
            let listed = entry.worst.sorted { $0.key < $1.key }
            return FlagFinding(
                participantID: participantID, caseNumber: entry.caseNumber, rule: .severalWarningSigns, subject: "behaviour",
                severity: severity,
                threshold: ["concern_at": .int(warning.concernAt), "urgent_at": .int(warning.urgentAt),
                            "attendance_watch_below": .rate(attendance.watchBelow),
                            "attendance_min_sessions": .int(attendance.minSessionsAboveWatch)],
                inputs: ["signs_at_once": .int(count), "signs": .list(listed.map { .text("\($0.key): \($0.value.rawValue)") }),
                         "attendance_all_kinds": pooled[participantID].map { sum in
                             .text("\(sum.attended) of \(sum.counted)") } ?? .null])
        }
    }

    static func attendance(_ row: FlagInputs.SessionKindAttendance, _ policy: FlagPolicy.Attendance) -> FlagFinding? {
        guard row.counted >= policy.minSessions else { return nil }
        let rate = Double(row.attended) / Double(row.counted)
        guard var severity = FlagPolicy.severity(below: rate, watch: policy.watchBelow, concern: policy.concernBelow, urgent: policy.urgentBelow)
        else { return nil }
        // A kind with few sessions in the window can say "watch" alone, not more: two missed of four is noise as often as not.
        if row.counted < policy.minSessionsAboveWatch { severity = .watch }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .attendanceBelowThreshold, subject: row.sessionType.rawValue,
            severity: severity,
            threshold: ["watch_below": .rate(policy.watchBelow), "concern_below": .rate(policy.concernBelow),
                        "urgent_below": .rate(policy.urgentBelow), "min_sessions": .int(policy.minSessions),
                        "min_sessions_above_watch": .int(policy.minSessionsAboveWatch), "window_days": .int(28)],
            inputs: ["rate": .rate(rate), "attended": .int(row.attended), "counted": .int(row.counted), "missed_since_phase_start": .int(row.missed),
                     "excused_since_phase_start": .int(row.excused),
                     "cancelled_by_participant_since_phase_start": .int(row.cancelledByParticipant),
                     "cancelled_by_staff_or_centre_since_phase_start": .int(row.cancelledByStaffOrCentre)])
    }

    static func absences(_ row: FlagInputs.AbsenceStreak, _ policy: FlagPolicy.ConsecutiveAbsences) -> FlagFinding? {
        guard let severity = FlagPolicy.severity(atLeast: row.count, watch: policy.watchAt, concern: policy.concernAt, urgent: policy.urgentAt)
        else { return nil }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .consecutiveUnexcusedAbsences, subject: "sessions",
            severity: severity,
            threshold: ["watch_at": .int(policy.watchAt), "concern_at": .int(policy.concernAt), "urgent_at": .int(policy.urgentAt)],
            inputs: ["absences_in_a_row": .int(row.count), "sessions": .list(row.sessionIDs.map(FlagValue.int)),
                     "first_day": .day(row.firstDay), "last_day": .day(row.lastDay)])
    }

    static func counselling(_ row: FlagInputs.CounsellingContact, today: LocalDate, _ policy: FlagPolicy.CounsellingContact) -> FlagFinding? {
        let since = max(row.enrolledSince, row.lastContactOn ?? row.enrolledSince)
        let days = since.days(until: today)
        guard row.missedSinceContact > 0, let severity = FlagPolicy.severity(atLeast: days, watch: policy.watchDays, concern: policy.concernDays, urgent: policy.urgentDays)
        else { return nil }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .noCounsellingContact, subject: "counselling",
            severity: severity,
            threshold: ["watch_days": .int(policy.watchDays), "concern_days": .int(policy.concernDays), "urgent_days": .int(policy.urgentDays),
                        "session_types": .list(policy.sessionTypes.map { .text($0.rawValue) })],
            inputs: ["days_without_contact": .int(days), "last_contact_on": .day(row.lastContactOn),
                     "enrolled_since": .day(row.enrolledSince), "missed_since_contact": .int(row.missedSinceContact)])
    }

    static func school(_ row: FlagInputs.SchoolRecord, _ policy: FlagPolicy.School) -> FlagFinding? {
        let rate = row.daysRecorded > 0 ? Double(row.daysPresent) / Double(row.daysRecorded) : nil
        let byRate = rate.flatMap { rate in
            row.daysRecorded >= policy.minDays
                ? FlagPolicy.severity(below: rate, watch: policy.watchBelow, concern: policy.concernBelow, urgent: policy.urgentBelow) : nil
        }
        let byStreak = FlagPolicy.severity(atLeast: row.unexcusedInARow, watch: policy.watchInARow, concern: policy.concernInARow,
                                           urgent: policy.urgentInARow)
        guard let severity = [byRate, byStreak].compactMap({ $0 }).max() else { return nil }
        var triggered: [FlagValue] = []
        if byRate != nil { triggered.append(.text("rate")) }
        if byStreak != nil { triggered.append(.text("unexcused_in_a_row")) }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .schoolAttendance, subject: "school", severity: severity,
            threshold: ["watch_below": .rate(policy.watchBelow), "concern_below": .rate(policy.concernBelow),
                        "urgent_below": .rate(policy.urgentBelow), "min_days": .int(policy.minDays), "window_days": .int(28),
                        "watch_in_a_row": .int(policy.watchInARow), "concern_in_a_row": .int(policy.concernInARow),
                        "urgent_in_a_row": .int(policy.urgentInARow)],
            inputs: ["rate": rate.map(FlagValue.rate) ?? .null, "days_recorded": .int(row.daysRecorded), "days_present": .int(row.daysPresent),
                     "unexcused_in_a_row": .int(row.unexcusedInARow), "triggered_by": .list(triggered)])
    }

    static func course(_ row: FlagInputs.CourseRecord, _ policy: FlagPolicy.Education) -> FlagFinding? {
        let behind = row.expected - row.passed
        guard let severity = FlagPolicy.severity(atLeast: behind, watch: policy.watchBehind, concern: policy.concernBehind,
                                                 urgent: policy.urgentBehind)
        else { return nil }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .educationModuleOverdue, subject: row.courseCode,
            severity: severity,
            threshold: ["watch_behind": .int(policy.watchBehind), "concern_behind": .int(policy.concernBehind),
                        "urgent_behind": .int(policy.urgentBehind)],
            inputs: ["modules": .int(row.modules), "passed": .int(row.passed), "expected": .int(row.expected), "behind": .int(behind),
                     "started_on": .day(row.startedOn), "overdue_since": .day(row.overdueSince)])
    }

    static func unplaced(_ row: FlagInputs.UnplacedRecord, _ policy: FlagPolicy.Unplaced) -> FlagFinding? {
        if FlagPolicy.Unplaced.unplaceableReasons.contains(row.reason), !row.nights.isEmpty {
            // Standing: the same inputs every night (no nights, runs or counts), so re-evaluating changes nothing.
            return FlagFinding(
                participantID: row.participantID, caseNumber: row.caseNumber, rule: .requirementUnplaced, subject: row.requirement,
                severity: .concern, threshold: ["standing_reasons": .list(FlagPolicy.Unplaced.unplaceableReasons.sorted().map(FlagValue.text))],
                inputs: ["standing": .text("unplaceable until a resource is added"), "reason": .text(row.reason), "missing": .text(row.detail)])
        }
        guard let severity = FlagPolicy.severity(atLeast: row.nights.count, watch: policy.watchNights, concern: policy.concernNights,
                                                 urgent: policy.urgentNights)
        else { return nil }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .requirementUnplaced, subject: row.requirement,
            severity: severity,
            threshold: ["watch_nights": .int(policy.watchNights), "concern_nights": .int(policy.concernNights),
                        "urgent_nights": .int(policy.urgentNights)],
            inputs: ["nights_in_a_row": .int(row.nights.count), "nights": .list(row.nights.map(FlagValue.day)),
                     "runs": .list(row.runIDs.map(FlagValue.int)), "sessions": .int(row.sessions),
                     "reason": .text(row.reason), "detail": .text(row.detail)])
    }

    static func assessment(_ row: FlagInputs.EnrolmentRecord, today: LocalDate, _ policy: FlagPolicy.Assessment) -> FlagFinding? {
        let overdue = row.assessmentDueOn.days(until: today)
        guard let severity = FlagPolicy.severity(atLeast: overdue, watch: policy.watchDaysOverdue, concern: policy.concernDaysOverdue,
                                                 urgent: policy.urgentDaysOverdue)
        else { return nil }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .assessmentOverdue, subject: row.programmeCode,
            severity: severity,
            threshold: ["watch_days_overdue": .int(policy.watchDaysOverdue), "concern_days_overdue": .int(policy.concernDaysOverdue),
                        "urgent_days_overdue": .int(policy.urgentDaysOverdue)],
            inputs: ["due_on": .day(row.assessmentDueOn), "days_overdue": .int(overdue), "last_assessed_on": .day(row.lastAssessedOn),
                     "phase": .text(row.phaseCode), "phase_started_on": .day(row.phaseStartedOn)])
    }

    static func forecast(_ row: FlagInputs.EnrolmentRecord, today: LocalDate, _ policy: FlagPolicy.Forecast) -> FlagFinding? {
        let length = max(1, row.phaseStartedOn.days(until: row.plannedPhaseEnd))
        let elapsed = row.phaseStartedOn.days(until: today)
        // Nothing offered yet: nothing of the participant's own to project (the programme's failing is not_served).
        guard elapsed >= policy.minElapsedDays, Double(elapsed) >= policy.minElapsedShare * Double(length), row.requiredToDate > 0,
              row.offered > 0, row.stalledRequirements > 0 || row.projectedCompletionOn != nil
        else { return nil }
        let severity: FlagSeverity?
        let lateness: FlagValue
        let share: FlagValue
        if row.stalledRequirements > 0 || row.projectedCompletionOn == nil {
            // A requirement with nothing attended never completes at the current pace. Concern, not urgent: the
            // attendance and contact rules say how badly, and demand left unplaced is the programme's failing.
            lateness = .text("never at this pace")
            share = .null
            severity = .concern
        } else {
            let late = row.plannedPhaseEnd.days(until: row.projectedCompletionOn!)
            let lateShare = Double(late) / Double(length)
            lateness = .int(late)
            share = .rate(lateShare)
            severity = late <= policy.minLateDays ? nil
                : FlagPolicy.severity(below: -lateShare, watch: -policy.watchLateShare, concern: -policy.concernLateShare,
                                      urgent: -policy.urgentLateShare)
        }
        guard let severity else { return nil }
        return FlagFinding(
            participantID: row.participantID, caseNumber: row.caseNumber, rule: .forecastLateCompletion, subject: row.programmeCode,
            severity: severity,
            threshold: ["watch_late_share": .rate(policy.watchLateShare), "concern_late_share": .rate(policy.concernLateShare),
                        "urgent_late_share": .rate(policy.urgentLateShare), "min_late_days": .int(policy.minLateDays),
                        "min_elapsed_days": .int(policy.minElapsedDays), "min_elapsed_share": .rate(policy.minElapsedShare)],
            inputs: ["phase": .text(row.phaseCode), "phase_started_on": .day(row.phaseStartedOn), "planned_phase_end": .day(row.plannedPhaseEnd),
                     "phase_days": .int(length), "elapsed_days": .int(elapsed),
                     "projected_completion_on": .day(row.projectedCompletionOn), "late_by_days": lateness, "late_share": share,
                     "pace": row.pace.map(FlagValue.rate) ?? .null, "required_to_date": .int(row.requiredToDate),
                     "attended": .int(row.attended), "stalled_requirements": .int(row.stalledRequirements),
                     "offered": .int(row.offered), "never_offered": .int(row.notOffered)])
    }
}
