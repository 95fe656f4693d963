import Foundation
import Homeward
import HomewardStore
import Postgres

/// The reference day of a test, from the database's own clock, so that fixtures say "ten days ago" or "in a month"
/// and stay true on any date the suite runs (`.ci/run` also runs it under faketime far from today).
public enum TestClock {
    /// Today in the planning time zone (`homeward.actual_today()`), ignoring any what-if setting.
    public static func today(_ connection: Connection) throws -> LocalDate {
        try connection.query("SELECT homeward.actual_today()::text").scalar(LocalDate.self)
    }

    /// `YYYY-MM-DD HH:MM` for `days` after (or before, when negative) today, at `time`.
    public static func localTime(_ connection: Connection, days: Int, at time: String = "10:00") throws -> String {
        "\(try today(connection).adding(days: days)) \(time)"
    }
}

/// A date a test writes as `YYYY-MM-DD` (a mistyped one stops the test at once).
public func day(_ text: String) -> LocalDate { LocalDate(text)! }
