/// Who is related to a participant: a relative (not a participant) or another participant, and how.
///
/// Exactly one of `relativeID` and `relatedCaseNumber` names the person; the database enforces it
/// (`family_links_exactly_one_person`), so both are kept optional here and the rule has one home.
public struct FamilyLink: Sendable, Equatable, Codable {
    /// What the linked person is *to* the participant ("grandmother" = the participant's grandmother).
    public enum Relationship: String, Vocabulary {
        case mother, father, grandmother, grandfather, aunt, uncle, sibling, other
    }

    /// The participant the link is about (e.g. the child).
    public var caseNumber: String
    public var relativeID: Int?
    public var relatedCaseNumber: String?
    public var relationship: Relationship
    /// The linked person is the participant's legal guardian.
    public var isGuardian: Bool
    public var guardianSince: LocalDate?
    /// The linked person's name, filled in when read back.
    public var name: String?

    public init(caseNumber: String, relativeID: Int? = nil, relatedCaseNumber: String? = nil, relationship: Relationship,
                isGuardian: Bool = false, guardianSince: LocalDate? = nil, name: String? = nil) {
        self.caseNumber = caseNumber
        self.relativeID = relativeID
        self.relatedCaseNumber = relatedCaseNumber
        self.relationship = relationship
        self.isGuardian = isGuardian
        self.guardianSince = guardianSince
        self.name = name
    }

    /// Who the link points to, as coordinators read it: `relative 12` or `participant KZ-2019-0418`.
    public var personLabel: String {
        switch (relativeID, relatedCaseNumber) {
        case (let id?, nil): return "relative \(id)"
        case (nil, let code?): return "participant \(code)"
        default: return "relative \(relativeID.map(String.init) ?? "—") / participant \(relatedCaseNumber ?? "—")"
        }
    }
}
