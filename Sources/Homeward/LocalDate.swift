import CivilCalendar

/// A calendar date with no time of day or time zone: a birth date, an enrolment start, a school day.
///
/// Dates in the programme are local to a centre; keeping them apart from instants avoids off-by-one-day bugs.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when it does not exist (e.g. 2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int { Int(CivilCalendar.days(fromCivil: Int64(year), Int64(month), Int64(day))) }

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        let civil = CivilCalendar.civil(fromDays: Int64(days))
        (year, month, day) = (Int(civil.year), Int(civil.month), Int(civil.day))
    }

    /// The first and last day Homeward accepts as input: anything outside is a typo (0001-01-01, 20260-01-01) or a
    /// sentinel, and would overflow the database's timestamps or the planning grid.
    public static let earliest = LocalDate(year: 1900, month: 1, day: 1)!
    public static let latest = LocalDate(year: 2200, month: 12, day: 31)!

    /// True from `earliest` to `latest`.
    public var isInAcceptedRange: Bool { self >= LocalDate.earliest && self <= LocalDate.latest }

    /// Why a date outside the range is refused, for messages.
    public static let outOfRangeReason = "is outside the dates Homeward accepts (\(earliest) to \(latest))"

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((daysSinceEpoch % 7 + 7 + 3) % 7) + 1 }

    /// The Monday of this date's ISO week.
    public var startOfWeek: LocalDate { adding(days: 1 - weekday) }

    /// ISO week label, e.g. `2026-W49`.
    public var isoWeek: String {
        let thursday = adding(days: 4 - weekday)
        let week = (thursday.daysSinceEpoch - LocalDate(year: thursday.year, month: 1, day: 1)!.daysSinceEpoch) / 7 + 1
        return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
    }

    /// The Monday of an ISO week label such as `2026-W49` (years 1900 to 2200).
    public init?(isoWeek text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), (LocalDate.earliest.year...LocalDate.latest.year).contains(year),
            parts[1].first == "W", let week = Int(parts[1].dropFirst()), (1...53).contains(week), let january4 = LocalDate(year: year, month: 1, day: 4)
        else { return nil }
        self = january4.startOfWeek.adding(days: (week - 1) * 7)
    }

    /// Completed years of age on `date` for someone born on `self` (a 29 February birthday counts from 1 March in other years, as homeward.age_on does).
    public func age(on date: LocalDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date (YYYY-MM-DD): \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
