/// A consent given by a participant or, for a child, by the guardian; in force until withdrawn.
public struct Consent: Sendable, Equatable, Codable {
    /// What the consent covers (the SQL CHECK `consents_kind_check`).
    public enum Kind: String, Vocabulary {
        case dataProcessing = "data_processing"
        case psychologicalSupport = "psychological_support"
        case schoolInformationSharing = "school_information_sharing"
        case photo
    }

    public var kind: Kind
    /// Who signed: "participant" or the guardian's full name.
    public var givenBy: String
    public var givenOn: LocalDate
    /// Day the consent was withdrawn; nil while it is in force.
    public var withdrawnOn: LocalDate?

    public init(kind: Kind, givenBy: String, givenOn: LocalDate, withdrawnOn: LocalDate? = nil) {
        self.kind = kind
        self.givenBy = givenBy
        self.givenOn = givenOn
        self.withdrawnOn = withdrawnOn
    }

    /// True while the consent has not been withdrawn.
    public var isInForce: Bool { withdrawnOn == nil }

    /// Checks who signed before the consent is recorded.
    public func validated() throws(InvalidInput) -> Consent {
        var copy = self
        copy.givenBy = try Rules.required(givenBy, field: "given_by")
        return copy
    }
}
