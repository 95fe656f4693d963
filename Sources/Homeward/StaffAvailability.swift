/// A recurring weekly window when a staff member is available at one of their centres (centre's local time).
public struct StaffAvailability: Sendable, Equatable, Codable {
    public var staffCode: String
    public var centreCode: String
    public var hours: WeeklyHours
    /// First day the pattern applies.
    public var validFrom: LocalDate
    /// Last day the pattern applies (inclusive); nil = until further notice.
    public var validTo: LocalDate?

    public init(staffCode: String, centreCode: String, hours: WeeklyHours, validFrom: LocalDate, validTo: LocalDate? = nil) {
        self.staffCode = staffCode
        self.centreCode = centreCode
        self.hours = hours
        self.validFrom = validFrom
        self.validTo = validTo
    }
}
