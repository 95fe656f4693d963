/// The planning grid: `days` days of `slotMinutes`-long slots counted from slot 0 at `startISO`.
/// `startISO` is for humans only; every time the scheduler sees is a slot index.
public struct Horizon: Sendable, Codable, Equatable {
    /// The wall-clock start of slot 0 (e.g. "2026-11-30T00:00"), shown in reports, never parsed here.
    public var startISO: String
    /// Number of days planned.
    public var days: Int
    /// Length of one slot in minutes; must divide 1440.
    public var slotMinutes: Int

    /// Makes a horizon; 15-minute slots by default.
    public init(startISO: String, days: Int, slotMinutes: Int = 15) {
        self.startISO = startISO
        self.days = days
        self.slotMinutes = slotMinutes
    }

    /// Decodes leniently: `slotMinutes` defaults to 15.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(startISO: try c.decode(String.self, forKey: .startISO), days: try c.decode(Int.self, forKey: .days),
                  slotMinutes: try c.decodeIfPresent(Int.self, forKey: .slotMinutes) ?? 15)
    }

    /// Slots in one day (96 for 15-minute slots).
    public var slotsPerDay: Int { 1440 / Swift.max(1, slotMinutes) }

    /// Slots in the whole horizon.
    public var slotCount: Int { days * slotsPerDay }

    /// The day index a slot falls on.
    public func day(of slot: Int) -> Int { slot >= 0 ? slot / slotsPerDay : -1 }
}
