/// Improvement under a budget: re-insert unplaced demands by ejecting one or two placed sessions that block
/// them and re-placing those elsewhere (accepted when the placed count rises), plateau moves that keep the count
/// but open new room, and relocation moves for the soft score.
extension Engine {
    /// An ejection option: place the demand at (staff, room, start) after removing `blockers`.
    struct EjectionOption {
        var staff: Int
        var room: Int
        var start: Int
        var blockers: [Int]
        var cost: Double
    }

    /// Runs the improvement rounds until `clock` reaches `maxIterations` (the work budget; every decision depends
    /// on it only). `elapsed` is read once per iteration solely to stop when `maxMilliseconds` is reached, which
    /// sets `timeCapHit`. A round tries every unplaced demand (repair), then a few soft relocations. When a round
    /// gains nothing, plateau rounds alternate single swaps and neighbourhood rebuilds that keep the count
    /// (tabu-protected), which reaches placements one- and two-step repairs cannot; after `stallLimit` rounds
    /// without a gain, or as soon as `upperBound` units are placed, the search stops. The last tenth of the
    /// iterations (and whatever the search left) polish the soft score with relocations only.
    func improve(maxIterations: Int, maxMilliseconds: Int, elapsed: () -> Int, stats: inout SolveStats) {
        let searchIterations = maxIterations - maxIterations / 10
        func spend(_ cap: Int) -> Bool {
            if clock >= cap || timeCapHit { return false }
            if elapsed() >= maxMilliseconds {
                timeCapHit = true
                return false
            }
            clock += 1
            return true
        }
        defer { stats.iterations = clock }
        let stallLimit = 300
        var stalled = 0
        rounds: while placedUnits < upperBound {
            var gained = false
            var queue = dem.indices.filter { dSession[$0] < 0 && dem[$0].staticReason == nil }
            let tieBreak = queue.map { _ in rng.next() }
            let order = queue.indices.sorted { (dem[queue[$0]].flexibility, tieBreak[$0]) < (dem[queue[$1]].flexibility, tieBreak[$1]) }
            queue = order.map { queue[$0] }
            poolsTried.removeAll()
            for d in queue where dSession[d] < 0 {
                guard spend(searchIterations) else { break rounds }
                if repair(d) {
                    gained = true
                    stats.improvements += 1
                    if placedUnits >= upperBound { break rounds }
                }
            }
            if queue.isEmpty { break }
            let live = sessions.indices.filter { sessions[$0].alive && sessions[$0].pool < 0 }
            for _ in 0..<Swift.min(live.count, 100) {
                guard spend(searchIterations) else { break rounds }
                let sid = live[rng.below(live.count)]
                if sessions[sid].alive && relocate(sid) { stats.improvements += 1 }
            }
            if gained { stalled = 0; continue }
            stalled += 1
            if stalled > stallLimit { break }
            // Plateau: re-form pools with stranded members, then swap unplaced individual demands in for
            // flexible placed ones or rebuild around them.
            var rebuilt = Set<Int>()
            for d in queue where dSession[d] < 0 && dem[d].pool >= 0 && rebuilt.insert(dem[d].pool).inserted {
                guard spend(searchIterations) else { break rounds }
                if rebuildPool(dem[d].pool) == .gained {
                    gained = true
                    stats.improvements += 1
                    if placedUnits >= upperBound { break rounds }
                }
            }
            let individuals = queue.filter { dem[$0].pool < 0 }
            if individuals.isEmpty && rebuilt.isEmpty { break }
            for d in individuals where dSession[d] < 0 {
                guard spend(searchIterations) else { break rounds }
                if (stalled % 2 == 1 ? neighbourhoodMove(d, unplaced: individuals) : plateauMove(d)) == .gained {
                    gained = true
                    stats.improvements += 1
                    if placedUnits >= upperBound { break rounds }
                }
            }
            if gained { stalled = 0 }
        }
        // Polish: relocations for the soft score until a full sweep finds nothing or the budget ends.
        polish: while true {
            let live = sessions.indices.filter { sessions[$0].alive && sessions[$0].pool < 0 }
            var improved = false
            for sid in live where sessions[sid].alive {
                guard spend(maxIterations) else { break polish }
                if relocate(sid) {
                    improved = true
                    stats.improvements += 1
                }
            }
            if !improved { break }
        }
    }

