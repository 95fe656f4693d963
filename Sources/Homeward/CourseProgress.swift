/// How far a prisoner is in a course: modules passed against the modules the course's pace expects by a given day.
public struct CourseProgress: Sendable, Equatable, Codable {
    public var courseCode: String
    public var courseName: String
    public var startedOn: LocalDate
    public var status: CourseEnrolment.Status
    public var modules: Int
    public var passed: Int
    /// Modules due by `asOf`: their cumulative expected weeks have elapsed (homeward.course_progress_on decides).
    public var expected: Int
    public var asOf: LocalDate

    public init(
        courseCode: String, courseName: String, startedOn: LocalDate, status: CourseEnrolment.Status, modules: Int, passed: Int,
        expected: Int, asOf: LocalDate
    ) {
        self.courseCode = courseCode
        self.courseName = courseName
        self.startedOn = startedOn
        self.status = status
        self.modules = modules
        self.passed = passed
        self.expected = expected
        self.asOf = asOf
    }

    /// Modules behind the expected pace (0 when on time or ahead).
    public var behind: Int { max(0, expected - passed) }
}
