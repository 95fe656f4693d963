import Scheduler
import Testing

/// Centres that share nobody are planned apart (`Scheduler.parts(of:)`): what joins two centres (a staff member or a
/// participant available at both, a booked session, a linked pair) keeps them one part; a part is planned as if it were
/// the whole instance, with its share of the budget; an instance of one part, or below `splitFromUnits`, is planned in
/// one piece as before.
@Suite struct PartsTests {
    /// The same small centre twice, as `a` and `b`: each its own staff, room, participants and demand.
    static func twoCentres(joinedBy join: (inout [Participant], inout [Staff]) -> Void = { _, _ in }) -> Instance {
        var participants: [Participant] = [], staff: [Staff] = [], rooms: [Room] = [], demands: [Demand] = []
        for centre in ["A", "B"] {
            for i in 1...3 {
                var p = Fx.person("\(centre)-P\(i)")
                p.available = [centre: Fx.daily(8, 20)]
                participants.append(p)
                var d = Fx.demand("\(centre)-D\(i)", [p.id])
                d.centreId = centre
                demands.append(d)
            }
            var s = Fx.staff("\(centre)-S1")
            s.available = [centre: Fx.daily(9, 12)]
            staff.append(s)
            var r = Fx.room("\(centre)-R1")
            r.centreId = centre
            rooms.append(r)
        }
        join(&participants, &staff)
        return Fx.instance(participants: participants, staff: staff, rooms: rooms, demands: demands)
    }

    @Test func centresThatShareNobodyAreTwoPartsAndAnyoneSharedMakesThemOne() {
        let apart = Scheduler.parts(of: Self.twoCentres(), budget: .iterations(1_000))
        #expect(apart.count == 2)
        #expect(apart.map { $0.demands.map(\.centreId) } == [["A", "A", "A"], ["B", "B", "B"]])
        #expect(apart.map { $0.staff.map(\.id) } == [["A-S1"], ["B-S1"]])
        // Each part has its share of the work (half the units: half the iterations, rounded up).
        #expect(apart.map(\.budget.maxIterations) == [500, 500])

        let sharedStaff = Self.twoCentres { _, staff in staff[0].available["B"] = Fx.daily(13, 17) }
        #expect(Scheduler.parts(of: sharedStaff).count == 1)
        #expect(Scheduler.parts(of: sharedStaff) == [sharedStaff])
        let sharedPerson = Self.twoCentres { people, _ in people[0].available["B"] = Fx.daily(8, 20) }
        #expect(Scheduler.parts(of: sharedPerson).count == 1)
        let linked = Self.twoCentres { people, _ in people[0].linkedParticipants = ["B-P1"] }
        #expect(Scheduler.parts(of: linked).count == 1)
    }

    @Test func eachPartIsPlannedAsIfItWereTheWholeInstance() {
        let instance = Self.twoCentres()
        let whole = Scheduler.solveInParts(instance, budget: .iterations(1_000), elapsedMilliseconds: { 0 })
        #expect(whole.violations(of: instance).isEmpty)
        // Three demands a centre, one staff member with three free hours a day: everything is placed.
        #expect(whole.score.placed == 6 && whole.unplaced.isEmpty)
        for part in Scheduler.parts(of: instance, budget: .iterations(1_000)) {
            let alone = Scheduler.solve(part)
            let centre = part.demands[0].centreId
            #expect(whole.sessions.filter { $0.centreId == centre } == alone.sessions)
        }
        // The same plan every time, and the parts in the whole plan keep a plan's order (by start, then staff).
        let again = Scheduler.solveInParts(instance, budget: .iterations(1_000), elapsedMilliseconds: { 0 })
        #expect(again.sessions == whole.sessions && again.unplaced == whole.unplaced && again.score == whole.score)
        #expect(whole.sessions.map(\.start) == whole.sessions.map(\.start).sorted())
        // An instance this small is planned in one piece by `solve` (below `splitFromUnits`).
        #expect(instance.demands.count < Scheduler.splitFromUnits)
        let onePiece = Scheduler.solve(instance, budget: .iterations(1_000))
        #expect(onePiece.sessions == Scheduler.solveWhole(instance, budget: .iterations(1_000), elapsedMilliseconds: { 0 }).sessions)
    }
}