    /// Forces unplaced demand `d` in by ejecting one session; keeps the swap if the ejected demand finds no place
    /// (count unchanged) and protects `d` from being ejected again for a while.
    func plateauMove(_ d: Int) -> MoveOutcome {
        let options = ejectionOptions(d, maxEject: 1, tabu: [], maxPriority: dem[d].priority)
        guard !options.isEmpty else { return .none }
        let distinct = options.prefix(Swift.min(options.count, 6))
        let opt = distinct[rng.below(distinct.count)]
        guard opt.blockers.count == 1, sessions[opt.blockers[0]].alive else { return .none }
        let x = sessions[opt.blockers[0]]
        unplace(opt.blockers[0])
        place(demands: [d], parts: dem[d].parts, staff: opt.staff, room: opt.room, start: opt.start,
              lang: sessionLanguage(staff: opt.staff, parts: dem[d].parts))
        protectedUntil[d] = clock + 3 * Swift.max(10, dem.count / 20)
        if reinsert(x.demands[0]) != nil { return .gained }
        return .swapped
    }

    /// Tries to place unplaced demand `d`; true if the placed count rose.
    func repair(_ d: Int) -> Bool {
        if dem[d].pool >= 0 {
            if tryJoin(d) { return true }
            if !poolsTried.contains(dem[d].pool) {
                if formGroups(dem[d].pool, pressure: false) > 0 { return true }
                poolsTried.insert(dem[d].pool)
            }
            return ejectJoin(d)
        }
        if let b = evaluate(d, wantBest: true, pressure: false).best {
            place(demands: [d], parts: dem[d].parts, staff: b.staff, room: b.room, start: b.start, lang: b.lang)
            return true
        }
        return ejectInsert(d, depth: 2, maxEject: 2, tabu: [])
    }

    /// Places an individual demand at its best spot and returns the session id; nil (and nothing changed) if none.
    func reinsert(_ e: Int) -> Int? {
        guard let b = evaluate(e, wantBest: true, pressure: false).best else { return nil }
        return place(demands: [e], parts: dem[e].parts, staff: b.staff, room: b.room, start: b.start, lang: b.lang)
    }

    /// Ejects up to `maxEject` sessions so `d` fits, then re-places the ejected demands (recursively, up to `depth`).
    /// Leaves the state unchanged unless the placed count rose.
    func ejectInsert(_ d: Int, depth: Int, maxEject: Int, tabu: [Int]) -> Bool {
        var options = Array(ejectionOptions(d, maxEject: maxEject, tabu: tabu).prefix(depth > 1 ? 8 : 4))
        for index in options.indices {
            let opt = options[index]
            guard opt.blockers.allSatisfy({ sessions[$0].alive }) else { continue }
            let saved = opt.blockers.map { sessions[$0] }
            for b in opt.blockers { unplace(b) }
            let info = dem[d]
            let mine = place(demands: [d], parts: info.parts, staff: opt.staff, room: opt.room, start: opt.start,
                             lang: sessionLanguage(staff: opt.staff, parts: info.parts))
            var created = [mine]
            var failed: [Int] = []
            for x in saved {
                if let sid = reinsert(x.demands[0]) { created.append(sid) } else { failed.append(x.demands[0]) }
            }
            if failed.isEmpty { return true }
            if failed.count == 1 && depth > 1
                && ejectInsert(failed[0], depth: depth - 1, maxEject: 1, tabu: tabu + created) {
                return true
            }
            for sid in created.reversed() { unplace(sid) }
            // Restored sessions get new ids; later options must name them by those.
            var renamed: [Int: Int] = [:]
            for (old, x) in zip(opt.blockers, saved) {
                renamed[old] = place(demands: x.demands, parts: x.parts, staff: x.staff, room: x.room, start: x.start, lang: x.lang)
            }
            for later in options.indices where later > index {
                options[later].blockers = options[later].blockers.map { renamed[$0] ?? $0 }
            }
        }
        return false
    }

