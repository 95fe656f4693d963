import Foundation
import Homeward
import Scheduler

/// The nightly scheduling job, shared by `schedule generate` and `nightly`: lock, read, solve, verify, write.
public enum ScheduleJob {
    /// Why a run stopped without writing.
    public enum Failure: Error, CustomStringConvertible {
        /// Another run holds the advisory lock.
        case busy
        /// The scheduler's plan broke a hard rule (a bug): nothing was written.
        case brokeHardRules([Violation])

        public var description: String {
            switch self {
            case .busy: return "another schedule run is in progress (advisory lock held); nothing was done"
            case .brokeHardRules(let violations):
                return "the scheduler broke \(violations.count) hard rule(s), so nothing was written; first: "
                    + violations.prefix(3).map(\.detail).joined(separator: "; ")
            }
        }
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public var problem: SchedulingProblem
        public var solution: Solution
        public var summary: ScheduleRunSummary
    }

    /// Runs the job. The advisory lock is held for the connection's life (released when it closes, even if killed);
    /// the write is one transaction, so a run stopped at any point leaves the database as it was.
    public static func run(
        store: Store, request: ScheduleRequest, settings: SchedulingSettings, dryRun: Bool,
        inspect: (SchedulingProblem) throws -> Void = { _ in }
    ) throws -> Outcome {
        // The run's start is the database's moment (the one clock); its duration is measured here, on a monotonic clock.
        let started = try store.now()
        let clock = ContinuousClock.now
        try store.requireNamed(centre: request.centreCode)
        guard try store.tryScheduleLock() else { throw Failure.busy }
        defer { try? store.releaseScheduleLock() }
        let problem = try store.schedulingProblem(request, settings: settings)
        try inspect(problem)
        let solution = Scheduler.solve(problem.instance)
        let violations = solution.violations(of: problem.instance)
        guard violations.isEmpty else { throw Failure.brokeHardRules(violations) }
        let milliseconds = Int((ContinuousClock.now - clock) / .milliseconds(1))
        let summary: ScheduleRunSummary
        if dryRun {
            summary = ScheduleRunSummary(
                runID: nil, from: request.from, days: request.days, demand: problem.instance.demands.count,
                placed: problem.instance.demands.count - solution.unplaced.count, unplaced: solution.unplaced.count,
                sessionsCreated: solution.sessions.count, durationMilliseconds: milliseconds)
        } else {
            summary = try store.saveSchedule(problem, solution, request: request, startedAt: started, durationMilliseconds: milliseconds)
        }
        return Outcome(problem: problem, solution: solution, summary: summary)
    }
}
