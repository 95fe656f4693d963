/// A member of staff: what they may do (roles), where, in which languages, and for how many hours a week.
public struct StaffMember: Sendable, Equatable, Codable {
    public var code: String
    public var givenName: String
    public var familyName: String
    public var roles: [StaffRole]
    public var centreCodes: [String]
    public var languages: [String]
    /// Cleared to work with children (under 18): the only staff allowed in a session with a child.
    public var mayWorkWithChildren: Bool
    public var weeklyHourLimit: Double
    public var active: Bool

    public init(
        code: String, givenName: String, familyName: String, roles: [StaffRole], centreCodes: [String], languages: [String],
        mayWorkWithChildren: Bool, weeklyHourLimit: Double, active: Bool = true
    ) {
        self.code = code
        self.givenName = givenName
        self.familyName = familyName
        self.roles = roles
        self.centreCodes = centreCodes
        self.languages = languages
        self.mayWorkWithChildren = mayWorkWithChildren
        self.weeklyHourLimit = weeklyHourLimit
        self.active = active
    }

    public var fullName: String { "\(givenName) \(familyName)" }

    /// Checks a new or changed staff record before it reaches the database.
    public func validated() throws(InvalidInput) -> StaffMember {
        var copy = self
        copy.code = try Rules.code(code, field: "code")
        copy.givenName = try Rules.required(givenName, field: "given_name", record: copy.code)
        copy.familyName = try Rules.required(familyName, field: "family_name", record: copy.code)
        copy.languages = try Rules.languages(languages, record: copy.code)
        guard !roles.isEmpty else { throw InvalidInput(record: copy.code, field: "roles", value: "", reason: "needs at least one role") }
        guard weeklyHourLimit > 0, weeklyHourLimit <= 60 else {
            throw InvalidInput(record: copy.code, field: "weekly_hour_limit", value: String(weeklyHourLimit), reason: "must be more than 0 and at most 60")
        }
        if roles.contains(.paediatricPsychologist), !mayWorkWithChildren {
            throw InvalidInput(record: copy.code, field: "may_work_with_children", value: "false",
                               reason: "must be true for a paediatric psychologist")
        }
        copy.centreCodes = try centreCodes.map { code throws(InvalidInput) in try Rules.code(code, field: "centres", record: copy.code) }
        return copy
    }
}
