/// Enumerates the feasible (staff, room, start) placements of one demand with word-parallel bit operations
/// and scores them: a staff term (continuity, load balance, scarcity) plus a time term (routine hours,
/// same-day repeats, linked-participant clashes, contention), so the cost is staff + rooms + starts, not their product.
extension Engine {
    /// Window word range `[w0, w0 + n)` of a demand.
    @inline(__always) func wordRange(_ ws: Int, _ we: Int) -> (Int, Int) {
        let w0 = ws >> 6
        return (w0, Swift.max(1, ((we + 63) >> 6) - w0))
    }

    /// Clears relative start bits of days on which any of `parts` already has its maximum of sessions.
    func maskFullDays(_ starts: UnsafeMutablePointer<UInt64>, parts: [Int], ws: Int, we: Int, w0: Int, nw: Int) {
        let base = w0 << 6
        let firstDay = ws / slotsPerDay, lastDay = (we - 1) / slotsPerDay
        guard firstDay <= lastDay else { return }
        for p in parts {
            for day in firstDay...lastDay where pDay[p * days + day] >= pMax[p * days + day] {
                let a = Swift.max(day * slotsPerDay, ws) - base
                let b = Swift.min((day + 1) * slotsPerDay, we) - base
                if a < b { SlotBits.clear(starts, a, Swift.min(b, nw << 6)) }
            }
        }
    }

    /// Clears relative start bits in weeks where staff `s` lacks `dur` slots of weekly allowance.
    func maskWeeklyLimits(_ starts: UnsafeMutablePointer<UInt64>, staff s: Int, dur: Int, ws: Int, we: Int, w0: Int, nw: Int) {
        let base = w0 << 6
        for l in sLimits[s] where l.max - l.used < dur {
            let a = Swift.max(l.start, ws) - base, b = Swift.min(l.end, we) - base
            if a < b { SlotBits.clear(starts, a, Swift.min(b, nw << 6)) }
        }
    }

    /// Counts feasible (staff, start) pairs of an individual or family demand and, if asked, returns the best placement.
    func evaluate(_ d: Int, wantBest: Bool, pressure: Bool) -> (options: Int, best: Placement?) {
        let info = dem[d]
        guard info.staticReason == nil, info.pool < 0 else { return (0, nil) }
        let ws = info.winStart, we = info.winEnd, dur = info.dur
        let (w0, nw) = wordRange(ws, we)
        let pBusy = self.pBusy, sAvail = self.sAvail, sBusy = self.sBusy, rAvail = self.rAvail, rBusy = self.rBusy
        let roomRows = self.roomRows, scratch = self.scratch
        let free = scratch.row(0), starts = scratch.row(1), anyRoom = scratch.row(2), a = scratch.row(3)
        let bits = dBits.row(d)
        for k in 0..<nw {
            var v = bits[w0 + k]
            for p in info.parts { v &= ~pBusy.row(p)[w0 + k] }
            free[k] = v
            starts[k] = v
        }
        SlotBits.runStarts(starts, count: nw, length: dur)
        maskFullDays(starts, parts: info.parts, ws: ws, we: we, w0: w0, nw: nw)
        guard SlotBits.nonEmpty(starts, nw) else { return (0, nil) }
        for k in 0..<nw { anyRoom[k] = 0 }
        for (j, r) in info.rooms.enumerated() {
            let row = roomRows.row(j), ra = rAvail.row(r), rb = rBusy.row(r)
            for k in 0..<nw { row[k] = ra[w0 + k] & ~rb[w0 + k] }
            SlotBits.runStarts(row, count: nw, length: dur)
            for k in 0..<nw { row[k] &= starts[k]; anyRoom[k] |= row[k] }
        }
        guard SlotBits.nonEmpty(anyRoom, nw) else { return (0, nil) }
        if wantBest { prepareTimeTerms(d, pressure: pressure) }
        var terms = TimeTerms(engine: self, demand: d)
        defer { terms.finish(self) }
        var options = 0
        var best: Placement?
        let base = w0 << 6
        for cand in info.staff {
            let s = cand.staff
            let sa = sAvail.row(cand.row), sb = sBusy.row(s)
            for k in 0..<nw { a[k] = sa[w0 + k] & ~sb[w0 + k] & free[k] }
            SlotBits.runStarts(a, count: nw, length: dur)
            for k in 0..<nw { a[k] &= anyRoom[k] }
            maskWeeklyLimits(a, staff: s, dur: dur, ws: ws, we: we, w0: w0, nw: nw)
            let count = SlotBits.popcount(a, nw)
            options += count
            guard wantBest, count > 0 else { continue }
            let st = staffTerm(d, s, pressure: pressure)
            for k in 0..<nw {
                var word = a[k]
                while word != 0 {
                    let t = base + (k << 6) + word.trailingZeroBitCount
                    word &= word - 1
                    var v = st + terms.value(t)
                    if t == info.prevStart { v += weights.minimalChange }
                    if compactWeight > 0 {
                        if t == 0 || !SlotBits.test(sa, t - 1) || SlotBits.test(sb, t - 1) { v += compactWeight }
                        if t + dur >= slots || !SlotBits.test(sa, t + dur) || SlotBits.test(sb, t + dur) { v += compactWeight }
                    }
                    if jitter > 0 { v += jitter * rng.unit() }
                    if best == nil || v > best!.score + 1e-9 {
                        best = Placement(staff: s, room: -1, start: t, lang: -1, score: v)
                    }
                }
            }
        }
        if var b = best {
            b.room = chooseRoom(rooms: info.rooms, rel: b.start - base, prefer: info.prevRoom, minCapacity: 0)
            b.lang = sessionLanguage(staff: b.staff, parts: info.parts)
            if info.prevRoom == b.room { b.score += weights.minimalChange * 0.25 }
            best = b
        }
        return (options, best)
    }

