import ArgumentParser
import Homeward
import HomewardStore

/// `homeward enrolment …`: participants following a programme, phase by phase.
struct EnrolmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment",
        abstract: "Enrol participants in programmes, list them, move them to the next phase, pause or withdraw them.",
        subcommands: [Add.self, List.self, Show.self, Advance.self, Update.self, VoidCommand.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a participant in a programme.",
            discussion: """
                The enrolment starts in the first phase unless --phase says otherwise; its planned end is the start plus \
                the days of that phase and every phase after it.

                Examples:
                  homeward enrolment add KZ-2019-0417 --programme WOMEN-RESIDENTIAL --start 2026-01-12
                  homeward enrolment add KZ-2019-0417 --programme WOMEN-RESIDENTIAL --start 2026-03-09 --phase COMMUNITY
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "Programme code.") var programme: String
        @Option(help: "First day (YYYY-MM-DD).") var start: LocalDate
        @Option(help: "Phase to start in (default: the first).") var phase: String?

        func run() throws {
            let caseNumber = try participant.code(field: "case number")
            let programme = try Rules.code(programme, field: "--programme")
            let store = try connection.store(for: Self.self)
            let id = try store.addEnrolment(caseNumber: caseNumber, programmeCode: programme, start: start,
                                            phaseCode: try phase.map { try Rules.code($0, field: "--phase") })
            let enrolment = try store.enrolment(id: id).enrolment
            Log.info("enrolled \(caseNumber) in \(programme) as enrolment \(id): phase \(enrolment.phaseCode), planned end \(enrolment.plannedEndOn)")
            Printer.write("\(id)\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List enrolments.",
            discussion: """
                Examples:
                  homeward enrolment list --programme WOMEN-RESIDENTIAL --status active
                  homeward enrolment list --centre AKT-RC --format csv
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only enrolments in this programme.") var programme: Code?
        @Option(help: "Only participants placed at this centre today.") var centre: Code?
        @Option(help: "Only enrolments with this status.") var status: Enrolment.Status?
        @Option(name: .customLong("case"), help: "Only this participant.") var caseNumber: Code?

        func run() throws {
            try read.list(for: Self.self) {
                try $0.enrolments(programmeCode: programme?.value, centreCode: centre?.value, status: status, caseNumber: caseNumber?.value)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an enrolment and where it stands in its programme's phases.",
            discussion: "Example:\n  homeward enrolment show 42")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Enrolment id.") var id: Int

        func run() throws {
            try read.show(for: Self.self, { try $0.enrolment(id: id) }) { detail in
                let enrolment = detail.enrolment
                Printer.fields([
                    ("Enrolment", String(enrolment.id)), ("Participant", enrolment.caseNumber),
                    ("Programme", "\(enrolment.programmeCode) (\(detail.programmeName))"),
                    ("Phase", "\(enrolment.phaseCode) (\(enrolment.phaseOrdinal) of \(enrolment.phaseCount)), since \(enrolment.phaseStartedOn)"),
                    ("Status", enrolment.status.displayName), ("Started", enrolment.startedOn.description),
                    ("Planned end", enrolment.plannedEndOn.description), ("Ended", enrolment.endedOn.text),
                    ("Placed at", enrolment.centreCode),
                ])
                Printer.heading("Phases")
                Printer.table(["#", "phase", "name", "days", "state"], detail.phases.map {
                    [String($0.ordinal), $0.code, $0.name, String($0.durationDays), $0.state]
                })
            }
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an active enrolment to its next phase; after the last phase, complete it.",
            discussion: "Examples:\n  homeward enrolment advance 42\n  homeward enrolment advance 42 --on 2026-03-09")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Enrolment id.") var id: Int
        @Option(help: "Day the next phase starts, or the enrolment ends (default: today).") var on: LocalDate?

        func run() throws {
            let store = try connection.store(for: Self.self)
            switch try store.advanceEnrolment(id: id, on: try on ?? store.today()) {
            case .movedTo(let phase, let ordinal): Log.info("enrolment \(id) moved to phase \(ordinal), \(phase)")
            case .completed(let day): Log.info("enrolment \(id) completed its last phase and ended on \(day)")
            }
        }
    }

    struct VoidCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "void",
            abstract: "Void an enrolment entered by mistake: it counts nowhere (unlike a withdrawal) and its planned sessions go.",
            discussion: """
                The audit trail keeps the enrolment, who voided it and why. Its sessions still to come are cancelled (a group \
                keeps meeting without the participant when it stays large enough).

                Example:
                  homeward enrolment void 42 --reason "enrolled in CHILDREN-13-17 instead of CHILDREN-7-12"
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Enrolment id.") var id: Int
        @Option(help: "Why the enrolment was a mistake.") var reason: String

        func run() throws {
            let released = try connection.store(for: Self.self).voidEnrolment(id: id, reason: reason)
            Log.info("enrolment \(id) is void: \(released.sessionsCancelled) planned session(s) cancelled, "
                     + "\(released.seatsReleased) group seat(s) released")
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause, resume or withdraw an enrolment.",
            discussion: """
                Examples:
                  homeward enrolment update 42 --status paused
                  homeward enrolment update 42 --status withdrawn --on 2026-02-20
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Enrolment id.") var id: Int
        @Option(help: "paused, active or withdrawn.") var status: Enrolment.Status
        @Option(help: "Day of the change; a withdrawal ends the enrolment that day (default: today).") var on: LocalDate?

        func validate() throws {
            if status == .completed {
                throw ValidationError("an enrolment completes by advancing past its last phase: use `homeward enrolment advance \(id)`")
            }
            if status == .void {
                throw ValidationError("a mistaken enrolment is voided with a reason: use `homeward enrolment void \(id) --reason \"…\"`")
            }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            try store.updateEnrolmentStatus(id: id, to: status, on: try on ?? store.today())
            Log.info("enrolment \(id) is now \(status.displayName)")
        }
    }
}

extension Enrolment: TabularRecord {
    static let columns = ["id", "case_number", "programme", "phase", "status", "started", "phase_since", "planned_end", "ended", "centre"]
    var cells: [String?] {
        [String(id), caseNumber, programmeCode, "\(phaseCode) (\(phaseOrdinal)/\(phaseCount))", status.displayName,
         startedOn.description, phaseStartedOn.description, plannedEndOn.description, endedOn.text, centreCode]
    }
}
