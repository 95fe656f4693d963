import Foundation

/// A booked meeting: who (staff codes, participant case numbers), where (centre and room) and when.
///
/// Only planned and held sessions occupy their room, staff and participants; cancelled and rescheduled ones are history.
public struct Session: Sendable, Equatable, Codable {
    public var id: Int
    public var type: SessionType
    public var mode: SessionMode
    public var centreCode: String
    public var roomCode: String
    /// The programme requirement it fulfils, as `PROGRAMME/PHASE/REQUIREMENT`; nil for an ad-hoc session.
    public var requirement: String?
    public var staffCodes: [String]
    public var caseNumbers: [String]
    public var startsAt: Date
    public var endsAt: Date
    public var status: SessionStatus
    public var cancelReason: String?
    public var cancelledBy: CancelledBy?
    /// For a rescheduled session, the session that replaces it.
    public var replacedBySessionID: Int?
    /// For a family session, the family being seen.
    public var familyID: Int?

    public init(
        id: Int, type: SessionType, mode: SessionMode, centreCode: String, roomCode: String, requirement: String? = nil,
        staffCodes: [String], caseNumbers: [String], startsAt: Date, endsAt: Date, status: SessionStatus = .planned,
        cancelReason: String? = nil, cancelledBy: CancelledBy? = nil, replacedBySessionID: Int? = nil, familyID: Int? = nil
    ) {
        self.id = id
        self.type = type
        self.mode = mode
        self.centreCode = centreCode
        self.roomCode = roomCode
        self.requirement = requirement
        self.staffCodes = staffCodes
        self.caseNumbers = caseNumbers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.status = status
        self.cancelReason = cancelReason
        self.cancelledBy = cancelledBy
        self.replacedBySessionID = replacedBySessionID
        self.familyID = familyID
    }

    /// Length in whole minutes.
    public var minutes: Int { Int((endsAt.timeIntervalSince(startsAt) / 60).rounded()) }
}

extension SessionMode {
    /// The mode a hand-booked session gets: family when a family is named, group for several participants, else individual.
    public static func inferred(familyID: Int?, participantCount: Int) -> SessionMode {
        if familyID != nil { return .family }
        return participantCount > 1 ? .group : .individual
    }
}

/// A wall-clock date and time in a centre's time zone, as coordinators type it: `2026-12-01 10:00`.
///
/// It names no instant until paired with the centre's zone (the store converts it in SQL).
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var date: LocalDate
    public var time: TimeOfDay

    public init(date: LocalDate, time: TimeOfDay) {
        self.date = date
        self.time = time
    }

    /// Parses `YYYY-MM-DD HH:MM` (a `T` between date and time is accepted too).
    public init?(_ text: some StringProtocol) {
        let trimmed = String(text).trimmingSpaces()
        let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2, let date = LocalDate(parts[0]), let time = TimeOfDay(parts[1]), time.minutes < 1440 else {
            return nil
        }
        self.init(date: date, time: time)
    }

    /// Parses or explains the expected format.
    public static func parse(_ text: String, field: String) throws(InvalidInput) -> LocalDateTime {
        guard let value = LocalDateTime(text) else {
            throw InvalidInput(field: field, value: text, reason: "is not a local date and time (YYYY-MM-DD HH:MM, e.g. \"2026-12-01 10:00\")")
        }
        guard value.date.isInAcceptedRange else { throw InvalidInput(field: field, value: text, reason: LocalDate.outOfRangeReason) }
        return value
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool { (lhs.date, lhs.time) < (rhs.date, rhs.time) }

    /// `YYYY-MM-DD HH:MM`, which PostgreSQL reads as a `timestamp`.
    public var description: String { "\(date) \(time)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = LocalDateTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a local date-time: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A hand booking before it reaches the database: codes as typed (upper-cased), start in the centre's local time.
public struct SessionBooking: Sendable, Equatable {
    public var type: SessionType
    public var centreCode: String
    public var roomCode: String
    public var start: LocalDateTime
    public var minutes: Int
    public var staffCodes: [String]
    public var caseNumbers: [String]
    /// `PROGRAMME/PHASE/REQUIREMENT`, when the session fulfils a programme requirement.
    public var requirement: RequirementPath?
    public var familyID: Int?
    /// Why this booking may break a planning rule (shared language, hours, availability, placement, school, daily
    /// limit, family, enrolment, past); nil: the database holds it to them all.
    public var overrideReason: String?

    public init(
        type: SessionType, centreCode: String, roomCode: String, start: LocalDateTime, minutes: Int, staffCodes: [String],
        caseNumbers: [String], requirement: RequirementPath? = nil, familyID: Int? = nil, overrideReason: String? = nil
    ) {
        self.type = type
        self.centreCode = centreCode
        self.roomCode = roomCode
        self.start = start
        self.minutes = minutes
        self.staffCodes = staffCodes
        self.caseNumbers = caseNumbers
        self.requirement = requirement
        self.familyID = familyID
        self.overrideReason = overrideReason
    }

    /// The mode the booking gets when no requirement decides it (see `SessionMode.inferred`).
    public var inferredMode: SessionMode { .inferred(familyID: familyID, participantCount: caseNumbers.count) }

    /// Checks codes, length and people before any write: codes upper-cased, no repeats, someone to meet.
    public func validated() throws(InvalidInput) -> SessionBooking {
        var copy = self
        copy.centreCode = try Rules.code(centreCode, field: "centre")
        copy.roomCode = try Rules.code(roomCode, field: "room")
        guard (5...480).contains(minutes) else {
            throw InvalidInput(field: "minutes", value: String(minutes), reason: "must be between 5 and 480 (a session lasts at most 8 hours)")
        }
        copy.staffCodes = try Self.distinct(staffCodes.map { code throws(InvalidInput) in try Rules.code(code, field: "staff") }, field: "staff")
        copy.caseNumbers = try Self.distinct(
            caseNumbers.map { code throws(InvalidInput) in try Rules.code(code, field: "participant") }, field: "participant")
        guard !copy.staffCodes.isEmpty else { throw InvalidInput(field: "staff", value: "", reason: "needs at least one staff member") }
        guard !copy.caseNumbers.isEmpty else { throw InvalidInput(field: "participant", value: "", reason: "needs at least one participant") }
        if let familyID, familyID < 1 { throw InvalidInput(field: "family", value: String(familyID), reason: "is not a family id") }
        return copy
    }

    private static func distinct(_ codes: [String], field: String) throws(InvalidInput) -> [String] {
        var seen = Set<String>()
        for code in codes where !seen.insert(code).inserted {
            throw InvalidInput(field: field, value: code, reason: "is given twice")
        }
        return codes
    }
}

/// A programme requirement named the way coordinators write it: `PROGRAMME/PHASE/REQUIREMENT`. Only `parse` makes one,
/// so every part is a checked code.
public struct RequirementPath: Hashable, Sendable, CustomStringConvertible, Codable {
    public var programme: String
    public var phase: String
    public var requirement: String

    /// Parses `WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND` (case-insensitive).
    public static func parse(_ text: String, field: String) throws(InvalidInput) -> RequirementPath {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw InvalidInput(field: field, value: text, reason: "must look like PROGRAMME/PHASE/REQUIREMENT (e.g. WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND)")
        }
        return RequirementPath(
            programme: try Rules.code(parts[0], field: field), phase: try Rules.code(parts[1], field: field),
            requirement: try Rules.code(parts[2], field: field))
    }

    public var description: String { "\(programme)/\(phase)/\(requirement)" }
}
