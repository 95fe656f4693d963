/// # Independent parts
///
/// Centres that share nobody are separate problems: no staff member works at both, no participant can be seen at both,
/// no session already booked or link between people (mother ↔ child) joins them. Nothing one part places can change
/// what another can, so at national scale (`splitFromUnits`) each part is solved on its own and the plans are put
/// together (`Scheduler.solve` does so in order; `HomewardStore`'s job solves them side by side on the machine's cores, with the same result). A part gets the
/// share of the work budget its demand units are of the whole (rounded up), and the same share of the safety cap, timed
/// from its own start. An instance of one part is solved as it always was.
extension Scheduler {
    /// The size (demand units) from which `solve` plans an instance's independent parts apart: a night of some 2,000
    /// participants. Below it the search moves its budget between centres, which places a little more (at 10,000
    /// participants the one-piece plan placed 0.05 % more units); above it the parts bound the memory and use the cores.
    public static let splitFromUnits = 20_000

    /// What `solve` plans apart: the independent parts of an instance of `splitFromUnits` demand units or more, each with
    /// its share of `budget`; the instance itself, alone, when smaller or of one part.
    public static func plannedParts(of instance: Instance, budget: Budget? = nil, splitFromUnits: Int = splitFromUnits) -> [Instance] {
        instance.demands.count >= splitFromUnits ? parts(of: instance, budget: budget) : [instance]
    }

    /// The independent parts of `instance`, each a whole instance with its share of `budget` (the instance's own when
    /// nil), in the order of their first centre in the instance; one part (the instance itself, unchanged) when its
    /// centres are all joined.
    public static func parts(of instance: Instance, budget: Budget? = nil) -> [Instance] {
        let budget = budget ?? instance.budget
        var parent: [String: String] = [:]
        var order: [String] = []
        var seen: [String: Int] = [:]
        func find(_ c: String) -> String {
            if parent[c] == nil { parent[c] = c; seen[c] = order.count; order.append(c) }
            var root = c
            while let p = parent[root], p != root { root = p }
            var walk = c
            while let p = parent[walk], p != root { parent[walk] = root; walk = p }
            return root
        }
        func union(_ centres: [String]) {
            guard let first = centres.first else { return }
            for c in centres.dropFirst() {
                let a = find(first), b = find(c)
                // the root is the centre met first, so the parts' order does not depend on the order of unions
                if a != b {
                    if seen[a]! < seen[b]! { parent[b] = a } else { parent[a] = b }
                }
            }
        }
        // Centres in the order the instance names them: rooms, staff, participants, demand, booked sessions.
        for r in instance.rooms { _ = find(r.centreId) }
        var participantCentres: [String: [String]] = [:]
        var staffCentres: [String: [String]] = [:]
        for s in instance.staff {
            let centres = s.available.keys.sorted()
            staffCentres[s.id] = centres
            union(centres)
        }
        for p in instance.participants {
            let centres = p.available.keys.sorted()
            participantCentres[p.id] = centres
            union(centres)
        }
        for p in instance.participants {
            for q in p.linkedParticipants { union((participantCentres[p.id] ?? []) + (participantCentres[q] ?? [])) }
        }
        for d in instance.demands { union([d.centreId] + d.participants.flatMap { participantCentres[$0] ?? [] }) }
        for e in instance.existingSessions {
            union((e.centreId.map { [$0] } ?? []) + e.staffIds.flatMap { staffCentres[$0] ?? [] }
                  + e.participantIds.flatMap { participantCentres[$0] ?? [] })
        }
        let roots = order.map(find)
        var rank: [String: Int] = [:]
        for root in roots where rank[root] == nil { rank[root] = rank.count }
        guard rank.count > 1 else { return [instance] }

        // Everything goes to the part of its centres; what has none (nobody can be placed with it) to the first part.
        func part(_ centres: [String]) -> Int { centres.first.map { rank[find($0)]! } ?? 0 }
        var parts = (0..<rank.count).map { _ -> Instance in
            var p = instance
            p.participants = []; p.staff = []; p.rooms = []; p.demands = []; p.existingSessions = []
            return p
        }
        var participantPart: [String: Int] = [:]
        for p in instance.participants {
            let k = part(participantCentres[p.id] ?? [])
            participantPart[p.id] = k
            parts[k].participants.append(p)
        }
        var staffPart: [String: Int] = [:]
        for s in instance.staff {
            let k = part(staffCentres[s.id] ?? [])
            staffPart[s.id] = k
            parts[k].staff.append(s)
        }
        for r in instance.rooms { parts[part([r.centreId])].rooms.append(r) }
        for d in instance.demands { parts[part([d.centreId])].demands.append(d) }
        for e in instance.existingSessions {
            let k = e.centreId.map { part([$0]) } ?? e.staffIds.first.flatMap { staffPart[$0] }
                ?? e.participantIds.first.flatMap { participantPart[$0] } ?? 0
            parts[k].existingSessions.append(e)
        }
        let total = Swift.max(1, instance.demands.count)
        for k in parts.indices {
            let units = parts[k].demands.count
            parts[k].budget = Budget(maxIterations: share(budget.maxIterations, units, total),
                                     maxMilliseconds: share(budget.maxMilliseconds, units, total))
        }
        return parts
    }

    /// Plans one part of `parts(of:)`, timed by `elapsedMilliseconds` from its own start; a part without demand is an
    /// empty plan (its staff and rooms serve no one tonight).
    public static func solvePart(_ part: Instance, elapsedMilliseconds: () -> Int) -> Solution {
        guard !part.demands.isEmpty else { return Solution(sessions: [], unplaced: [], stats: SolveStats(stopReason: .allPlaced)) }
        return solveWhole(part, budget: nil, elapsedMilliseconds: elapsedMilliseconds)
    }

    /// `whole × units ÷ total`, rounded up (a cap that is practically none stays so).
    static func share(_ whole: Int, _ units: Int, _ total: Int) -> Int {
        whole >= Int.max / 8 ? whole : (whole * units + total - 1) / total
    }

    /// The plans of `instance`'s parts (`parts(of:)`, in their order) as one plan of the whole, scored on the whole.
    public static func combine(_ plans: [Solution], of instance: Instance, totalMilliseconds: Int) -> Solution {
        var stats = SolveStats()
        var combined = Solution(sessions: [], unplaced: [])
        let precedence: [StopReason] = [.allPlaced, .converged, .iterations, .timeCap]
        var stop = StopReason.allPlaced
        for plan in plans {
            combined.sessions += plan.sessions
            combined.joins += plan.joins
            combined.unplaced += plan.unplaced
            stats.constructionPlaced += plan.stats.constructionPlaced
            stats.iterations += plan.stats.iterations
            stats.improvements += plan.stats.improvements
            stats.restarts += plan.stats.restarts
            stats.upperBound += plan.stats.upperBound
            stats.constructionMs = Swift.max(stats.constructionMs, plan.stats.constructionMs)
            if precedence.firstIndex(of: plan.stats.stopReason)! > precedence.firstIndex(of: stop)! { stop = plan.stats.stopReason }
        }
        stats.stopReason = stop
        // the orders a plan keeps (Solution): sessions in plan order; joins and unplaced demand by demand id
        combined.sessions.sort(by: PlacedSession.inPlanOrder)
        combined.joins.sort { $0.demandId < $1.demandId }
        combined.unplaced.sort { $0.demandId < $1.demandId }
        stats.totalMs = totalMilliseconds
        combined.stats = stats
        combined.score = Score.evaluate(combined, in: instance)
        return combined
    }
}
