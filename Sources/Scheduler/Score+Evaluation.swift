/// Scores a plan from scratch, component by component, with the same formulas the search optimises.
extension Score {
    /// Computes every component and the weighted soft total of `solution` against `instance`.
    public static func evaluate(_ solution: Solution, in instance: Instance) -> Score {
        let w = instance.weights
        let spd = instance.horizon.slotsPerDay
        let demands = Dictionary(instance.demands.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let people = Dictionary(instance.participants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var score = Score()
        score.sessions = solution.sessions.count
        score.unplaced = solution.unplaced.count
        score.continuityRequested = instance.demands.filter { $0.preferredStaffId != nil }.count
        var minimalChange = 0.0
        // Seats taken in existing groups serve demand like placed sessions, and their people are then in those sessions.
        let existing = instance.existingSessions(seating: solution.joins)
        for j in solution.joins {
            guard let d = demands[j.demandId] else { continue }
            score.placed += 1
            score.prioritySum += d.priority
            if let preferred = d.preferredStaffId, j.staffIds.contains(preferred) { score.continuityKept += 1 }
        }

        for s in solution.sessions {
            for id in s.demandIds {
                guard let d = demands[id] else { continue }
                score.placed += 1
                score.prioritySum += d.priority
                if d.preferredStaffId == s.staffId { score.continuityKept += 1 }
                if let prev = d.previous {
                    if prev.start == s.start { score.unchangedPlacements += 1; minimalChange += 1 }
                    if prev.staffId == s.staffId { minimalChange += 0.25 }
                    if prev.roomId == s.roomId { minimalChange += 0.25 }
                }
            }
            for p in s.participantIds {
                if let pref = people[p]?.preferredSlots, pref.covers(start: s.start, length: s.durationSlots) {
                    score.preferredHoursKept += 1
                }
            }
        }

        // Continuity within a run: per participant and type, the new individual sessions without a previous counsellor
        // that the staff member holding most of them holds, beyond the first.
        var heldBy: [String: [String: Int]] = [:]
        for s in solution.sessions where s.mode == .individual && s.demandIds.count == 1 && s.participantIds.count == 1 {
            guard let d = demands[s.demandIds[0]], d.preferredStaffId == nil else { continue }
            heldBy["\(s.participantIds[0])\u{1F}\(s.sessionType)", default: [:]][s.staffId, default: 0] += 1
        }
        for counts in heldBy.values { score.continuityWithinRun += (counts.values.max() ?? 1) - 1 }

        // Same-type sessions of one participant on one day, counting pairs that involve a planned session.
        var byDay: [String: (planned: Int, fixed: Int)] = [:]
        for s in solution.sessions {
            for p in s.participantIds { byDay["\(p)\u{1F}\(s.start / spd)\u{1F}\(s.sessionType)", default: (0, 0)].planned += 1 }
        }
        for e in existing where e.start >= 0 {
            for p in e.participantIds {
                let key = "\(p)\u{1F}\(e.start / spd)\u{1F}\(e.sessionType)"
                if byDay[key] != nil { byDay[key]!.fixed += 1 }
            }
        }
        for (_, c) in byDay {
            let k = c.planned + c.fixed
            score.sameDayRepeats += k * (k - 1) / 2 - c.fixed * (c.fixed - 1) / 2
        }

        // Staff load: sum of booked² ÷ available over staff, existing sessions included.
        var load: [String: Int] = [:]
        for s in solution.sessions { load[s.staffId, default: 0] += s.durationSlots }
        for e in existing { for id in e.staffIds where load[id] != nil { load[id]! += e.durationSlots } }
        for st in instance.staff {
            guard let l = load[st.id] else { continue }
            let cap = StaffCapacity.availableSlots(st, horizon: instance.horizon)
            if cap > 0 { score.staffLoadImbalance += Double(l * l) / Double(cap) }
        }

        // Linked participants (mother ↔ child) in different sessions that overlap in time.
        var linked: [String: Set<String>] = [:]
        for p in instance.participants {
            for q in p.linkedParticipants where q != p.id {
                linked[p.id, default: []].insert(q)
                linked[q, default: []].insert(p.id)
            }
        }
        if !linked.isEmpty {
            struct Seat { var start: Int; var end: Int; var index: Int; var people: [String] }
            var seats: [Seat] = solution.sessions.enumerated().map {
                Seat(start: $1.start, end: $1.start + $1.durationSlots, index: $0, people: $1.participantIds)
            }
            let planned = seats.count
            for (j, e) in existing.enumerated() {
                seats.append(Seat(start: e.start, end: e.start + e.durationSlots, index: planned + j, people: e.participantIds))
            }
            var seatsOf: [String: [Int]] = [:]
            for (k, s) in seats.enumerated() { for p in s.people { seatsOf[p, default: []].append(k) } }
            var pairs = Set<Int>()
            for a in 0..<planned {
                let sa = seats[a]
                for p in sa.people {
                    for q in linked[p] ?? [] where !sa.people.contains(q) {
                        for b in seatsOf[q] ?? [] where b != a {
                            let sb = seats[b]
                            if sb.start < sa.end && sa.start < sb.end {
                                pairs.insert(Swift.min(a, b) * seats.count + Swift.max(a, b))
                            }
                        }
                    }
                }
            }
            score.linkedClashes = pairs.count
        }

        // Group stability: pairs of members who already shared an existing session of the same group key.
        var together = Set<String>()
        for e in existing {
            guard let key = e.groupKey else { continue }
            let ps = e.participantIds.sorted()
            for i in 0..<ps.count { for j in (i + 1)..<ps.count { together.insert("\(key)\u{1F}\(ps[i])\u{1F}\(ps[j])") } }
        }
        if !together.isEmpty {
            for s in solution.sessions where s.mode == .group {
                guard let key = s.demandIds.first.flatMap({ demands[$0]?.groupKey }) else { continue }
                let ps = s.participantIds.sorted()
                for i in 0..<ps.count { for j in (i + 1)..<ps.count where together.contains("\(key)\u{1F}\(ps[i])\u{1F}\(ps[j])") {
                    score.groupStabilityPairs += 1
                } }
            }
        }

        score.soft = w.continuity * Double(score.continuityKept + score.continuityWithinRun)
            - w.spread * Double(score.sameDayRepeats)
            - w.staffBalance * score.staffLoadImbalance
            + w.preferredHours * Double(score.preferredHoursKept)
            - w.linkedClash * Double(score.linkedClashes)
            + w.groupStability * Double(score.groupStabilityPairs)
            + w.minimalChange * minimalChange
            + w.priority * Double(score.prioritySum)
        return score
    }
}