    /// Placements of `d` that become free after removing at most `maxEject` individual sessions (none fixed,
    /// none in `tabu`, none above `maxPriority`), cheapest first: fewest blockers, then the most flexible blockers.
    func ejectionOptions(_ d: Int, maxEject: Int, tabu: [Int], maxPriority: Int = Int.max) -> [EjectionOption] {
        let info = dem[d]
        guard info.staticReason == nil else { return [] }
        let ws = info.winStart, we = info.winEnd, dur = info.dur
        let starts = scratch.row(4)
        let bits = dBits.row(d)
        for k in 0..<words { starts[k] = bits[k] }
        SlotBits.runStarts(starts, count: words, length: dur)
        var list: [Int] = []
        for t in ws..<(we - dur + 1) where SlotBits.test(starts, t) { list.append(t) }
        guard !list.isEmpty else { return [] }
        let offset = rng.below(list.count)
        var found: [EjectionOption] = []
        var bestSize = maxEject + 1
        // Local copies of the state read below: no copying (nothing is mutated here), and no per-access
        // exclusivity checks on the class's stored properties in the hot loop.
        let sessions = self.sessions, dem = self.dem, protectedUntil = self.protectedUntil, pSessions = self.pSessions
        let sOcc = self.sOcc, rOcc = self.rOcc, sAvail = self.sAvail, rAvail = self.rAvail, pFixedBits = self.pFixedBits
        let pDay = self.pDay, pMax = self.pMax, roomPressure = self.roomPressure, now = clock
        func blockable(_ sid: Int) -> Bool {
            guard sessions[sid].pool < 0 else { return false }
            let e = sessions[sid].demands[0]
            return protectedUntil[e] <= now && dem[e].priority <= maxPriority && (tabu.isEmpty || !tabu.contains(sid))
        }
        scan: for i in 0..<list.count {
            let t = list[(i + offset) % list.count]
            let day = t / slotsPerDay
            var base = SmallSet()
            for p in info.parts {
                if SlotBits.any(pFixedBits.row(p), t, t + dur) { continue scan }
                for sid in pSessions[p] where sessions[sid].start < t + dur && t < sessions[sid].start + sessions[sid].dur {
                    if !blockable(sid) { continue scan }
                    base.insert(sid)
                }
            }
            if base.count > maxEject || base.count > bestSize { continue }
            for cand in info.staff {
                let s = cand.staff
                guard SlotBits.all(sAvail.row(cand.row), t, t + dur) else { continue }
                var withStaff = base
                var ok = true
                for u in t..<(t + dur) {
                    let v = Int(sOcc[s * slots + u])
                    if v == -1 { continue }
                    if v == -2 || !blockable(v) { ok = false; break }
                    withStaff.insert(v)
                }
                if !ok || withStaff.count > bestSize || withStaff.count > maxEject { continue }
                var allowance = weeklyRoom(s, t)
                if allowance != Int.max {
                    for b in withStaff.items where sessions[b].staff == s && sameLimit(s, sessions[b].start, t) { allowance += sessions[b].dur }
                    if allowance < dur { continue }
                }
                var bestRoom = -1
                var roomSet = SmallSet()
                for r in info.rooms where SlotBits.all(rAvail.row(r), t, t + dur) {
                    var set = withStaff
                    var fine = true
                    for u in t..<(t + dur) {
                        let v = Int(rOcc[r * slots + u])
                        if v == -1 { continue }
                        if v == -2 || !blockable(v) { fine = false; break }
                        set.insert(v)
                    }
                    if fine && set.count <= maxEject
                        && (bestRoom < 0 || (set.count, roomPressure[r]) < (roomSet.count, roomPressure[bestRoom])) {
                        bestRoom = r
                        roomSet = set
                    }
                }
                guard bestRoom >= 0 else { continue }
                // Daily limits once the blockers are gone.
                var dailyOK = true
                for p in info.parts {
                    var freed = 0
                    for b in roomSet.items where sessions[b].start / slotsPerDay == day && sessions[b].parts.contains(p) { freed += 1 }
                    if pDay[p * days + day] - freed + 1 > pMax[p * days + day] { dailyOK = false; break }
                }
                if !dailyOK { continue }
                if roomSet.count < bestSize { bestSize = roomSet.count; found.removeAll() }
                if roomSet.count == bestSize {
                    let blockers = roomSet.items.sorted()
                    let flex = blockers.reduce(0.0) { $0 + Double(dem[sessions[$1].demands[0]].flexibility) }
                    found.append(EjectionOption(staff: s, room: bestRoom, start: t, blockers: blockers, cost: -flex))
                    if found.count >= 64 { break scan }
                }
            }
        }
        found.sort { ($0.blockers.count, $0.cost, $0.start, $0.staff) < ($1.blockers.count, $1.cost, $1.start, $1.staff) }
        // Distinct blocker sets first: if one blocker cannot move, other spots blocked by it rarely help.
        var seen = Set<[Int]>()
        var distinct: [EjectionOption] = [], repeats: [EjectionOption] = []
        for o in found {
            if seen.insert(o.blockers).inserted { distinct.append(o) } else { repeats.append(o) }
        }
        return distinct + repeats
    }

