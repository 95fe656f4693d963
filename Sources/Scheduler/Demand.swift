/// One unit of need: one session to place. Group needs are one demand per participant sharing a
/// `groupKey`; the scheduler forms groups from demands with the same key, centre and window.
public struct Demand: Sendable, Codable, Equatable {
    /// Demand id (unique in the instance).
    public var id: String
    /// The programme requirement this session counts toward.
    public var requirementId: String
    /// Session type (e.g. "psychological_individual", "religious_group", "education_lesson").
    public var sessionType: String
    /// Individual, family or group.
    public var mode: DemandMode
    /// Participant ids: one for individual and group demands, the members for family demands.
    public var participants: [String]
    /// Group demands with the same key, centre and window may be seated together.
    public var groupKey: String?
    /// Smallest group that may be held (group mode only).
    public var groupMin: Int
    /// Largest group that may be held (group mode only).
    public var groupMax: Int
    /// Role the staff member must hold.
    public var staffRole: String
    /// Only a paediatric psychologist may hold the session.
    public var paediatricOnly: Bool
    /// The staff member must be cleared to work with children even if no child attends.
    public var requiresChildClearance: Bool
    /// Length in slots.
    public var durationSlots: Int
    /// Where the session may lie (the week, clipped to the horizon and after the freeze window).
    public var window: SlotRange
    /// Human name of the window for messages (e.g. "2026-W49").
    public var weekLabel: String?
    /// Room kinds that suit the session.
    public var roomKinds: [String]
    /// Centre where the session takes place.
    public var centreId: String
    /// The previous counsellor, kept when possible (continuity of care).
    public var preferredStaffId: String?
    /// Higher is more important when capacity is contested.
    public var priority: Int
    /// The placement in the last published plan, if re-planning.
    public var previous: PreviousPlacement?

    /// Makes a demand; group bounds default to 2…8.
    public init(
        id: String, requirementId: String, sessionType: String, mode: DemandMode = .individual,
        participants: [String], groupKey: String? = nil, groupMin: Int = 2, groupMax: Int = 8,
        staffRole: String, paediatricOnly: Bool = false, requiresChildClearance: Bool = false,
        durationSlots: Int, window: SlotRange, weekLabel: String? = nil, roomKinds: [String], centreId: String,
        preferredStaffId: String? = nil, priority: Int = 0, previous: PreviousPlacement? = nil
    ) {
        self.id = id
        self.requirementId = requirementId
        self.sessionType = sessionType
        self.mode = mode
        self.participants = participants
        self.groupKey = groupKey
        self.groupMin = groupMin
        self.groupMax = groupMax
        self.staffRole = staffRole
        self.paediatricOnly = paediatricOnly
        self.requiresChildClearance = requiresChildClearance
        self.durationSlots = durationSlots
        self.window = window
        self.weekLabel = weekLabel
        self.roomKinds = roomKinds
        self.centreId = centreId
        self.preferredStaffId = preferredStaffId
        self.priority = priority
        self.previous = previous
    }

    /// Decodes leniently: flags default to false, group bounds to 2…8, priority to 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            requirementId: try c.decode(String.self, forKey: .requirementId),
            sessionType: try c.decode(String.self, forKey: .sessionType),
            mode: try c.decodeIfPresent(DemandMode.self, forKey: .mode) ?? .individual,
            participants: try c.decode([String].self, forKey: .participants),
            groupKey: try c.decodeIfPresent(String.self, forKey: .groupKey),
            groupMin: try c.decodeIfPresent(Int.self, forKey: .groupMin) ?? 2,
            groupMax: try c.decodeIfPresent(Int.self, forKey: .groupMax) ?? 8,
            staffRole: try c.decode(String.self, forKey: .staffRole),
            paediatricOnly: try c.decodeIfPresent(Bool.self, forKey: .paediatricOnly) ?? false,
            requiresChildClearance: try c.decodeIfPresent(Bool.self, forKey: .requiresChildClearance) ?? false,
            durationSlots: try c.decode(Int.self, forKey: .durationSlots),
            window: try c.decode(SlotRange.self, forKey: .window),
            weekLabel: try c.decodeIfPresent(String.self, forKey: .weekLabel),
            roomKinds: try c.decode([String].self, forKey: .roomKinds),
            centreId: try c.decode(String.self, forKey: .centreId),
            preferredStaffId: try c.decodeIfPresent(String.self, forKey: .preferredStaffId),
            priority: try c.decodeIfPresent(Int.self, forKey: .priority) ?? 0,
            previous: try c.decodeIfPresent(PreviousPlacement.self, forKey: .previous)
        )
    }

    /// The key under which group demands are pooled: same group key, centre and window.
    var poolKey: String {
        "\(groupKey ?? id)\u{1F}\(centreId)\u{1F}\(window.start)\u{1F}\(window.end)"
    }
}
