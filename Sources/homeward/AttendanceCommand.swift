import ArgumentParser
import Homeward
import HomewardStore

/// `homeward attendance …`: who came to a session.
struct AttendanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract: "Record and list whether booked participants came to their sessions.",
        discussion: "Example:\n  homeward attendance record 42 --participant KZ-2019-0417 --status attended",
        subcommands: [Record.self, List.self, MarkUnrecorded.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record (or correct) one participant's attendance at a session that has started.",
            discussion: """
                Recording again for the same participant and session replaces the earlier record.
                --recorded-by defaults to your database login.

                Example:
                  homeward attendance record 42 --participant KZ-2019-0417 --status late --note "bus was late"
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Session id.") var session: Int
        @Option(help: "Case number of a participant booked into the session.") var participant: String
        @Option(help: "What happened.") var status: AttendanceStatus
        @Option(help: "A short note.") var note: String?
        @Option(help: "Who recorded it (staff code or name; default: your database login).") var recordedBy: String?

        func validate() throws {
            if let recordedBy, recordedBy.trimmingSpaces().isEmpty { throw ValidationError("--recorded-by must not be empty") }
        }

        func run() throws {
            let caseNumber = try Rules.code(participant, field: "--participant")
            let store = try connection.store(for: Self.self)
            try store.recordAttendance(sessionID: session, caseNumber: caseNumber, status: status,
                                       note: note.flatMap { $0.trimmingSpaces().isEmpty ? nil : $0.trimmingSpaces() },
                                       recordedBy: recordedBy?.trimmingSpaces())
            Log.info("recorded \(caseNumber) as \(status.displayName) at session \(session)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List attendance recorded for a session or for a participant.",
            discussion: """
                Examples:
                  homeward attendance list --session 42
                  homeward attendance list --participant KZ-2019-0417 --format csv
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Session id.") var session: Int?
        @Option(help: "Participant case number.") var participant: Code?

        func validate() throws {
            if (session == nil) == (participant == nil) { throw ValidationError("give either --session ID or --participant CASE") }
        }

        func run() throws {
            try read.list(for: Self.self) { store in
                try session.map { try store.attendance(sessionID: $0) } ?? store.attendance(caseNumber: participant!.value)
            }
        }
    }
}

extension Attendance: TabularRecord {
    static let columns = ["session", "case_number", "status", "note", "recorded_by", "recorded_at"]
    var cells: [String?] {
        [String(sessionID), caseNumber, status.displayName, note, recordedBy, DatabaseCommand.Status.timestamp(recordedAt)]
    }
}
