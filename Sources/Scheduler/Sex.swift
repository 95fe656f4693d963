/// A participant's sex as recorded in the case file; carried for the store and for future same-sex rules.
public enum Sex: String, Sendable, Codable, Equatable, CaseIterable {
    case female
    case male
}
