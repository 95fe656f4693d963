import ArgumentParser
import Homeward
import HomewardStore

extension SessionCommand {
    /// `homeward session join SESSION --participant CASE`: a seat in a planned group session that has room.
    struct Join: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seat a participant in a planned group session that has room.",
            discussion: """
                The database's booking rules decide, as for `session add`: seats left (room capacity and the requirement's \
                group maximum), language, age band, hours, placement, school, daily limit, enrolment. Audited.

                Examples:
                  homeward session join 42 --participant KZ-2019-0417
                  homeward session join 42 --participant KZ-2019-0417 --override "interpreter present"
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Session id of the group session.") var id: Int
        @Option(help: "Case number of the participant to seat, e.g. KZ-2019-0417.") var participant: String
        @Option(help: ArgumentHelp(
            "Seat them although it breaks a planning rule (language, hours, availability, placement, school, daily limit, enrolment); say why. Set on the session, audited.",
            valueName: "reason")) var override: String?

        func validate() throws {
            if let override, override.trimmingSpaces().isEmpty { throw ValidationError("--override needs a reason") }
        }

        func run() throws {
            let caseNumber = try Rules.code(participant, field: "--participant")
            let store = try connection.store(for: Self.self)
            try store.joinSession(id: id, caseNumber: caseNumber, overrideReason: override?.trimmingSpaces())
            Log.info("seated \(caseNumber) in session \(id)" + (override == nil ? "" : ", overriding the planning rules"))
        }
    }

    /// `homeward session suggest CASE --requirement PATH`: the best feasible ways to book it, from the scheduler's engine.
    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the best feasible options to book a participant's requirement, ranked by the scheduler's soft score.",
            discussion: """
                Uses the nightly scheduler's own instance and rules: every option obeys them at the time asked, and the \
                ranking is the score the scheduler maximises (continuity, load balance, routine hours, spread over days, \
                mother and child not clashing). A group requirement is offered seats in the groups that already meet \
                (book with `session join`); others new sessions (book with `session add`). Below the options: how many \
                candidates (start and staff member, or group) each rule refused. Times are the centre's local time.

                Examples:
                  homeward session suggest KZ-2019-0417 --requirement WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND
                  homeward session suggest KZ-2019-0417 --requirement WOMEN-RESIDENTIAL/RESIDENTIAL/THEO-GRP --week 2026-W50 --format json
                """)
        @OptionGroup var read: ReadOptions
        @OptionGroup var settingsFile: SettingsOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "Programme requirement: PROGRAMME/PHASE/REQUIREMENT.") var requirement: String
        @OptionGroup var week: WeekOption
        @Option(help: "How many options to list.") var limit: Int = 10

        func validate() throws {
            guard (1...200).contains(limit) else { throw ValidationError("--limit must be between 1 and 200") }
        }

        func run() throws {
            let path = try RequirementPath.parse(requirement, field: "--requirement")
            let settings = try settingsFile.load()
            let store = try read.store(for: Self.self)
            let found = try store.suggestSessions(
                caseNumber: try participant.code(), requirement: path, weekStart: try week.monday(store), limit: limit,
                settings: settings.scheduling)
            switch read.format {
            case .json: Printer.json(found)
            case .csv: Printer.list(found.options, format: .csv)
            case .table:
                Printer.list(found.options, format: .table)
                if found.options.isEmpty { Printer.write("no feasible option for \(found.caseNumber) in week \(found.week)\n") }
                Printer.heading("Refused candidates (\(found.feasible) feasible in all)")
                Printer.table(["reason", "candidates"], found.refusals.map { [$0.reason, String($0.count)] })
                if let first = found.options.first {
                    Printer.heading("Book the first")
                    Printer.write(first.command(found) + "\n")
                }
            }
        }
    }
}

extension SessionOption: TabularRecord {
    static let columns = ["rank", "starts", "minutes", "centre", "room", "staff", "joins_session", "score"]
    var cells: [String?] {
        [String(rank), start.description, String(minutes), centreCode, roomCode, staffCodes.joined(separator: ","),
         joinsSession.map(String.init), String(score)]
    }

    /// The command that books this option.
    func command(_ found: SessionSuggestions) -> String {
        if let joinsSession { return "homeward session join \(joinsSession) --participant \(found.caseNumber)" }
        return "homeward session add --type \(found.sessionType.displayName) --centre \(centreCode) --room \(roomCode ?? "?") "
            + "--start \"\(start)\" --minutes \(minutes) " + staffCodes.map { "--staff \($0) " }.joined()
            + "--participant \(found.caseNumber) --requirement \(found.requirement)"
    }
}
