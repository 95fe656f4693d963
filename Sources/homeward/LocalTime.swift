import Foundation
import HomewardStore

/// Times as people read them: local time in the planning zone with its offset (`2026-12-01 11:45 +05:00`); JSON keeps
/// ISO 8601 with the same offset. The zone is the database's (`homeward.planning_zone()`), read once per connection;
/// the two formatters are built when it is, not for every value printed.
enum LocalTime {
    nonisolated(unsafe) private static var formatters = Formatters(zone: TimeZone(identifier: "UTC")!)

    /// Reads the planning zone from the database; a database not migrated yet has none and keeps UTC.
    static func adopt(from store: Store) {
        guard let name = try? store.planningZoneIfMigrated(), let zone = TimeZone(identifier: name),
              zone != formatters.zone else { return }
        formatters = Formatters(zone: zone)
    }

    /// `2026-12-01 11:45 +05:00` in the planning zone.
    static func text(_ date: Date) -> String { formatters.text.string(from: date) }

    /// ISO 8601 with the planning zone's offset, for JSON: `2026-12-01T11:45:00+05:00`.
    static func iso(_ date: Date) -> String { formatters.iso.string(from: date) }

    private struct Formatters {
        let zone: TimeZone
        let text: DateFormatter
        let iso: ISO8601DateFormatter

        init(zone: TimeZone) {
            self.zone = zone
            text = DateFormatter()
            text.locale = Locale(identifier: "en_US_POSIX")
            text.timeZone = zone
            text.dateFormat = "yyyy-MM-dd HH:mm xxx"
            iso = ISO8601DateFormatter()
            iso.timeZone = zone
            iso.formatOptions = [.withInternetDateTime]
        }
    }
}
