import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward nightly`: the one command cron runs.
struct NightlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "The nightly job: mark unrecorded sessions, repair what disruptions broke, evaluate flags and generate the schedule.",
        discussion: """
            In that order, so tonight's flags see yesterday's paperwork and the repaired plan. The repair \
            (`homeward schedule repair` over the same days) re-places the planned sessions that leave, sickness, a departure \
            or a closure made impossible; what it cannot re-place is cancelled and planned again by the generation after it. \
            Staff whose day of leaving the programme has come are then marked inactive, and the audit trail gets its \
            monthly partitions three months ahead. The flags are evaluated on a second connection while the schedule is \
            written; the write's COMMIT waits for them, so they never see tonight's new plan. The whole job \
            holds the scheduler's lock: a run that finds another in progress does nothing at all. Each step is idempotent \
            and commits on its own: a rerun the same day changes no flag, and a run after a kill simply carries on. A rerun \
            with nothing new since the last complete run (the same day and settings, nothing written by anyone since it \
            ended, no session begun or ended) does nothing but check that, and exits 0. Prints \
            one summary line. --quiet prints nothing on success, nor when the only unplaced demand is what the run before \
            (last night's, or tonight's earlier one) also left unplaced: cron mails what is printed, so only news and \
            failures.

            Exit status: 0 all done, and no demand that could be served is newly unplaced; 3 demand that could be served \
            (not for want of a role, language, cleared staff, room kind or family) is newly unplaced since the run before \
            (see `homeward schedule gaps`); 75 another nightly or schedule run was in progress, so nothing was done; 78 a \
            bad settings file; 69 no database.

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
        // The lock first: a run that lost it must change nothing, not even the flags. The schedule job takes the same
        // (re-entrant) session lock again and releases its own hold; this one goes when the job is done.
        guard try store.tryScheduleLock() else { throw CommandFailure(ScheduleJob.Failure.busy.description, status: .busy) }
        defer { try? store.releaseScheduleLock() }

        var timings = PhaseTimings()
        // A rerun with nothing new (the same day and settings, nothing written by anyone since the last complete run
        // ended, no session begun or ended since): every step would find what that run left, so it stands.
        let fingerprint = Store.nightlySettingsFingerprint(settingsFile: settings.file, days: days)
        if let last = try store.nightlyUnchanged(settings: fingerprint) {
            timings.lap("check")
            LocalTime.adopt(from: store)
            if !quiet {
                print("nightly \(try store.today()): nothing changed since the run that ended at \(LocalTime.text(last.completedAt)), "
                      + "so nothing was done (0 sessions created, no flag changed); that run: " + last.summary)
            }
            timings.report(command: "nightly")
            return
        }
        // Taken before any step reads: a write another connection commits after it keeps this run from being recorded.
        let start = try store.nightlyStart()
        timings.lap("check")
        let unrecorded = try store.markUnrecordedSessions(graceDays: flagSettings.unrecordedGraceDays)
        timings.lap("mark")
        let repair = try ScheduleCommand.Repair.repair(
            store: store, request: RepairRequest(from: try store.today(), days: days), settings: scheduling, dryRun: false)
        timings.lap("repair")
        if (!quiet && repair.broken > 0) || !repair.unrepaired.isEmpty { print(ScheduleCommand.Repair.summaryLine(repair)) }
        try store.retireDepartedStaff()
        try store.ensureAuditPartitions()
        // The flags are evaluated on a connection of their own while this one writes the schedule (the server's other core
        // is idle while one writes); the write's COMMIT waits for them, so they see the repaired plan and not tonight's new
        // one, and a flag evaluation that fails rolls the write back: the night stops with nothing of the schedule written.
        var alongside: FlagsAlongside?
        defer { alongside?.wait() }
        let request = ScheduleRequest(
            from: try store.today(), days: days, freezeDays: scheduling.freezeDays)
        let outcome = try ScheduleCommand.runJob(
            store: store, request: request, settings: scheduling, dryRun: false, exportInstance: nil,
            beforeWrite: {
                alongside = FlagsAlongside.start(
                    conninfo: connection.conninfo, applicationName: CommandPath.of(Self.self), timeouts: settings.database.nightly,
                    policy: flagSettings.policy)
            },
            beforeCommit: { _ = try alongside?.result() })
        // (the job starts the flags before every write, and a job that returns has written)
        guard let flags = try alongside?.result() else { throw CommandFailure("the flags were not evaluated", status: .failure) }
        let summary = outcome.summary
        timings.lap("schedule")
        defer {
            timings.lap("summary")
            timings.report(command: "nightly", parts: [
                ("flags", alongside?.durationMilliseconds ?? 0), ("flags_wait", outcome.waitedBeforeCommitMilliseconds),
                ("read", outcome.phaseMilliseconds.read), ("solve", outcome.phaseMilliseconds.solve),
                ("write", outcome.phaseMilliseconds.write)])
        }

        let newlyUnplaced = try summary.runID.map { try store.newlyUnplacedRequirements(runID: $0) } ?? 0
        let line = "\(unrecorded) session(s) newly unrecorded; flags \(flags.opened) opened, "
            + "\(flags.reopened) re-opened, \(flags.resolved) resolved (open: \(flags.openUrgent) urgent, "
            + "\(flags.openConcern) concern, \(flags.openWatch) watch); "
            + ScheduleCommand.summaryLine(summary, dryRun: false)
            + (summary.unplaced > 0 ? "; \(newlyUnplaced) requirement(s) newly unplaced since the run before" : "")
        if !quiet || newlyUnplaced > 0 { print("nightly \(request.from): " + line) }
        // Cron-friendly: standing unplaceable demand (a standing not-served flag) and demand the run before also left
        // unplaced do not make every night exit 3.
        let newlyServable = try summary.runID.map {
            try store.newlyUnplacedRequirements(runID: $0, excludingReasons: FlagPolicy.Unplaced.unplaceableReasons)
        } ?? 0
        // Every step done: a rerun with nothing new may end after its check (and, like a full rerun, exits 0: the run
        // before it, this one, left the same demand unplaced).
        try store.nightlyCompleted(start, settings: fingerprint, summary: line, ownBackends: alongside?.backendPID.map { [$0] } ?? [])
        if newlyServable > 0 { throw ExitCode(ExitStatus.unplacedDemand.rawValue) }
    }
}