    /// The room (from rows prepared in `roomRows`) free at relative start `rel`: the previous room if free,
    /// else the one seating `minCapacity` that other demands need least (then the smallest).
    func chooseRoom(rooms: [Int], rel: Int, prefer: Int, minCapacity: Int) -> Int {
        if prefer >= 0, let j = rooms.firstIndex(of: prefer), rCap[prefer] >= minCapacity,
           SlotBits.test(roomRows.row(j), rel) {
            return prefer
        }
        var best = -1
        for (j, r) in rooms.enumerated() where rCap[r] >= minCapacity && SlotBits.test(roomRows.row(j), rel) {
            if best < 0 || (roomPressure[r], rCap[r], r) < (roomPressure[best], rCap[best], best) { best = r }
        }
        return best
    }

    /// Soft value of giving demand `d` to staff `s`, independent of time.
    func staffTerm(_ d: Int, _ s: Int, pressure: Bool) -> Double {
        let info = dem[d]
        var v = 0.0
        if s == info.preferred { v += weights.continuity }
        if s == info.prevStaff { v += weights.minimalChange * 0.25 }
        let load = Double(sLoad[s]), dur = Double(info.dur)
        v -= weights.staffBalance * ((load + dur) * (load + dur) - load * load) / Double(Swift.max(1, sCap[s]))
        if pressure && contentionOn { v -= pressureWeight * sPressure[s] }
        return v
    }

