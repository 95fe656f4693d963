import Foundation
import Testing
import Scheduler

/// Daily limits that change inside the horizon (a child turning 7 or 18): every day uses its own limit.
@Suite struct DailyLimitTests {
    @Test func limitOfTheDayFallsBackToTheDefault() {
        var p = Fx.person("P1", maxPerDay: 2)
        #expect(p.maxSessions(onDay: 0) == 2)
        p.maxSessionsPerDayByDay = [1, 3]
        #expect(p.maxSessions(onDay: 0) == 1)
        #expect(p.maxSessions(onDay: 1) == 3)
        #expect(p.maxSessions(onDay: 2) == 2)
        #expect(p.maxSessions(onDay: -1) == 2)
    }

    @Test func eachDayGetsItsOwnLimit() {
        var child = Fx.person("C1", age: 6, maxPerDay: 1)
        child.maxSessionsPerDayByDay = [1, 1, 2, 2]
        let demands = (1...8).map { Fx.demand("D\($0)", ["C1"], window: Fx.r(0, 4 * 96)) }
        let inst = Fx.instance(days: 4, participants: [child], staff: [Fx.staff("S1", children: true), Fx.staff("S2", children: true)],
                               rooms: [Fx.room("R1"), Fx.room("R2")], demands: demands)
        let s = Fx.solve(inst, iterations: 5_000)
        #expect(s.violations(of: inst).isEmpty)
        var perDay = [0, 0, 0, 0]
        for x in s.sessions { perDay[x.start / Fx.day] += 1 }
        #expect(perDay == [1, 1, 2, 2])
        #expect(s.score.placed == 6)
        #expect(s.stats.upperBound == 6)
        #expect(s.stats.stopReason == .allPlaced)
        #expect(s.unplaced.allSatisfy { $0.reason == .participantDailyLimit })
    }

    @Test func groupsAndRepairRespectTheDaysLimit() {
        // Group members with a zero limit on the first day: the group must meet on the second.
        var people = (1...4).map { Fx.person("M\($0)") }
        for i in people.indices { people[i].maxSessionsPerDayByDay = [0, 2] }
        let demands = people.map {
            Fx.demand("G-\($0.id)", [$0.id], role: "religious_expert", mode: .group, type: "religious_group",
                      window: Fx.r(0, 192), kinds: ["group"], groupKey: "G", groupMin: 2, groupMax: 6)
        } + people.map { Fx.demand("I-\($0.id)", [$0.id], window: Fx.r(0, 192)) }
        let inst = Fx.instance(days: 2, participants: people,
                               staff: [Fx.staff("IMAM", roles: ["religious_expert"]), Fx.staff("S1")],
                               rooms: [Fx.room("HALL", kind: "group", capacity: 8), Fx.room("R1")], demands: demands)
        let s = Fx.solve(inst, iterations: 5_000)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.sessions.allSatisfy { $0.start >= Fx.day })
        #expect(s.score.placed == 8)
    }

    @Test func checkerFlagsTheDaysLimit() throws {
        // Two sessions on day 0 are fine under a flat limit of 2, not once day 0's own limit is 1.
        let person = Fx.person("P1", maxPerDay: 2)
        let demands = (1...2).map { Fx.demand("D\($0)", ["P1"], window: Fx.r(0, 96)) }
        var inst = Fx.instance(days: 2, participants: [person], staff: [Fx.staff("S1")], rooms: [Fx.room("R1")], demands: demands)
        let s = Fx.solve(inst)
        try #require(s.score.placed == 2)
        #expect(s.violations(of: inst).isEmpty)
        inst.participants[0].maxSessionsPerDayByDay = [2, 1]
        #expect(s.violations(of: inst).isEmpty)
        inst.participants[0].maxSessionsPerDayByDay = [1, 2]
        #expect(s.violations(of: inst).contains { $0.code == .participantDailyLimit })
        // And the scheduler itself keeps to it.
        let again = Fx.solve(inst)
        #expect(again.violations(of: inst).isEmpty)
        #expect(again.score.placed == 1)
    }

    @Test func byDayLimitsDecodeLeniently() throws {
        let json = #"{"id": "P1", "languages": ["ru"], "ageYears": 6, "sex": "male", "maxSessionsPerDay": 1, "maxSessionsPerDayByDay": [1, 2, 2]}"#
        let p = try JSONDecoder().decode(Participant.self, from: Data(json.utf8))
        #expect(p.maxSessionsPerDayByDay == [1, 2, 2])
        #expect(p.maxSessions(onDay: 1) == 2 && p.maxSessions(onDay: 5) == 1)
        let plain = try JSONDecoder().decode(Participant.self, from: Data(#"{"id": "P2", "languages": [], "ageYears": 30, "sex": "female"}"#.utf8))
        #expect(plain.maxSessionsPerDayByDay == nil)
        #expect(try JSONDecoder().decode(Participant.self, from: JSONEncoder().encode(p)) == p)
    }

    @Test(arguments: 1...25)
    func randomDailyLimitsAreKept(seed: Int) {
        var inst = RandomInstances.make(seed: UInt64(seed) &+ 1_000, size: seed % 4 == 0 ? .medium : .small)
        var g = RandomInstances.Rng(state: UInt64(seed))
        for i in inst.participants.indices where g.chance(0.7) {
            let n = g.int(0...inst.horizon.days)
            inst.participants[i].maxSessionsPerDayByDay = (0..<n).map { _ in g.int(0...3) }
        }
        let s = Fx.solve(inst, iterations: 1_000)
        let v = s.violations(of: inst)
        #expect(v.isEmpty, "\(v.prefix(3))")
        #expect(s.score.placed <= s.stats.upperBound)
    }
}
