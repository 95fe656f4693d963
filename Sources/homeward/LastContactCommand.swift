import ArgumentParser
import Homeward
import HomewardStore

extension ParticipantCommand {
    struct LastContact: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "last-contact",
            abstract: "When each participant last attended a session with each kind of staff their phase asks for.",
            discussion: """
                Longest without first. Days count from the enrolment's start when there was no contact since; the day is \
                the database's today (or the what-if setting homeward.today).

                Examples:
                  homeward participant last-contact --centre AKT-RC
                  homeward participant last-contact --centre AKT-RC --role psychologist --days 14
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only participants placed at this centre today.") var centre: Code?
        @Option(help: "Only this staff role.") var role: StaffRole?
        @Option(help: "Only those without such a contact for at least this many days.") var days: Int?

        func validate() throws {
            if let days, days < 0 { throw ValidationError("--days cannot be negative") }
        }

        func run() throws {
            try read.list(for: Self.self) { try $0.lastContacts(centreCode: centre?.value, role: role, atLeastDays: days) }
        }
    }
}

extension HomewardStore.LastContact: TabularRecord {
    static let columns = ["case_number", "centre", "role", "last_contact", "staff", "days", "since"]
    var cells: [String?] {
        [caseNumber, centreCode, role.displayName, lastOn?.description ?? "never", staffCode, String(days), since.description]
    }
}
