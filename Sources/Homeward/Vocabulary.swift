/// A closed list of domain words stored as text (roles, session types, statuses), matching the database's CHECKs.
///
/// Users may type them with hyphens or underscores (`absent-excused`, `absent_excused`); storage uses underscores.
public protocol Vocabulary: RawRepresentable, CaseIterable, Sendable, Codable, Hashable where RawValue == String {}

extension Vocabulary {
    /// Parses a user's spelling: case-insensitive, hyphens or underscores.
    public init?(token: String) {
        let normalized = token.lowercased().replacingHyphens()
        self.init(rawValue: normalized)
    }

    /// Parses or explains which words are allowed.
    public static func parse(_ token: String, field: String, record: String? = nil) throws(InvalidInput) -> Self {
        guard let value = Self(token: token) else {
            throw InvalidInput(
                record: record, field: field, value: token,
                reason: "must be one of: " + allCases.map(\.displayName).joined(separator: ", "))
        }
        return value
    }

    /// Decodes the stored spelling (`counselling_room`); anything else is refused listing the words allowed, in the
    /// file's own spelling, instead of the standard library's "Cannot initialize … from invalid String value".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be one of " + Self.allCases.map(\.rawValue).joined(separator: ", ") + " (not \"\(text)\")")
        }
        self = value
    }

    /// The spelling shown to users: hyphens, as typed on the command line.
    public var displayName: String { String(rawValue.map { $0 == "_" ? "-" : $0 }) }
}

extension String {
    func replacingHyphens() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}

/// Bad input, said precisely: which record, which field, what value, and why.
public struct InvalidInput: Error, Sendable, Equatable, CustomStringConvertible {
    /// The record's identifier (case number, staff code, CSV line…), when known.
    public var record: String?
    public var field: String
    public var value: String
    public var reason: String

    public init(record: String? = nil, field: String, value: String, reason: String) {
        self.record = record
        self.field = field
        self.value = value
        self.reason = reason
    }

    /// `record: field "value" reason`; the value is left out when it is empty (a missing value has nothing to quote).
    /// Record and value come from input, so their control characters are escaped (one line, no terminal escapes).
    public var description: String {
        (record.map { "\($0.escapingControlCharacters()): " } ?? "") + field
            + (value.isEmpty ? "" : " \"\(value.escapingControlCharacters())\"") + " \(reason)"
    }
}

/// Validation helpers shared by every record type.
public enum Rules {
    /// Identifiers coordinators type: centre, room, staff and programme codes, case numbers. Uppercase letters, digits, hyphens.
    public static func code(_ text: String, field: String, record: String? = nil) throws(InvalidInput) -> String {
        let upper = text.uppercased()
        let allowed = upper.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard (2...32).contains(upper.count), allowed, upper.first != "-" else {
            throw InvalidInput(record: record, field: field, value: text, reason: "must be 2–32 letters, digits or hyphens (e.g. AKT-RC)")
        }
        return upper
    }

    /// ISO 639-1 language codes such as `kk`, `ru`, `ar`; at least one.
    public static func languages(_ list: [String], field: String = "languages", record: String? = nil) throws(InvalidInput) -> [String] {
        let codes = list.map { $0.trimmingSpaces().lowercased() }.filter { !$0.isEmpty }
        guard !codes.isEmpty else {
            throw InvalidInput(record: record, field: field, value: list.joined(separator: ","), reason: "needs at least one language code (e.g. kk,ru)")
        }
        for code in codes where !(code.count == 2 && code.utf8.allSatisfy { $0 >= 97 && $0 <= 122 }) {
            throw InvalidInput(record: record, field: field, value: code, reason: "is not a two-letter ISO 639-1 language code (kk, ru, ar, uz…)")
        }
        var seen = Set<String>()
        return codes.filter { seen.insert($0).inserted }
    }

    /// The longest name, label or other short text (in characters): names are indexed, and an index entry has a size limit.
    public static let maxNameLength = 200
    /// The longest note, reason or summary (in characters).
    public static let maxTextLength = 4_000

    /// A non-empty trimmed text of at most `maxLength` characters (Unicode code points), never cut.
    public static func required(
        _ text: String, field: String, record: String? = nil, maxLength: Int = maxNameLength
    ) throws(InvalidInput) -> String {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { throw InvalidInput(record: record, field: field, value: text, reason: "must not be empty") }
        guard trimmed.unicodeScalars.count <= maxLength else {
            throw InvalidInput(
                record: record, field: field, value: String(trimmed.prefix(20)) + "…",
                reason: "is \(trimmed.unicodeScalars.count) characters long; at most \(maxLength) are allowed")
        }
        return trimmed
    }

    /// A date in `YYYY-MM-DD`, between `LocalDate.earliest` and `LocalDate.latest`.
    public static func date(_ text: String, field: String, record: String? = nil) throws(InvalidInput) -> LocalDate {
        guard let date = LocalDate(text.trimmingSpaces()) else {
            throw InvalidInput(record: record, field: field, value: text, reason: "is not a date (YYYY-MM-DD)")
        }
        guard date.isInAcceptedRange else {
            throw InvalidInput(record: record, field: field, value: text, reason: LocalDate.outOfRangeReason)
        }
        return date
    }

    /// A time of day in `HH:MM`.
    public static func time(_ text: String, field: String, record: String? = nil) throws(InvalidInput) -> TimeOfDay {
        guard let time = TimeOfDay(text.trimmingSpaces()) else {
            throw InvalidInput(record: record, field: field, value: text, reason: "is not a time of day (HH:MM)")
        }
        return time
    }
}

extension String {
    /// Trims spaces, tabs and newlines (Foundation-free).
    public func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
