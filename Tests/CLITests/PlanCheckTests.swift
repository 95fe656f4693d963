import Foundation
import Homeward
@testable import HomewardStore
import Postgres
import Scheduler
import TestSupport
import Testing

/// The solve and check around the write: the independent parts of an instance are solved side by side with the plan
/// they make one after the other; the independent checker of a plan runs on its own thread while the write works on the
/// server, and the write's transaction waits for it before COMMIT: a plan that breaks a hard rule is never committed.
@Suite struct PlanCheckTests {
    private static func problem(_ store: Store) throws -> SchedulingProblem {
        var settings = SchedulingSettings()
        settings.budgetIterations = 2_000
        return try store.schedulingProblem(
            ScheduleRequest(from: try #require(LocalDate(ScheduleFixture.from)), days: 7), settings: settings)
    }

    /// The job solves the independent parts side by side; the plan is the one `Scheduler.solveInParts` makes part after
    /// part. (The fixture is far below `splitFromUnits`, which the job is told to ignore here.)
    @Test func partsSolvedSideBySideMakeThePlanSolvedPartAfterPart() throws {
        try ScheduleFixture.withWorld { database in
            let problem = try Self.problem(Store(connection: try database.connect()))
            #expect(Scheduler.parts(of: problem.instance).count == 2, "AKT-RC and ALM-NGO share nobody")
            let sideBySide = ScheduleJob.solveSideBySide(problem.instance, splitFromUnits: 0)
            let oneByOne = Scheduler.solveInParts(problem.instance, budget: nil, elapsedMilliseconds: { 0 })
            #expect(sideBySide.sessions == oneByOne.sessions && sideBySide.unplaced == oneByOne.unplaced)
            #expect(sideBySide.score == oneByOne.score && sideBySide.stats.iterations == oneByOne.stats.iterations)
            #expect(sideBySide.violations(of: problem.instance).isEmpty && !sideBySide.sessions.isEmpty)
        }
    }

    @Test func aPlanThatBreaksAHardRuleIsFoundAndNothingOfItIsCommitted() throws {
        try ScheduleFixture.withWorld { database in
            let connection = try database.connect()
            let store = Store(connection: connection)
            let problem = try Self.problem(store)
            let solution = Scheduler.solve(problem.instance)
            let first = try #require(solution.sessions.first)
            #expect(solution.sessions.count > 10)
            try ScheduleJob.PlanCheck.start(solution, of: problem.instance).requireNoViolations()

            // The same session twice: its staff, room and participants booked twice at once.
            var broken = solution
            broken.sessions.append(first)
            let check = ScheduleJob.PlanCheck.start(broken, of: problem.instance)
            #expect(throws: ScheduleJob.Failure.self) { try check.requireNoViolations() }
            // The write of the plan the check refuses: written, then rolled back at the check, before COMMIT.
            #expect(throws: ScheduleJob.Failure.self) {
                try store.saveSchedule(problem, solution, request: ScheduleRequest(from: try #require(LocalDate(ScheduleFixture.from)), days: 7),
                                       startedAt: Date(), durationMilliseconds: 1, beforeCommit: check.requireNoViolations)
            }
            #expect(try connection.query("SELECT count(*)::int FROM homeward.schedule_runs").scalar(Int.self) == 0)
            #expect(try connection.query("SELECT count(*)::int FROM homeward.sessions").scalar(Int.self) == 0)
            #expect(!connection.isInTransaction)
        }
    }
}
