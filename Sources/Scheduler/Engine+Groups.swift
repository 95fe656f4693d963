/// Group formation: pick the (staff, language, start) where the most eligible pool members are free together
/// with a room that seats them, seat up to `groupMax`, repeat; leftovers may join an existing group of their pool.
extension Engine {
    /// Unplaced, statically feasible members of pool `g`.
    func openMembers(_ g: Int) -> [Int] {
        pools[g].members.filter { dSession[$0] < 0 && dem[$0].staticReason == nil }
    }

    /// Forms groups from pool `g`'s unplaced members until no group of at least `groupMin` fits; returns units placed.
    @discardableResult
    func formGroups(_ g: Int, pressure: Bool) -> Int {
        var placed = 0
        while true {
            // One seat per person: a participant who needs several sessions of this kind in the week has one
            // demand unit each, and those units must land in different groups.
            var seen = Set<Int>()
            let open = openMembers(g).filter { seen.insert(dem[$0].parts[0]).inserted }
            if open.count < pools[g].groupMin { break }
            guard let best = bestGroup(g, members: open, pressure: pressure) else { break }
            let parts = best.members.map { dem[$0].parts[0] }
            place(demands: best.members, parts: parts, staff: best.staff, room: best.room, start: best.start, lang: best.lang)
            placed += best.members.count
        }
        for m in openMembers(g) where tryJoin(m) { placed += 1 }
        return placed
    }

    /// Whether staff `s` may hold a session for group member `m` in language `lang`.
    @inline(__always) func eligible(_ m: Int, staff s: Int, lang: Int) -> Bool {
        let info = dem[m]
        return pLangs[info.parts[0]].contains(lang) && (!info.needsClearance || sChild[s]) && (!info.needsPaediatric || sPaed[s])
    }

