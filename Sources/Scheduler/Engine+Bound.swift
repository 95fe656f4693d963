/// The static upper bound on placed units: demand units no plan can place are left out (static filters, pools
/// that can never seat `groupMin`, units with no day left under fixed sessions and daily limits, individual and
/// family units with no option even in the empty plan), and each participant's individual and group units are
/// capped by a matching of units to days within the daily limits.
extension Engine {
    /// Units some plan might place (an upper bound on `placedUnits`); call before construction, while only
    /// fixed sessions are booked.
    func placeableBound() -> Int {
        var candidate = dem.indices.map { dem[$0].staticReason == nil }
        for g in pools.indices where staticLargestGroup(g) < pools[g].groupMin {
            for m in pools[g].members { candidate[m] = false }
        }
        // Days each unit could start on: its static time net of fixed sessions, on days under the daily limit.
        let row = scratch.row(6)
        var unitDays = Array(repeating: [Int](), count: dem.count)
        for d in dem.indices where candidate[d] {
            let info = dem[d]
            let bits = dBits.row(d)
            for k in 0..<words {
                var v = bits[k]
                for p in info.parts { v &= ~pFixedBits.row(p)[k] }
                row[k] = v
            }
            SlotBits.runStarts(row, count: words, length: info.dur)
            for day in 0..<days {
                let a = Swift.max(day * slotsPerDay, info.winStart), b = Swift.min((day + 1) * slotsPerDay, info.winEnd)
                guard a < b, SlotBits.any(row, a, b),
                      info.parts.allSatisfy({ pDay[$0 * days + day] < pMax[$0 * days + day] }) else { continue }
                unitDays[d].append(day)
            }
            // An individual or family unit with no option in the empty plan has none in any plan.
            if unitDays[d].isEmpty || (info.pool < 0 && evaluate(d, wantBest: false, pressure: false).options == 0) {
                candidate[d] = false
            }
        }
        // Participants whose every remaining unit is theirs alone get an exact per-person cap; family units
        // (shared with others) are counted in full.
        var unitsOf = Array(repeating: [Int](), count: pIds.count)
        var shared = Array(repeating: false, count: pIds.count)
        var bound = 0
        for d in dem.indices where candidate[d] {
            for p in dem[d].parts {
                unitsOf[p].append(d)
                if dem[d].parts.count > 1 { shared[p] = true }
            }
        }
        for d in dem.indices where candidate[d] && (dem[d].parts.count > 1 || shared[dem[d].parts[0]]) { bound += 1 }
        for p in unitsOf.indices where !unitsOf[p].isEmpty && !shared[p] {
            let cap = (0..<days).map { Swift.max(0, pMax[p * days + $0] - pDay[p * days + $0]) }
            bound += Engine.matchedUnits(unitsOf[p].map { unitDays[$0] }, capacity: cap)
        }
        return bound
    }

    /// Largest number of units (each with its allowed days) that can be given distinct day places when day `i`
    /// holds `capacity[i]` units: augmenting paths over the unit–day graph.
    static func matchedUnits(_ units: [[Int]], capacity: [Int]) -> Int {
        var onDay = Array(repeating: [Int](), count: capacity.count)
        var visited = Array(repeating: false, count: capacity.count)
        func augment(_ u: Int) -> Bool {
            for day in units[u] where !visited[day] {
                visited[day] = true
                if onDay[day].count < capacity[day] {
                    onDay[day].append(u)
                    return true
                }
                for (i, v) in onDay[day].enumerated() where augment(v) {
                    onDay[day][i] = u
                    return true
                }
            }
            return false
        }
        var matched = 0
        for u in units.indices {
            for i in visited.indices { visited[i] = false }
            if augment(u) { matched += 1 }
        }
        return matched
    }
}
