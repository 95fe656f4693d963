import Testing
import Scheduler

/// Every reason code, triggered on purpose, with the blocking constraint named in the detail.
@Suite struct ReasonTests {
    private func reason(_ inst: Instance, _ id: String = "D1") -> UnplacedDemand? {
        let s = Fx.solve(inst)
        #expect(s.violations(of: inst).isEmpty)
        return Fx.unplaced(s, id)
    }

    private func basic(
        people: [Participant] = [Fx.person("P1")], staff: [Staff] = [Fx.staff("S1")], rooms: [Room] = [Fx.room("R1")],
        demands: [Demand]? = nil, existing: [ExistingSession] = [], days: Int = 7
    ) -> Instance {
        Fx.instance(days: days, participants: people, staff: staff, rooms: rooms, demands: demands ?? [Fx.demand("D1", ["P1"])],
                    existing: existing)
    }

    @Test func invalidDemand() {
        let u = reason(basic(demands: [Fx.demand("D1", ["NOBODY"])]))
        #expect(u?.reason == .invalidDemand)
        #expect(u?.detail.contains("NOBODY") == true)
    }

    @Test func noStaffWithRole() {
        let u = reason(basic(demands: [Fx.demand("D1", ["P1"], role: "religious_expert")]))
        #expect(u?.reason == .noStaffWithRole)
        #expect(u?.detail == "no religious expert is available at AKT-RC in week 2026-W49")
    }

    @Test func noStaffWithLanguage() {
        let u = reason(basic(people: [Fx.person("P1", langs: ["ar"])]))
        #expect(u?.reason == .noStaffWithLanguage)
        #expect(u?.detail == "no psychologist speaking ar is available at AKT-RC in week 2026-W49")
    }

    @Test func noChildClearedStaff() {
        let u = reason(basic(people: [Fx.person("P1", age: 12)]))
        #expect(u?.reason == .noChildClearedStaff)
        #expect(u?.detail.contains("cleared to work with children") == true)
    }

    @Test func noPaediatricStaffIsAClearanceProblem() {
        let u = reason(basic(people: [Fx.person("P1", age: 5)], staff: [Fx.staff("S1", children: true)],
                             demands: [Fx.demand("D1", ["P1"], paediatricOnly: true)]))
        #expect(u?.reason == .noChildClearedStaff)
        #expect(u?.detail.contains("paediatric psychologist") == true)
    }

    @Test func noRoomOfKind() {
        let u = reason(basic(demands: [Fx.demand("D1", ["P1"], kinds: ["family"])]))
        #expect(u?.reason == .noRoomOfKind)
        #expect(u?.detail == "AKT-RC has no room of kind family")
    }

    @Test func roomTooSmall() {
        let people = ["P1", "P2", "P3"].map { Fx.person($0) }
        let u = reason(basic(people: people, rooms: [Fx.room("R1", capacity: 2)],
                             demands: [Fx.demand("D1", ["P1", "P2", "P3"], mode: .family)]))
        #expect(u?.reason == .roomTooSmall)
        #expect(u?.detail == "no counselling room at AKT-RC seats 3")
    }

    @Test func participantUnavailableInTheWindow() {
        // Free only on day 6, but the demand's window is days 0–2.
        let u = reason(basic(people: [Fx.person("P1", available: [Fx.hours(day: 6, 9, 12)])],
                             demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 3 * 96))]))
        #expect(u?.reason == .participantUnavailable)
        #expect(u?.detail.contains("P1") == true)
    }

    @Test func participantBusyWithFixedSessions() {
        let existing = ExistingSession(id: "E1", staffIds: [], roomId: nil, participantIds: ["P1"], start: 0,
                                       durationSlots: 96, sessionType: "education_lesson", requirementId: "edu")
        let u = reason(basic(demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96))], existing: [existing], days: 1))
        #expect(u?.reason == .participantUnavailable)
    }

    @Test func noCommonTime() {
        let u = reason(basic(people: [Fx.person("P1", available: Fx.daily(8, 12))], staff: [Fx.staff("S1", available: Fx.daily(13, 17))]))
        #expect(u?.reason == .noCommonTime)
    }

    @Test func staffWeeklyLimit() {
        let existing = ExistingSession(id: "E1", staffIds: ["S1"], roomId: nil, participantIds: [], start: 36,
                                       durationSlots: 8, sessionType: "x", requirementId: "rx")
        let u = reason(basic(staff: [Fx.staff("S1", limits: [WeeklyLimit(window: Fx.r(0, 7 * 96), maxSlots: 10)])], existing: [existing]))
        #expect(u?.reason == .staffWeeklyLimit)
    }

    @Test func participantDailyLimit() {
        let existing = ExistingSession(id: "E1", staffIds: [], roomId: nil, participantIds: ["P1"], start: 80,
                                       durationSlots: 4, sessionType: "x", requirementId: "rx")
        let u = reason(basic(people: [Fx.person("P1", maxPerDay: 1)], demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96))],
                             existing: [existing], days: 1))
        #expect(u?.reason == .participantDailyLimit)
    }

    @Test func groupTooSmall() {
        let people = ["P1", "P2"].map { Fx.person($0) }
        let demands = people.map { Fx.demand("D-\($0.id)", [$0.id], mode: .group, type: "religious_group", groupKey: "G1", groupMin: 3) }
        let u = reason(basic(people: people, rooms: [Fx.room("R1", capacity: 10)], demands: demands), "D-P1")
        #expect(u?.reason == .groupTooSmall)
        #expect(u?.detail.contains("at least 3") == true)
    }

    @Test func displacedByHigherPriority() {
        let hour = [Fx.hours(day: 0, 10, 11)]
        let people = [Fx.person("P1", available: hour), Fx.person("P2", available: hour)]
        let inst = basic(people: people, staff: [Fx.staff("S1", available: hour)],
                         demands: [Fx.demand("D1", ["P1"], window: Fx.r(0, 96), priority: 1),
                                   Fx.demand("D2", ["P2"], window: Fx.r(0, 96), priority: 5)], days: 1)
        let s = Fx.solve(inst)
        #expect(s.score.placed == 1)
        #expect(Fx.session(s, "D2") != nil)
        #expect(Fx.unplaced(s, "D1")?.reason == .displacedByHigherPriority)
    }

    @Test func reasonCodesAreSnakeCaseInJSON() throws {
        #expect(ReasonCode.noStaffWithLanguage.rawValue == "no_staff_with_language")
        #expect(ReasonCode.displacedByHigherPriority.rawValue == "displaced_by_higher_priority")
    }
}