    /// The best new group for pool `g` from `members`: most members seated first, then the soft and contention terms.
    func bestGroup(_ g: Int, members: [Int], pressure: Bool) -> Placement? {
        let pool = pools[g]
        let ws = pool.winStart, we = pool.winEnd, dur = pool.dur
        let (w0, nw) = wordRange(ws, we)
        let base = w0 << 6
        let span = nw << 6
        var freeCount = Array(repeating: 0, count: members.count)
        for (j, m) in members.enumerated() {
            let row = memberRows.row(j), bits = dBits.row(m), p = dem[m].parts[0], pb = pBusy.row(p)
            for k in 0..<nw { row[k] = bits[w0 + k] & ~pb[w0 + k] }
            SlotBits.runStarts(row, count: nw, length: dur)
            maskFullDays(row, parts: [p], ws: ws, we: we, w0: w0, nw: nw)
            freeCount[j] = SlotBits.popcount(row, nw)
        }
        let anyRoom = scratch.row(2), a = scratch.row(3)
        for k in 0..<nw { anyRoom[k] = 0 }
        for (j, r) in pool.rooms.enumerated() {
            let row = roomRows.row(j), ra = rAvail.row(r), rb = rBusy.row(r)
            for k in 0..<nw { row[k] = ra[w0 + k] & ~rb[w0 + k] }
            SlotBits.runStarts(row, count: nw, length: dur)
            for k in 0..<nw { anyRoom[k] |= row[k] }
        }
        guard SlotBits.nonEmpty(anyRoom, nw) else { return nil }
        preparePrefix(staffPool: pool.staffPool, roomPool: pool.roomPool, ws: ws, we: we, pressure: pressure)
        var counts: [Int: [Int32]] = [:]
        var best: Placement?
        var bestKey = (0, -Double.infinity)
        for cand in pool.staff {
            let s = cand.staff
            let sa = sAvail.row(cand.row), sb = sBusy.row(s)
            for k in 0..<nw { a[k] = sa[w0 + k] & ~sb[w0 + k] }
            SlotBits.runStarts(a, count: nw, length: dur)
            for k in 0..<nw { a[k] &= anyRoom[k] }
            maskWeeklyLimits(a, staff: s, dur: dur, ws: ws, we: we, w0: w0, nw: nw)
            guard SlotBits.nonEmpty(a, nw) else { continue }
            let flags = (sChild[s] ? 1 : 0) | (sPaed[s] ? 2 : 0)
            let load = Double(sLoad[s])
            var st = -weights.staffBalance * ((load + Double(dur)) * (load + Double(dur)) - load * load) / Double(Swift.max(1, sCap[s]))
            if pressure && contentionOn { st -= pressureWeight * sPressure[s] }
            for lang in sLangs[s] {
                let combo = lang * 4 + flags
                if counts[combo] == nil {
                    var arr = Array(repeating: Int32(0), count: span)
                    for (j, m) in members.enumerated() where eligible(m, staff: s, lang: lang) {
                        let row = memberRows.row(j)
                        for k in 0..<nw {
                            var word = row[k]
                            while word != 0 {
                                arr[(k << 6) + word.trailingZeroBitCount] += 1
                                word &= word - 1
                            }
                        }
                    }
                    counts[combo] = arr
                }
                let arr = counts[combo]!
                for k in 0..<nw {
                    var word = a[k]
                    while word != 0 {
                        let rel = (k << 6) + word.trailingZeroBitCount
                        word &= word - 1
                        let c = Int(arr[rel])
                        if c < pool.groupMin { continue }
                        var size = Swift.min(c, pool.groupMax)
                        var roomCap = 0
                        for (j, r) in pool.rooms.enumerated().reversed() where SlotBits.test(roomRows.row(j), rel) {
                            roomCap = rCap[r]
                            break
                        }
                        size = Swift.min(size, roomCap)
                        if size < pool.groupMin || size < bestKey.0 { continue }
                        let t = base + rel
                        var v = st - contentionWeight * (prefix[t + dur] - prefix[t])
                        if jitter > 0 { v += jitter * rng.unit() }
                        if size > bestKey.0 || v > bestKey.1 + 1e-9 {
                            bestKey = (size, v)
                            best = Placement(staff: s, room: -1, start: t, lang: lang, score: v)
                        }
                    }
                }
            }
        }
        guard var b = best else { return nil }
        let rel = b.start - base
        // Seat the members with the fewest other chances first; prefer those who asked for this staff member.
        var seat: [(Int, Int)] = []
        for (j, m) in members.enumerated() where eligible(m, staff: b.staff, lang: b.lang) && SlotBits.test(memberRows.row(j), rel) {
            seat.append((j, m))
        }
        // Members speaking fewer of the pool's languages go first, so bilingual members stay free for the
        // groups only they can complete.
        let poolLangs = Set(pool.staff.flatMap { sLangs[$0.staff] })
        func flex(_ m: Int) -> Int { pLangs[dem[m].parts[0]].filter { poolLangs.contains($0) }.count }
        let noise = members.map { _ in jitter > 0 ? rng.next() : 0 }
        seat.sort { x, y in
            let px = dem[x.1].preferred == b.staff, py = dem[y.1].preferred == b.staff
            if flex(x.1) != flex(y.1) { return flex(x.1) < flex(y.1) }
            if freeCount[x.0] != freeCount[y.0] { return freeCount[x.0] < freeCount[y.0] }
            if noise[x.0] != noise[y.0] { return noise[x.0] < noise[y.0] }
            if px != py { return px }
            if dem[x.1].behind != dem[y.1].behind { return dem[x.1].behind > dem[y.1].behind }
            return x.1 < y.1
        }
        // Leave behind people who can still meet as a group of their own, not a stranded few: the members left over
        // must include at least groupMin speakers of one of the pool's staff languages. Bilingual members are seated
        // last, so seating fewer frees exactly the people another group (in another language) needs.
        let ordered = seat.map(\.1)
        func leftOver(_ chosen: [Int]) -> [Int] {
            let seated = Set(chosen)
            return members.filter { !seated.contains($0) }
        }
        func canMeet(_ rest: [Int]) -> Bool {
            poolLangs.contains { lang in rest.filter { pLangs[dem[$0].parts[0]].contains(lang) }.count >= pool.groupMin }
        }
        var chosen = chooseMembers(ordered, count: bestKey.0, groupKey: pool.groupKey)
        if canMeet(members), !leftOver(chosen).isEmpty, !canMeet(leftOver(chosen)) {
            for count in stride(from: bestKey.0 - 1, through: pool.groupMin, by: -1) {
                let fewer = chooseMembers(ordered, count: count, groupKey: pool.groupKey)
                if canMeet(leftOver(fewer)) {
                    chosen = fewer
                    break
                }
            }
        }
        b.members = chosen
        b.room = chooseRoom(rooms: pool.rooms, rel: rel, prefer: -1, minCapacity: b.members.count)
        guard b.room >= 0, b.members.count >= pool.groupMin else { return nil }
        return b
    }