    /// Builds the per-evaluation tables behind `timeTerm`: same-type sessions per day, linked clashes, contention.
    func prepareTimeTerms(_ d: Int, pressure: Bool) {
        let info = dem[d]
        stamp += 1
        let ws = info.winStart, we = info.winEnd, dur = info.dur
        let sessions = self.sessions, pSessions = self.pSessions, pFixed = self.pFixed
        // The tables are moved into locals while written (no copies, no per-element exclusivity checks).
        var dayCount = self.dayCount, clashDiff = self.clashDiff, prefix = self.prefix
        self.dayCount = []
        self.clashDiff = []
        self.prefix = []
        defer {
            self.dayCount = dayCount
            self.clashDiff = clashDiff
            self.prefix = prefix
        }
        for i in dayCount.indices { dayCount[i] = 0 }
        for p in info.parts {
            for sid in pSessions[p] where sessions[sid].type == info.type {
                dayCount[sessions[sid].start / slotsPerDay] += 1
            }
            for f in pFixed[p] where f.type == info.type && f.start >= 0 && f.start / slotsPerDay < days {
                dayCount[f.start / slotsPerDay] += 1
            }
        }
        // Linked participants' sessions: a start t clashes with [a, b) when a - dur < t < b.
        for t in ws...we { clashDiff[t] = 0 }
        var anyClash = false
        for p in info.parts {
            for q in pLinked[p] where !info.parts.contains(q) {
                func mark(_ a: Int, _ b: Int) {
                    let lo = Swift.max(ws, a - dur + 1), hi = Swift.min(we, b)
                    if lo < hi { clashDiff[lo] += 1; clashDiff[hi] -= 1; anyClash = true }
                }
                for sid in pSessions[q] { mark(sessions[sid].start, sessions[sid].start + sessions[sid].dur) }
                for f in pFixed[q] { mark(f.start, f.end) }
            }
        }
        if anyClash {
            var run = 0
            for t in ws..<we { run += clashDiff[t]; clashDiff[t] = run }
        }
        // Contention prefix sums over the window.
        prefix[ws] = 0
        if pressure && contentionOn && info.staffPool >= 0 {
            let sp = staffPools[info.staffPool], rp = roomPools[info.roomPool]
            for u in ws..<we {
                let c = sp.demand[u] / Double(Swift.max(1, sp.supply[u])) + rp.demand[u] / Double(Swift.max(1, rp.supply[u]))
                prefix[u + 1] = prefix[u] + c
            }
        } else {
            for u in ws..<we { prefix[u + 1] = prefix[u] }
        }
    }

    /// Soft value of starting demand `d` at slot `t` (memoised for the current evaluation).
    @inline(__always) func timeTerm(_ d: Int, _ t: Int) -> Double {
        if timeStamp[t] == stamp { return timeMemo[t] }
        let info = dem[d]
        var v = 0.0
        for p in info.parts where pPrefRow[p] >= 0 && SlotBits.all(pPref.row(pPrefRow[p]), t, t + info.dur) {
            v += weights.preferredHours
        }
        v -= weights.spread * Double(dayCount[t / slotsPerDay])
        v -= weights.linkedClash * Double(clashDiff[t])
        v -= contentionWeight * (prefix[t + info.dur] - prefix[t])
        timeStamp[t] = stamp
        timeMemo[t] = v
        return v
    }
}

/// The time term of one demand's evaluation with the engine's tables moved out into locals, so the
/// per-start loop reads plain arrays; `finish` moves the memo back for the next evaluation.
struct TimeTerms {
    let dur: Int
    let slotsPerDay: Int
    let prefRows: [Int]
    let pref: BitRows
    let dayCount: [Int]
    let clash: [Int]
    let prefix: [Double]
    let weights: Weights
    let contentionWeight: Double
    let stamp: Int
    var memo: [Double]
    var memoStamp: [Int]

    /// Takes the tables prepared by `prepareTimeTerms` for demand `d`.
    init(engine e: Engine, demand d: Int) {
        dur = e.dem[d].dur
        slotsPerDay = e.slotsPerDay
        prefRows = e.dem[d].parts.map { e.pPrefRow[$0] }.filter { $0 >= 0 }
        pref = e.pPref
        dayCount = e.dayCount
        clash = e.clashDiff
        prefix = e.prefix
        weights = e.weights
        contentionWeight = e.contentionWeight
        stamp = e.stamp
        memo = e.timeMemo
        memoStamp = e.timeStamp
        e.timeMemo = []
        e.timeStamp = []
    }

    /// Soft value of starting at slot `t` (memoised).
    mutating func value(_ t: Int) -> Double {
        if memoStamp[t] == stamp { return memo[t] }
        var v = 0.0
        for row in prefRows where SlotBits.all(pref.row(row), t, t + dur) { v += weights.preferredHours }
        v -= weights.spread * Double(dayCount[t / slotsPerDay])
        v -= weights.linkedClash * Double(clash[t])
        v -= contentionWeight * (prefix[t + dur] - prefix[t])
        memoStamp[t] = stamp
        memo[t] = v
        return v
    }

    /// Hands the memo buffers back to the engine.
    mutating func finish(_ e: Engine) {
        e.timeMemo = memo
        e.timeStamp = memoStamp
    }
}
