import Foundation

/// Renders sessions as an iCalendar (RFC 5545) feed a staff member can subscribe to.
///
/// Events carry case numbers, never names: a calendar leaves the system and lands on phones.
public struct SessionCalendar: Sendable {
    public var name: String
    public var sessions: [Session]
    /// When the feed was produced (DTSTAMP).
    public var generatedAt: Date

    public init(name: String, sessions: [Session], generatedAt: Date) {
        self.name = name
        self.sessions = sessions
        self.generatedAt = generatedAt
    }

    /// The feed text, CRLF line endings, long lines folded at 75 octets.
    public func render() -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Homeward//Schedule//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:\(Self.escape(name))",
        ]
        for session in sessions {
            let title = session.type.displayName.replacingHyphensWithSpaces().capitalizedFirst
            let who = session.caseNumbers.isEmpty ? "" : " — " + session.caseNumbers.joined(separator: ", ")
            lines += [
                "BEGIN:VEVENT",
                "UID:session-\(session.id)@homeward",
                "DTSTAMP:\(Self.utc(generatedAt))",
                "DTSTART:\(Self.utc(session.startsAt))",
                "DTEND:\(Self.utc(session.endsAt))",
                "SUMMARY:\(Self.escape(title + who))",
                "LOCATION:\(Self.escape("\(session.centreCode) / \(session.roomCode)"))",
                "STATUS:\(session.status == .cancelled || session.status == .rescheduled ? "CANCELLED" : "CONFIRMED")",
                "DESCRIPTION:\(Self.escape("Homeward session \(session.id) (\(session.mode.rawValue)); staff: \(session.staffCodes.joined(separator: ", "))"))",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `YYYYMMDDTHHMMSSZ`.
    static func utc(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = LocalDate(daysSinceEpoch: Int((Double(seconds) / 86_400).rounded(.down)))
        let rest = seconds - day.daysSinceEpoch * 86_400
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return day.description.replacingOccurrences(of: "-", with: "") + "T" + pad(rest / 3600) + pad(rest / 60 % 60) + pad(rest % 60) + "Z"
    }

    /// Escapes TEXT values: backslash, semicolon, comma and newlines.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Folds a content line to 75 octets per line without splitting a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = "", count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(character)
            count += size
        }
        return out
    }
}

extension String {
    func replacingHyphensWithSpaces() -> String { String(map { $0 == "-" ? " " : $0 }) }
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
