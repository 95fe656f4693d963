import Testing
import Scheduler

/// Ordering, repair and soft goals: cases where the right answer is known by hand.
@Suite struct SearchTests {
    /// One Arabic and one Russian speaker; a bilingual psychologist and a Russian-only one; one common hour.
    /// Serving the Russian speaker first with the bilingual psychologist would strand the Arabic speaker.
    @Test func mostConstrainedParticipantIsPlacedFirst() {
        let hour = [Fx.hours(day: 0, 10, 11)]
        let inst = Fx.instance(
            days: 1,
            participants: [Fx.person("A-RU", langs: ["ru"], available: hour, behind: 1.0),
                           Fx.person("Z-AR", langs: ["ar"], available: hour, behind: 0.0)],
            staff: [Fx.staff("BILINGUAL", langs: ["ar", "ru"], available: hour), Fx.staff("RU-ONLY", langs: ["ru"], available: hour)],
            rooms: [Fx.room("R1"), Fx.room("R2")],
            demands: [Fx.demand("D-A-RU", ["A-RU"], window: Fx.r(0, 96)), Fx.demand("D-Z-AR", ["Z-AR"], window: Fx.r(0, 96))])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 2)
        #expect(Fx.session(s, "D-Z-AR")?.staffId == "BILINGUAL")
        #expect(Fx.session(s, "D-A-RU")?.staffId == "RU-ONLY")
    }

    /// Rooms are the bottleneck: one room, adults free all day, children only after school.
    /// Taking demands in id order and placing each at its preferred (earliest-pleasant) time fills the
    /// afternoon with adults; the optimum puts adults in the morning. Everyone fits only that way.
    @Test func afternoonRoomIsKeptForSchoolChildren() {
        let afternoon = (0..<2).map { Fx.hours(day: $0, 15, 17) }
        let adults = (1...4).map { Fx.person("A\($0)", preferred: afternoon) }
        let children = (1...4).map { Fx.person("C\($0)", age: 10, available: afternoon) }
        let demands = adults.map { Fx.demand("D-\($0.id)", [$0.id], window: Fx.r(0, 192)) }
            + children.map { Fx.demand("E-\($0.id)", [$0.id], window: Fx.r(0, 192)) }
        let inst = Fx.instance(
            days: 2, participants: adults + children,
            staff: [Fx.staff("S1", children: true, available: Fx.daily(9, 17, days: 2)),
                    Fx.staff("S2", children: true, available: Fx.daily(9, 17, days: 2))],
            rooms: [Fx.room("R1", available: Fx.daily(9, 17, days: 2))], demands: demands)
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 8)
        for id in ["D-A1", "D-A2", "D-A3", "D-A4"] {
            #expect(Fx.session(s, id).map { ($0.start % Fx.day) < 60 } == true)
        }
    }

    /// Greedy fails, repair succeeds. D1 and D2 tie on options (two each) so D1 goes first by id, and a
    /// huge routine-hours weight makes it take 10:00, the only hour D2 has a room. Only ejecting D1 to
    /// 14:00 seats both; the construction alone places one.
    @Test func repairFindsTheOptimumWhenGreedyOrderFails() {
        let ten = Fx.hours(day: 0, 10, 11), two = Fx.hours(day: 0, 14, 15)
        var inst = Fx.instance(
            days: 1,
            participants: [Fx.person("P1", langs: ["ru"], available: [ten, two], preferred: [ten]),
                           Fx.person("P2", langs: ["kk", "ru"], available: [ten])],
            staff: [Fx.staff("S1", langs: ["ru"], available: [ten, two]), Fx.staff("S2", langs: ["kk"], available: [ten])],
            rooms: [Fx.room("R1", available: [ten, two])],
            demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96)), Fx.demand("D2", ["P2"], window: Fx.r(0, 96))])
        inst.weights.preferredHours = 1_000
        let greedy = Fx.solve(inst, iterations: 0)
        #expect(greedy.score.placed == 1)
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 2)
        #expect(Fx.session(s, "D1")?.start == two.start)
    }

    @Test func continuityKeptWhenThePreviousCounsellorIsFree() {
        let inst = Fx.instance(participants: [Fx.person("P1")], staff: [Fx.staff("A"), Fx.staff("B"), Fx.staff("C")],
                               rooms: [Fx.room("R1")], demands: [Fx.demand("D1", ["P1"], preferredStaff: "B")])
        let s = Fx.solve(inst)
        #expect(Fx.session(s, "D1")?.staffId == "B")
        #expect(s.score.continuityKept == 1)
    }

    @Test func continuityGivenUpWhenThePreviousCounsellorIsAway() {
        // B is on leave the whole week (no availability), so A or C must take the session.
        var away = Fx.staff("B")
        away.available = [:]
        let inst = Fx.instance(participants: [Fx.person("P1")], staff: [Fx.staff("A"), away, Fx.staff("C")],
                               rooms: [Fx.room("R1")], demands: [Fx.demand("D1", ["P1"], preferredStaff: "B")])
        let s = Fx.solve(inst)
        #expect(s.score.placed == 1)
        #expect(Fx.session(s, "D1")?.staffId != "B")
        #expect(s.score.continuityKept == 0)
    }

    @Test func continuityYieldsToPlacingEveryone() {
        // P1 prefers S1, but P2 can only be seen by S1 (language) in the one common hour.
        let hour = [Fx.hours(day: 0, 10, 11)]
        let inst = Fx.instance(
            days: 1,
            participants: [Fx.person("P1", langs: ["ru", "ar"], available: hour), Fx.person("P2", langs: ["ar"], available: hour)],
            staff: [Fx.staff("S1", langs: ["ar"], available: hour), Fx.staff("S2", langs: ["ru"], available: hour)],
            rooms: [Fx.room("R1"), Fx.room("R2")],
            demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96), preferredStaff: "S1"), Fx.demand("D2", ["P2"], window: Fx.r(0, 96))])
        let s = Fx.solve(inst)
        #expect(s.score.placed == 2)
        #expect(Fx.session(s, "D1")?.staffId == "S2")
    }

    @Test func linkedMotherAndChildDoNotClash() {
        let mother = Fx.person("M1", linked: ["C1"])
        let child = Fx.person("C1", age: 8, available: Fx.daily(14, 18, days: 1))
        let inst = Fx.instance(
            days: 1, participants: [mother, child],
            staff: [Fx.staff("S1", children: true, available: Fx.daily(9, 18, days: 1)),
                    Fx.staff("S2", available: Fx.daily(9, 18, days: 1))],
            rooms: [Fx.room("R1"), Fx.room("R2")],
            demands: [Fx.demand("D-C", ["C1"], window: Fx.r(0, 96)),
                      Fx.demand("D-M", ["M1"], window: Fx.r(0, 96), preferredStaff: nil)])
        let s = Fx.solve(inst)
        #expect(s.score.placed == 2)
        #expect(s.score.linkedClashes == 0)
        let a = Fx.session(s, "D-C")!.slots, b = Fx.session(s, "D-M")!.slots
        #expect(!a.overlaps(b))
    }

    @Test func sameSeedSameSolution() {
        let inst = RandomInstances.make(seed: 42, size: .medium)
        let a = Fx.solve(inst, iterations: 3_000), b = Fx.solve(inst, iterations: 3_000)
        #expect(a.sessions == b.sessions)
        #expect(a.unplaced == b.unplaced)
        #expect(a.score == b.score)
        #expect(a.stats.iterations == b.stats.iterations)
    }

    @Test func zeroIterationsStillGivesAValidPlan() {
        let inst = RandomInstances.make(seed: 5, size: .medium)
        let s = Fx.solve(inst, iterations: 0)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.stats.iterations == 0)
    }

    @Test func improvementNeverLosesUnits() {
        for seed in UInt64(1)...8 {
            let inst = RandomInstances.make(seed: seed, size: .medium)
            let s = Fx.solve(inst, iterations: 3_000)
            #expect(s.score.placed >= s.stats.constructionPlaced)
        }
    }

    @Test func previousPlacementIsKeptWhenStillPossible() {
        var demand = Fx.demand("D1", ["P1"])
        demand.previous = PreviousPlacement(start: 2 * 96 + 60, staffId: "B", roomId: "R2")
        let inst = Fx.instance(participants: [Fx.person("P1")], staff: [Fx.staff("A"), Fx.staff("B")],
                               rooms: [Fx.room("R1"), Fx.room("R2")], demands: [demand])
        let s = Fx.solve(inst)
        let placed = Fx.session(s, "D1")
        #expect(placed?.start == 2 * 96 + 60)
        #expect(placed?.staffId == "B")
        #expect(placed?.roomId == "R2")
        #expect(s.score.unchangedPlacements == 1)
    }

    @Test func injectedClockEndsTheSearch() {
        // A clock that jumps a second per reading: the time cap, not the iteration cap, ends the search.
        let inst = RandomInstances.make(seed: 9, size: .medium)
        var ticks = 0
        let s = Scheduler.solve(inst, budget: Budget(maxIterations: 1_000_000, maxMilliseconds: 5_000)) {
            ticks += 1
            return ticks * 1_000
        }
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.stats.iterations < 10)
        #expect(s.stats.stoppedByTime)
    }

    @Test func scoreComponentsAddUp() {
        let inst = RandomInstances.make(seed: 21, size: .medium)
        let s = Fx.solve(inst, iterations: 1_000)
        #expect(Score.evaluate(s, in: inst) == s.score)
        let w = inst.weights
        let soft = w.continuity * Double(s.score.continuityKept + s.score.continuityWithinRun) - w.spread * Double(s.score.sameDayRepeats)
            - w.staffBalance * s.score.staffLoadImbalance + w.preferredHours * Double(s.score.preferredHoursKept)
            - w.linkedClash * Double(s.score.linkedClashes) + w.groupStability * Double(s.score.groupStabilityPairs)
            + w.priority * Double(s.score.prioritySum)
        #expect(abs(soft - s.score.soft) < 1e-6)
    }
}
