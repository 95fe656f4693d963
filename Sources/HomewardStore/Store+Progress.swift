import Homeward
import Postgres

/// One requirement of an enrolment's current phase, as `homeward.requirement_progress` computes it.
public struct RequirementProgress: Sendable, Equatable, Codable {
    public var enrolmentID: Int
    public var requirementCode: String
    public var sessionType: SessionType
    public var sessionsPerWeek: Double
    public var elapsedDays: Int
    public var requiredToDate: Int
    public var planned: Int
    public var attended: Int
    public var missed: Int
    public var excused: Int
    public var cancelledByParticipant: Int
    public var cancelledByStaffOrCentre: Int
    public var unrecorded: Int
    public var countedLast28Days: Int
    public var attendedLast28Days: Int
    public var attendanceRateLast28Days: Double?
    public var countedSincePhaseStart: Int
    public var attendanceRateSincePhaseStart: Double?
    public var pace: Double?
    public var projectedCompletionOn: LocalDate?

    /// JSON keys match the view's columns (`attendance_rate_last_28_days`, not `…last28_days`).
    enum CodingKeys: String, CodingKey {
        case enrolmentID, requirementCode, sessionType, sessionsPerWeek, elapsedDays, requiredToDate, planned, attended, missed, excused
        case cancelledByParticipant, cancelledByStaffOrCentre, unrecorded, countedSincePhaseStart, attendanceRateSincePhaseStart, pace
        case projectedCompletionOn
        case countedLast28Days = "counted_last_28_days"
        case attendedLast28Days = "attended_last_28_days"
        case attendanceRateLast28Days = "attendance_rate_last_28_days"
    }
}

/// An active enrolment's progress, as `homeward.enrolment_progress` computes it, with its requirements.
public struct EnrolmentProgress: Sendable, Equatable, Codable {
    public var enrolmentID: Int
    public var caseNumber: String
    public var centreCode: String?
    public var programmeCode: String
    public var phaseCode: String
    public var phaseStartedOn: LocalDate
    public var plannedPhaseEnd: LocalDate
    public var today: LocalDate
    public var requiredToDate: Int
    public var planned: Int
    public var attended: Int
    public var missed: Int
    public var excused: Int
    public var cancelledByParticipant: Int
    public var cancelledByStaffOrCentre: Int
    public var unrecorded: Int
    public var attendanceRateLast28Days: Double?
    public var attendanceRateSincePhaseStart: Double?
    public var pace: Double?
    public var stalledRequirements: Int
    public var projectedCompletionOn: LocalDate?
    public var schoolAttendanceRateLast28Days: Double?
    public var schoolDaysRecordedLast28Days: Int?
    public var schoolUnexcusedDaysInARow: Int?
    public var modulesPassed: Int?
    public var modulesExpected: Int?
    public var lastAssessedOn: LocalDate?
    public var assessmentDueOn: LocalDate
    public var requirements: [RequirementProgress]

    /// JSON keys match the view's columns (`school_attendance_rate_last_28_days`, not `…last28_days`).
    enum CodingKeys: String, CodingKey {
        case enrolmentID, caseNumber, centreCode, programmeCode, phaseCode, phaseStartedOn, plannedPhaseEnd, today, requiredToDate, planned
        case attended, missed, excused, cancelledByParticipant, cancelledByStaffOrCentre, unrecorded, attendanceRateSincePhaseStart, pace
        case stalledRequirements, projectedCompletionOn, schoolUnexcusedDaysInARow, modulesPassed, modulesExpected, lastAssessedOn
        case assessmentDueOn, requirements
        case attendanceRateLast28Days = "attendance_rate_last_28_days"
        case schoolAttendanceRateLast28Days = "school_attendance_rate_last_28_days"
        case schoolDaysRecordedLast28Days = "school_days_recorded_last_28_days"
    }
}

extension Store {
    private static let enrolmentProgressColumns = """
        e.enrolment_id, e.case_number, e.centre_code, e.programme_code, e.phase_code, e.phase_started_on, e.planned_phase_end, e.today,
        e.required_to_date, e.planned, e.attended, e.missed, e.excused, e.cancelled_by_participant, e.cancelled_by_staff_or_centre,
        e.unrecorded, e.attendance_rate_last_28_days, e.attendance_rate_since_phase_start, e.pace, e.stalled_requirements,
        e.projected_completion_on, e.school_attendance_rate_last_28_days, e.school_days_recorded_last_28_days,
        e.school_unexcused_days_in_a_row, e.modules_passed, e.modules_expected, e.last_assessed_on, e.assessment_due_on
        """

    private static func enrolmentProgress(_ row: Row) throws -> EnrolmentProgress {
        EnrolmentProgress(
            enrolmentID: try row.decode(0), caseNumber: try row.decode(1), centreCode: try row.decode(2), programmeCode: try row.decode(3),
            phaseCode: try row.decode(4), phaseStartedOn: try row.decode(5), plannedPhaseEnd: try row.decode(6), today: try row.decode(7),
            requiredToDate: try row.decode(8), planned: try row.decode(9), attended: try row.decode(10), missed: try row.decode(11),
            excused: try row.decode(12), cancelledByParticipant: try row.decode(13), cancelledByStaffOrCentre: try row.decode(14),
            unrecorded: try row.decode(15), attendanceRateLast28Days: try row.decode(16), attendanceRateSincePhaseStart: try row.decode(17),
            pace: try row.decode(18), stalledRequirements: try row.decode(19), projectedCompletionOn: try row.decode(20),
            schoolAttendanceRateLast28Days: try row.decode(21), schoolDaysRecordedLast28Days: try row.decode(22),
            schoolUnexcusedDaysInARow: try row.decode(23), modulesPassed: try row.decode(24), modulesExpected: try row.decode(25),
            lastAssessedOn: try row.decode(26), assessmentDueOn: try row.decode(27), requirements: [])
    }

