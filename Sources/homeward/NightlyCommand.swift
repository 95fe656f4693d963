import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward nightly`: the one command cron runs.
struct NightlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "The nightly job: mark unrecorded sessions, evaluate flags, then generate the schedule.",
        discussion: """
            In that order, so tonight's flags see yesterday's paperwork and the schedule sees tonight's flags. Each step is
            idempotent and commits on its own: a rerun (or a run after a kill) simply carries on. Prints one summary line;
            --quiet prints nothing unless demand is left unplaced.

            Exit status: 0 all done and all demand placed; 3 some demand could not be placed (see `homeward schedule gaps`);
            75 a schedule run was already in progress (the other steps still ran); 78 a bad settings file; 69 no database.

            Examples:
              homeward nightly --quiet                       # Config/cron/homeward.cron
              homeward nightly --days 14 --config /etc/homeward/settings.yaml
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var settingsFile: SettingsOptions
    @Option(help: "Days to plan, starting today (in the planning time zone).") var days: Int = 14
    @Flag(help: "Print nothing on success.") var quiet = false

    func validate() throws {
        guard (1...62).contains(days) else { throw ValidationError("--days must be between 1 and 62") }
    }

    func run() throws {
        let settings = try settingsFile.load()
        let flagSettings = settings.flags, scheduling = settings.scheduling
        let store = try connection.store(for: Self.self, timeouts: settings.database.nightly)

        let unrecorded = try store.markUnrecordedSessions(graceDays: flagSettings.unrecordedGraceDays)
        let flags = try store.evaluateFlags(policy: flagSettings.policy)
        let request = ScheduleRequest(
            from: try store.today(), days: days, freezeDays: scheduling.freezeDays)
        let outcome = try ScheduleCommand.runJob(store: store, request: request, settings: scheduling, dryRun: false, exportInstance: nil)
        let summary = outcome.summary

        if !quiet || summary.unplaced > 0 {
            print("nightly \(request.from): \(unrecorded) session(s) newly unrecorded; flags \(flags.opened) opened, "
                  + "\(flags.reopened) re-opened, \(flags.resolved) resolved (open: \(flags.openUrgent) urgent, "
                  + "\(flags.openConcern) concern, \(flags.openWatch) watch); "
                  + ScheduleCommand.summaryLine(summary, dryRun: false))
        }
        if summary.unplaced > 0 { throw ExitCode(ExitStatus.unplacedDemand.rawValue) }
    }
}
