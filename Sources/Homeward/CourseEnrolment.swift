/// A prisoner following a prison education course, from a start day; modules are completed in turn.
public struct CourseEnrolment: Sendable, Equatable, Codable {
    /// At most one active enrolment per person and course.
    public enum Status: String, Vocabulary { case active, completed, withdrawn }

    public var id: Int
    public var caseNumber: String
    public var courseCode: String
    public var startedOn: LocalDate
    public var status: Status

    public init(id: Int, caseNumber: String, courseCode: String, startedOn: LocalDate, status: Status) {
        self.id = id
        self.caseNumber = caseNumber
        self.courseCode = courseCode
        self.startedOn = startedOn
        self.status = status
    }
}
