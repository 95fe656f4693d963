import ArgumentParser
import Homeward
import HomewardStore

/// `--week 2026-W49`: one ISO week, this week by default.
struct WeekOption: ParsableArguments {
    @Option(help: "ISO week such as 2026-W49 (default: this week).") var week: String?

    func validate() throws {
        if let week, LocalDate(isoWeek: week) == nil { throw ValidationError("--week must look like 2026-W49") }
    }

    /// The Monday of the week asked for, or of the week of the database's reference day.
    func monday(_ store: Store) throws -> LocalDate {
        try week.flatMap { LocalDate(isoWeek: $0) } ?? store.today().startOfWeek
    }
}
