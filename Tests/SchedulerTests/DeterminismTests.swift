import Foundation
import Testing
import Scheduler

/// The budget is counted in work: the same input gives the same plan on any machine unless the wall-clock
/// safety cap cuts the run, and the search stops early once everything placeable is placed.
@Suite struct DeterminismTests {
    /// Stats with the machine-dependent milliseconds zeroed.
    static func workStats(_ s: Solution) -> SolveStats {
        var stats = s.stats
        stats.constructionMs = 0
        stats.totalMs = 0
        return stats
    }

    /// A budget of `n` iterations whose time cap is far out of reach, even of a slow simulated clock.
    static func workBudget(_ n: Int) -> Budget { Budget(maxIterations: n, maxMilliseconds: 1_000_000_000) }

    @Test(arguments: [8, 21, 40])
    func slowClockGivesTheSamePlan(seed: Int) {
        let inst = RandomInstances.make(seed: UInt64(seed), size: .medium)
        let budget = Self.workBudget(20_000)
        let normal = Scheduler.solve(inst, budget: budget)
        // A machine where every clock reading costs a millisecond.
        var now = 0
        let slow = Scheduler.solve(inst, budget: budget) {
            now += 1
            return now
        }
        #expect(normal.sessions == slow.sessions)
        #expect(normal.unplaced == slow.unplaced)
        #expect(normal.score == slow.score)
        #expect(Self.workStats(normal) == Self.workStats(slow))
        #expect(slow.stats.stopReason != .timeCap && !slow.stats.stoppedByTime)
        #expect(slow.violations(of: inst).isEmpty)
    }

    @Test func searchingInstanceIsReproducibleAndUsesItsBudget() {
        // Scarce supply, so the search has real work: the same plan twice, and a work budget, not time, ends it.
        let inst = RandomInstances.make(seed: 8, size: .medium)
        let a = Scheduler.solve(inst, budget: Self.workBudget(5_000))
        let b = Scheduler.solve(inst, budget: Self.workBudget(5_000))
        #expect(a.sessions == b.sessions && Self.workStats(a) == Self.workStats(b))
        #expect(a.stats.iterations <= 5_000)
        #expect(a.stats.stopReason != .timeCap)
    }

    @Test func hittingTheTimeCapIsRecorded() {
        let inst = RandomInstances.make(seed: 8, size: .medium)
        // The clock reads 0 during construction and jumps past the 5 ms cap a few iterations in.
        var reads = 0
        let s = Scheduler.solve(inst, budget: Budget(maxIterations: 1_000_000, maxMilliseconds: 5)) {
            reads += 1
            return reads < 5 ? 0 : 1_000
        }
        #expect(s.stats.upperBound > s.score.placed, "the instance must leave search work to cut")
        #expect(s.stats.stopReason == .timeCap)
        #expect(s.stats.stoppedByTime)
        #expect(s.stats.iterations < 10)
        #expect(s.violations(of: inst).isEmpty)
    }

    @Test func allPlaceableStopsEarly() {
        let people = (1...6).map { Fx.person("P\($0)") }
        let inst = Fx.instance(days: 2, participants: people, staff: [Fx.staff("S1"), Fx.staff("S2")],
                               rooms: [Fx.room("R1"), Fx.room("R2")],
                               demands: people.map { Fx.demand("D-\($0.id)", [$0.id], window: Fx.r(0, 192)) })
        let s = Scheduler.solve(inst, budget: .iterations(100_000))
        #expect(s.score.placed == 6)
        #expect(s.stats.upperBound == 6)
        #expect(s.stats.stopReason == .allPlaced)
        #expect(!s.stats.stoppedByTime)
        #expect(s.stats.iterations < 1_000)
        #expect(s.stats.restarts == 0)
        #expect(s.violations(of: inst).isEmpty)
    }

