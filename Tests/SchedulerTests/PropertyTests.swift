import Testing
import Scheduler

/// Random instances: the independent checker finds nothing, and every demand is accounted for exactly once.
@Suite struct PropertyTests {
    @Test(arguments: 1...50)
    func randomInstancesHaveNoViolations(seed: Int) {
        let inst = RandomInstances.make(seed: UInt64(seed), size: seed % 5 == 0 ? .medium : .small)
        let s = Fx.solve(inst, iterations: 500)
        let v = s.violations(of: inst)
        #expect(v.isEmpty, "\(v.prefix(3))")
        let placed = Set(s.sessions.flatMap(\.demandIds))
        let unplaced = Set(s.unplaced.map(\.demandId))
        #expect(placed.isDisjoint(with: unplaced))
        #expect(placed.union(unplaced) == Set(inst.demands.map(\.id)))
        #expect(s.score.placed == placed.count)
        #expect(s.score.placed + s.score.unplaced == inst.demands.count)
    }

    @Test func checkerCatchesBrokenPlans() throws {
        let inst = RandomInstances.make(seed: 3, size: .medium)
        var s = Fx.solve(inst, iterations: 200)
        try #require(s.sessions.count >= 2)
        // Put the second session on top of the first one's staff member and time.
        s.sessions[1].staffId = s.sessions[0].staffId
        s.sessions[1].start = s.sessions[0].start
        #expect(!s.violations(of: inst).isEmpty)
        // Drop a placed session without reporting its demand.
        var t = Fx.solve(inst, iterations: 200)
        t.sessions.removeFirst()
        #expect(t.violations(of: inst).contains { $0.code == .demandMissing })
    }
}
