/// A returnee to be seen (the case number is the id); availability is already net of school hours,
/// prison or centre timetable blocks and placement dates.
public struct Participant: Sendable, Codable, Equatable {
    /// The case number.
    public var id: String
    /// Languages the participant can hold a session in (e.g. "kk", "ru", "ar").
    public var languages: [String]
    /// Age in whole years.
    public var ageYears: Int
    /// Recorded sex.
    public var sex: Sex
    /// Children may only be seen by staff cleared to work with children.
    public var isChild: Bool
    /// Most sessions this person may attend on one day, counting already planned ones.
    public var maxSessionsPerDay: Int
    /// The daily limit per horizon day (ages change inside the horizon); nil, or days past its end, use `maxSessionsPerDay`.
    public var maxSessionsPerDayByDay: [Int]?
    /// Free slots per centre id: where the participant is placed and not at school or otherwise busy.
    public var available: [String: [SlotRange]]
    /// Routine hours the participant should preferably be seen in (children's daily routine); soft.
    public var preferredSlots: [SlotRange]?
    /// How far behind the programme the person is, 0…1; the further behind, the earlier they are placed.
    public var behindScore: Double
    /// Family the person belongs to, if any.
    public var familyId: String?
    /// People whose sessions should not clash with this person's (mother ↔ child); soft.
    public var linkedParticipants: [String]

    /// Makes a participant; optional fields default to "none".
    public init(
        id: String, languages: [String], ageYears: Int, sex: Sex, isChild: Bool? = nil,
        maxSessionsPerDay: Int = 2, available: [String: [SlotRange]], preferredSlots: [SlotRange]? = nil,
        behindScore: Double = 0, familyId: String? = nil, linkedParticipants: [String] = [],
        maxSessionsPerDayByDay: [Int]? = nil
    ) {
        self.id = id
        self.languages = languages
        self.ageYears = ageYears
        self.sex = sex
        self.isChild = isChild ?? (ageYears < 18)
        self.maxSessionsPerDay = maxSessionsPerDay
        self.available = available
        self.preferredSlots = preferredSlots
        self.behindScore = behindScore
        self.familyId = familyId
        self.linkedParticipants = linkedParticipants
        self.maxSessionsPerDayByDay = maxSessionsPerDayByDay
    }

    /// Most sessions this person may attend on horizon day `day` (0-based), counting already planned ones.
    public func maxSessions(onDay day: Int) -> Int {
        if let byDay = maxSessionsPerDayByDay, day >= 0, day < byDay.count { return byDay[day] }
        return maxSessionsPerDay
    }

    /// Decodes leniently: only id, languages, ageYears and sex are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let age = try c.decode(Int.self, forKey: .ageYears)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            languages: try c.decode([String].self, forKey: .languages),
            ageYears: age,
            sex: try c.decode(Sex.self, forKey: .sex),
            isChild: try c.decodeIfPresent(Bool.self, forKey: .isChild),
            maxSessionsPerDay: try c.decodeIfPresent(Int.self, forKey: .maxSessionsPerDay) ?? 2,
            available: try c.decodeIfPresent([String: [SlotRange]].self, forKey: .available) ?? [:],
            preferredSlots: try c.decodeIfPresent([SlotRange].self, forKey: .preferredSlots),
            behindScore: try c.decodeIfPresent(Double.self, forKey: .behindScore) ?? 0,
            familyId: try c.decodeIfPresent(String.self, forKey: .familyId),
            linkedParticipants: try c.decodeIfPresent([String].self, forKey: .linkedParticipants) ?? [],
            maxSessionsPerDayByDay: try c.decodeIfPresent([Int].self, forKey: .maxSessionsPerDayByDay)
        )
    }
}
