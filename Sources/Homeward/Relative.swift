/// A family member who is not a participant: a grandmother, aunt or uncle who takes in a returned child.
public struct Relative: Sendable, Equatable, Codable {
    /// The database id, which coordinators type to link the relative (nil before it is saved).
    public var id: Int?
    public var givenName: String
    public var familyName: String
    public var phone: String?
    public var region: String?
    /// Free notes about the family situation.
    public var relationshipNotes: String?

    public init(id: Int? = nil, givenName: String, familyName: String, phone: String? = nil, region: String? = nil,
                relationshipNotes: String? = nil) {
        self.id = id
        self.givenName = givenName
        self.familyName = familyName
        self.phone = phone
        self.region = region
        self.relationshipNotes = relationshipNotes
    }

    public var fullName: String { "\(givenName) \(familyName)" }

    /// Checks the names before the relative is saved; blank optional fields become nil.
    public func validated() throws(InvalidInput) -> Relative {
        var copy = self
        copy.givenName = try Rules.required(givenName, field: "given_name")
        copy.familyName = try Rules.required(familyName, field: "family_name")
        copy.phone = phone.map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
        copy.region = region.map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
        return copy
    }
}
