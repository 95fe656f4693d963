/// A stretch of days a participant is placed at one centre (residential centre, prison, community office).
///
/// Stored as a half-open date range; here `lastDay` is inclusive and nil while the participant is still placed there.
public struct Placement: Sendable, Equatable, Codable {
    public var centreCode: String
    public var firstDay: LocalDate
    /// Last day placed there (inclusive); nil = until further notice.
    public var lastDay: LocalDate?
    /// Why the participant was placed here, e.g. "residential phase", "sentence", "returned home".
    public var reason: String?

    public init(centreCode: String, firstDay: LocalDate, lastDay: LocalDate? = nil, reason: String? = nil) {
        self.centreCode = centreCode
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.reason = reason
    }

    /// True when `day` falls inside the placement.
    public func contains(_ day: LocalDate) -> Bool { firstDay <= day && lastDay.map { day <= $0 } ?? true }
}
