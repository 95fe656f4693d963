/// Filling open seats of existing group sessions before new groups are formed: a group demand (a newcomer's weekly
/// theology group, say) may take a seat in a group of its requirement that already meets, when every hard rule holds
/// for her there: the seat is free, the session lies in her window and her free time at the centre, she has no other
/// session then, her daily limit has room, and each of its staff holds the role, shares a language with her and is
/// cleared for children and paediatric when she or the demand needs it.
enum OpenSeats {
    /// The seats `instance` offers, as plans to try: the greedy fill first, then (only when the greedy fill would leave
    /// fewer than a group's minimum of a pool behind, who together with those seated could have formed a group of their
    /// own) the fill without those pools. An instance without open seats gives one empty plan.
    static func plans(_ instance: Instance) -> [[SeatJoin]] {
        let greedy = fill(instance, skipping: [])
        guard !greedy.isEmpty else { return [[]] }
        let joined = Set(greedy.map(\.demandId))
        var seatedPeople: [String: Set<String>] = [:], leftPeople: [String: Set<String>] = [:], minimum: [String: Int] = [:]
        for d in instance.demands where d.mode == .group && d.participants.count == 1 {
            let key = d.poolKey
            minimum[key] = d.groupMin
            if joined.contains(d.id) { seatedPeople[key, default: []].insert(d.participants[0]) }
            else { leftPeople[key, default: []].insert(d.participants[0]) }
        }
        let stranding = Set(minimum.keys.filter { key in
            let left = leftPeople[key]?.count ?? 0, seated = seatedPeople[key]?.count ?? 0
            return left > 0 && left < minimum[key]! && seated > 0 && left + seated >= minimum[key]!
        })
        guard !stranding.isEmpty else { return [greedy] }
        return [greedy, fill(instance, skipping: stranding)]
    }

    /// Seats group demands (by priority, then id) in the best open seat each, skipping pools in `skipping`.
    static func fill(_ instance: Instance, skipping: Set<String>) -> [SeatJoin] {
        var state = State(instance)
        guard state.hasSeats else { return [] }
        var joins: [SeatJoin] = []
        let order = instance.demands.indices
            .filter { instance.demands[$0].mode == .group && !skipping.contains(instance.demands[$0].poolKey) }
            .sorted { (-instance.demands[$0].priority, instance.demands[$0].id) < (-instance.demands[$1].priority, instance.demands[$1].id) }
        var seen = Set<String>()
        for i in order {
            let d = instance.demands[i]
            guard seen.insert(d.id).inserted, let e = state.options(for: d).first else { continue }
            joins.append(state.seat(d, in: e))
        }
        return joins.sorted { $0.demandId < $1.demandId }
    }

    /// What the fill tracks: seats left per session and each participant's fixed time and day counts.
    struct State {
        let instance: Instance
        let people: [String: Participant]
        let staff: [String: Staff]
        let slotsPerDay: Int
        var seatsLeft: [Int]
        var busy: [String: [SlotRange]] = [:]
        var perDay: [String: [Int: Int]] = [:]
        var typePerDay: [String: [Int: Int]] = [:]
        /// Existing group sessions by requirement and centre, in instance order: the only ones a demand may join, so
        /// finding a demand's options costs its group's sessions, not every session of the country.
        var groups: [String: [Int]] = [:]

        init(_ instance: Instance) {
            self.instance = instance
            people = Dictionary(instance.participants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            staff = Dictionary(instance.staff.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            slotsPerDay = Swift.max(1, instance.horizon.slotsPerDay)
            seatsLeft = instance.existingSessions.map { $0.groupKey == nil ? 0 : Swift.max(0, $0.openSeats ?? 0) }
            guard hasSeats else { return }
            for (k, e) in instance.existingSessions.enumerated() where e.groupKey != nil {
                groups[Self.groupKey(e.requirementId, e.centreId ?? ""), default: []].append(k)
            }
            for e in instance.existingSessions {
                for p in Set(e.participantIds) { note(p, e.slots, type: e.sessionType) }
            }
        }

        var hasSeats: Bool { seatsLeft.contains { $0 > 0 } }

        private static func groupKey(_ requirement: String, _ centre: String) -> String { requirement + "\u{1F}" + centre }

        private mutating func note(_ p: String, _ slots: SlotRange, type: String) {
            busy[p, default: []].append(slots)
            if slots.start >= 0 {
                perDay[p, default: [:]][slots.start / slotsPerDay, default: 0] += 1
                typePerDay[p + "\u{1F}" + type, default: [:]][slots.start / slotsPerDay, default: 0] += 1
            }
        }

        /// Existing sessions demand `d` may join now, best first: its preferred staff member's, then on the day
        /// with fewest sessions of the type for her, then earliest, then by id.
        func options(for d: Demand) -> [Int] {
            let found = (groups[Self.groupKey(d.requirementId, d.centreId)] ?? []).filter { refusal(d, $0) == nil }
            guard let p = d.participants.first else { return [] }
            func key(_ k: Int) -> (Int, Int, Int, String) {
                let e = instance.existingSessions[k]
                let preferred = d.preferredStaffId.map { e.staffIds.contains($0) } ?? false
                return (preferred ? 0 : 1, typePerDay[p + "\u{1F}" + e.sessionType]?[e.start / slotsPerDay] ?? 0, e.start, e.id)
            }
            return found.sorted { key($0) < key($1) }
        }

        /// Whether demand `d` may take a seat in existing session `k`: nil if so, else the first rule that keeps it out
        /// ("not_this_group" when the session is not a group of the demand's requirement inside its window at all).
        func refusal(_ d: Demand, _ k: Int) -> String? {
            let e = instance.existingSessions[k]
            let slots = e.slots
            guard d.mode == .group, d.participants.count == 1, let p = people[d.participants[0]], e.groupKey != nil,
                  e.requirementId == d.requirementId, e.sessionType == d.sessionType, e.centreId == d.centreId,
                  e.start >= 0, slots.end <= instance.horizon.slotCount, d.window.contains(slots)
            else { return "not_this_group" }
            if e.participantIds.contains(p.id) { return "already_seated" }
            if seatsLeft[k] <= 0 { return "group_full" }
            if !(p.available[d.centreId] ?? []).covers(start: e.start, length: e.durationSlots) { return "participant_unavailable" }
            if (busy[p.id] ?? []).contains(where: { $0.start < slots.end && slots.start < $0.end }) { return "participant_busy" }
            if (perDay[p.id]?[e.start / slotsPerDay] ?? 0) >= p.maxSessions(onDay: e.start / slotsPerDay) { return "participant_daily_limit" }
            if e.staffIds.isEmpty { return "no_staff" }
            for id in e.staffIds {
                guard let s = staff[id] else { return "staff_unknown" }
                if !s.roles.contains(d.staffRole) { return "staff_role" }
                if !s.languages.contains(where: p.languages.contains) { return "no_shared_language" }
                if (p.isChild || d.requiresChildClearance) && !s.mayWorkWithChildren { return "child_clearance" }
                if d.paediatricOnly && !s.isPaediatric { return "paediatric_only" }
            }
            return nil
        }

        /// Takes a seat in existing session `k` for demand `d`.
        mutating func seat(_ d: Demand, in k: Int) -> SeatJoin {
            let e = instance.existingSessions[k]
            seatsLeft[k] -= 1
            note(d.participants[0], e.slots, type: e.sessionType)
            return SeatJoin(demandId: d.id, participantId: d.participants[0], sessionId: e.id, start: e.start,
                            durationSlots: e.durationSlots, staffIds: e.staffIds)
        }
    }
}
