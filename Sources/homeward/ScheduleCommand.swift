import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward schedule …`: the nightly scheduler and views of the schedule.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Generate the schedule (the nightly job) and look at it.",
        subcommands: [Generate.self, Repair.self, Show.self, Gaps.self, Explain.self, Export.self, Runs.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place the programme's required sessions with staff, rooms and times (run nightly from cron).",
            discussion: """
                Reads demand (each active enrolment's weekly requirements minus sessions already planned or held), staff \
                availability, rooms and calendars in a few set-based queries, solves, and writes the new sessions in ONE \
                transaction with a schedule_runs record. Existing sessions are never moved; a second run adds nothing. \
                Only one run at a time: a concurrent run exits at once with status 75. A session a booking made meanwhile \
                took the place of is not written (conflict_with_booking) and its demand is planned again at once; the \
                rest of the night is written.

                Exit status: 0 all demand placed; 3 some demand could not be placed (see `homeward schedule gaps`); \
                75 another run holds the lock; 65/69/1 as for every command.

                Examples:
                  homeward schedule generate --days 14 --quiet            # the nightly cron line
                  homeward schedule generate --from 2026-11-30 --days 7 --centre AKT-RC --dry-run
                  homeward schedule generate --days 14 --export-instance /tmp/instance.json --dry-run
                """)

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "First day to plan (default: today in the planning time zone).") var from: LocalDate?
        @Option(help: "How many days to plan.") var days: Int = 14
        @Option(help: "Only this centre.") var centre: Code?
        @Option(help: "Days from --from that are never changed (default: scheduling.freeze_days of the settings file).") var freezeDays: Int?
        @Flag(help: "Solve and print what would be added; write nothing.") var dryRun = false
        @Option(help: "Write the scheduling instance as JSON to this file (reproduce a problem without the database).")
        var exportInstance: String?
        @OptionGroup var settingsFile: SettingsOptions
        @Flag(help: "Print nothing on success.") var quiet = false

        func validate() throws {
            guard (1...62).contains(days) else { throw ValidationError("--days must be between 1 and 62") }
            if let freezeDays, freezeDays < 0 { throw ValidationError("--freeze-days cannot be negative") }
        }

        func run() throws {
            let file = try settingsFile.load()
            let settings = file.scheduling
            let store = try connection.store(for: Self.self, timeouts: file.database.nightly)
            let request = ScheduleRequest(
                from: try from ?? store.today(), days: days, centreCode: centre?.value,
                freezeDays: freezeDays ?? settings.freezeDays)
            let outcome = try ScheduleCommand.runJob(store: store, request: request, settings: settings, dryRun: dryRun,
                                                     exportInstance: exportInstance)
            if dryRun, !quiet {
                TextTable(
                    columns: ["start", "centre", "room", "staff", "participants", "type"],
                    rows: outcome.proposedSessions.map {
                        [LocalTime.text($0.start), $0.centreCode, $0.roomCode, $0.staffCode, $0.caseNumbers.joined(separator: ","),
                         $0.sessionType]
                    }).print(.table)
            }
            let summary = outcome.summary
            if !quiet || summary.unplaced > 0 { print(ScheduleCommand.summaryLine(summary, dryRun: dryRun)) }
            if summary.unplaced > 0 { throw ExitCode(ExitStatus.unplacedDemand.rawValue) }
        }
    }
}

extension ScheduleCommand {
    /// Runs the shared job, turning its failures into the CLI's exit statuses.
    static func runJob(
        store: Store, request: ScheduleRequest, settings: SchedulingSettings, dryRun: Bool, exportInstance: String?,
        beforeWrite: () throws -> Void = {}, beforeCommit: () throws -> Void = {}
    ) throws -> ScheduleJob.Outcome {
        do {
            let outcome = try ScheduleJob.run(store: store, request: request, settings: settings, dryRun: dryRun, inspect: { problem in
                if let exportInstance {
                    try problem.instanceJSON().write(to: URL(fileURLWithPath: exportInstance))
                    Log.info("wrote the scheduling instance to \(exportInstance)")
                }
                if Log.isInteractive { Log.info("solving \(problem.demandCount) session units…") }
            }, beforeWrite: beforeWrite, beforeCommit: beforeCommit)
            let phases = outcome.phaseMilliseconds
            Log.debug("schedule phases: read \(phases.read) ms, solve \(phases.solve) ms, write \(phases.write) ms"
                      + (outcome.retriedKnownGapsOnly ? " (only the demand the run before left unplaced, nothing changed: no search)" : ""))
            if outcome.stoppedByTimeCap {
                Log.warning("the safety cap of \(settings.budgetMilliseconds) ms stopped the search before its work budget "
                            + "(\(outcome.iterations) of \(settings.budgetIterations) iterations): this plan depends on the "
                            + "machine's speed; lower scheduling.budget_iterations or raise budget_milliseconds")
            }
            return outcome
        } catch let failure as ScheduleJob.Failure {
            switch failure {
            case .busy: throw CommandFailure(failure.description, status: .busy)
            case .brokeHardRules: throw CommandFailure(failure.description, status: .failure)
            }
        }
    }

    /// The one-line summary cron mails when something needs attention.
    static func summaryLine(_ summary: ScheduleRunSummary, dryRun: Bool) -> String {
        let run = summary.runID.map { "run \($0)" } ?? "dry run, nothing written"
        return "schedule \(summary.from) +\(summary.days)d: demand \(summary.demand), placed \(summary.placed), unplaced \(summary.unplaced), "
            + "\(summary.sessionsCreated) sessions \(dryRun ? "would be " : "")created"
            + (summary.seatsJoined > 0 ? ", \(summary.seatsJoined) seat(s) \(dryRun ? "would be " : "")taken in groups that already meet" : "")
            + (summary.sessionsRefused + summary.seatsRefused > 0
                ? "; \(summary.sessionsRefused) session(s) and \(summary.seatsRefused) seat(s) not written: bookings made meanwhile "
                    + "took their place (conflict_with_booking)"
                    + (summary.replans > 0 ? ", their demand planned again against them (\(summary.replans) more run(s))" : "") : "")
            + " (\(run), \(summary.durationMilliseconds) ms)"
    }


    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a week of the schedule: a centre's grid by day and room, or one staff member's or participant's week.",
            discussion: """
                Examples:
                  homeward schedule show --centre AKT-RC --week 2026-W49
                  homeward schedule show --staff ST-001
                  homeward schedule show --participant KZ-2025-0001 --format csv
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Centre code: prints a grid per day, rooms across.") var centre: Code?
        @Option(help: "Staff code: that staff member's sessions.") var staff: Code?
        @Option(help: "Case number: that participant's sessions.") var participant: Code?
        @OptionGroup var week: WeekOption

        func validate() throws {
            if [centre, staff, participant].compactMap({ $0 }).count != 1 {
                throw ValidationError("give exactly one of --centre, --staff or --participant")
            }
        }

        func run() throws {
            let store = try read.store(for: Self.self)
            let monday = try week.monday(store)
            let sessions = try store.sessions(SessionFilter(
                centreCode: centre?.value, from: monday, to: monday.adding(days: 6), staffCode: staff?.value,
                caseNumber: participant?.value)).filter { $0.session.status != .rescheduled }
            if read.format == .json { return Printer.json(sessions) }
            guard let centre, read.format == .table else {
                return TextTable(
                    columns: ["session", "day", "start", "end", "centre", "room", "type", "staff", "participants", "status"],
                    rows: sessions.map { summary in
                        let s = summary.session
                        return [String(s.id), summary.localStart.date.description, summary.localStart.time.description,
                                summary.localEnd.time.description, s.centreCode, s.roomCode, s.type.displayName,
                                s.staffCodes.joined(separator: ","), s.caseNumbers.joined(separator: ","), s.status.rawValue]
                    }).print(read.format)
            }
            Printer.write("\(centre.value) — week \(monday.isoWeek) (\(monday) to \(monday.adding(days: 6)))\n")
            // Rooms across, only those in use this week; each cell says what, with whom, and until when. When that grid is
            // wider than the terminal (100 columns when stdout is not one), each day is a list instead; --wide keeps the grid.
            let rooms = try store.rooms(centreCode: centre.value).map(\.code).filter { room in sessions.contains { $0.session.roomCode == room } }
            func cell(_ summary: SessionSummary) -> String {
                let s = summary.session
                let who = s.caseNumbers.count == 1 ? s.caseNumbers[0] : "\(s.caseNumbers.count) people"
                return "\(Self.short(s.type)) \(s.staffCodes.first ?? "?") \(who) –\(summary.localEnd.time)"
                    + (s.status == .cancelled ? " (cancelled)" : "")
            }
            let gridWidth = 5 + rooms.map { room in
                2 + sessions.filter { $0.session.roomCode == room }.map { cell($0).count }.reduce(room.count, max)
            }.reduce(0, +)
            let asGrid = TableWidth.limit.map { gridWidth <= $0 } ?? true
            for offset in 0..<7 {
                let day = monday.adding(days: offset)
                let today = sessions.filter { $0.localStart.date == day }
                guard !today.isEmpty else { continue }
                Printer.heading("\(WeeklyHours.weekdayNames[day.weekday]) \(day)")
                if asGrid {
                    let starts = Array(Set(today.map(\.localStart.time))).sorted()
                    Printer.table(["time"] + rooms, starts.map { start in
                        [start.description] + rooms.map { room in
                            today.first { $0.localStart.time == start && $0.session.roomCode == room }.map(cell)
                        }
                    })
                } else {
                    let ordered = today.sorted { ($0.localStart.time, $0.session.roomCode) < ($1.localStart.time, $1.session.roomCode) }
                    Printer.table(["time", "room", "kind", "staff", "participants", "session"], ordered.map { summary in
                        let s = summary.session
                        return ["\(summary.localStart.time)–\(summary.localEnd.time)", s.roomCode, Self.short(s.type),
                                s.staffCodes.joined(separator: ","),
                                s.caseNumbers.count <= 2 ? s.caseNumbers.joined(separator: ",") : "\(s.caseNumbers.count) people",
                                "\(s.id)\(s.status == .cancelled ? " cancelled" : "")"]
                    })
                }
            }
            if sessions.isEmpty {
                Printer.write("no sessions\n")
            } else {
                let kinds = Set(sessions.map(\.session.type)).sorted { Self.short($0) < Self.short($1) }
                // The legend, wrapped to the table's width.
                var legend = "", line = ""
                for entry in kinds.map({ "\(Self.short($0)) = \($0.displayName)" }) {
                    if !line.isEmpty, line.count + 2 + entry.count > (TableWidth.limit ?? 100) { legend += line + ",\n"; line = "" }
                    line += (line.isEmpty ? "" : ", ") + entry
                }
                Printer.write("\n" + legend + line + "\n")
            }
        }

        /// A short label for grid cells.
        static func short(_ type: SessionType) -> String {
            switch type {
            case .individualCounselling: "PSY"
            case .religiousConsultation: "REL"
            case .groupTheologyClass: "THEO"
            case .familySession: "FAM"
            case .paediatricPlayTherapy: "PLAY"
            case .artTherapy: "ART"
            case .prisonEducationLesson: "EDU"
            case .vocationalTraining: "VOC"
            case .socialWorkMeeting: "SOC"
            case .legalConsultation: "LAW"
            case .groupCounselling: "GRP"
            }
        }
    }

    struct Gaps: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the demand the latest scheduler run could not place, with the reason and the blocking constraint.",
            discussion: "Examples:\n  homeward schedule gaps\n  homeward schedule gaps --centre AKT-RC --format csv")
        @OptionGroup var read: ReadOptions
        @Option(help: "Only participants placed at this centre.") var centre: Code?

        func run() throws { try read.list(for: Self.self) { try $0.scheduleGaps(centreCode: centre?.value) } }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "For one participant and week: each requirement, what is booked and with whom, and why anything is missing.",
            discussion: "Example:\n  homeward schedule explain KZ-2025-0007 --week 2026-W49")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Case number.") var caseNumber: Code
        @OptionGroup var week: WeekOption

        func run() throws {
            let store = try read.store(for: Self.self)
            let weeks = try store.requirementWeeks(caseNumber: caseNumber.value, weekStart: week.monday(store))
            guard read.format == .table else { return Printer.list(weeks, format: read.format) }
            // The table says what is booked; each reason is then printed whole, since it is what the reader came for.
            Printer.table(["requirement", "type", "required", "planned", "held", "staff", "missing"], weeks.map { w in
                [w.requirement, w.sessionType.displayName, String(w.required), String(w.planned), String(w.held),
                 w.staffCodes.joined(separator: ","), w.unplacedReason]
            })
            let reasons = weeks.compactMap { w in w.unplacedReason.map { "\(w.requirement): \($0)" + (w.unplacedDetail.map { ": \($0)" } ?? "") } }
            if !reasons.isEmpty { Printer.write("\n" + reasons.map { $0.escapingControlCharacters() }.joined(separator: "\n") + "\n") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a staff member's sessions as an iCalendar file to subscribe to (case numbers only, no names).",
            discussion: "Example:\n  homeward schedule export --staff ST-001 --format ics > st-001.ics")
        enum Format: String, ExpressibleByArgument { case ics }
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Staff code.") var staff: Code
        @Option(help: "Export format.") var format: Format = .ics
        @Option(help: "First day (default: 7 days ago).") var from: LocalDate?
        @Option(help: "Days to include.") var days: Int = 42

        func run() throws {
            let store = try connection.store(for: Self.self)
            let start = try from ?? store.today().adding(days: -7)
            let sessions = try store.sessions(SessionFilter(from: start, to: start.adding(days: days - 1), staffCode: staff.value))
            Printer.write(SessionCalendar(name: "Homeward — \(staff.value)", sessions: sessions.map(\.session), generatedAt: try store.now()).render())
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recent scheduler runs: who, when, horizon, demand, placed, unplaced, duration.",
            discussion: "Example:\n  homeward schedule runs --limit 5")
        @OptionGroup var read: ReadOptions
        @Option(help: "How many runs.") var limit: Int = 20

        func run() throws { try read.list(for: Self.self) { try $0.scheduleRuns(limit: limit) } }
    }
}

extension ScheduleGap: TabularRecord {
    static let columns = ["run", "case", "centre", "requirement", "week", "sessions", "reason", "detail"]
    static let narrowColumns = ["case", "requirement", "week", "sessions", "reason", "detail"]
    var cells: [String?] { [String(runID), caseNumber, centreCode, requirement, weekStart.isoWeek, String(sessions), reason, detail] }
}

extension RequirementWeek: TabularRecord {
    static let columns = ["requirement", "type", "role", "required", "planned", "held", "staff", "why_missing"]
    var cells: [String?] {
        [requirement, sessionType.displayName, staffRole.displayName, String(required), String(planned), String(held),
         staffCodes.joined(separator: ","), unplacedReason.map { "\($0): \(unplacedDetail ?? "")" }]
    }
}

extension ScheduleRunRecord: TabularRecord {
    static let columns = ["run", "started_at", "by", "from", "days", "centre", "demand", "placed", "unplaced", "sessions", "ms",
                          "seed", "iterations", "stopped", "upper_bound"]
    var cells: [String?] {
        [String(id), DatabaseCommand.Status.timestamp(startedAt), runBy, horizonFrom.description, String(horizonDays), centreCode ?? "all",
         String(demand), String(placed), String(unplaced), String(sessionsCreated), String(durationMilliseconds),
         seed.text, iterations.text, stopReason, upperBound.text]
    }
}
