import Foundation
import ArgumentParser
import Homeward
import HomewardStore

/// `homeward assessment …`: periodic reviews of a participant by a professional.
struct AssessmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract: "Record and list assessments (periodic reviews) of participants.",
        discussion: "Example:\n  homeward assessment list KZ-2019-0417",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an assessment; prints its id.",
            discussion: """
                Example:
                  homeward assessment add KZ-2019-0417 --staff ST-0001 --on 2026-12-01 \\
                    --kind psychological --summary "Sleeping better" --score 14 --level moderate
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Participant case number.") var caseNumber: String
        @Option(help: "Staff code of the assessor.") var staff: String
        @Option(help: "Day of the assessment (YYYY-MM-DD).") var on: LocalDate
        @Option(help: "What was assessed.") var kind: Assessment.Kind
        @Option(help: "What the assessor concluded.") var summary: String
        @Option(help: "Score on the instrument used.") var score: Double?
        @Option(help: "Overall level, e.g. low, moderate, high.") var level: String?

        func validate() throws {
            if summary.trimmingSpaces().isEmpty { throw ValidationError("--summary must say what the assessor concluded") }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            let assessment = try Assessment(
                caseNumber: caseNumber, staffCode: staff, assessedOn: on, kind: kind, score: score, level: level, summary: summary
            ).validated(today: store.today())
            let id = try store.addAssessment(assessment)
            Printer.write("\(id)\n")
            Log.info("recorded \(kind.displayName) assessment \(id) of \(assessment.caseNumber)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a participant's assessments, most recent first.",
            discussion: "Example:\n  homeward assessment list KZ-2019-0417")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Participant case number.") var caseNumber: Code

        func run() throws { try read.list(for: Self.self) { try $0.assessments(caseNumber: caseNumber.value) } }
    }
}

extension Assessment: TabularRecord {
    static let columns = ["id", "case_number", "on", "kind", "staff", "score", "level", "summary"]
    var cells: [String?] {
        [id.text, caseNumber, assessedOn.description, kind.displayName, staffCode, score.map { String(format: "%g", $0) }, level, summary]
    }
}
