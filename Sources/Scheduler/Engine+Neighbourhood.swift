/// Large-neighbourhood moves for the plateau phase: around an unplaced demand, free a staff member's day, a
/// room's day, the centre's day or a staff member's week, then re-insert everything removed, the demand and a
/// few other unplaced demands that could use the space, most constrained first with best-fit packing. Kept when
/// no unit (and no priority) is lost, so the search walks across equal-count plans towards ones with room for more.
extension Engine {
    /// Outcome of a neighbourhood move.
    enum MoveOutcome { case none, swapped, gained }

    /// Destroys and rebuilds the sessions around unplaced individual demand `u`.
    func neighbourhoodMove(_ u: Int, unplaced: [Int]) -> MoveOutcome {
        let info = dem[u]
        guard info.staticReason == nil, info.pool < 0, !info.staff.isEmpty, !info.rooms.isEmpty else { return .none }
        // A day on which the demand could take place, and one of its staff members or rooms.
        let starts = scratch.row(4), bits = dBits.row(u)
        for k in 0..<words { starts[k] = bits[k] }
        SlotBits.runStarts(starts, count: words, length: info.dur)
        var days: [Int] = []
        for t in info.winStart..<(info.winEnd - info.dur + 1) where SlotBits.test(starts, t) {
            let d = t / slotsPerDay
            if days.last != d { days.append(d) }
        }
        guard !days.isEmpty else { return .none }
        let day = days[rng.below(days.count)]
        let from = day * slotsPerDay, to = Swift.min(slots, from + slotsPerDay)
        var victims = Set<Int>()
        // Four neighbourhoods: a staff member's day, a room's day, the whole centre's day, a staff member's window.
        let kind = rng.below(4)
        let useStaff = kind != 1
        let staffMember = info.staff[rng.below(info.staff.count)].staff
        let room = info.rooms[rng.below(info.rooms.count)]
        switch kind {
        case 0:
            for t in from..<to { let v = Int(sOcc[staffMember * slots + t]); if v >= 0 { victims.insert(v) } }
        case 1:
            for t in from..<to { let v = Int(rOcc[room * slots + t]); if v >= 0 { victims.insert(v) } }
        case 2:
            for r in roomsByCentre[info.centre] {
                for t in from..<to { let v = Int(rOcc[r * slots + t]); if v >= 0 { victims.insert(v) } }
            }
        default:
            for t in info.winStart..<info.winEnd { let v = Int(sOcc[staffMember * slots + t]); if v >= 0 { victims.insert(v) } }
        }
        for p in info.parts { for sid in pSessions[p] where sessions[sid].start / slotsPerDay == day { victims.insert(sid) } }
        let removable = victims.sorted().filter { sessions[$0].alive && sessions[$0].pool < 0 }
        guard !removable.isEmpty, removable.count <= 40 else { return .none }
        let before = placedUnits
        let saved = removable.map { sessions[$0] }
        let priorityBefore = saved.reduce(0) { $0 + dem[$1.demands[0]].priority }
        for sid in removable { unplace(sid) }
        var pending = saved.map { $0.demands[0] } + [u]
        // A few other unplaced demands that could use the freed staff member or room that day get a chance too.
        if !unplaced.isEmpty {
            let offset = rng.below(unplaced.count)
            var extra = 0
            for i in 0..<unplaced.count where extra < 8 {
                let d = unplaced[(i + offset) % unplaced.count]
                let o = dem[d]
                guard d != u, dSession[d] < 0, o.pool < 0, o.staticReason == nil, o.winStart < to, o.winEnd > from else { continue }
                let fits = kind == 2 ? o.centre == info.centre
                    : useStaff ? o.staff.contains { $0.staff == staffMember } : o.rooms.contains(room)
                if fits { pending.append(d); extra += 1 }
            }
        }
        let randomOrder = rng.below(4) == 0
        compactWeight = 1.0
        jitter = rng.below(2) == 0 ? 0 : 2.0
        defer { compactWeight = 0; jitter = 0 }
        var created: [Int] = []
        var priorityAfter = 0
        // Most constrained first, counted once after the removal (or in random order on some moves).
        let keys = pending.map { d -> (Int, UInt64) in
            (randomOrder ? 0 : evaluate(d, wantBest: false, pressure: false).options, rng.next())
        }
        let order = pending.indices.sorted { keys[$0] < keys[$1] }
        for i in order {
            let d = pending[i]
            if dSession[d] >= 0 || keys[i].0 == 0 && !randomOrder { continue }
            if let b = evaluate(d, wantBest: true, pressure: false).best {
                created.append(place(demands: [d], parts: dem[d].parts, staff: b.staff, room: b.room, start: b.start, lang: b.lang))
                priorityAfter += dem[d].priority
            }
        }
        if placedUnits > before { return .gained }
        if placedUnits == before && priorityAfter >= priorityBefore && created.count > 0 {
            protectedUntil[u] = clock + 3 * Swift.max(10, dem.count / 20)
            return .swapped
        }
        for sid in created.reversed() { unplace(sid) }
        for x in saved { place(demands: x.demands, parts: x.parts, staff: x.staff, room: x.room, start: x.start, lang: x.lang) }
        return .none
    }
}
