import Testing
import Scheduler

/// Group formation: size bounds, a common language, eligibility and filling.
@Suite struct GroupTests {
    private func groupDemand(_ p: String, key: String = "G1", min: Int = 2, max: Int = 3, role: String = "religious_expert") -> Demand {
        Fx.demand("D-\(p)", [p], role: role, mode: .group, type: "religious_group", duration: 6, kinds: ["group"],
                  groupKey: key, groupMin: min, groupMax: max)
    }

    /// Regression: three theology classes a week are three units of one person in one pool; they must land in three
    /// different groups, never as the same person seated three times in one session (found on the demo data).
    @Test func severalUnitsOfOnePersonGoToDifferentGroups() {
        let people = (1...4).map { Fx.person("P\($0)") }
        let demands = people.flatMap { person in
            (1...3).map { unit in
                Fx.demand("D-\(person.id)-\(unit)", [person.id], role: "religious_expert", mode: .group, type: "religious_group",
                          duration: 6, kinds: ["group"], groupKey: "G1", groupMin: 2, groupMax: 8)
            }
        }
        let inst = Fx.instance(participants: people, staff: [Fx.staff("IMAM", roles: ["religious_expert"])],
                               rooms: [Fx.room("HALL", kind: "group", capacity: 12)], demands: demands)
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 12)
        for session in s.sessions {
            #expect(Set(session.participantIds).count == session.participantIds.count, "\(session.participantIds)")
        }
    }

    @Test func sevenMembersMakeGroupsWithinBounds() {
        let people = (1...7).map { Fx.person("P\($0)") }
        let inst = Fx.instance(participants: people, staff: [Fx.staff("IMAM", roles: ["religious_expert"])],
                               rooms: [Fx.room("HALL", kind: "group", capacity: 12)], demands: people.map { groupDemand($0.id) })
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 7)
        for g in s.sessions {
            #expect(g.mode == .group)
            #expect((2...3).contains(g.participantIds.count))
        }
    }

    @Test func groupsNeedACommonLanguageAndClearance() {
        let people = [Fx.person("P1"), Fx.person("P2"), Fx.person("P3"), Fx.person("AR", langs: ["ar"]),
                      Fx.person("KID", age: 12)]
        let inst = Fx.instance(participants: people, staff: [Fx.staff("IMAM", roles: ["religious_expert"], langs: ["ru"])],
                               rooms: [Fx.room("HALL", kind: "group", capacity: 12)],
                               demands: people.map { groupDemand($0.id, max: 8) })
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.sessions.count == 1)
        #expect(s.sessions.first?.participantIds.sorted() == ["P1", "P2", "P3"])
        #expect(s.sessions.first?.language == "ru")
        #expect(Fx.unplaced(s, "D-AR")?.reason == .noStaffWithLanguage)
        #expect(Fx.unplaced(s, "D-KID")?.reason == .noChildClearedStaff)
    }

    @Test func membersMeetWhenAllAreFree() {
        // Two members are at school until 15:00, so the group meets after 15:00.
        let late = Fx.daily(15, 19)
        let people = [Fx.person("P1"), Fx.person("P2", available: late), Fx.person("P3", available: late)]
        let inst = Fx.instance(participants: people,
                               staff: [Fx.staff("IMAM", roles: ["religious_expert"], available: Fx.daily(9, 19))],
                               rooms: [Fx.room("HALL", kind: "group", capacity: 12)],
                               demands: people.map { groupDemand($0.id, min: 3, max: 3) })
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 3)
        #expect(s.sessions.first.map { $0.start % Fx.day >= 60 } == true)
    }

    @Test func roomCapacityLimitsGroupSize() {
        let people = (1...6).map { Fx.person("P\($0)") }
        let inst = Fx.instance(participants: people, staff: [Fx.staff("IMAM", roles: ["religious_expert"])],
                               rooms: [Fx.room("SMALL", kind: "group", capacity: 3)], demands: people.map { groupDemand($0.id, max: 8) })
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 6)
        #expect(s.sessions.allSatisfy { $0.participantIds.count <= 3 })
    }

    @Test func differentKeysAreNeverMixed() {
        let people = (1...4).map { Fx.person("P\($0)") }
        let demands = [groupDemand("P1", key: "A"), groupDemand("P2", key: "A"), groupDemand("P3", key: "B"), groupDemand("P4", key: "B")]
        let inst = Fx.instance(participants: people, staff: [Fx.staff("IMAM", roles: ["religious_expert"])],
                               rooms: [Fx.room("HALL", kind: "group", capacity: 12)], demands: demands)
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.sessions.count == 2)
        #expect(Set(s.sessions.map { $0.participantIds.sorted() }) == [["P1", "P2"], ["P3", "P4"]])
    }

    @Test func groupStabilityKeepsFormerMembersTogether() {
        let people = (1...4).map { Fx.person("P\($0)") }
        let before = ExistingSession(id: "E1", staffIds: ["IMAM"], roomId: "HALL", participantIds: ["P1", "P3"], start: -200,
                                     durationSlots: 6, sessionType: "religious_group", requirementId: "r", groupKey: "G1")
        let inst = Fx.instance(participants: people, staff: [Fx.staff("IMAM", roles: ["religious_expert"])],
                               rooms: [Fx.room("HALL", kind: "group", capacity: 12)],
                               demands: people.map { groupDemand($0.id, min: 2, max: 2) }, existing: [before])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 4)
        #expect(s.score.groupStabilityPairs == 1)
    }
}
