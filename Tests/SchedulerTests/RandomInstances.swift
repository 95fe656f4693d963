import Scheduler

/// A seeded generator of plausible instances: two centres, three languages, children with school hours,
/// scarce bilingual and paediatric staff, rooms of three kinds, group, family and individual demands,
/// weekly and daily limits and a few fixed sessions.
enum RandomInstances {
    enum Size { case small, medium, large }

    /// SplitMix64, kept here so the tests do not depend on the module's internals.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
    }

    static func make(seed: UInt64, size: Size) -> Instance {
        var g = Rng(state: seed &* 7919 &+ 17)
        let days: Int, nPeople: Int, nStaff: Int, nRooms: Int
        switch size {
        case .small: (days, nPeople, nStaff, nRooms) = (3, g.int(3...10), g.int(1...4), g.int(1...3))
        case .medium: (days, nPeople, nStaff, nRooms) = (7, g.int(15...40), g.int(3...8), g.int(2...6))
        case .large: (days, nPeople, nStaff, nRooms) = (14, 300, 40, 30)
        }
        let spd = 96
        let centres = ["AKT-RC", "ALM-PR"]
        let langs = ["kk", "ru", "ar"]
        func day(_ d: Int, _ from: Int, _ to: Int) -> SlotRange { SlotRange(start: d * spd + from * 4, end: d * spd + to * 4) }

        var people: [Participant] = []
        for i in 0..<nPeople {
            let isChild = g.chance(0.35)
            let centre = g.pick(centres)
            var ls = [g.pick(langs)]
            if g.chance(0.3) { ls.append(g.pick(langs)) }
            var free: [SlotRange] = []
            for d in 0..<days where g.chance(0.85) {
                if isChild { free.append(day(d, d % 7 >= 5 ? 9 : 14, 19)) } else { free.append(day(d, g.int(7...10), g.int(15...20))) }
            }
            people.append(Participant(
                id: "P\(i)", languages: Array(Set(ls)).sorted(), ageYears: isChild ? g.int(2...17) : g.int(18...60),
                sex: g.chance(0.6) ? .female : .male, maxSessionsPerDay: g.int(1...3), available: [centre: free],
                preferredSlots: isChild && g.chance(0.5) ? (0..<days).map { day($0, 15, 17) } : nil,
                behindScore: Double(g.int(0...10)) / 10, familyId: nil,
                linkedParticipants: i > 0 && isChild && g.chance(0.4) ? ["P\(i - 1)"] : []))
        }
        var staff: [Staff] = []
        for i in 0..<nStaff {
            let roles: [String] = g.chance(0.25) ? ["psychologist", "paediatric_psychologist"] : (g.chance(0.3) ? ["religious_expert"] : ["psychologist"])
            var ls = [g.pick(langs)]
            if g.chance(0.3) { ls.append(g.pick(langs)) }
            var avail: [String: [SlotRange]] = [:]
            for c in centres where g.chance(0.7) || avail.isEmpty && c == centres.last! {
                avail[c] = (0..<days).filter { _ in g.chance(0.7) }.map { day($0, g.int(8...11), g.int(14...19)) }
            }
            let limits = g.chance(0.5) ? stride(from: 0, to: days, by: 7).map {
                WeeklyLimit(window: SlotRange(start: $0 * spd, end: Swift.min(days, $0 + 7) * spd), maxSlots: g.int(8...60))
            } : []
            staff.append(Staff(id: "S\(i)", roles: roles, languages: Array(Set(ls)).sorted(),
                               mayWorkWithChildren: roles.contains("paediatric_psychologist") || g.chance(0.3),
                               weeklyLimits: limits, available: avail))
        }
        var rooms: [Room] = []
        for i in 0..<nRooms {
            let kind = g.pick(["counselling", "counselling", "group", "family"])
            rooms.append(Room(id: "R\(i)", centreId: g.pick(centres), kind: kind,
                              capacity: kind == "counselling" ? g.int(1...3) : g.int(3...10),
                              available: (0..<days).map { day($0, 8, g.int(16...20)) }))
        }
        var demands: [Demand] = []
        var n = 0
        for p in people {
            let centre = p.available.keys.first!
            let weeks = stride(from: 0, to: days, by: 7).map { SlotRange(start: $0 * spd, end: Swift.min(days, $0 + 7) * spd) }
            for (w, window) in weeks.enumerated() {
                for _ in 0..<g.int(0...3) {
                    n += 1
                    let kind = g.int(0...9)
                    if kind < 6 {
                        demands.append(Demand(
                            id: "D\(n)", requirementId: "psy", sessionType: p.isChild ? "child_individual" : "psychological_individual",
                            participants: [p.id], staffRole: p.isChild && g.chance(0.5) ? "paediatric_psychologist" : "psychologist",
                            paediatricOnly: p.isChild && g.chance(0.3), durationSlots: g.pick([2, 3, 4]), window: window,
                            weekLabel: "W\(w + 1)", roomKinds: ["counselling"], centreId: centre,
                            preferredStaffId: g.chance(0.3) ? "S\(g.int(0...(nStaff - 1)))" : nil, priority: g.int(0...3)))
                    } else if kind < 9 {
                        // Like a requirement of several group classes a week: identical units of one person in one pool.
                        let key = "\(g.pick(["G1", "G2"]))-\(p.isChild ? "kids" : "adults")"
                        for unit in 0..<g.int(1...3) {
                            demands.append(Demand(
                                id: "D\(n)-\(unit)", requirementId: "rel", sessionType: "religious_group", mode: .group, participants: [p.id],
                                groupKey: key, groupMin: 2, groupMax: key.hasPrefix("G1") ? 5 : 8,
                                staffRole: "religious_expert", durationSlots: 4, window: window, weekLabel: "W\(w + 1)",
                                roomKinds: ["group", "counselling"], centreId: centre))
                        }
                    } else {
                        let others = people.filter { $0.id != p.id && $0.available.keys.first == centre }.prefix(g.int(0...2))
                        demands.append(Demand(
                            id: "D\(n)", requirementId: "fam", sessionType: "family_session", mode: .family,
                            participants: [p.id] + others.map(\.id), staffRole: "psychologist", durationSlots: 4, window: window,
                            weekLabel: "W\(w + 1)", roomKinds: ["family", "group"], centreId: centre))
                    }
                }
            }
        }
        var existing: [ExistingSession] = []
        for i in 0..<g.int(0...(nPeople / 3)) {
            let p = g.pick(people), s = g.pick(staff)
            let start = g.int(0...(days * spd - 8))
            existing.append(ExistingSession(id: "E\(i)", staffIds: g.chance(0.5) ? [s.id] : [], roomId: g.chance(0.3) ? g.pick(rooms).id : nil,
                                            participantIds: [p.id], start: start, durationSlots: 4, sessionType: "education_lesson",
                                            requirementId: "edu"))
        }
        return Instance(horizon: Horizon(startISO: "2026-11-30T00:00", days: days, slotMinutes: 15),
                        participants: people, staff: staff, rooms: rooms, demands: demands, existingSessions: existing,
                        seed: seed, budget: .iterations(2_000))
    }
}
