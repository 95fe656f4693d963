import ArgumentParser
import Homeward
import HomewardStore

/// `homeward milestone …`: reintegration steps reached by participants.
struct MilestoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "milestone",
        abstract: "Record and list reintegration milestones (documents, school, job, housing, return home, sentence end).",
        discussion: "Example:\n  homeward milestone add KZ-2019-0417 --kind job-found --on 2026-11-20",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a milestone; prints its id.",
            discussion: """
                Example:
                  homeward milestone add KZ-2019-0417 --kind birth-certificate-issued \\
                    --on 2026-11-20 --note "issued in Aktau"
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Participant case number.") var caseNumber: String
        @Option(help: "Which milestone.") var kind: Milestone.Kind
        @Option(help: "Day it was reached (YYYY-MM-DD).") var on: LocalDate
        @Option(help: "A short note.") var note: String?

        func run() throws {
            let store = try connection.store(for: Self.self)
            let milestone = try Milestone(caseNumber: caseNumber, kind: kind, achievedOn: on, note: note).validated(today: store.today())
            let id = try store.addMilestone(milestone)
            Printer.write("\(id)\n")
            Log.info("recorded \(kind.displayName) for \(milestone.caseNumber) on \(on)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List milestones of one participant, or of everyone; most recent first.",
            discussion: "Examples:\n  homeward milestone list KZ-2019-0417\n  homeward milestone list --format csv")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Participant case number (default: everyone).") var caseNumber: Code?

        func run() throws { try read.list(for: Self.self) { try $0.milestones(caseNumber: caseNumber?.value) } }
    }
}

extension Milestone: TabularRecord {
    static let columns = ["id", "case_number", "on", "kind", "note"]
    var cells: [String?] { [id.text, caseNumber, achievedOn.description, kind.displayName, note] }
}
