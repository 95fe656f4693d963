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
        let solution: Solution
        public var summary: ScheduleRunSummary

        /// The sessions the plan adds, earliest first (then by room): what a dry run shows.
        public var proposedSessions: [ProposedSession] {
            let slot = Double(problem.instance.horizon.slotMinutes * 60)
            return solution.sessions.sorted { ($0.start, $0.roomId) < ($1.start, $1.roomId) }.map {
                ProposedSession(
                    start: problem.horizonStart.addingTimeInterval(Double($0.start) * slot), centreCode: $0.centreId,
                    roomCode: $0.roomId, staffCode: $0.staffId, caseNumbers: $0.participantIds, sessionType: $0.sessionType)
            }
        }

        /// True when the wall-clock safety cap, not the work budget, stopped the search: the plan then depends on the
        /// machine's speed.
        public var stoppedByTimeCap: Bool { solution.stats.stopReason == .timeCap }

        /// Improvement iterations the search ran (the work `scheduling.budget_iterations` counts).
        public var iterations: Int { solution.stats.iterations }

        /// True when the run only retried demand the run before could not place, nothing changed since (`RerunFingerprint`):
        /// it was planned without the improvement budget.
        public var retriedKnownGapsOnly = false

        /// How long each phase of the first run took, in milliseconds (read the instance, solve and check, write).
        public var phaseMilliseconds: (read: Int, solve: Int, write: Int) = (0, 0, 0)

        /// How long the first write waited in `beforeCommit` before its COMMIT, in milliseconds.
        public var waitedBeforeCommitMilliseconds = 0
    }

    /// One session a plan adds, in the store's words.
    public struct ProposedSession: Sendable, Equatable {
        public var start: Date
        public var centreCode: String
        public var roomCode: String
        public var staffCode: String
        public var caseNumbers: [String]
        /// The session type as stored (`individual_counselling`).
        public var sessionType: String
    }

    /// Runs the job. The advisory lock is held for the connection's life (released when it closes, even if killed);
    /// the write is one transaction, so a run stopped at any point leaves the database as it was. `inspect` sees the
    /// problem once read; `beforeWrite` runs once the plan is solved, before anything is written, and `beforeCommit` once
    /// the first write is done, before its COMMIT (the nightly evaluates its flags on another connection in between, while
    /// the server writes; what either throws stops the run with nothing written).
    public static func run(
        store: Store, request: ScheduleRequest, settings: SchedulingSettings, dryRun: Bool,
        inspect: (SchedulingProblem) throws -> Void = { _ in }, beforeWrite: () throws -> Void = {},
        beforeCommit: () throws -> Void = {}
    ) throws -> Outcome {
        // The run's start is the database's moment (the one clock); its duration is measured here, on a monotonic clock.
        let started = try store.now()
        let clock = ContinuousClock.now
        try store.requireNamed(centre: request.centreCode)
        guard try store.tryScheduleLock() else { throw Failure.busy }
        defer { try? store.releaseScheduleLock() }
        let problem = try store.schedulingProblem(request, settings: settings)
        let read = ContinuousClock.now
        try inspect(problem)
        let inspected = ContinuousClock.now
        // A rerun with nothing new retries only what the run before could not place against the same supply: planned
        // without the improvement budget (construction and diagnosis), since that search just found nothing for it.
        let knownGaps = try !problem.instance.demands.isEmpty && store.isRerunOfLastRun(problem.instance, request: request)
        var solved = problem
        if knownGaps { solved.instance.budget.maxIterations = 0 }
        let solution = solveSideBySide(solved.instance)
        // The independent checker runs on a thread of its own while the write works on the server; the write's
        // transaction waits for it before COMMIT, so a plan that breaks a hard rule is never committed.
        let check = PlanCheck.start(solution, of: problem.instance)
        if dryRun { try check.requireNoViolations() }
        let solvedAt = ContinuousClock.now
        try beforeWrite()
        let writeStarts = ContinuousClock.now
        var waited = Duration.zero
        let milliseconds = Int((ContinuousClock.now - clock) / .milliseconds(1))
        let summary: ScheduleRunSummary
        if dryRun {
            summary = ScheduleRunSummary(
                runID: nil, from: request.from, days: request.days, demand: problem.instance.demands.count,
                placed: problem.instance.demands.count - solution.unplaced.count, unplaced: solution.unplaced.count,
                sessionsCreated: solution.sessions.count, durationMilliseconds: milliseconds, seatsJoined: solution.joins.count)
        } else {
            summary = try replanningConflicts(
                store: store, request: request, settings: settings, startedAt: started, clock: clock,
                first: try store.saveSchedule(problem, solution, request: request, startedAt: started, durationMilliseconds: milliseconds,
                                              beforeCommit: {
                    try check.requireNoViolations()
                    let waiting = ContinuousClock.now
                    defer { waited = ContinuousClock.now - waiting }
                    try beforeCommit()
                }))
        }
        var outcome = Outcome(problem: problem, solution: solution, summary: summary)
        outcome.retriedKnownGapsOnly = knownGaps
        func ms(_ duration: Duration) -> Int { Int(duration / .milliseconds(1)) }
        outcome.phaseMilliseconds = (ms(read - clock), ms(solvedAt - inspected), ms(ContinuousClock.now - writeStarts))
        outcome.waitedBeforeCommitMilliseconds = ms(waited)
        return outcome
    }

    /// Solves, and re-checks the plan with the independent checker: a plan that breaks a hard rule is never written.
    static func solveChecked(_ problem: SchedulingProblem) throws -> Solution {
        let solution = solveSideBySide(problem.instance)
        try PlanCheck.start(solution, of: problem.instance).requireNoViolations()
        return solution
    }

    /// `Scheduler.solve`, with the independent parts (`Scheduler.parts(of:)`: centres that share nobody) of an instance
    /// of `splitFromUnits` demand units or more solved side by side on the machine's cores, largest first: the same
    /// plan, sooner.
    static func solveSideBySide(_ instance: Instance, splitFromUnits: Int = Scheduler.splitFromUnits) -> Solution {
        @Sendable func milliseconds(since start: ContinuousClock.Instant) -> Int { Int((ContinuousClock.now - start) / .milliseconds(1)) }
        let started = ContinuousClock.now
        let parts = Scheduler.plannedParts(of: instance, splitFromUnits: splitFromUnits)
        guard parts.count > 1 else { return Scheduler.solveWhole(instance, budget: nil, elapsedMilliseconds: { milliseconds(since: started) }) }
        let largestFirst = parts.indices.sorted { (parts[$0].demands.count, $1) > (parts[$1].demands.count, $0) }
        final class Plans: @unchecked Sendable {
            let lock = NSLock()
            var plans: [Solution?]
            init(_ count: Int) { plans = Array(repeating: nil, count: count) }
        }
        let plans = Plans(parts.count)
        DispatchQueue.concurrentPerform(iterations: parts.count) { turn in
            let k = largestFirst[turn]
            // each part timed from its own start, as Scheduler.solve times it
            let partStart = ContinuousClock.now
            let plan = Scheduler.solvePart(parts[k], elapsedMilliseconds: { milliseconds(since: partStart) })
            plans.lock.withLock { plans.plans[k] = plan }
        }
        return Scheduler.combine(plans.plans.map { $0! }, of: instance, totalMilliseconds: milliseconds(since: started))
    }

    /// The independent checker (`Solution.violations(of:)`) of one plan, run on a thread of its own from `start`.
    struct PlanCheck {
        private let violations: Alongside<[Violation]>

        static func start(_ solution: Solution, of instance: Instance) -> PlanCheck {
            PlanCheck(violations: Alongside(name: "homeward plan check") { solution.violations(of: instance) })
        }

        /// Waits for the check; throws `Failure.brokeHardRules` when the plan breaks a hard rule.
        func requireNoViolations() throws {
            let found = try violations.value()
            guard found.isEmpty else { throw Failure.brokeHardRules(found) }
        }
    }

    /// How many times a run plans again the demand that bookings made meanwhile kept it from writing.
    public static let conflictReplans = 2

    /// When bookings committed during the write took the place of some sessions (`conflict_with_booking`), the demand
    /// they served is planned again at once against fresh supply (what is booked now), as a run of its own, under the
    /// same lock, at most `conflictReplans` times. The summary is the night's: the first run's demand, every session
    /// written, and what is still unplaced after the last run.
    static func replanningConflicts(
        store: Store, request: ScheduleRequest, settings: SchedulingSettings, startedAt: Date, clock: ContinuousClock.Instant,
        first: ScheduleRunSummary
    ) throws -> ScheduleRunSummary {
        var night = first
        var last = first
        var replans = 0
        while last.sessionsRefused + last.seatsRefused > 0, replans < conflictReplans {
            replans += 1
            let problem = try store.schedulingProblem(request, settings: settings)
            let solution = try solveChecked(problem)
            let milliseconds = Int((ContinuousClock.now - clock) / .milliseconds(1))
            last = try store.saveSchedule(problem, solution, request: request, startedAt: startedAt, durationMilliseconds: milliseconds)
            night.runID = last.runID
            night.sessionsCreated += last.sessionsCreated
            night.seatsJoined += last.seatsJoined
            night.sessionsRefused += last.sessionsRefused
            night.seatsRefused += last.seatsRefused
            night.unplaced = last.unplaced
            night.placed = night.demand - last.unplaced
            night.durationMilliseconds = milliseconds
            night.replans = replans
        }
        return night
    }
}
