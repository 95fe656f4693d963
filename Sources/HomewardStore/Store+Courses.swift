import Homeward
import Postgres

/// A course in the list: where it is taught and how long it should take.
public struct CourseSummary: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    /// Prison where the course is taught; nil = every prison.
    public var centreCode: String?
    public var modules: Int
    public var totalWeeks: Int
    public var activeEnrolments: Int
}

/// A course with its modules in teaching order, as `course show` presents it.
public struct CourseDetail: Sendable, Equatable, Codable {
    public var course: CourseSummary
    public var description: String?
    public var modules: [Module]

    /// A module and the week (counted from the start) by which it is expected to be done.
    public struct Module: Sendable, Equatable, Codable {
        public var ordinal: Int
        public var code: String
        public var title: String
        public var expectedWeeks: Int
        public var dueByWeek: Int
    }
}

extension Store {
    /// Every course with its module count and total expected weeks, by code.
    public func courses() throws -> [CourseSummary] {
        try fetch(Self.courseSelect + " ORDER BY c.code", [], Self.courseSummary)
    }

    /// One course with its modules in order.
    public func course(code: String) throws -> CourseDetail {
        let notFound = StoreError.notFound(what: "course with code", identifier: code)
        let summary = try fetchOne(Self.courseSelect + " WHERE c.code = $1", [code], notFound: notFound, Self.courseSummary)
        let description = try fetchOne("SELECT description FROM homeward.courses WHERE code = $1", [code], notFound: notFound) {
            try $0.decode(0, as: String?.self)
        }
        let modules = try fetch(
            """
            SELECT m.ordinal, m.code, m.title, m.expected_weeks,
                   sum(m.expected_weeks) OVER (ORDER BY m.ordinal)::int
            FROM homeward.course_modules m JOIN homeward.courses c ON c.id = m.course_id
            WHERE c.code = $1 ORDER BY m.ordinal
            """, [code]
        ) { CourseDetail.Module(ordinal: try $0.decode(0), code: try $0.decode(1), title: try $0.decode(2),
                                expectedWeeks: try $0.decode(3), dueByWeek: try $0.decode(4)) }
        return CourseDetail(course: summary, description: description, modules: modules)
    }

    private static let courseSelect = """
        SELECT c.code, c.name, x.code,
               (SELECT count(*) FROM homeward.course_modules m WHERE m.course_id = c.id),
               coalesce((SELECT sum(m.expected_weeks) FROM homeward.course_modules m WHERE m.course_id = c.id), 0),
               (SELECT count(*) FROM homeward.course_enrolments e WHERE e.course_id = c.id AND e.status = 'active')
        FROM homeward.courses c LEFT JOIN homeward.centres x ON x.id = c.centre_id
        """

    private static func courseSummary(_ row: Row) throws -> CourseSummary {
        CourseSummary(code: try row.decode(0), name: try row.decode(1), centreCode: try row.decode(2), modules: try row.decode(3),
                      totalWeeks: try row.decode(4), activeEnrolments: try row.decode(5))
    }

    /// Enrols a prisoner in a course from `start`; returns the course enrolment id.
    public func enrolInCourse(caseNumber: String, courseCode: String, start: LocalDate) throws -> Int {
        try transaction {
            _ = try fetchOne("SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber],
                             notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
            return try fetchOne(
                """
                INSERT INTO homeward.course_enrolments (participant_id, course_id, started_on)
                SELECT p.id, c.id, $3 FROM homeward.participants p, homeward.courses c WHERE p.case_number = $1 AND c.code = $2
                RETURNING id
                """, [caseNumber, courseCode, start],
                notFound: .notFound(what: "course with code", identifier: courseCode)) { try $0.decode(0) }
        }
    }

    /// Records a module result for the prisoner's active enrolment in the course. Passing the last missing module
    /// completes the course enrolment. Returns true when it did.
    @discardableResult
    public func completeModule(caseNumber: String, courseCode: String, moduleCode: String, on day: LocalDate,
                               result: ModuleCompletion.Result, score: Double?) throws -> Bool {
        try transaction {
            let enrolment = try fetchOne(
                """
                SELECT e.id, e.started_on FROM homeward.course_enrolments e
                JOIN homeward.participants p ON p.id = e.participant_id JOIN homeward.courses c ON c.id = e.course_id
                WHERE p.case_number = $1 AND c.code = $2 AND e.status = 'active' FOR UPDATE OF e
                """, [caseNumber, courseCode],
                notFound: .notFound(what: "active enrolment in course \(courseCode) for participant", identifier: caseNumber)
            ) { (id: try $0.decode(0, as: Int.self), started: try $0.decode(1, as: LocalDate.self)) }
            guard day >= enrolment.started else {
                throw StoreError.invalid(InvalidInput(record: "\(caseNumber)/\(courseCode)", field: "on", value: day.description,
                                                      reason: "is before the course started (\(enrolment.started))"))
            }
            let moduleID = try fetchOne(
                """
                SELECT m.id FROM homeward.course_modules m JOIN homeward.courses c ON c.id = m.course_id
                WHERE c.code = $1 AND m.code = $2
                """, [courseCode, moduleCode],
                notFound: .notFound(what: "module of course \(courseCode) with code", identifier: moduleCode)) { try $0.decode(0, as: Int.self) }
            try connection.execute(
                """
                INSERT INTO homeward.module_completions (course_enrolment_id, module_id, completed_on, result, score)
                VALUES ($1, $2, $3, $4, $5)
                """, [enrolment.id, moduleID, day, result, score])
            guard result == .passed else { return false }
            let completed = try connection.execute(
                """
                UPDATE homeward.course_enrolments e SET status = 'completed'
                WHERE e.id = $1 AND NOT EXISTS (
                    SELECT 1 FROM homeward.course_modules m
                    WHERE m.course_id = e.course_id
                      AND NOT EXISTS (SELECT 1 FROM homeward.module_completions mc
                                      WHERE mc.course_enrolment_id = e.id AND mc.module_id = m.id AND mc.result = 'passed'))
                """, [enrolment.id])
            return completed > 0
        }
    }

    /// Every course enrolment of a participant with modules passed against the modules due by `day`
    /// (homeward.course_progress_on: cumulative expected weeks since the start).
    public func courseProgress(caseNumber: String, on day: LocalDate) throws -> [CourseProgress] {
        _ = try fetchOne("SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber],
                         notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
        return try fetch(
            """
            SELECT c.code, c.name, e.started_on, e.status, cp.modules, cp.passed, cp.expected
            FROM homeward.course_enrolments e
            JOIN homeward.participants p ON p.id = e.participant_id
            JOIN homeward.courses c ON c.id = e.course_id
            CROSS JOIN LATERAL homeward.course_progress_on(e.id, $2::date) cp
            WHERE p.case_number = $1
            ORDER BY e.started_on, c.code
            """, [caseNumber, day]
        ) { row in
            CourseProgress(
                courseCode: try row.decode(0), courseName: try row.decode(1), startedOn: try row.decode(2), status: try row.decode(3),
                modules: try row.decode(4), passed: try row.decode(5), expected: try row.decode(6), asOf: day)
        }
    }
}