    private static let requirementProgressColumns = """
        r.enrolment_id, r.requirement_code, r.session_type, r.sessions_per_week, r.elapsed_days, r.required_to_date, r.planned,
        r.attended, r.missed, r.excused, r.cancelled_by_participant, r.cancelled_by_staff_or_centre, r.unrecorded,
        r.counted_last_28_days, r.attended_last_28_days, r.attendance_rate_last_28_days, r.counted_since_phase_start,
        r.attendance_rate_since_phase_start, r.pace, r.projected_completion_on
        """

    private static func requirementProgress(_ row: Row) throws -> RequirementProgress {
        RequirementProgress(
            enrolmentID: try row.decode(0), requirementCode: try row.decode(1), sessionType: try row.decode(2),
            sessionsPerWeek: try row.decode(3), elapsedDays: try row.decode(4), requiredToDate: try row.decode(5), planned: try row.decode(6),
            attended: try row.decode(7), missed: try row.decode(8), excused: try row.decode(9), cancelledByParticipant: try row.decode(10),
            cancelledByStaffOrCentre: try row.decode(11), unrecorded: try row.decode(12), countedLast28Days: try row.decode(13),
            attendedLast28Days: try row.decode(14), attendanceRateLast28Days: try row.decode(15), countedSincePhaseStart: try row.decode(16),
            attendanceRateSincePhaseStart: try row.decode(17), pace: try row.decode(18), projectedCompletionOn: try row.decode(19))
    }

    /// Progress of every active enrolment of one participant, read from the views (the numbers psql users see).
    public func progress(caseNumber: String) throws -> [EnrolmentProgress] {
        let id = try fetchOne("SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber],
                              notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
        return try progress(of: [id], where: "case_number = $2", [caseNumber], order: "e.programme_code, e.enrolment_id")
    }

    /// Progress of the active enrolments of participants placed at a centre, worst first: lowest pace, then lowest 28-day rate.
    ///
    /// Reads the centre's caseload only: the participants with a placement there today are looked up first (by index),
    /// and the progress functions count their seats alone (`homeward.enrolment_progress_for`, 0034).
    public func progress(centreCode: String) throws -> [EnrolmentProgress] {
        _ = try fetchOne("SELECT id FROM homeward.centres WHERE code = $1", [centreCode],
                         notFound: .notFound(what: "centre with code", identifier: centreCode)) { try $0.decode(0, as: Int.self) }
        // Everyone with a placement there today: a superset of those whose placement today is there (the views' centre,
        // the latest placement holding today), which the filter on centre_code then selects exactly.
        let caseload = try fetch(
            """
            SELECT DISTINCT pl.participant_id
            FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
            WHERE c.code = $1 AND pl.during @> (SELECT homeward.today())
            """, [centreCode]) { try $0.decode(0, as: Int.self) }
        return try progress(
            of: caseload, where: "centre_code = $2", [centreCode],
            order: "e.pace ASC NULLS LAST, e.attendance_rate_last_28_days ASC NULLS LAST, e.case_number, e.enrolment_id")
    }

    /// Two set-based reads of the participants `ids`, enrolments then their requirements, joined in memory; `condition`
    /// (on the views' columns, parameters from $2) keeps the rows to show.
    private func progress(
        of ids: [Int], where condition: String, _ parameters: [any PostgresEncodable], order: String
    ) throws -> [EnrolmentProgress] {
        var enrolments = try fetch(
            "SELECT \(Self.enrolmentProgressColumns) FROM homeward.enrolment_progress_for($1::bigint[]) e WHERE e.\(condition) ORDER BY \(order)",
            [ids as any PostgresEncodable] + parameters, Self.enrolmentProgress)
        let requirements = try fetch(
            """
            SELECT \(Self.requirementProgressColumns) FROM homeward.requirement_progress_for($1::bigint[]) r
            WHERE r.\(condition) ORDER BY r.requirement_code
            """,
            [ids as any PostgresEncodable] + parameters, Self.requirementProgress)
        let byEnrolment = Dictionary(grouping: requirements, by: \.enrolmentID)
        for index in enrolments.indices {
            enrolments[index].requirements = byEnrolment[enrolments[index].enrolmentID] ?? []
        }
        return enrolments
    }
}

/// When a participant last attended a session with a staff member of a role their current phase asks for
/// (`homeward.last_contacts`).
public struct LastContact: Sendable, Equatable, Codable {
    public var caseNumber: String
    public var centreCode: String?
    public var role: StaffRole
    /// The enrolment's start: days are counted from it when there was no contact since.
    public var since: LocalDate
    public var lastOn: LocalDate?
    public var staffCode: String?
    public var days: Int
}

extension Store {
    /// Last contact per participant and role on the reference day, longest without first; only participants placed at
    /// `centreCode`, only `role`, only `atLeastDays` or more without, when given.
    public func lastContacts(centreCode: String?, role: StaffRole?, atLeastDays: Int?) throws -> [LastContact] {
        try requireNamed(centre: centreCode)
        return try fetch(
            """
            SELECT case_number, centre, role, since, last_on, staff, days
            FROM homeward.last_contacts(homeward.today())
            WHERE ($1::text IS NULL OR centre = $1) AND ($2::text IS NULL OR role = $2) AND days >= coalesce($3::int, 0)
            ORDER BY days DESC, case_number, role
            """, [centreCode, role?.rawValue, atLeastDays]
        ) { row in
            LastContact(caseNumber: try row.decode(0), centreCode: try row.decode(1), role: try row.decode(2), since: try row.decode(3),
                        lastOn: try row.decode(4), staffCode: try row.decode(5), days: try row.decode(6))
        }
    }
}
