import Foundation
import Postgres

/// Times as people read them: local time in the planning zone with its offset (`2026-12-01 11:45 +05:00`); JSON keeps
/// ISO 8601 with the same offset. The zone is the database's (`homeward.planning_zone()`), read once per connection.
enum LocalTime {
    nonisolated(unsafe) private static var zone = TimeZone(identifier: "UTC")!

    /// Reads the planning zone from the database, when its schema has one (a database not migrated yet keeps UTC).
    static func adopt(from connection: Connection) {
        guard let exists = try? connection.query("SELECT to_regprocedure('homeward.planning_zone()') IS NOT NULL").scalar(Bool.self),
              exists, let name = try? connection.query("SELECT homeward.planning_zone()").scalar(String.self),
              let found = TimeZone(identifier: name) else { return }
        zone = found
    }

    /// `2026-12-01 11:45 +05:00` in the planning zone.
    static func text(_ date: Date) -> String { formatter("yyyy-MM-dd HH:mm xxx").string(from: date) }

    /// ISO 8601 with the planning zone's offset, for JSON: `2026-12-01T11:45:00+05:00`.
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The zone's name, for column headings.
    static var zoneName: String { zone.identifier }

    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = format
        return formatter
    }
}
