import Testing
import Scheduler

/// Odd but possible inputs must give a valid plan and a reason, never a crash.
@Suite struct EdgeCaseTests {
    @Test func emptyInstance() {
        let inst = Fx.instance(participants: [], staff: [], rooms: [], demands: [])
        let s = Fx.solve(inst)
        #expect(s.sessions.isEmpty && s.unplaced.isEmpty)
        #expect(s.violations(of: inst).isEmpty)
    }

    @Test func zeroDayHorizonReportsEveryDemand() {
        let inst = Fx.instance(days: 0, participants: [Fx.person("P1")], staff: [Fx.staff("S1")], rooms: [Fx.room("R1")],
                               demands: [Fx.demand("D1", ["P1"])])
        let s = Fx.solve(inst)
        #expect(s.unplaced.map(\.reason) == [.invalidDemand])
    }

    @Test func malformedDemandsAreInvalid() {
        var people = [Fx.person("P1"), Fx.person("P2")]
        people[1].maxSessionsPerDay = 0
        let demands = [
            Fx.demand("A", ["P1", "P2"]),                                 // individual with two people
            Fx.demand("B", ["P1"], duration: 0),                          // no length
            Fx.demand("C", ["P1"], window: Fx.r(500, 400)),               // inverted window
            Fx.demand("D", ["P1"], mode: .group, groupMin: 5, groupMax: 2), // impossible bounds
            Fx.demand("E", ["P1", "P1"], mode: .family),                  // listed twice
            Fx.demand("F", ["P2"]),                                       // may attend nothing per day
            Fx.demand("F", ["P1"]),                                       // duplicate id
        ]
        let inst = Fx.instance(participants: people, staff: [Fx.staff("S1")], rooms: [Fx.room("R1")], demands: demands)
        let s = Fx.solve(inst)
        #expect(s.score.placed == 0)
        #expect(s.unplaced.map(\.demandId) == ["A", "B", "C", "D", "E", "F"])
        #expect(s.unplaced.prefix(5).allSatisfy { $0.reason == .invalidDemand })
        #expect(Fx.unplaced(s, "F")?.reason == .participantDailyLimit)
    }

    @Test func thirtyMinuteSlotsAndLongSessions() {
        var inst = Fx.instance(days: 2, participants: [Fx.person("P1", available: [Fx.r(16, 40)])],
                               staff: [Fx.staff("S1", available: [Fx.r(0, 96)])], rooms: [Fx.room("R1", available: [Fx.r(0, 96)])],
                               demands: [Fx.demand("D1", ["P1"], duration: 20, window: Fx.r(0, 96))])
        inst.horizon.slotMinutes = 30
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 1)
    }

    @Test func existingSessionsOutsideTheHorizonAndUnknownIds() {
        let existing = [
            ExistingSession(id: "E1", staffIds: ["S1", "GHOST"], roomId: "NOWHERE", participantIds: ["P1", "NOBODY"], start: -50,
                            durationSlots: 60, sessionType: "x", requirementId: "r"),
            ExistingSession(id: "E2", staffIds: ["S1"], roomId: "R1", participantIds: [], start: 7 * 96 + 10,
                            durationSlots: 4, sessionType: "x", requirementId: "r"),
        ]
        let inst = Fx.instance(participants: [Fx.person("P1", available: [Fx.r(0, 20)])],
                               staff: [Fx.staff("S1", available: [Fx.r(0, 20)])], rooms: [Fx.room("R1", available: [Fx.r(0, 20)])],
                               demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96))], existing: existing)
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.session(s, "D1")?.start == 10)
    }
}
