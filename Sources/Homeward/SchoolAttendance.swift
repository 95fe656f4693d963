/// One school day of a child as reported by the school or the social worker.
public struct SchoolAttendance: Sendable, Equatable, Codable {
    /// Whether the child was at school, and if not whether the absence was excused.
    public enum Status: String, Vocabulary {
        case present
        case absentExcused = "absent_excused"
        case absentUnexcused = "absent_unexcused"
    }

    public var caseNumber: String
    public var schoolCode: String
    public var day: LocalDate
    public var status: Status
    /// Teacher or social worker name, or a staff code.
    public var reportedBy: String

    public init(caseNumber: String, schoolCode: String, day: LocalDate, status: Status, reportedBy: String) {
        self.caseNumber = caseNumber
        self.schoolCode = schoolCode
        self.day = day
        self.status = status
        self.reportedBy = reportedBy
    }
}