    /// True when slots `a` and `b` fall under the same weekly limit of staff `s`.
    func sameLimit(_ s: Int, _ a: Int, _ b: Int) -> Bool {
        sLimits[s].contains { $0.start <= a && a < $0.end && $0.start <= b && b < $0.end }
    }

    /// Joins group member `m` to a group of its pool by ejecting its own clashing individual sessions and re-placing them.
    func ejectJoin(_ m: Int) -> Bool {
        let p = dem[m].parts[0]
        for sid in poolSessions[dem[m].pool] where canJoin(m, sid) {
            let x = sessions[sid]
            if SlotBits.any(pFixedBits.row(p), x.start, x.start + x.dur) { continue }
            let blockers = pSessions[p].filter { sessions[$0].start < x.start + x.dur && x.start < sessions[$0].start + sessions[$0].dur }
            if blockers.isEmpty || blockers.count > 2 || blockers.contains(where: { sessions[$0].pool >= 0 }) { continue }
            let day = x.start / slotsPerDay
            let freed = blockers.filter { sessions[$0].start / slotsPerDay == day }.count
            if pDay[p * days + day] - freed + 1 > pMax[p * days + day] { continue }
            let saved = blockers.map { sessions[$0] }
            for b in blockers { unplace(b) }
            let joined = join(m, sid)
            var created: [Int] = []
            var ok = true
            for y in saved {
                if let n = reinsert(y.demands[0]) { created.append(n) } else { ok = false; break }
            }
            if ok { return true }
            for n in created.reversed() { unplace(n) }
            unplace(joined)
            place(demands: x.demands, parts: x.parts, staff: x.staff, room: x.room, start: x.start, lang: x.lang)
            for y in saved { place(demands: y.demands, parts: y.parts, staff: y.staff, room: y.room, start: y.start, lang: y.lang) }
        }
        return false
    }

    /// Soft value of an individual demand at a given placement in the current state.
    func placementValue(_ d: Int, staff s: Int, room r: Int, start t: Int) -> Double {
        prepareTimeTerms(d, pressure: false)
        var v = staffTerm(d, s, pressure: false) + timeTerm(d, t)
        if t == dem[d].prevStart { v += weights.minimalChange }
        if r == dem[d].prevRoom { v += weights.minimalChange * 0.25 }
        return v
    }

    /// Moves an individual session to its best placement if that raises the soft score.
    func relocate(_ sid: Int) -> Bool {
        let x = sessions[sid]
        let d = x.demands[0]
        unplace(sid)
        let current = placementValue(d, staff: x.staff, room: x.room, start: x.start)
        if let b = evaluate(d, wantBest: true, pressure: false).best, b.score > current + 1e-6,
           b.staff != x.staff || b.start != x.start || b.room != x.room {
            place(demands: [d], parts: x.parts, staff: b.staff, room: b.room, start: b.start, lang: b.lang)
            return true
        }
        place(demands: x.demands, parts: x.parts, staff: x.staff, room: x.room, start: x.start, lang: x.lang)
        return false
    }

    /// Places every unplaced demand that fits as things stand (a last cheap sweep).
    func sweep() {
        for g in pools.indices where openMembers(g).count >= pools[g].groupMin { formGroups(g, pressure: false) }
        for d in dem.indices where dSession[d] < 0 && dem[d].staticReason == nil {
            if dem[d].pool >= 0 { _ = tryJoin(d) } else { _ = reinsert(d) }
        }
    }
}

/// A set of at most three session ids kept inline (ejection never needs more), so the option scan allocates nothing.
struct SmallSet {
    private var a = -1, b = -1, c = -1
    /// Number of ids held; 4 means "more than three".
    private(set) var count = 0

    /// Adds `x` unless present; past three ids only the count grows.
    mutating func insert(_ x: Int) {
        if x == a || x == b || x == c { return }
        switch count {
        case 0: a = x
        case 1: b = x
        case 2: c = x
        default: break
        }
        count = Swift.min(count + 1, 4)
    }

    /// The ids held (at most three).
    var items: [Int] { Array([a, b, c].prefix(Swift.min(count, 3))) }
}
