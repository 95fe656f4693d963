/// A place where the programme happens: a residential rehabilitation centre, an NGO day centre, a prison, an office.
public struct Centre: Sendable, Equatable, Codable {
    public enum Kind: String, Vocabulary {
        case rehabilitationCentre = "rehabilitation_centre"
        case ngoDayCentre = "ngo_day_centre"
        case prison
        case communityOffice = "community_office"
    }

    public var code: String
    public var name: String
    public var kind: Kind
    public var region: String
    public var address: String?
    /// IANA time zone, e.g. `Asia/Aqtau`: opening hours and sessions are local to it.
    public var timeZone: String
    public var capacity: Int

    public init(code: String, name: String, kind: Kind, region: String, address: String?, timeZone: String, capacity: Int) {
        self.code = code
        self.name = name
        self.kind = kind
        self.region = region
        self.address = address
        self.timeZone = timeZone
        self.capacity = capacity
    }

    /// Checks the fields a coordinator types, before touching the database.
    public static func validated(
        code: String, name: String, kind: Kind, region: String, address: String?, timeZone: String, capacity: Int
    ) throws(InvalidInput) -> Centre {
        let code = try Rules.code(code, field: "code")
        guard capacity > 0 else { throw InvalidInput(record: code, field: "capacity", value: String(capacity), reason: "must be at least 1") }
        guard timeZone.contains("/") || timeZone == "UTC" else {
            throw InvalidInput(record: code, field: "time_zone", value: timeZone, reason: "must be an IANA time zone such as Asia/Aqtau")
        }
        return Centre(
            code: code, name: try Rules.required(name, field: "name", record: code), kind: kind,
            region: try Rules.required(region, field: "region", record: code), address: address, timeZone: timeZone, capacity: capacity)
    }
}

/// A room in a centre; sessions need a room of the right kind and size.
public struct Room: Sendable, Equatable, Codable {
    public enum Kind: String, Vocabulary {
        case counsellingRoom = "counselling_room"
        case classroom
        case groupHall = "group_hall"
        case familyRoom = "family_room"
        case playRoom = "play_room"
    }

    public var centreCode: String
    public var code: String
    public var name: String
    public var kind: Kind
    public var capacity: Int

    public init(centreCode: String, code: String, name: String, kind: Kind, capacity: Int) {
        self.centreCode = centreCode
        self.code = code
        self.name = name
        self.kind = kind
        self.capacity = capacity
    }
}

/// Hours on one weekday (1 = Monday … 7 = Sunday), local to the centre.
public struct WeeklyHours: Sendable, Equatable, Codable {
    public var weekday: Int
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(weekday: Int, start: TimeOfDay, end: TimeOfDay) {
        self.weekday = weekday
        self.start = start
        self.end = end
    }

    /// Parses `mon-fri 09:00-18:00`, `sat 10:00-14:00` or `1-5 09:00-18:00` into one entry per weekday.
    public static func parse(_ text: String, field: String) throws(InvalidInput) -> [WeeklyHours] {
        let parts = text.split(separator: " ").map(String.init)
        let fail = InvalidInput(field: field, value: text, reason: "must look like 'mon-fri 09:00-17:00'")
        guard parts.count == 2 else { throw fail }
        let days = parts[0].split(separator: "-").map(String.init)
        let times = parts[1].split(separator: "-").map(String.init)
        guard (1...2).contains(days.count), times.count == 2, let first = weekday(days[0]), let last = weekday(days.last!),
            first <= last, let start = TimeOfDay(times[0]), let end = TimeOfDay(times[1]), start < end
        else { throw fail }
        return (first...last).map { WeeklyHours(weekday: $0, start: start, end: end) }
    }

    /// `mon`…`sun` or `1`…`7`.
    public static func weekday(_ text: String) -> Int? {
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        if let index = names.firstIndex(of: String(text.lowercased().prefix(3))) { return index + 1 }
        if let number = Int(text), (1...7).contains(number) { return number }
        return nil
    }

    public static let weekdayNames = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// `Mon 09:00-13:00`, as people write a window.
    public var text: String { "\(WeeklyHours.weekdayNames[weekday]) \(start)-\(end)" }

    /// True when the two windows share a weekday and some minutes (touching ends do not overlap).
    public func overlaps(_ other: WeeklyHours) -> Bool { weekday == other.weekday && start < other.end && other.start < end }

    /// Refuses a list of windows two of which overlap, naming both: each weekday's hours are given once.
    public static func requireNoOverlap(_ hours: [WeeklyHours], field: String, record: String? = nil) throws(InvalidInput) {
        for (index, window) in hours.enumerated() {
            if let other = hours[(index + 1)...].first(where: window.overlaps) {
                throw InvalidInput(
                    record: record, field: field, value: "\(window.text) and \(other.text)",
                    reason: "overlap: give each weekday's hours once (for a break, end one window when the next begins)")
            }
        }
    }
}
