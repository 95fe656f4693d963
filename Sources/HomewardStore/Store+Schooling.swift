import Homeward
import Postgres

/// What `enrolInSchool` did: the new enrolment, and the one it closed when the child moved school.
public struct SchoolEnrolmentResult: Sendable, Equatable {
    public var id: Int
    /// The enrolment closed the day before, marked transferred.
    public var transferredFrom: SchoolEnrolment?
}

extension Store {
    // MARK: Schools

    /// Adds a school.
    public func addSchool(_ school: School) throws {
        _ = try translatingErrors {
            try connection.execute("INSERT INTO homeward.schools (code, name, region, address) VALUES ($1, $2, $3, $4)",
                                   [school.code, school.name, school.region, school.address])
        }
    }

    /// Schools, optionally of one region, by code.
    public func schools(region: String? = nil) throws -> [School] {
        try fetch(
            "SELECT code, name, region, address FROM homeward.schools WHERE ($1::text IS NULL OR region = $1) ORDER BY code", [region]
        ) { School(code: try $0.decode(0), name: try $0.decode(1), region: try $0.decode(2), address: try $0.decode(3)) }
    }

    // MARK: Enrolments

    private static let schoolEnrolmentSelect = """
        SELECT e.id, p.case_number, s.code, e.grade, e.shift, e.school_day_starts_at::text, e.school_day_ends_at::text,
               e.school_weekdays, e.enrolled_from, e.enrolled_to, e.status
        FROM homeward.school_enrolments e
        JOIN homeward.participants p ON p.id = e.participant_id
        JOIN homeward.schools s ON s.id = e.school_id
        """

    private static func schoolEnrolment(_ row: Row) throws -> SchoolEnrolment {
        SchoolEnrolment(
            id: try row.decode(0), caseNumber: try row.decode(1), schoolCode: try row.decode(2), grade: try row.decode(3),
            shift: try row.decode(4), startsAt: try row.decode(5), endsAt: try row.decode(6), weekdays: try row.decode(7),
            enrolledFrom: try row.decode(8), enrolledTo: try row.decode(9), status: try row.decode(10))
    }

    /// Enrols a child in a school from `from`, in a grade and shift, with school hours on `weekdays` (1 = Monday). If the
    /// child has an enrolment current on that day, it is closed the day before with status transferred, in the same
    /// transaction (a child who moved school).
    public func enrolInSchool(
        caseNumber: String, schoolCode: String, grade: Int, shift: SchoolEnrolment.Shift, startsAt: TimeOfDay, endsAt: TimeOfDay,
        weekdays: [Int], from: LocalDate
    ) throws -> SchoolEnrolmentResult {
        try transaction {
            let participantID = try fetchOne(
                "SELECT id FROM homeward.participants WHERE case_number = $1 FOR UPDATE", [caseNumber],
                notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
            let schoolID = try fetchOne(
                "SELECT id FROM homeward.schools WHERE code = $1", [schoolCode],
                notFound: .notFound(what: "school with code", identifier: schoolCode)) { try $0.decode(0, as: Int.self) }
            let current = try fetch(
                Self.schoolEnrolmentSelect + """

                    WHERE e.participant_id = $1 AND e.status = 'enrolled' AND daterange(e.enrolled_from, e.enrolled_to, '[]') @> $2::date
                    """, [participantID, from], Self.schoolEnrolment
            ).first
            var closed: SchoolEnrolment?
            if var current {
                guard current.enrolledFrom < from else {
                    throw StoreError.invalid(InvalidInput(
                        record: caseNumber, field: "from", value: from.description,
                        reason: "must be after the start (\(current.enrolledFrom)) of the current enrolment at \(current.schoolCode); "
                            + "a transfer closes that enrolment the day before"))
                }
                let lastDay = from.adding(days: -1)
                try connection.execute(
                    "UPDATE homeward.school_enrolments SET enrolled_to = $2, status = 'transferred' WHERE id = $1", [current.id, lastDay])
                current.enrolledTo = lastDay
                current.status = .transferred
                closed = current
            }
            let id = try fetchOne(
                """
                INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, shift, school_day_starts_at,
                                                        school_day_ends_at, school_weekdays, enrolled_from)
                VALUES ($1, $2, $3, $4, $5, $6, $7::smallint[], $8) RETURNING id
                """,
                [participantID, schoolID, grade, shift, startsAt, endsAt, weekdays, from],
                notFound: .database("the school enrolment was not created")) { try $0.decode(0, as: Int.self) }
            return SchoolEnrolmentResult(id: id, transferredFrom: closed)
        }
    }

    /// School enrolments, of one school or one child or all, by child and start.
    public func schoolEnrolments(schoolCode: String? = nil, caseNumber: String? = nil) throws -> [SchoolEnrolment] {
        try requireNamed(caseNumber: caseNumber)
        return try fetch(
            Self.schoolEnrolmentSelect + """

                WHERE ($1::text IS NULL OR s.code = $1) AND ($2::text IS NULL OR p.case_number = $2)
                ORDER BY p.case_number, e.enrolled_from, e.id
                """, [schoolCode, caseNumber], Self.schoolEnrolment)
    }

    // MARK: Attendance

    /// Records a child's school day against the enrolment that covers that day; returns that enrolment's school code.
    @discardableResult
    public func recordSchoolAttendance(caseNumber: String, day: LocalDate, status: SchoolAttendance.Status, reportedBy: String) throws -> String {
        try transaction {
            let participantID = try fetchOne(
                "SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber],
                notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
            let enrolments = try fetch(
                """
                SELECT e.id, s.code FROM homeward.school_enrolments e JOIN homeward.schools s ON s.id = e.school_id
                WHERE e.participant_id = $1 AND daterange(e.enrolled_from, e.enrolled_to, '[]') @> $2::date
                """, [participantID, day]
            ) { (id: try $0.decode(0, as: Int.self), school: try $0.decode(1, as: String.self)) }
            guard let enrolment = enrolments.first else {
                throw StoreError.invalid(InvalidInput(
                    record: caseNumber, field: "day", value: day.description,
                    reason: "is not inside any school enrolment of the child \(caseNumber); enrol the child first (school enrol)"))
            }
            try connection.execute(
                """
                INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by)
                VALUES ($1, $2, $3, $4, $5)
                """, [participantID, enrolment.id, day, status, reportedBy])
            return enrolment.school
        }
    }
}
