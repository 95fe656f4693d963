/// Contention bookkeeping for the greedy construction: per resource class and slot, the expected demand
/// still to come against the free supply, and per staff member the share of pending demand only they can serve.
/// Placements prefer times and people that others need least, which is what keeps scarce bilingual staff,
/// after-school hours and small rooms free for the demands that cannot go anywhere else.
extension Engine {
    /// Builds the contention pools (per centre × role and centre × room kinds) and the static room pressure.
    func buildContention() {
        staffPoolsOf = Array(repeating: [], count: sIds.count)
        roomPoolsOf = Array(repeating: [], count: rIds.count)
        for (i, d) in instance.demands.enumerated() where dem[i].staticReason == nil {
            let c = dem[i].centre
            let sk = "\(c)|\(d.staffRole)"
            if staffPoolIndex[sk] == nil {
                let idx = staffPools.count
                staffPoolIndex[sk] = idx
                var supply = Array(repeating: Int32(0), count: slots + 1)
                for cand in staffByCentreRole[sk] ?? [] {
                    staffPoolsOf[cand.staff].append(idx * 1_000_000_000 + cand.row)
                    let a = sAvail.row(cand.row), b = sBusy.row(cand.staff)
                    for u in 0..<slots where SlotBits.test(a, u) && !SlotBits.test(b, u) { supply[u] += 1 }
                }
                staffPools.append(ContentionPool(demand: Array(repeating: 0, count: slots + 1), supply: supply))
            }
            dem[i].staffPool = staffPoolIndex[sk]!
            let rk = "\(c)|\(Set(d.roomKinds).sorted().joined(separator: ","))"
            if roomPoolIndex[rk] == nil {
                let idx = roomPools.count
                roomPoolIndex[rk] = idx
                var supply = Array(repeating: Int32(0), count: slots + 1)
                let kinds = Set(d.roomKinds)
                for r in roomsByCentre[c] where kinds.contains(rKind[r]) {
                    roomPoolsOf[r].append(idx)
                    let a = rAvail.row(r), b = rBusy.row(r)
                    for u in 0..<slots where SlotBits.test(a, u) && !SlotBits.test(b, u) { supply[u] += 1 }
                }
                roomPools.append(ContentionPool(demand: Array(repeating: 0, count: slots + 1), supply: supply))
            }
            dem[i].roomPool = roomPoolIndex[rk]!
        }
        roomPressure = Array(repeating: 0, count: rIds.count)
        for info in dem where info.staticReason == nil {
            let share = Double(info.dur) / Double(Swift.max(1, info.rooms.count))
            for r in info.rooms { roomPressure[r] += share }
        }
        for r in rIds.indices {
            let open = SlotBits.popcount(rAvail.row(r), words)
            roomPressure[r] /= Double(Swift.max(1, open))
        }
        for g in pools.indices {
            pools[g].staffPool = dem[pools[g].members[0]].staffPool
            pools[g].roomPool = dem[pools[g].members[0]].roomPool
        }
    }

    /// Moves supply when a booking is made (`by: -1`) or released (`by: +1`).
    func adjustSupply(staff s: Int, room r: Int, start: Int, end: Int, by delta: Int32) {
        for code in staffPoolsOf[s] {
            let pool = code / 1_000_000_000, row = sAvail.row(code % 1_000_000_000)
            for u in start..<end where SlotBits.test(row, u) { staffPools[pool].supply[u] += delta }
        }
        let row = rAvail.row(r)
        for pool in roomPoolsOf[r] {
            for u in start..<end where SlotBits.test(row, u) { roomPools[pool].supply[u] += delta }
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) a pending demand's expected use of its resource classes.
    func contribute(_ d: Int, sign: Double) {
        let info = dem[d]
        guard info.staticReason == nil, info.staffPool >= 0 else { return }
        let share = info.pool >= 0 ? 1.0 / Double(Swift.max(1, Swift.min(pools[info.pool].groupMax, pools[info.pool].members.count))) : 1.0
        let starts = scratch.row(7)
        let bits = dBits.row(d)
        for k in 0..<words { starts[k] = bits[k] }
        SlotBits.runStarts(starts, count: words, length: info.dur)
        let n = SlotBits.popcount(starts, words)
        if n > 0 {
            // Spread the demand evenly over its possible starts: slot u gets (starts covering u) / n.
            let each = sign * share / Double(n)
            var run = 0
            let diffBase = info.winStart
            for u in diffBase..<info.winEnd {
                if SlotBits.test(starts, u) { run += 1 }
                if u - info.dur >= diffBase && SlotBits.test(starts, u - info.dur) { run -= 1 }
                if run > 0 {
                    let v = each * Double(run)
                    staffPools[info.staffPool].demand[u] += v
                    roomPools[info.roomPool].demand[u] += v
                }
            }
        }
        let perStaff = sign * share * Double(info.dur) / Double(Swift.max(1, info.staff.count))
        for cand in info.staff { sPressure[cand.staff] += perStaff / Double(Swift.max(1, sCap[cand.staff])) }
    }
}
