/// Greedy construction: groups first (they need many people free at once), then individual and family
/// demands most-constrained-first from a lazily refreshed heap keyed by the number of feasible (staff, start) options.
extension Engine {
    /// Queue entry: a demand and the option count it was last seen with.
    struct QueueKey {
        var options: Int
        var behind: Double
        var priority: Int
        var rank: Int
        var demand: Int
    }

    /// Ranks of demands by id, the last tie-break everywhere.
    func idRanks() -> [Int] {
        let order = dem.indices.sorted { instance.demands[$0].id < instance.demands[$1].id }
        var rank = Array(repeating: 0, count: dem.count)
        for (r, d) in order.enumerated() { rank[d] = r }
        return rank
    }

    /// Builds a plan from nothing (randomised on restarts).
    func construct() {
        contentionOn = true
        compactWeight = 1.0
        jitter = run > 0 ? 1.0 : 0
        defer { compactWeight = 0; jitter = 0 }
        for d in dem.indices where dem[d].staticReason == nil { contribute(d, sign: 1) }
        var rank = idRanks()
        if run > 0 {
            // Restarts break ties in a seeded random order instead of by id.
            let keys = rank.map { _ in rng.next() }
            let order = rank.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
            for (r, d) in order.enumerated() { rank[d] = r }
        }

        // Groups, tightest pools first.
        let poolOrder = pools.indices.sorted { a, b in
            let fa = pools[a].members.map { dem[$0].flexibility }.min() ?? 0
            let fb = pools[b].members.map { dem[$0].flexibility }.min() ?? 0
            return (fa, a) < (fb, b)
        }
        for g in poolOrder {
            for m in pools[g].members { contribute(m, sign: -1) }
            formGroups(g, pressure: true)
        }

        // Individual and family demands, fewest options first. Option counts only fall as the plan fills,
        // so the queue is re-counted whenever a fixed share of what remains has been placed.
        let less: (QueueKey, QueueKey) -> Bool = { x, y in
            if x.options != y.options { return x.options < y.options }
            if x.behind != y.behind { return x.behind > y.behind }
            if x.priority != y.priority { return x.priority > y.priority }
            return x.rank < y.rank
        }
        var pending = dem.indices.filter { dem[$0].staticReason == nil && dem[$0].pool < 0 }
        let share = pending.count <= 5_000 ? 0.05 : 0.25
        var first = true
        while !pending.isEmpty {
            var heap = MinHeap<QueueKey>(less: less)
            for d in pending {
                let options = evaluate(d, wantBest: false, pressure: false).options
                if first { dem[d].flexibility = options }
                heap.push(QueueKey(options: options, behind: dem[d].behind, priority: dem[d].priority, rank: rank[d], demand: d))
            }
            first = false
            let batch = Swift.max(1, Int(Double(pending.count) * share))
            var done = Set<Int>()
            while done.count < batch, let top = heap.pop() {
                let d = top.demand
                done.insert(d)
                contribute(d, sign: -1)
                if let b = evaluate(d, wantBest: true, pressure: true).best {
                    place(demands: [d], parts: dem[d].parts, staff: b.staff, room: b.room, start: b.start, lang: b.lang)
                }
            }
            pending.removeAll { done.contains($0) }
        }
        contentionOn = false
    }
}