    /// Takes `count` of the ordered `candidates`, preferring people who already met in a group of this key.
    func chooseMembers(_ candidates: [Int], count: Int, groupKey: String) -> [Int] {
        guard let pairs = together[groupKey], candidates.count > count, count > 0 else {
            return Array(candidates.prefix(count)).sorted()
        }
        func met(_ a: Int, _ b: Int) -> Bool {
            let p = dem[a].parts[0], q = dem[b].parts[0]
            return pairs.contains(Swift.min(p, q) * pIds.count + Swift.max(p, q))
        }
        var chosen = [candidates[0]]
        var rest = Array(candidates.dropFirst())
        while chosen.count < count && !rest.isEmpty {
            var bestIndex = 0, bestLinks = -1
            for (i, c) in rest.enumerated() {
                let links = chosen.filter { met($0, c) }.count
                if links > bestLinks { bestLinks = links; bestIndex = i }
            }
            chosen.append(rest.remove(at: bestIndex))
        }
        return chosen.sorted()
    }

    /// Contention prefix sums over `[ws, we)` for a pair of resource classes.
    func preparePrefix(staffPool: Int, roomPool: Int, ws: Int, we: Int, pressure: Bool) {
        prefix[ws] = 0
        if pressure && contentionOn && staffPool >= 0 {
            let sp = staffPools[staffPool], rp = roomPools[roomPool]
            for u in ws..<we {
                let c = sp.demand[u] / Double(Swift.max(1, sp.supply[u])) + rp.demand[u] / Double(Swift.max(1, rp.supply[u]))
                prefix[u + 1] = prefix[u] + c
            }
        } else {
            for u in ws..<we { prefix[u + 1] = prefix[u] }
        }
    }

    /// Whether member `m` could join live group session `sid`, judging the group and `m`'s static availability only.
    func canJoin(_ m: Int, _ sid: Int) -> Bool {
        let x = sessions[sid]
        let pool = pools[dem[m].pool]
        guard x.alive, x.pool == dem[m].pool, x.demands.count < pool.groupMax, rCap[x.room] > x.parts.count,
              eligible(m, staff: x.staff, lang: x.lang) else { return false }
        return SlotBits.all(dBits.row(m), x.start, x.start + x.dur)
    }

    /// Adds member `m` to a live group of its pool where it fits as things stand; true if it joined.
    func tryJoin(_ m: Int) -> Bool {
        guard dem[m].pool >= 0, dSession[m] < 0 else { return false }
        let p = dem[m].parts[0]
        var choices = poolSessions[dem[m].pool].filter { sid in
            let x = sessions[sid]
            return canJoin(m, sid) && !SlotBits.any(pBusy.row(p), x.start, x.start + x.dur)
                && pDay[p * days + x.start / slotsPerDay] < pMax[p * days + x.start / slotsPerDay]
        }
        guard !choices.isEmpty else { return false }
        choices.sort { (sessions[$0].staff == dem[m].preferred ? 0 : 1, $0) < (sessions[$1].staff == dem[m].preferred ? 0 : 1, $1) }
        join(m, choices[0])
        return true
    }

    /// Re-books group session `sid` with member `m` added; returns the new session id.
    @discardableResult
    func join(_ m: Int, _ sid: Int) -> Int {
        let x = sessions[sid]
        unplace(sid)
        let ds = (x.demands + [m]).sorted()
        return place(demands: ds, parts: ds.map { dem[$0].parts[0] }, staff: x.staff, room: x.room, start: x.start, lang: x.lang)
    }

    /// Dissolves every group of pool `g` and forms them again in a randomised way; kept if no unit is lost.
    func rebuildPool(_ g: Int) -> MoveOutcome {
        let live = poolSessions[g]
        guard !live.isEmpty else { return .none }
        let before = placedUnits
        let saved = live.map { sessions[$0] }
        for sid in live { unplace(sid) }
        jitter = 2.0
        formGroups(g, pressure: false)
        jitter = 0
        if placedUnits > before { return .gained }
        if placedUnits == before { return .swapped }
        for sid in poolSessions[g] { unplace(sid) }
        for x in saved { place(demands: x.demands, parts: x.parts, staff: x.staff, room: x.room, start: x.start, lang: x.lang) }
        return .none
    }
}
