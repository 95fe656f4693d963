/// A psychologist, religious expert, teacher or counsellor; availability is per centre and already net of leave.
public struct Staff: Sendable, Codable, Equatable {
    /// Staff id.
    public var id: String
    /// Roles held (e.g. "psychologist", "paediatric_psychologist", "religious_expert", "teacher").
    public var roles: [String]
    /// Languages the staff member can hold a session in.
    public var languages: [String]
    /// Cleared to see children; required whenever a child is in the session.
    public var mayWorkWithChildren: Bool
    /// A paediatric psychologist; required by `paediatricOnly` demands.
    public var isPaediatric: Bool
    /// Booking caps per week window; a week without an entry is uncapped.
    public var weeklyLimits: [WeeklyLimit]
    /// Working slots per centre id (weekly pattern minus leave).
    public var available: [String: [SlotRange]]

    /// Makes a staff member; `isPaediatric` defaults to holding the "paediatric_psychologist" role.
    public init(
        id: String, roles: [String], languages: [String], mayWorkWithChildren: Bool = false,
        isPaediatric: Bool? = nil, weeklyLimits: [WeeklyLimit] = [], available: [String: [SlotRange]]
    ) {
        self.id = id
        self.roles = roles
        self.languages = languages
        self.mayWorkWithChildren = mayWorkWithChildren
        self.isPaediatric = isPaediatric ?? roles.contains(Staff.paediatricRole)
        self.weeklyLimits = weeklyLimits
        self.available = available
    }

    /// The role name that makes a staff member paediatric when `isPaediatric` is not given.
    public static let paediatricRole = "paediatric_psychologist"

    /// Decodes leniently: id, roles, languages and available are required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            roles: try c.decode([String].self, forKey: .roles),
            languages: try c.decode([String].self, forKey: .languages),
            mayWorkWithChildren: try c.decodeIfPresent(Bool.self, forKey: .mayWorkWithChildren) ?? false,
            isPaediatric: try c.decodeIfPresent(Bool.self, forKey: .isPaediatric),
            weeklyLimits: try c.decodeIfPresent([WeeklyLimit].self, forKey: .weeklyLimits) ?? [],
            available: try c.decodeIfPresent([String: [SlotRange]].self, forKey: .available) ?? [:]
        )
    }
}
