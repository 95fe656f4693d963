import ArgumentParser
import Foundation
import Homeward
import HomewardStore

extension ParticipantCommand {
    /// `homeward participant export CASE`: the participant's full record as JSON, for a transfer or a subject access request.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a participant's full record as JSON (transfer to another agency, subject access request).",
            discussion: """
                Writes person, placements, consents, family links, enrolments, school enrolments and attendance, course \
                enrolments and module completions, sessions with attendance, assessments, milestones and flags. The \
                export itself is recorded in the audit trail (operation "export", with your login and this command).

                Example:
                  homeward participant export KZ-2019-0417 --output KZ-2019-0417.json
                  homeward participant export KZ-2019-0417 > record.json
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Case number, e.g. KZ-2019-0417.") var caseNumber: String
        @Option(help: "Write the JSON to this file instead of standard output.") var output: String?

        func run() throws {
            let store = try Store(connection: connection.connect(for: "participant export"))
            let caseNumber = try Rules.code(caseNumber, field: "case number")
            let document = try store.exportParticipant(caseNumber: caseNumber).jsonDocument() + "\n"
            if let output {
                try Data(document.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                Log.info("exported participant \(caseNumber) to \(output) (recorded in the audit trail)")
            } else {
                Printer.write(document)
            }
        }
    }
}
