/// A periodic review of a participant by a professional; one is due every review interval of the current phase.
public struct Assessment: Sendable, Equatable, Codable {
    /// What was assessed (matches `assessments_kind_check`).
    public enum Kind: String, Vocabulary {
        case psychological
        case religiousViews = "religious_views"
        case educational, social, family, vocational
    }

    /// Database id; nil before the assessment is stored.
    public var id: Int?
    public var caseNumber: String
    public var staffCode: String
    public var assessedOn: LocalDate
    public var kind: Kind
    /// Score on the instrument used, if any (its scale depends on the instrument).
    public var score: Double?
    /// Overall level, usually low, moderate or high.
    public var level: String?
    public var summary: String

    public init(
        id: Int? = nil, caseNumber: String, staffCode: String, assessedOn: LocalDate, kind: Kind, score: Double? = nil,
        level: String? = nil, summary: String
    ) {
        self.id = id
        self.caseNumber = caseNumber
        self.staffCode = staffCode
        self.assessedOn = assessedOn
        self.kind = kind
        self.score = score
        self.level = level
        self.summary = summary
    }

    /// Checks the fields a coordinator types, before touching the database.
    public func validated(today: LocalDate) throws(InvalidInput) -> Assessment {
        var copy = self
        copy.caseNumber = try Rules.code(caseNumber, field: "case_number")
        copy.staffCode = try Rules.code(staffCode, field: "staff", record: copy.caseNumber)
        copy.summary = try Rules.required(summary, field: "summary", record: copy.caseNumber, maxLength: Rules.maxTextLength)
        if let level {
            copy.level = try Rules.required(level, field: "level", record: copy.caseNumber)
        }
        if let score, !score.isFinite || abs(score) >= 10_000 {
            throw InvalidInput(record: copy.caseNumber, field: "score", value: String(score), reason: "must be a number below 10000")
        }
        guard assessedOn <= today else {
            throw InvalidInput(record: copy.caseNumber, field: "on", value: assessedOn.description, reason: "is in the future")
        }
        return copy
    }
}
