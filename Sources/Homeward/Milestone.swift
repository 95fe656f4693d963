/// A reintegration step a participant reached: documents, school, a job, housing, return home, the end of a sentence.
public struct Milestone: Sendable, Equatable, Codable {
    /// Which step (matches `milestones_kind_check`).
    public enum Kind: String, Vocabulary {
        case birthCertificateIssued = "birth_certificate_issued"
        case schoolEnrolled = "school_enrolled"
        case jobFound = "job_found"
        case sentenceEnded = "sentence_ended"
        case returnedHome = "returned_home"
        case housingFound = "housing_found"
        case documentsRestored = "documents_restored"
    }

    /// Database id; nil before the milestone is stored.
    public var id: Int?
    public var caseNumber: String
    public var kind: Kind
    public var achievedOn: LocalDate
    public var note: String?

    public init(id: Int? = nil, caseNumber: String, kind: Kind, achievedOn: LocalDate, note: String? = nil) {
        self.id = id
        self.caseNumber = caseNumber
        self.kind = kind
        self.achievedOn = achievedOn
        self.note = note
    }

    /// Checks the fields a coordinator types, before touching the database.
    public func validated(today: LocalDate) throws(InvalidInput) -> Milestone {
        var copy = self
        copy.caseNumber = try Rules.code(caseNumber, field: "case_number")
        if let note, note.trimmingSpaces().isEmpty { copy.note = nil }
        guard achievedOn <= today else {
            throw InvalidInput(record: copy.caseNumber, field: "on", value: achievedOn.description, reason: "is in the future")
        }
        return copy
    }
}
