import ArgumentParser
import Foundation
import Homeward
import HomewardStore

extension ParticipantCommand {
    /// `homeward participant plan …`: one participant's adjustments of their programme's requirements.
    struct PlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Individual plans: more or fewer sessions a week, a preferred staff member or language, a pause with a reason.",
            subcommands: [Set.self, List.self, Remove.self], defaultSubcommand: Set.self)

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Adjust one requirement for one participant; the scheduler and progress follow it.",
                discussion: """
                    Only what is given changes. A pause needs --pause-from, --pause-to and --reason; no session is due on \
                    those days. --per-week 0 stops the requirement for the participant. Preferences are soft: the \
                    scheduler prefers that staff member (or one speaking that language) when it can.

                    Examples:
                      homeward participant plan KZ-2019-0417 --requirement WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND --per-week 2
                      homeward participant plan KZ-2019-0417 --requirement WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND \\
                        --pause-from 2026-12-07 --pause-to 2026-12-13 --reason "hospital stay"
                      homeward participant plan KZ-2019-0417 --requirement WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND --prefer-language ru
                    """)
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var subject: CaseNumberArgument
            @Option(help: "The requirement, PROGRAMME/PHASE/REQUIREMENT.") var requirement: String
            @Option(help: "Sessions a week for this participant instead of the programme's (0 to 14).") var perWeek: Double?
            @Option(help: "Staff code the scheduler should prefer.") var preferStaff: String?
            @Option(help: "Language (ISO 639-1) the scheduler should prefer a staff member to speak.") var preferLanguage: String?
            @Option(help: "First day of a pause.") var pauseFrom: LocalDate?
            @Option(help: "Last day of a pause.") var pauseTo: LocalDate?
            @Option(help: "Why (needed for a pause).") var reason: String?

            func validate() throws {
                if (pauseFrom == nil) != (pauseTo == nil) { throw ValidationError("a pause needs both --pause-from and --pause-to") }
                if pauseFrom != nil, reason == nil { throw ValidationError("a pause needs --reason") }
                if perWeek == nil, preferStaff == nil, preferLanguage == nil, pauseFrom == nil {
                    throw ValidationError("give --per-week, --prefer-staff, --prefer-language or --pause-from/--pause-to")
                }
                if let perWeek, !(0...14).contains(perWeek) { throw ValidationError("--per-week must be between 0 and 14") }
            }

            func run() throws {
                let record = try subject.code(field: "case_number")
                let path = try RequirementPath.parse(requirement, field: "requirement")
                let why = try reason.map { try Rules.required($0, field: "reason", record: record, maxLength: Rules.maxTextLength) }
                let store = try connection.store(for: Self.self)
                if perWeek != nil || preferStaff != nil || preferLanguage != nil {
                    try store.setPlan(
                        caseNumber: record, requirement: path, sessionsPerWeek: perWeek,
                        preferredStaff: try preferStaff.map { try Rules.code($0, field: "prefer-staff", record: record) },
                        preferredLanguage: try preferLanguage.map { try Rules.languages([$0], field: "prefer-language", record: record)[0] },
                        reason: pauseFrom == nil ? why : nil)
                    Log.info("individual plan of \(record) for \(path) set")
                }
                if let pauseFrom, let pauseTo, let why {
                    let id = try store.pausePlan(caseNumber: record, requirement: path, from: pauseFrom, to: pauseTo, reason: why)
                    Printer.write("\(id)\n")
                    Log.info("\(path) paused for \(record) from \(pauseFrom) to \(pauseTo) (pause \(id))")
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a participant's individual plans and pauses.",
                discussion: "Examples:\n  homeward participant plan list KZ-2019-0417\n  homeward participant plan list KZ-2019-0417 --format json")
            @OptionGroup var read: ReadOptions
            @OptionGroup var subject: CaseNumberArgument

            func run() throws {
                let record = try subject.code(field: "case_number")
                let store = try read.store(for: Self.self)
                let plans = try store.plans(caseNumber: record), pauses = try store.planPauses(caseNumber: record)
                switch read.format {
                case .json: Printer.json(PlanListing(plans: plans, pauses: pauses))
                case .csv: Printer.list(plans, format: .csv)
                default:
                    Printer.heading("Plans")
                    Printer.table(IndividualPlan.columns, plans.map(\.cells))
                    Printer.heading("Pauses")
                    Printer.table(PlanPause.columns, pauses.map(\.cells))
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove a participant's individual plan for a requirement, or one pause.",
                discussion: """
                    Examples:
                      homeward participant plan remove KZ-2019-0417 --requirement WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND
                      homeward participant plan remove KZ-2019-0417 --pause 3
                    """)
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var subject: CaseNumberArgument
            @Option(help: "The requirement whose plan goes (the programme's rate applies again).") var requirement: String?
            @Option(help: "Id of a pause (from plan list).") var pause: Int?

            func validate() throws {
                if (requirement == nil) == (pause == nil) { throw ValidationError("give either --requirement PATH or --pause ID") }
            }

            func run() throws {
                let record = try subject.code(field: "case_number")
                let store = try connection.store(for: Self.self)
                if let pause {
                    try store.removePause(caseNumber: record, id: pause)
                    Log.info("pause \(pause) of \(record) removed")
                } else if let requirement {
                    let path = try RequirementPath.parse(requirement, field: "requirement")
                    try store.removePlan(caseNumber: record, requirement: path)
                    Log.info("individual plan of \(record) for \(path) removed")
                }
            }
        }
    }

    /// `homeward participant busy …`: court hearings, medical appointments and other one-off busy times.
    struct BusyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "busy",
            abstract: "Times a participant cannot attend (court hearings, medical appointments): the scheduler and bookings keep clear.",
            subcommands: [Add.self, List.self, Remove.self], defaultSubcommand: Add.self)

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record a busy time, in the local time of the participant's centre; prints its id.",
                discussion: """
                    Example:
                      homeward participant busy KZ-2019-0417 --from "2026-12-08 10:00" --to "2026-12-08 13:00" --kind court --note "hearing, Aktau city court"
                    """)
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var subject: CaseNumberArgument
            @Option(help: "Local start: \"YYYY-MM-DD HH:MM\".") var from: String
            @Option(help: "Local end: \"YYYY-MM-DD HH:MM\".") var to: String
            @Option(help: "court, medical or other.") var kind: BusyKind
            @Option(help: "What it is.") var note: String?

            func run() throws {
                let record = try subject.code(field: "case_number")
                let start = try LocalDateTime.parse(from, field: "from")
                let end = try LocalDateTime.parse(to, field: "to")
                let text = try note.map { try Rules.required($0, field: "note", record: record, maxLength: Rules.maxTextLength) }
                let id = try connection.store(for: Self.self).addBusyTime(caseNumber: record, from: start, to: end, kind: kind, note: text)
                Printer.write("\(id)\n")
                Log.info("\(record) is busy (\(kind.displayName)) from \(start) to \(end) local")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a participant's busy times (from a day on, or all).",
                discussion: "Example:\n  homeward participant busy list KZ-2019-0417 --from 2026-12-01")
            @OptionGroup var read: ReadOptions
            @OptionGroup var subject: CaseNumberArgument
            @Option(help: "Only those ending after this day.") var from: LocalDate?

            func run() throws {
                let record = try subject.code(field: "case_number")
                try read.list(for: Self.self) { try $0.busyTimes(caseNumber: record, from: from) }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove one busy time of a participant.",
                discussion: "Example:\n  homeward participant busy remove KZ-2019-0417 --id 4")
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var subject: CaseNumberArgument
            @Option(help: "Id of the busy time (from busy list).") var id: Int

            func run() throws {
                let record = try subject.code(field: "case_number")
                try connection.store(for: Self.self).removeBusyTime(caseNumber: record, id: id)
                Log.info("busy time \(id) of \(record) removed")
            }
        }
    }

    struct Readmit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-admit someone who left or was discharged: a new placement at your centre from a day.",
            discussion: """
                Someone still placed at another centre is not re-admitted: the message names that centre, whose \
                coordinator transfers them. Enrol them again with `homeward enrolment add`.

                Example:
                  homeward participant readmit KZ-2019-0417 --centre AKT-RC --from 2026-12-07 --reason "returned after release"
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var subject: CaseNumberArgument
        @Option(help: "Centre code of the new placement (one you coordinate).") var centre: String
        @Option(help: "First day of the new placement.") var from: LocalDate
        @Option(help: "Why, noted on the placement.") var reason: String?

        func run() throws {
            let record = try subject.code(field: "case_number")
            let centreCode = try Rules.code(centre, field: "centre", record: record)
            let why = try reason.map { try Rules.required($0, field: "reason", record: record, maxLength: Rules.maxTextLength) }
            let previous = try connection.store(for: Self.self).readmitParticipant(caseNumber: record, centreCode: centreCode, from: from, reason: why)
            Log.info("re-admitted \(record) at \(centreCode) from \(from) (was \(previous.previousStatus)"
                + (previous.previousCentre.map { ", last placed at \($0)" } ?? "") + ")")
        }
    }
}

/// `participant plan list --format json`: the plans and the pauses.
struct PlanListing: Encodable {
    var plans: [IndividualPlan]
    var pauses: [PlanPause]
}

extension IndividualPlan: TabularRecord {
    static let columns = ["requirement", "per_week", "programme_per_week", "staff", "language", "reason"]
    var cells: [String?] {
        [requirement, sessionsPerWeek.map { String($0) }, String(programmeSessionsPerWeek), preferredStaff, preferredLanguage, reason]
    }
}

extension PlanPause: TabularRecord {
    static let columns = ["id", "requirement", "from", "to", "reason"]
    var cells: [String?] { [String(id), requirement, firstDay.description, lastDay.description, reason] }
}

extension BusyTime: TabularRecord {
    static let columns = ["id", "case", "from", "to", "kind", "note"]
    var cells: [String?] { [String(id), caseNumber, LocalTime.text(start), LocalTime.text(end), kind.displayName, note] }
}
