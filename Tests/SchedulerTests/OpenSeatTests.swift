import Testing
import Scheduler

/// Open seats of existing groups are filled before new groups are formed; continuity holds within a run.
@Suite struct OpenSeatTests {
    private func groupDemand(_ id: String, _ p: String, min: Int = 4, max: Int = 12, window: SlotRange = Fx.r(0, 7 * 96)) -> Demand {
        Fx.demand(id, [p], role: "religious_expert", mode: .group, type: "religious_group", duration: 6, window: window,
                  kinds: ["group"], groupKey: "G1", groupMin: min, groupMax: max)
    }

    /// A group of five meeting on day 1 at 10:00 and day 3 at 10:00 with the Russian-speaking expert, seven seats open.
    private func existingGroups(seats: Int = 7) -> [ExistingSession] {
        [1, 3].map { day in
            ExistingSession(id: "S\(day)", staffIds: ["REL"], roomId: "HALL", participantIds: (1...5).map { "OLD\($0)" },
                            start: day * Fx.day + 40, durationSlots: 6, sessionType: "religious_group",
                            requirementId: "req-religious_group", groupKey: "G1", centreId: Fx.centre, openSeats: seats)
        }
    }

    private func world(newcomers: [Participant], demands: [Demand], seats: Int = 7) -> Instance {
        Fx.instance(
            participants: newcomers + (1...5).map { Fx.person("OLD\($0)") },
            staff: [Fx.staff("REL", roles: ["religious_expert"], langs: ["ru", "kk"])],
            rooms: [Fx.room("HALL", kind: "group", capacity: 12)], demands: demands, existing: existingGroups(seats: seats))
    }

    /// A newcomer needing two group sessions a week takes a seat in each of the two groups that already meet, instead
    /// of being left `group_too_small`.
    @Test func newcomerJoinsTheGroupsThatAlreadyMeet() {
        let inst = world(newcomers: [Fx.person("NEW")], demands: [groupDemand("D-NEW-1", "NEW"), groupDemand("D-NEW-2", "NEW")])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.unplaced.isEmpty)
        #expect(s.sessions.isEmpty)
        #expect(s.joins.map(\.sessionId).sorted() == ["S1", "S3"])
        #expect(s.score.placed == 2)