    @Test func unplaceableUnitsDoNotBurnTheBudget() {
        // Two Uzbek speakers no one can serve, one person with five sessions on two days at one a day, and a
        // group of one that can never reach its minimum of two; everything else fits.
        let ok = (1...4).map { Fx.person("P\($0)") }
        let uz = (1...2).map { Fx.person("U\($0)", langs: ["uz"]) }
        let busy = Fx.person("B1", maxPerDay: 1)
        let loner = Fx.person("G1")
        var demands = ok.map { Fx.demand("D-\($0.id)", [$0.id], window: Fx.r(0, 192)) }
        demands += uz.map { Fx.demand("D-\($0.id)", [$0.id], window: Fx.r(0, 192)) }
        demands += (1...5).map { Fx.demand("D-B1-\($0)", ["B1"], window: Fx.r(0, 192)) }
        demands.append(Fx.demand("D-G1", ["G1"], role: "religious_expert", mode: .group, type: "religious_group",
                                 kinds: ["group"], groupKey: "G", groupMin: 2, groupMax: 6))
        let inst = Fx.instance(days: 2, participants: ok + uz + [busy, loner],
                               staff: [Fx.staff("S1"), Fx.staff("S2"), Fx.staff("IMAM", roles: ["religious_expert"])],
                               rooms: [Fx.room("R1"), Fx.room("R2"), Fx.room("HALL", kind: "group", capacity: 8)],
                               demands: demands)
        let budget = 100_000
        let s = Scheduler.solve(inst, budget: .iterations(budget))
        #expect(s.stats.upperBound == 4 + 2)
        #expect(s.stats.upperBound < inst.demands.count)
        #expect(s.score.placed == s.stats.upperBound)
        #expect(s.stats.stopReason == .allPlaced)
        #expect(s.stats.iterations < budget / 100)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Set(s.unplaced.map(\.reason)).isSuperset(of: [.noStaffWithLanguage, .participantDailyLimit, .groupTooSmall]))
    }

    @Test func rerunWithManyUnplaceableIsFast() {
        // Like a rerun of a plan whose placeable demand fits: 200 units nobody can serve, 5 that fit at once.
        let people = (1...40).map { Fx.person("U\($0)", langs: ["uz"]) } + [Fx.person("P1")]
        let demands = people.flatMap { p in (1...5).map { Fx.demand("D-\(p.id)-\($0)", [p.id]) } }
        let inst = Fx.instance(participants: people, staff: [Fx.staff("S1")], rooms: [Fx.room("R1")], demands: demands)
        let s = Scheduler.solve(inst, budget: .iterations(200_000))
        #expect(s.stats.upperBound == 5)
        #expect(s.score.placed == 5)
        #expect(s.stats.stopReason == .allPlaced)
        #expect(s.stats.iterations < 1_000)
    }

    @Test(arguments: 1...30)
    func upperBoundBoundsEveryPlan(seed: Int) {
        let inst = RandomInstances.make(seed: UInt64(seed), size: seed % 3 == 0 ? .medium : .small)
        let s = Fx.solve(inst, iterations: 3_000)
        #expect(s.score.placed <= s.stats.upperBound)
        #expect(s.stats.upperBound <= inst.demands.count)
        #expect(s.stats.stoppedByTime == (s.stats.stopReason == .timeCap))
        #expect(s.stats.stopReason != .timeCap)
        if s.stats.stopReason == .allPlaced { #expect(s.score.placed == s.stats.upperBound) }
    }

    @Test func statsRoundTripAndOldStatsDecode() throws {
        let stats = SolveStats(constructionPlaced: 3, iterations: 40, improvements: 2, restarts: 1, constructionMs: 5,
                               totalMs: 9, stopReason: .iterations, upperBound: 7)
        let data = try JSONEncoder().encode(stats)
        #expect(try JSONDecoder().decode(SolveStats.self, from: data) == stats)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"stopReason\":\"iterations\"") && text.contains("\"stoppedByTime\":false"))
        let old = #"{"constructionPlaced": 1, "iterations": 2, "improvements": 0, "restarts": 0, "stoppedByTime": true, "constructionMs": 1, "totalMs": 2}"#
        let decoded = try JSONDecoder().decode(SolveStats.self, from: Data(old.utf8))
        #expect(decoded.stopReason == .timeCap && decoded.stoppedByTime && decoded.upperBound == 0)
        #expect(SolveStats(stoppedByTime: true).stopReason == .timeCap)
        #expect(SolveStats().stopReason == .converged)
    }
}
