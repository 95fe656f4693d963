import CivilCalendar
import Foundation

/// A Swift value that can be sent as a query parameter, in PostgreSQL's text format.
public protocol PostgresEncodable {
    /// The text PostgreSQL parses for this value; nil sends SQL NULL.
    var postgresText: String? { get }

    /// The text to send for this value, throwing when it cannot be encoded (nil sends SQL NULL).
    ///
    /// `Connection` sends parameters through this. The default returns `postgresText`; a type whose encoding can
    /// fail (such as `JSON`) overrides it, so that a failure is an error rather than a silent NULL.
    func encodedPostgresText() throws -> String?
}

extension PostgresEncodable {
    public func encodedPostgresText() throws -> String? { postgresText }
}

/// A Swift value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable {
    /// Parses PostgreSQL's text output for this type.
    init(postgresText text: String) throws
}

/// Both directions.
public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

/// The failure thrown by `init(postgresText:)` when text does not parse; turned into a `PostgresError` by `Row`.
public struct PostgresDecodingFailure: Error {
    public init() {}
}

/// Marks `Optional` so `Row` can decode SQL NULL as `nil`.
protocol OptionalPostgresDecodable { static var nullValue: Self { get } }

extension Optional: OptionalPostgresDecodable where Wrapped: PostgresDecodable {
    static var nullValue: Self { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String) throws { self = try Wrapped(postgresText: text) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
    public func encodedPostgresText() throws -> String? { try self?.encodedPostgresText() }
}

extension String: PostgresCodable {
    public var postgresText: String? { self }
    public init(postgresText text: String) { self = text }
}

extension Substring: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension FixedWidthInteger {
    /// An integer from Postgres's decimal text, or a decoding failure.
    fileprivate static func decimal(_ text: String) throws -> Self {
        guard let value = Self(text) else { throw PostgresDecodingFailure() }
        return value
    }
}

extension Int: PostgresCodable {
    public var postgresText: String? { String(self) }
    public init(postgresText text: String) throws { self = try .decimal(text) }
}

extension Int32: PostgresCodable {
    public var postgresText: String? { String(self) }
    public init(postgresText text: String) throws { self = try .decimal(text) }
}

extension Int64: PostgresCodable {
    public var postgresText: String? { String(self) }
    public init(postgresText text: String) throws { self = try .decimal(text) }
}

extension Double: PostgresCodable {
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
    public init(postgresText text: String) throws {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw PostgresDecodingFailure() }
            self = value
        }
    }
}

extension Bool: PostgresCodable {
    public var postgresText: String? { self ? "t" : "f" }
    public init(postgresText text: String) throws {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresDecodingFailure()
        }
    }
}

extension UUID: PostgresCodable {
    public var postgresText: String? { uuidString.lowercased() }
    public init(postgresText text: String) throws {
        guard let value = UUID(uuidString: text) else { throw PostgresDecodingFailure() }
        self = value
    }
}

extension Date: PostgresCodable {
    /// ISO 8601 in UTC with microseconds, which `timestamptz` and `date` both accept.
    public var postgresText: String? { PostgresTimestamp.format(self) }
    /// Reads `timestamptz`, `timestamp` (taken as UTC) and `date` (midnight UTC).
    public init(postgresText text: String) throws {
        guard let value = PostgresTimestamp.parse(text) else { throw PostgresDecodingFailure() }
        self = value
    }
}

/// A `json`/`jsonb` value carried as a `Codable` Swift type.
public struct JSON<Value: Codable>: PostgresCodable {
    public var value: Value
    public init(_ value: Value) { self.value = value }

    /// The JSON text, or nil when `value` cannot be encoded. Parameters are sent through `encodedPostgresText()`,
    /// which throws instead; this remains for source compatibility.
    public var postgresText: String? { try? encodedPostgresText() }

