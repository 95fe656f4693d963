/// A person in the programme: a returned woman, child or man. The case number is the identifier everyone uses.
///
/// Age and child/adult status follow from the birth date and are never stored.
public struct Participant: Sendable, Equatable, Codable {
    public enum Sex: String, Vocabulary { case female, male }

    public enum LegalSituation: String, Vocabulary {
        case free
        case underInvestigation = "under_investigation"
        case inCustody = "in_custody"
        case convicted
    }

    public enum Status: String, Vocabulary {
        case intake
        case residentialRehabilitation = "residential_rehabilitation"
        case inCommunity = "in_community"
        case inPrison = "in_prison"
        case completed, withdrawn
    }

    public var caseNumber: String
    public var givenName: String
    public var familyName: String
    public var patronymic: String?
    public var birthDate: LocalDate
    public var sex: Sex
    public var languages: [String]
    public var regionOfOrigin: String
    public var legalSituation: LegalSituation
    /// Only for convicted participants: when the sentence ends.
    public var sentenceEndsOn: LocalDate?
    public var status: Status
    /// When the participant was repatriated.
    public var returnedOn: LocalDate?

    public init(
        caseNumber: String, givenName: String, familyName: String, patronymic: String? = nil, birthDate: LocalDate, sex: Sex,
        languages: [String], regionOfOrigin: String, legalSituation: LegalSituation = .free, sentenceEndsOn: LocalDate? = nil,
        status: Status = .intake, returnedOn: LocalDate? = nil
    ) {
        self.caseNumber = caseNumber
        self.givenName = givenName
        self.familyName = familyName
        self.patronymic = patronymic
        self.birthDate = birthDate
        self.sex = sex
        self.languages = languages
        self.regionOfOrigin = regionOfOrigin
        self.legalSituation = legalSituation
        self.sentenceEndsOn = sentenceEndsOn
        self.status = status
        self.returnedOn = returnedOn
    }

    /// The age at which the programme treats someone as an adult.
    public static let adultAge = 18

    /// Children are under `adultAge` on the day asked about; adults are the rest.
    public enum AgeGroup: Sendable { case child, adult }

    public func age(on date: LocalDate) -> Int { birthDate.age(on: date) }
    public func isChild(on date: LocalDate) -> Bool { age(on: date) < Self.adultAge }
    public var fullName: String { [givenName, patronymic, familyName].compactMap { $0 }.joined(separator: " ") }

    /// Checks the rules a CHECK constraint would also enforce, with a sentence per field, before any write.
    public func validated(today: LocalDate) throws(InvalidInput) -> Participant {
        var copy = self
        copy.caseNumber = try Rules.code(caseNumber, field: "case_number")
        let record = copy.caseNumber
        copy.givenName = try Rules.required(givenName, field: "given_name", record: record)
        copy.familyName = try Rules.required(familyName, field: "family_name", record: record)
        copy.regionOfOrigin = try Rules.required(regionOfOrigin, field: "region_of_origin", record: record)
        copy.languages = try Rules.languages(languages, record: record)
        if let patronymic, patronymic.trimmingSpaces().isEmpty { copy.patronymic = nil }
        guard birthDate <= today else {
            throw InvalidInput(record: record, field: "birth_date", value: birthDate.description, reason: "is in the future")
        }
        guard birthDate.age(on: today) < 110 else {
            throw InvalidInput(record: record, field: "birth_date", value: birthDate.description, reason: "is more than 110 years ago")
        }
        switch (legalSituation, sentenceEndsOn) {
        case (.convicted, nil):
            throw InvalidInput(record: record, field: "sentence_ends_on", value: "", reason: "is required when the legal situation is convicted")
        case (.convicted, _), (_, nil): break
        case (_, let end?):
            throw InvalidInput(record: record, field: "sentence_ends_on", value: end.description, reason: "is only for convicted participants")
        }
        if let returnedOn, returnedOn < birthDate {
            throw InvalidInput(record: record, field: "returned_on", value: returnedOn.description, reason: "is before the birth date")
        }
        return copy
    }
}
