/// Days a staff member is away; the scheduler plans nothing for them then.
public struct StaffLeave: Sendable, Equatable, Codable {
    /// Why the staff member is away (the SQL CHECK `staff_leave_kind_check`).
    public enum Kind: String, Vocabulary { case leave, sick, training, other }

    public var staffCode: String
    /// First day away (inclusive).
    public var firstDay: LocalDate
    /// Last day away (inclusive).
    public var lastDay: LocalDate
    public var kind: Kind
    public var note: String?

    public init(staffCode: String, firstDay: LocalDate, lastDay: LocalDate, kind: Kind, note: String? = nil) {
        self.staffCode = staffCode
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.kind = kind
        self.note = note
    }

    /// Checks the dates before the leave is recorded.
    public func validated() throws(InvalidInput) -> StaffLeave {
        guard lastDay >= firstDay else {
            throw InvalidInput(record: staffCode, field: "to", value: lastDay.description, reason: "is before the first day of leave \(firstDay)")
        }
        var copy = self
        copy.staffCode = try Rules.code(staffCode, field: "code")
        copy.note = note.map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
        return copy
    }
}
