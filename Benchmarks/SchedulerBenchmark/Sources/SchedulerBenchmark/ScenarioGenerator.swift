import Scheduler

/// Generates a programme-shaped instance: residential centres for women and children, prisons for men,
/// school hours for children, scarce Arabic- and Uzbek-speaking staff, and fewer rooms than staff.
/// Everything derives from the seed, so a size and seed name one instance.
struct ScenarioGenerator {
    var participants: Int
    var days: Int
    var seed: UInt64
    /// Staff supplied per unit of expected demand (1.0 ≈ just enough hours on paper).
    var staffing: Double = 1.1
    /// Rooms supplied per unit of expected room demand.
    var roomSupply: Double = 1.0
    /// What the population and supply look like (`standard` is the scenario described in README.md).
    var shape: Shape = .standard

    /// Shapes of instance for the comparison with the exact solver (compare-shapes.sh). `standard` draws exactly the
    /// random numbers it always drew, so its instances are unchanged.
    enum Shape: String, CaseIterable {
        /// The described scenario: women, children and men, groups included.
        case standard
        /// Group-heavy: two men in five (two education groups each), and women's religious groups.
        case groups
        /// Every woman has one to three children; two family sessions a week (psychologist, then play).
        case families
        /// Three children per woman, no men: school hours decide most of the week.
        case school
        /// Eight languages spread evenly over participants; each staff member speaks kk or ru and one or two others.
        case languages
        /// Staff away three days in ten and on half days one day in five; rooms closed one day in ten.
        case leave
    }

    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
    }

    func make() -> Instance {
        var g = Rng(state: seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        let spd = 96
        func at(_ d: Int, _ h0: Double, _ h1: Double) -> SlotRange {
            SlotRange(start: d * spd + Int(h0 * 4), end: d * spd + Int(h1 * 4))
        }
        func isWeekend(_ d: Int) -> Bool { d % 7 >= 5 }
        let weeks = stride(from: 0, to: days, by: 7).map { SlotRange(start: $0 * spd, end: Swift.min(days, $0 + 7) * spd) }

        let men = shape == .school || shape == .families ? 0 : (shape == .groups ? participants * 2 / 5 : participants / 5)
        let women = shape == .school ? (participants - men) / 4 : (participants - men) / 2
        let maxKids = shape == .school ? 4 : 3
        let moreKids = shape == .school ? 0.9 : (shape == .families ? 0.6 : 0.3)
        let manyLanguages = ["ar", "en", "kk", "ky", "ru", "tg", "tr", "uz"]
        let children = participants - men - women
        let residential = Swift.max(1, (women + children + 250) / 500)
        let prisons = Swift.max(1, (men + 250) / 500)
        let resNames = (0..<residential).map { String(format: "RC-%02d", $0 + 1) }
        let prisonNames = (0..<prisons).map { String(format: "PR-%02d", $0 + 1) }

        func languages() -> [String] {
            if shape == .languages {
                let main = g.pick(manyLanguages)
                return main != "ru" && g.chance(0.3) ? [main, "ru"].sorted() : [main]
            }
            let main = g.chance(0.55) ? "kk" : (g.chance(0.75) ? "ru" : (g.chance(0.7) ? "ar" : "uz"))
            var ls = [main]
            if main != "ru" && g.chance(0.5) { ls.append("ru") }
            return ls.sorted()
        }

        var people: [Participant] = []
        var demands: [Demand] = []
        var unit = 0
        func nextId() -> String { unit += 1; return "D\(unit)" }

        // Women, each with 0–2 children at the same residential centre.
        var childCount = 0
        for w in 0..<women {
            let centre = resNames[w % residential]
            let ls = languages()
            let womanId = "W\(w)"
            var free: [SlotRange] = []
            for d in 0..<days { free.append(at(d, 8, 13)); free.append(at(d, 14, 20)) }
            var kids: [String] = []
            while childCount < children && (kids.isEmpty || g.chance(moreKids)) && kids.count < maxKids {
                kids.append("C\(childCount)")
                childCount += 1
                if w < women - 1 && shape != .school && g.chance(0.3) { break }
            }
            people.append(Participant(id: womanId, languages: ls, ageYears: g.int(18...45), sex: .female, maxSessionsPerDay: 2,
                                      available: [centre: free], behindScore: Double(g.int(0...10)) / 10, familyId: "F\(w)",
                                      linkedParticipants: kids))
            for (k, week) in weeks.enumerated() {
                let label = "W\(k + 1)"
                demands.append(Demand(id: nextId(), requirementId: "psy-ind", sessionType: "psychological_individual",
                                      participants: [womanId], staffRole: "psychologist", durationSlots: 4, window: week,
                                      weekLabel: label, roomKinds: ["counselling"], centreId: centre,
                                      preferredStaffId: nil, priority: 2))
                demands.append(Demand(id: nextId(), requirementId: "rel-ind", sessionType: "religious_individual",
                                      participants: [womanId], staffRole: "religious_expert", durationSlots: 4, window: week,
                                      weekLabel: label, roomKinds: ["counselling"], centreId: centre, priority: 1))
                demands.append(Demand(id: nextId(), requirementId: "rel-grp", sessionType: "religious_group", mode: .group,
                                      participants: [womanId], groupKey: "women-rel", groupMin: 4, groupMax: 12,
                                      staffRole: "religious_expert", durationSlots: 6, window: week, weekLabel: label,
                                      roomKinds: ["group"], centreId: centre, priority: 1))
                if !kids.isEmpty && k % 2 == 0 {
                    demands.append(Demand(id: nextId(), requirementId: "family", sessionType: "family_session", mode: .family,
                                          participants: [womanId] + kids, staffRole: "psychologist", requiresChildClearance: true,
                                          durationSlots: 4, window: week, weekLabel: label, roomKinds: ["family"], centreId: centre))
                }
                if !kids.isEmpty && shape == .families {
                    demands.append(Demand(id: nextId(), requirementId: "family-play", sessionType: "family_play", mode: .family,
                                          participants: [womanId] + kids, staffRole: "paediatric_psychologist",
                                          requiresChildClearance: true, durationSlots: 3, window: week, weekLabel: label,
                                          roomKinds: ["family", "play"], centreId: centre, priority: 1))
                }
            }
            for (j, kid) in kids.enumerated() {
                let age = g.int(2...17)
                var kfree: [SlotRange] = []
                for d in 0..<days {
                    if isWeekend(d) { kfree.append(at(d, 9, 19)) }
                    else if age >= 7 { kfree.append(at(d, 14.5, 19)) }
                    else { kfree.append(at(d, 12.5, 19)) }
                }
                let kls = g.chance(0.8) ? ls : languages()
                people.append(Participant(id: kid, languages: kls, ageYears: age, sex: g.chance(0.5) ? .female : .male,
                                          maxSessionsPerDay: 1, available: [centre: kfree],
                                          preferredSlots: (0..<days).map { at($0, 15, 17) },
                                          behindScore: Double(g.int(0...10)) / 10, familyId: "F\(w)", linkedParticipants: [womanId]))
                for (k, week) in weeks.enumerated() {
                    let label = "W\(k + 1)"
                    demands.append(Demand(id: nextId(), requirementId: "child-psy", sessionType: "child_individual",
                                          participants: [kid], staffRole: "paediatric_psychologist", paediatricOnly: age < 12,
                                          durationSlots: 3, window: week, weekLabel: label, roomKinds: ["counselling", "play"],
                                          centreId: centre, priority: 3))
                    if age >= 5 {
                        demands.append(Demand(id: nextId(), requirementId: "child-grp", sessionType: "art_therapy_group", mode: .group,
                                              participants: [kid], groupKey: age < 11 ? "art-young" : "art-teen", groupMin: 3, groupMax: 8,
                                              staffRole: "paediatric_psychologist", durationSlots: 4, window: week, weekLabel: label,
                                              roomKinds: ["play", "group"], centreId: centre, priority: 1))
                    }
                }
                _ = j
            }
        }

        // Men in prison: timetable blocks leave mornings and mid-afternoons on weekdays.
        for m in 0..<men {
            let centre = prisonNames[m % prisons]
            let id = "M\(m)"
            var free: [SlotRange] = []
            for d in 0..<days where !isWeekend(d) { free.append(at(d, 9, 12)); free.append(at(d, 14, 17)) }
            people.append(Participant(id: id, languages: languages(), ageYears: g.int(18...60), sex: .male, maxSessionsPerDay: 2,
                                      available: [centre: free], behindScore: Double(g.int(0...10)) / 10))
            for (k, week) in weeks.enumerated() {
                let label = "W\(k + 1)"
                demands.append(Demand(id: nextId(), requirementId: "psy-ind", sessionType: "counselling",
                                      participants: [id], staffRole: "psychologist", durationSlots: 4, window: week,
                                      weekLabel: label, roomKinds: ["counselling"], centreId: centre, priority: 2))
                for lesson in 0..<2 {
                    demands.append(Demand(id: nextId(), requirementId: "edu-\(lesson)", sessionType: "education_lesson", mode: .group,
                                          participants: [id], groupKey: "edu-\(lesson)", groupMin: 3, groupMax: 15,
                                          staffRole: "teacher", durationSlots: 6, window: week, weekLabel: label,
                                          roomKinds: ["classroom"], centreId: centre, priority: 1))
                }
            }
        }

        // Staff sized from the demand at each centre, with scarce minority languages.
        var staff: [Staff] = []
        var rooms: [Room] = []
        var need: [String: [String: Double]] = [:]
        for d in demands {
            let perUnit = d.mode == .group ? Double(d.durationSlots) / 6 : Double(d.durationSlots)
            need[d.centreId, default: [:]][d.staffRole, default: 0] += perUnit
        }
        var roomNeed: [String: [String: Double]] = [:]
        for d in demands {
            let perUnit = d.mode == .group ? Double(d.durationSlots) / 6 : Double(d.durationSlots)
            roomNeed[d.centreId, default: [:]][d.roomKinds[0], default: 0] += perUnit
        }
        var sid = 0
        for centre in (resNames + prisonNames) {
            let prison = centre.hasPrefix("PR")
            let weeklyHours = 30.0
            for role in (need[centre] ?? [:]).keys.sorted() {
                let slots = need[centre]![role]! / Double(weeks.count)
                let count = Swift.max(1, Int((slots / (weeklyHours * 4) * staffing).rounded(.up)))
                for _ in 0..<count {
                    sid += 1
                    var ls = ["kk", "ru"]
                    if shape == .languages {
                        ls = Array(Set([g.pick(["kk", "ru"]), g.pick(manyLanguages)] + (g.chance(0.4) ? [g.pick(manyLanguages)] : [])))
                    } else {
                        if g.chance(0.3) { ls = [g.pick(["kk", "ru"])] }
                        if g.chance(0.12) { ls.append("ar") }
                        if g.chance(0.05) { ls.append("uz") }
                    }
                    var avail: [SlotRange] = []
                    let start = prison ? 9.0 : Double(g.pick([8, 9, 10, 11]))
                    for d in 0..<days where !isWeekend(d) || (!prison && g.chance(0.3)) {
                        if g.chance(shape == .leave ? 0.3 : 0.06) { continue }
                        let end = Swift.min(prison ? 17 : 20, start + 8)
                        avail.append(at(d, start, shape == .leave && g.chance(0.2) ? start + 4 : end))
                    }
                    let roles = role == "paediatric_psychologist" ? ["paediatric_psychologist", "psychologist"] : [role]
                    staff.append(Staff(id: String(format: "S%04d", sid), roles: roles, languages: ls.sorted(),
                                       mayWorkWithChildren: role == "paediatric_psychologist" || (!prison && g.chance(0.5)),
                                       weeklyLimits: weeks.map { WeeklyLimit(window: $0, maxSlots: Int(weeklyHours * 4)) },
                                       available: [centre: avail]))
                }
            }
            let openFrom = prison ? 9.0 : 8.0, openTo = prison ? 17.0 : 20.0
            let openSlotsPerWeek = (openTo - openFrom) * 4 * (prison ? 5 : 7)
            var rid = 0
            for kind in (roomNeed[centre] ?? [:]).keys.sorted() {
                let slots = roomNeed[centre]![kind]! / Double(weeks.count)
                let count = Swift.max(1, Int((slots / openSlotsPerWeek * roomSupply * (kind == "group" || kind == "classroom" ? 0.5 : 1)).rounded(.up)))
                for _ in 0..<count {
                    rid += 1
                    let cap: Int
                    switch kind {
                    case "counselling": cap = 2
                    case "family": cap = 5
                    case "classroom": cap = g.pick([10, 15])
                    default: cap = g.pick([8, 12])
                    }
                    let open = (0..<days).filter { (!prison || !isWeekend($0)) && (shape != .leave || !g.chance(0.1)) }
                    rooms.append(Room(id: "\(centre)-R\(rid)", centreId: centre, kind: kind, capacity: cap,
                                      available: open.map { at($0, openFrom, openTo) }))
                }
            }
        }
        return Instance(horizon: Horizon(startISO: "2026-11-30T00:00", days: days, slotMinutes: 15), participants: people,
                        staff: staff, rooms: rooms, demands: demands, seed: seed)
    }
}