    /// The JSON text (keys sorted), throwing the encoder's error when `value` cannot be encoded.
    public func encodedPostgresText() throws -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public init(postgresText text: String) throws {
        value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// A one-dimensional array literal, `{"a","b",NULL}`, every element quoted and escaped.
    public var postgresText: String? { arrayLiteral { $0.postgresText } }

    /// The array literal, throwing when an element cannot be encoded.
    public func encodedPostgresText() throws -> String? { try arrayLiteral { try $0.encodedPostgresText() } }

    private func arrayLiteral(_ text: (Element) throws -> String?) rethrows -> String {
        var out = "{"
        for (position, element) in enumerated() {
            if position > 0 { out += "," }
            guard let text = try text(element) else { out += "NULL"; continue }
            out += "\""
            for character in text {
                if character == "\"" || character == "\\" { out += "\\" }
                out.append(character)
            }
            out += "\""
        }
        return out + "}"
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// Reads a one-dimensional array literal such as `{kk,ru,"a b"}`.
    public init(postgresText text: String) throws {
        guard let elements = PostgresArrayLiteral.parse(text) else { throw PostgresDecodingFailure() }
        self = try elements.map { element in
            guard let element else {
                if let optional = Element.self as? any OptionalPostgresDecodable.Type {
                    return optional.nullValue as! Element
                }
                throw PostgresDecodingFailure()
            }
            return try Element(postgresText: element)
        }
    }
}

/// Parses one-dimensional array literals in PostgreSQL's text output format.
enum PostgresArrayLiteral {
    static func parse(_ text: String) -> [String?]? {
        var characters = Substring(text)
        // Skip an explicit dimension prefix such as "[0:2]=".
        if characters.first == "[", let equals = characters.firstIndex(of: "=") {
            characters = characters[characters.index(after: equals)...]
        }
        guard characters.first == "{", characters.last == "}" else { return nil }
        characters = characters.dropFirst().dropLast()
        if characters.isEmpty { return [] }
        var elements: [String?] = []
        var current = ""
        var quoted = false, wasQuoted = false, escaped = false
        for character in characters {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle(); wasQuoted = true
            case "," where !quoted:
                elements.append(!wasQuoted && current == "NULL" ? nil : current)
                current = ""; wasQuoted = false
            default: current.append(character)
            }
        }
        elements.append(!wasQuoted && current == "NULL" ? nil : current)
        return elements
    }
}

/// Fast, locale-free conversion between `Date` and PostgreSQL's ISO timestamp text.
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var seconds = Int64((totalMicros / 1_000_000).rounded(.down))
        let micros = Int64(totalMicros - Double(seconds) * 1_000_000)
        let days = Int64((Double(seconds) / 86_400).rounded(.down))
        seconds -= days * 86_400
        let (year, month, day) = CivilCalendar.civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(micros, 6))Z"
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]]`, `infinity` and `-infinity`.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ width: Int) -> Int64? {
            guard position + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = bytes[position + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            position += width
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == character else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2)
        else { return nil }
        var seconds = CivilCalendar.days(fromCivil: year, month, day) * 86_400
        var micros: Int64 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "T") {
            position += 1
            guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2), expect(UInt8(ascii: ":")),
                let second = number(2)
            else { return nil }
            seconds += hour * 3600 + minute * 60 + second
            if expect(UInt8(ascii: ".")) {
                var digits = 0
                while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
                    if digits < 6 { micros = micros * 10 + Int64(bytes[position] - 48) }
                    digits += 1
                    position += 1
                }
                for _ in digits..<max(digits, 6) { micros *= 10 }
            }
            if position < bytes.count {
                if bytes[position] == UInt8(ascii: "Z") {
                    position += 1
                } else {
                    let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
                    guard bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") else {
                        return nil
                    }
                    position += 1
                    guard let offsetHours = number(2) else { return nil }
                    var offset = offsetHours * 3600
                    if expect(UInt8(ascii: ":")), let offsetMinutes = number(2) { offset += offsetMinutes * 60 }
                    if expect(UInt8(ascii: ":")), let offsetSeconds = number(2) { offset += offsetSeconds }
                    seconds -= sign * offset
                }
            }
        }
        guard position == bytes.count else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}
