import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward audit CASE`: a participant's history from the append-only audit trail.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show every recorded change to a participant's records: when, by which login, with which command.",
        discussion: """
            Reads audit.changes (roles admin and auditor). Each change lists the fields as old → new.

            Example:
              homeward audit KZ-2019-0417
              homeward audit KZ-2019-0417 --format json
            """)
    @OptionGroup var read: ReadOptions
    @OptionGroup var participant: CaseNumberArgument
    @Option(help: "At most this many changes.") var limit: Int = 1000

    func run() throws {
        try read.list(for: Self.self) { try $0.auditTrail(caseNumber: participant.code(field: "case number"), limit: limit) }
    }
}

extension AuditEntry: TabularRecord {
    static let columns = ["at", "login", "command", "table", "operation", "key", "changed"]
    var cells: [String?] {
        [LocalTime.text(at), login, applicationName, table, operation, primaryKey, changed]
    }
}
