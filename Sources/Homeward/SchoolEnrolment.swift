/// A child's enrolment in a school: grade, shift, school hours and weekdays, from when to when.
///
/// Sessions are not planned during school hours; a transfer closes the old enrolment the day before the new one.
public struct SchoolEnrolment: Sendable, Equatable, Codable {
    /// Many Kazakh schools run two shifts.
    public enum Shift: String, Vocabulary { case morning, afternoon }

    /// `enrolled` while current; the other statuses close the enrolment (with an end date).
    public enum Status: String, Vocabulary { case enrolled, transferred, left, completed }

    public var id: Int
    public var caseNumber: String
    public var schoolCode: String
    public var grade: Int
    public var shift: Shift
    public var startsAt: TimeOfDay
    public var endsAt: TimeOfDay
    /// ISO weekdays the child goes to school, 1 = Monday … 7 = Sunday.
    public var weekdays: [Int]
    public var enrolledFrom: LocalDate
    /// Last school day (inclusive); nil while still enrolled.
    public var enrolledTo: LocalDate?
    public var status: Status

    public init(
        id: Int, caseNumber: String, schoolCode: String, grade: Int, shift: Shift, startsAt: TimeOfDay, endsAt: TimeOfDay,
        weekdays: [Int], enrolledFrom: LocalDate, enrolledTo: LocalDate?, status: Status
    ) {
        self.id = id
        self.caseNumber = caseNumber
        self.schoolCode = schoolCode
        self.grade = grade
        self.shift = shift
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.weekdays = weekdays
        self.enrolledFrom = enrolledFrom
        self.enrolledTo = enrolledTo
        self.status = status
    }

    /// Grades run from 0 (pre-school class) to 11.
    public static let grades = 0...11

    /// Parses school hours such as `08:00-13:00` (start before end).
    public static func parseHours(_ text: String, field: String) throws(InvalidInput) -> (start: TimeOfDay, end: TimeOfDay) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let start = TimeOfDay(String(parts[0]).trimmingSpaces()), let end = TimeOfDay(String(parts[1]).trimmingSpaces()),
            start < end
        else { throw InvalidInput(field: field, value: text, reason: "must be a start and end time such as 08:00-13:00, start before end") }
        return (start, end)
    }

    /// Parses weekdays such as `1-5`, `mon-fri`, `1,3,5` or `mon,wed,fri` into distinct ISO weekdays in order.
    public static func parseWeekdays(_ text: String, field: String) throws(InvalidInput) -> [Int] {
        let fail = InvalidInput(field: field, value: text, reason: "must be weekdays such as 1-5, mon-fri or 1,3,5 (1 = Monday)")
        var days = Set<Int>()
        for item in text.split(separator: ",") {
            let bounds = item.split(separator: "-").map { String($0).trimmingSpaces() }
            guard (1...2).contains(bounds.count), let first = WeeklyHours.weekday(bounds[0]),
                let last = WeeklyHours.weekday(bounds[bounds.count - 1]), first <= last
            else { throw fail }
            days.formUnion(first...last)
        }
        guard !days.isEmpty else { throw fail }
        return days.sorted()
    }
}