        // Without seats, the same newcomer is alone in her pool.
        let closed = world(newcomers: [Fx.person("NEW")], demands: [groupDemand("D-NEW-1", "NEW")], seats: 0)
        #expect(Fx.solve(closed).unplaced.first?.reason == .groupTooSmall)
    }

    /// Hard rules hold for the seat: no shared language, a clash with her own session, or a full group keep her out.
    @Test func seatsObeyTheHardRules() {
        let arabic = world(newcomers: [Fx.person("NEW", langs: ["ar"])], demands: [groupDemand("D-NEW-1", "NEW")])
        #expect(Fx.solve(arabic).joins.isEmpty)
        let full = world(newcomers: [Fx.person("NEW")], demands: [groupDemand("D-NEW-1", "NEW")], seats: 0)
        #expect(Fx.solve(full).joins.isEmpty)
        // Free only on day 3: she joins S3, not S1.
        let dayThree = world(newcomers: [Fx.person("NEW", available: [Fx.hours(day: 3, 8, 20)])], demands: [groupDemand("D-NEW-1", "NEW")])
        let s = Fx.solve(dayThree)
        #expect(s.joins.map(\.sessionId) == ["S3"])
        #expect(s.violations(of: dayThree).isEmpty)
        // The checker refuses a seat beyond those open.
        var forged = s
        forged.joins.append(SeatJoin(demandId: "D-X", participantId: "OLD1", sessionId: "S3", start: 3 * Fx.day + 40,
                                     durationSlots: 6, staffIds: ["REL"]))
        #expect(!forged.violations(of: dayThree).isEmpty)
    }

    /// Four newcomers and one seat: seating one would strand three below the minimum of four; a new group of all four
    /// places more, so that plan wins.
    @Test func seatsNeverStrandAGroupThatCouldMeet() {
        let people = (1...4).map { Fx.person("NEW\($0)") }
        let inst = world(newcomers: people, demands: people.map { groupDemand("D-\($0.id)", $0.id) }, seats: 1)
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 4)
        #expect(s.unplaced.isEmpty)
    }

    /// The same instance gives the same seats and plan every time.
    @Test func seatFillingIsDeterministic() {
        let people = (1...9).map { Fx.person("NEW\($0)") }
        let demands = people.flatMap { p in [groupDemand("D-\(p.id)-1", p.id), groupDemand("D-\(p.id)-2", p.id)] }
        let inst = world(newcomers: people, demands: demands, seats: 3)
        let a = Fx.solve(inst), b = Fx.solve(inst)
        #expect(a.sessions == b.sessions && a.joins == b.joins && a.unplaced == b.unplaced && a.score == b.score)
        #expect(a.violations(of: inst).isEmpty)
        #expect(a.joins.count == 6)
    }

    /// A newcomer's three individual sessions in one run go to one psychologist, though two are equally free.
    @Test func continuityWithinARun() {
        let inst = Fx.instance(
            participants: [Fx.person("NEW")],
            staff: [Fx.staff("PSY-A"), Fx.staff("PSY-B")],
            rooms: [Fx.room("C1"), Fx.room("C2")],
            demands: (1...3).map { Fx.demand("D-NEW-\($0)", ["NEW"]) })
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 3)
        #expect(Set(s.sessions.map(\.staffId)).count == 1)
        #expect(s.score.continuityWithinRun == 2)
    }

    /// Suggestions are feasible and ranked: the preferred psychologist first; placing the first option breaks no rule;
    /// refusals are counted per reason (a Kazakh-only psychologist shares no language with a Russian speaker).
    @Test func suggestionsAreFeasibleAndRanked() {
        let inst = Fx.instance(
            participants: [Fx.person("NEW", available: [Fx.hours(day: 1, 10, 12)])],
            staff: [Fx.staff("PSY-A"), Fx.staff("PSY-B"), Fx.staff("PSY-KK", langs: ["kk"])],
            rooms: [Fx.room("C1")],
            demands: [])
        let demand = Fx.demand("D-NEW-1", ["NEW"], preferredStaff: "PSY-B")
        let suggestion = Scheduler.suggest(demand, in: inst, limit: 3)
        #expect(suggestion.options.count == 3)
        #expect(suggestion.feasible == 10)
        #expect(suggestion.options.first?.staffIds == ["PSY-B"])
        #expect(suggestion.refusals["no_shared_language"] == 5)
        #expect(suggestion.refusals["participant_unavailable", default: 0] > 0)
        let first = suggestion.options[0]
        var withDemand = inst
        withDemand.demands = [demand]
        let plan = Solution(sessions: [PlacedSession(
            demandIds: [demand.id], participantIds: ["NEW"], staffId: first.staffIds[0], roomId: first.roomId!, centreId: Fx.centre,
            start: first.start, durationSlots: first.durationSlots, sessionType: demand.sessionType, requirementId: demand.requirementId,
            mode: .individual, language: "ru")], unplaced: [])
        #expect(plan.violations(of: withDemand).isEmpty)
    }

    /// A group demand is offered the seats of the groups that meet, and told when they are full.
    @Test func groupSuggestionsAreSeats() {
        let inst = world(newcomers: [Fx.person("NEW")], demands: [])
        let s = Scheduler.suggest(groupDemand("D-NEW-1", "NEW"), in: inst, limit: 5)
        #expect(s.options.compactMap(\.joinsSessionId) == ["S1", "S3"])
        let full = Scheduler.suggest(groupDemand("D-NEW-1", "NEW"), in: world(newcomers: [Fx.person("NEW")], demands: [], seats: 0), limit: 5)
        #expect(full.options.isEmpty)
        #expect(full.refusals["group_full"] == 2)
    }
}
