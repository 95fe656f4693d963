/// Explains unplaced demands: the static reason found while filtering if there is one, otherwise the first
/// capacity check that fails in the final plan (participant's own time, daily limit, weekly limits, group size,
/// and finally other sessions holding the staff or rooms).
extension Engine {
    /// Reason and detail for unplaced demand `d`.
    func diagnose(_ d: Int) -> (ReasonCode, String) {
        let info = dem[d]
        if let code = info.staticReason { return (code, info.staticDetail) }
        let demand = instance.demands[d]
        let when = windowText(demand)
        let centre = demand.centreId
        let who = info.parts.map { pIds[$0] }.joined(separator: ", ")
        let role = roleText(demand.staffRole)
        let ws = info.winStart, we = info.winEnd, dur = info.dur
        let (w0, nw) = wordRange(ws, we)
        let stat = scratch.row(0), now = scratch.row(1), staffAny = scratch.row(2), staffWeek = scratch.row(3),
            a = scratch.row(4), roomAny = scratch.row(5)
        let bits = dBits.row(d)
        for k in 0..<nw {
            stat[k] = bits[w0 + k]
            var v = bits[w0 + k]
            for p in info.parts { v &= ~pBusy.row(p)[w0 + k] }
            now[k] = v
            staffAny[k] = 0
            staffWeek[k] = 0
            roomAny[k] = 0
        }
        SlotBits.runStarts(stat, count: nw, length: dur)
        // Static common time: the participants' static starts that some staff member and room could also take.
        for cand in info.staff {
            let sa = sAvail.row(cand.row)
            for k in 0..<nw { a[k] = sa[w0 + k] & bits[w0 + k] }
            SlotBits.runStarts(a, count: nw, length: dur)
            for k in 0..<nw { staffAny[k] |= a[k] }
        }
        for r in info.rooms {
            let ra = rAvail.row(r)
            for k in 0..<nw { a[k] = ra[w0 + k] }
            SlotBits.runStarts(a, count: nw, length: dur)
            for k in 0..<nw { roomAny[k] |= a[k] }
        }
        for k in 0..<nw { stat[k] &= staffAny[k] & roomAny[k] }
        // 1. The participants' own bookings (and fixed sessions) cover every common start.
        SlotBits.runStarts(now, count: nw, length: dur)
        for k in 0..<nw { now[k] &= stat[k] }
        if !SlotBits.nonEmpty(now, nw) {
            return (.participantUnavailable, "\(who) has no free time left at \(centre) in \(when) when a \(role) and room could be free")
        }
        // 2. Daily limits on every remaining day.
        maskFullDays(now, parts: info.parts, ws: ws, we: we, w0: w0, nw: nw)
        if !SlotBits.nonEmpty(now, nw) {
            return (.participantDailyLimit, "\(who) already has the most sessions allowed per day on every day with common time in \(when)")
        }
        // 3. Weekly limits of the staff who are free then.
        var freeStaff = false, withinLimit = false
        for cand in info.staff {
            let sa = sAvail.row(cand.row), sb = sBusy.row(cand.staff)
            for k in 0..<nw { a[k] = sa[w0 + k] & ~sb[w0 + k] }
            SlotBits.runStarts(a, count: nw, length: dur)
            for k in 0..<nw { a[k] &= now[k] }
            if !SlotBits.nonEmpty(a, nw) { continue }
            freeStaff = true
            maskWeeklyLimits(a, staff: cand.staff, dur: dur, ws: ws, we: we, w0: w0, nw: nw)
            if SlotBits.nonEmpty(a, nw) { withinLimit = true }
        }
        if freeStaff && !withinLimit {
            return (.staffWeeklyLimit, "every \(role) free with \(who) at \(centre) has used their weekly hours in \(when)")
        }
        // 4. Groups: too few members could be seated together.
        if info.pool >= 0 {
            let pool = pools[info.pool]
            let best = staticLargestGroup(info.pool)
            if best < pool.groupMin {
                return (.groupTooSmall, "at most \(best) eligible members of group \(pool.groupKey) can meet together at \(centre) in \(when); at least \(pool.groupMin) needed")
            }
            return (.groupTooSmall, "no group of \(pool.groupMin)–\(pool.groupMax) for \(pool.groupKey) could be formed with \(who) at \(centre) in \(when)")
        }
        return (.displacedByHigherPriority, "feasible alone, but every \(role) and \(demand.roomKinds.joined(separator: "/")) room free with \(who) at \(centre) in \(when) went to other sessions")
    }

    /// The largest group of pool `g` that could meet on static availability alone (no bookings), counting each
    /// participant once however many of their units the pool holds.
    func staticLargestGroup(_ g: Int) -> Int {
        let pool = pools[g]
        let ws = pool.winStart, we = pool.winEnd, dur = pool.dur
        let (w0, nw) = wordRange(ws, we)
        let a = scratch.row(3), m = scratch.row(4), one = scratch.row(7)
        let maxRoom = pool.rooms.map { rCap[$0] }.max() ?? 0
        var byPerson: [Int: [Int]] = [:]
        for member in pool.members where dem[member].staticReason == nil { byPerson[dem[member].parts[0], default: []].append(member) }
        let people = byPerson.keys.sorted()
        var best = 0
        for cand in pool.staff {
            let sa = sAvail.row(cand.row)
            for k in 0..<nw { a[k] = sa[w0 + k] }
            SlotBits.runStarts(a, count: nw, length: dur)
            for lang in sLangs[cand.staff] {
                var counts = Array(repeating: 0, count: nw << 6)
                for person in people {
                    for k in 0..<nw { m[k] = 0 }
                    for member in byPerson[person]! where eligible(member, staff: cand.staff, lang: lang) {
                        let bits = dBits.row(member)
                        for k in 0..<nw { one[k] = bits[w0 + k] }
                        SlotBits.runStarts(one, count: nw, length: dur)
                        for k in 0..<nw { m[k] |= one[k] }
                    }
                    for k in 0..<nw {
                        var word = m[k] & a[k]
                        while word != 0 {
                            counts[(k << 6) + word.trailingZeroBitCount] += 1
                            word &= word - 1
                        }
                    }
                }
                best = Swift.max(best, Swift.min(counts.max() ?? 0, maxRoom))
            }
        }
        return best
    }
}
