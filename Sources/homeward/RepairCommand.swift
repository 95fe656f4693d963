import ArgumentParser
import Foundation
import Homeward
import HomewardStore

extension ScheduleCommand {
    /// `homeward schedule repair`: re-place the planned sessions a disruption made impossible.
    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-place planned sessions that leave, sickness, a departure, a closure or a move made impossible.",
            discussion: """
                Finds planned sessions from now on that break a rule a disruption causes (staff on leave or sick, staff who \
                left the programme, a closed room or centre, changed hours or availability, a participant placed elsewhere) \
                and re-places each with the scheduler's own engine and as little change as it can: the same day first, then \
                the same week; the same staff member where possible, else another qualified one; the same room where \
                possible. It acts inside the freeze window too, never before the database's now. The old session is marked \
                rescheduled with the reason `repair: …` and its replacement booked in the same transaction; a session that \
                finds no place is cancelled with the reason, so that tonight's run plans its requirement again. `nightly` \
                runs this first.

                Exit status: 0 nothing broken, or everything re-placed; 3 some sessions could not be re-placed (listed); \
                75 another schedule run holds the lock; 65/69/1 as for every command.

                Examples:
                  homeward schedule repair --dry-run
                  homeward schedule repair --centre AKT-RC --from 2026-12-14 --days 7
                  homeward schedule repair --format json
                """)

        @OptionGroup var read: ReadOptions
        @Option(help: "First day whose sessions are repaired (default: today in the planning time zone).") var from: LocalDate?
        @Option(help: "How many days.") var days: Int = 14
        @Option(help: "Only this centre.") var centre: Code?
        @Flag(help: "Find and re-place, print what would change; write nothing.") var dryRun = false
        @OptionGroup var settingsFile: SettingsOptions

        func validate() throws {
            guard (1...62).contains(days) else { throw ValidationError("--days must be between 1 and 62") }
        }

        func run() throws {
            let file = try settingsFile.load()
            let store = try read.connection.store(for: Self.self, timeouts: file.database.nightly)
            let outcome = try Self.repair(store: store, request: RepairRequest(
                from: try from ?? store.today(), days: days, centreCode: centre?.value), settings: file.scheduling, dryRun: dryRun)
            Self.print(outcome, format: read.format)
            if !outcome.unrepaired.isEmpty { throw ExitCode(ExitStatus.unplacedDemand.rawValue) }
        }

        /// Runs the repair, turning its failures into the CLI's exit statuses.
        static func repair(store: Store, request: RepairRequest, settings: SchedulingSettings, dryRun: Bool) throws -> RepairOutcome {
            do {
                return try RepairJob.run(store: store, request: request, settings: settings, dryRun: dryRun)
            } catch let failure as ScheduleJob.Failure {
                switch failure {
                case .busy: throw CommandFailure(failure.description, status: .busy)
                case .brokeHardRules: throw CommandFailure(failure.description, status: .failure)
                }
            }
        }

        /// The moves and the sessions not re-placed: two tables, or one JSON object, or CSV rows of both.
        static func print(_ outcome: RepairOutcome, format: OutputFormat) {
            if format == .json { return Printer.json(outcome) }
            var table = TextTable(columns: ["session", "outcome", "centre", "participants", "from", "staff", "room", "to",
                                            "new_staff", "new_room", "new_session", "why"])
            for move in outcome.moved {
                table.append([String(move.oldSessionID), outcome.dryRun ? "would move" : "moved", move.centreCode,
                              move.caseNumbers.joined(separator: ","), move.oldStart.description, move.oldStaff.joined(separator: ","),
                              move.oldRoom, move.newStart.description, move.newStaff.joined(separator: ","), move.newRoom,
                              move.newSessionID.map(String.init), move.cause])
            }
            for failure in outcome.unrepaired {
                table.append([String(failure.sessionID), outcome.dryRun ? "would cancel" : "cancelled", failure.centreCode,
                              failure.caseNumbers.joined(separator: ","), failure.start.description, failure.staff.joined(separator: ","),
                              failure.room, nil, nil, nil, nil, "\(failure.cause); not re-placed (\(failure.reason)): \(failure.detail)"])
            }
            if format == .csv || outcome.broken > 0 { table.print(format) }
            if format == .table { Printer.write(summaryLine(outcome) + "\n") }
        }

        /// `repair: 5 broken, 4 moved, 1 cancelled (not re-placed)`.
        static func summaryLine(_ outcome: RepairOutcome) -> String {
            "repair: \(outcome.broken) broken session(s), \(outcome.moved.count) \(outcome.dryRun ? "would be " : "")moved, "
                + "\(outcome.unrepaired.count) \(outcome.dryRun ? "would be " : "")cancelled (not re-placed)"
        }
    }
}

/// The planned sessions a change breaks, printed by the commands that record leave, departures and closures.
enum AffectedSessions {
    /// Prints the sessions from `from` for `days` days (at those centres, or all) that the change made impossible, with
    /// why, and what to do.
    static func print(_ store: Store, from: LocalDate, days: Int, centreCodes: [String] = [], format: OutputFormat) throws {
        let broken = try store.brokenSessions(from: from, days: Swift.max(1, Swift.min(days, 366)),
                                              centreCode: centreCodes.count == 1 ? centreCodes[0] : nil)
            .filter { centreCodes.isEmpty || centreCodes.contains($0.summary.session.centreCode) }
        if format == .json { return Printer.json(broken) }
        if broken.isEmpty {
            if format == .table { Printer.write("no planned session is affected\n") }
            return
        }
        TextTable(columns: ["id", "starts", "centre", "room", "type", "staff", "participants", "why"], rows: broken.map {
            let s = $0.summary.session
            return [String(s.id), $0.summary.localStart.description, s.centreCode, s.roomCode, s.type.displayName,
                    s.staffCodes.joined(separator: ","), s.caseNumbers.joined(separator: ","), $0.details.joined(separator: "; ")]
        }).print(format)
        if format == .table {
            Printer.write("\(broken.count) planned session(s) affected: `homeward schedule repair` re-places them now; tonight's nightly does it too\n")
        }
    }
}

extension Closure: TabularRecord {
    static let columns = ["id", "centre", "room", "from", "to", "reason", "recorded_by"]
    var cells: [String?] { [String(id), centreCode, roomCode, firstDay.description, lastDay.description, reason, recordedBy] }
}
