import Testing
import Scheduler

/// Each hard rule, on an instance where only one choice keeps it.
@Suite struct HardRuleTests {
    @Test func noDoubleBookingOfTheOnlyStaffMemberAndRoom() {
        let people = (1...4).map { Fx.person("P\($0)") }
        let inst = Fx.instance(days: 1, participants: people, staff: [Fx.staff("S1", available: [Fx.hours(day: 0, 9, 13)])],
                               rooms: [Fx.room("R1")], demands: people.map { Fx.demand("D-\($0.id)", [$0.id], window: Fx.r(0, 96)) })
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 4)
        let starts = s.sessions.map(\.start).sorted()
        #expect(starts == [36, 40, 44, 48])
    }

    @Test func existingSessionsBlockStaffRoomsAndParticipants() {
        let existing = ExistingSession(id: "E1", staffIds: ["S1"], roomId: "R1", participantIds: ["P9"], start: 36,
                                       durationSlots: 12, sessionType: "x", requirementId: "rx")
        let inst = Fx.instance(days: 1, participants: [Fx.person("P1"), Fx.person("P9")],
                               staff: [Fx.staff("S1", available: [Fx.hours(day: 0, 9, 13)])], rooms: [Fx.room("R1")],
                               demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96))], existing: [existing])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.session(s, "D1")?.start == 48)
    }

    @Test func staffMustHoldTheRole() {
        let inst = Fx.instance(participants: [Fx.person("P1")],
                               staff: [Fx.staff("PSY"), Fx.staff("IMAM", roles: ["religious_expert"])], rooms: [Fx.room("R1")],
                               demands: [Fx.demand("D1", ["P1"], role: "religious_expert", type: "religious_individual")])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.session(s, "D1")?.staffId == "IMAM")
    }

    @Test func childrenNeedClearedStaff() {
        let child = Fx.person("C1", age: 9)
        let inst = Fx.instance(participants: [child], staff: [Fx.staff("A"), Fx.staff("B", children: true)],
                               rooms: [Fx.room("R1")], demands: [Fx.demand("D1", ["C1"])])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.session(s, "D1")?.staffId == "B")
    }

    @Test func requiredClearanceAppliesToAdultsToo() {
        let inst = Fx.instance(participants: [Fx.person("P1")], staff: [Fx.staff("A"), Fx.staff("B", children: true)],
                               rooms: [Fx.room("R1")], demands: [Fx.demand("D1", ["P1"], clearance: true)])
        #expect(Fx.session(Fx.solve(inst), "D1")?.staffId == "B")
    }

    @Test func paediatricOnlyNeedsAPaediatricPsychologist() {
        let child = Fx.person("C1", age: 6)
        let inst = Fx.instance(participants: [child],
                               staff: [Fx.staff("A", children: true), Fx.staff("B", roles: ["psychologist", "paediatric_psychologist"], children: true)],
                               rooms: [Fx.room("R1")], demands: [Fx.demand("D1", ["C1"], paediatricOnly: true)])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.session(s, "D1")?.staffId == "B")
    }

    @Test func staffMustShareALanguage() {
        let inst = Fx.instance(participants: [Fx.person("P1", langs: ["ar"])],
                               staff: [Fx.staff("RU", langs: ["ru", "kk"]), Fx.staff("AR", langs: ["ar"])], rooms: [Fx.room("R1")],
                               demands: [Fx.demand("D1", ["P1"])])
        let s = Fx.solve(inst)
        #expect(Fx.session(s, "D1")?.staffId == "AR")
        #expect(Fx.session(s, "D1")?.language == "ar")
    }

    @Test func roomKindAndCapacity() {
        let family = ["M1", "C1", "C2"].map { Fx.person($0, age: $0 == "M1" ? 31 : 7) }
        let inst = Fx.instance(participants: family, staff: [Fx.staff("S1", children: true)],
                               rooms: [Fx.room("COUNSEL", capacity: 6), Fx.room("FAM-S", kind: "family", capacity: 2),
                                       Fx.room("FAM-L", kind: "family", capacity: 4)],
                               demands: [Fx.demand("D1", ["M1", "C1", "C2"], mode: .family, type: "family_session", kinds: ["family"])])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.session(s, "D1")?.roomId == "FAM-L")
        #expect(Fx.session(s, "D1")?.participantIds.sorted() == ["C1", "C2", "M1"])
    }

    @Test func schoolHoursAreRespected() {
        // The child is at school until 14:00 and free 14:00–18:00 on weekdays only.
        let free = (0..<5).map { Fx.hours(day: $0, 14, 18) }
        let child = Fx.person("C1", age: 11, available: free)
        let demands = (1...3).map { Fx.demand("D\($0)", ["C1"], role: "paediatric_psychologist", paediatricOnly: true) }
        let inst = Fx.instance(participants: [child],
                               staff: [Fx.staff("PED", roles: ["paediatric_psychologist"], children: true, available: Fx.daily(8, 20))],
                               rooms: [Fx.room("R1")], demands: demands)
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 3)
        for session in s.sessions {
            #expect(free.contains { $0.contains(session.slots) })
        }
        // Spread: three same-type sessions land on three different days.
        #expect(Set(s.sessions.map { $0.start / Fx.day }).count == 3)
    }

    @Test func dailyLimitCountsExistingSessions() {
        let existing = ExistingSession(id: "E1", staffIds: [], roomId: nil, participantIds: ["P1"], start: 40,
                                       durationSlots: 4, sessionType: "education_lesson", requirementId: "edu")
        let inst = Fx.instance(days: 2, participants: [Fx.person("P1", maxPerDay: 1)], staff: [Fx.staff("S1")],
                               rooms: [Fx.room("R1")],
                               demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96)), Fx.demand("D2", ["P1"], window: Fx.r(0, 192))],
                               existing: [existing])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.unplaced(s, "D1")?.reason == .participantDailyLimit)
        #expect(Fx.session(s, "D2").map { $0.start / Fx.day } == 1)
    }

    @Test func weeklyLimitCountsExistingSessions() {
        let week = Fx.r(0, 7 * 96)
        let existing = ExistingSession(id: "E1", staffIds: ["S1"], roomId: nil, participantIds: [], start: 36,
                                       durationSlots: 4, sessionType: "x", requirementId: "rx")
        let people = (1...3).map { Fx.person("P\($0)") }
        let inst = Fx.instance(participants: people, staff: [Fx.staff("S1", limits: [WeeklyLimit(window: week, maxSlots: 12)])],
                               rooms: [Fx.room("R1")], demands: people.map { Fx.demand("D-\($0.id)", [$0.id]) },
                               existing: [existing])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.score.placed == 2)
        #expect(s.unplaced.map(\.reason) == [.staffWeeklyLimit])
    }

    @Test func sessionsStayInsideTheirWindow() {
        let inst = Fx.instance(participants: [Fx.person("P1")], staff: [Fx.staff("S1")], rooms: [Fx.room("R1")],
                               demands: [Fx.demand("D1", ["P1"], window: Fx.r(3 * 96 + 40, 3 * 96 + 60))])
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        #expect(Fx.session(s, "D1").map { Fx.r(3 * 96 + 40, 3 * 96 + 60).contains($0.slots) } == true)
    }
}
