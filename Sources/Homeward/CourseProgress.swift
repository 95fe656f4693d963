/// How far a prisoner is in a course: modules passed against the modules the course's pace expects by a given day.
public struct CourseProgress: Sendable, Equatable, Codable {
    public var courseCode: String
    public var courseName: String
    public var startedOn: LocalDate
    public var status: CourseEnrolment.Status
    public var modules: Int
    public var passed: Int
    /// Modules whose cumulative expected weeks have elapsed by `asOf`.
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

    /// How many modules should be done `days` days after the start, given each module's expected weeks in teaching order.
    public static func expectedModules(expectedWeeks: [Int], daysSinceStart days: Int) -> Int {
        var elapsedWeeks = 0
        var count = 0
        for weeks in expectedWeeks {
            elapsedWeeks += weeks
            guard elapsedWeeks * 7 <= days else { break }
            count += 1
        }
        return count
    }
}
