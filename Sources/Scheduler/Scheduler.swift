/// # The Homeward scheduler
///
/// Turns an `Instance` (participants, staff, rooms, demand units and fixed sessions, all on a grid of
/// `slotMinutes` slots from the horizon start) into a `Solution`. Pure: no I/O, no globals; the only clock
/// read is the injected elapsed-time function behind the wall-clock safety cap.
///
/// **Objective.** Lexicographic: first the number of demand units placed (a group of six serves six units),
/// then a weighted soft score (`Weights`): continuity with the previous counsellor, same-type sessions spread
/// over days, even staff load, children's routine hours, no clashes between linked people (mother ↔ child),
/// stable group membership, minimal change to a previous plan, and priority.
///
/// **Hard rules** are never broken and are re-checked independently by `Solution.violations(of:)`: no
/// double booking of staff, rooms or participants (fixed sessions included); role, paediatric-only and child
/// clearance; a shared language (one common language for groups); room kind, centre and capacity; group size;
/// participant, staff and room availability at the centre; participant daily limits (per day, as ages change
/// inside the horizon: `Participant.maxSessions(onDay:)`) and staff weekly limits; the demand's window.
///
/// **Algorithm.**
/// 0. *Independent parts, at national scale.* In an instance of `splitFromUnits` demand units or more, centres that share
///    no staff member, participant, booked session or linked pair are separate problems (`parts(of:)`): each is planned
///    on its own with its share of the budget, and the plans are put together. A smaller instance is planned in one
///    piece, so the search can move its budget to wherever it gains.
///    *Open seats first.* A group demand may take a free seat in an existing group session of its requirement
///    (`ExistingSession.openSeats`) when every hard rule holds for the newcomer there (`OpenSeats`); such seats are
///    `Solution.joins` and the rest is planned around them. If filling seats would leave fewer than a pool's minimum
///    behind who could otherwise have met as a new group, the plan without those seats is solved too and the better wins.
/// 1. *Index and filter.* Ids are interned; every availability becomes a bitset over the slot grid. For each
///    demand, candidate staff come from an index by (centre, role) filtered by language, clearance and
///    working time in the window; candidate rooms by kind and capacity. Whatever fails here is reported
///    with the first failing filter (`no_staff_with_role`, `no_staff_with_language`, …, `no_common_time`).
/// 2. *Enumerate with bits.* Feasible starts are found word-parallel: participant free ∧ staff free ∧ room
///    free, shifted-and for the duration ("run starts"), masked by daily and weekly limits. Cost per demand is
///    (candidate staff + rooms) × window words, never staff × rooms × slots.
/// 3. *Greedy construction, most constrained first.* Group pools go first: repeatedly seat the largest set of
///    eligible members free together with a staff member speaking a common language and a room that fits
///    (up to `groupMax`; members with fewer usable languages and less free time first, former co-members
///    together; never stranding fewer than `groupMin`), then let leftovers join groups with space. Individual
///    and family demands follow from a heap keyed by their number of feasible (staff, start) options (ties:
///    behind score, priority, id), re-counted whenever a share of the remainder has been placed. Each placement
///    maximises the soft terms minus *contention*: the expected demand still to come per free unit of the same
///    staff role and room class at those slots, and each staff member's share of pending demand only they can
///    serve; plus a best-fit bonus for touching the staff member's other bookings. Rooms go to the free room
///    that other demands need least. This keeps bilingual staff, after-school hours and scarce rooms for the
///    demands that cannot go elsewhere.
/// 4. *Improvement under a work budget.* First an upper bound on placed units (`SolveStats.upperBound`):
///    units failing a static filter, in pools that can never seat `groupMin` or with no option even in the
///    empty plan are left out, and each person's units are capped by a matching to days under the daily
///    limits. Then rounds of (a) repair: each unplaced demand is inserted directly, or by ejecting one or two
///    individual sessions that block one of its spots and re-placing them elsewhere (with a second-level
///    chain), accepted only if the placed count rises; unplaced group members join a group with space (moving
///    their own clashing sessions if needed) or form a new group; (b) a few soft relocations.
///    When a round gains nothing, *plateau* rounds keep the count but change the plan: re-form a pool's groups
///    in a randomised order; swap an unplaced demand for a more flexible placed one of no higher priority; or
///    free one staff member's or room's day, the centre's day or a staff member's week around it and re-insert
///    everything (plus other unplaced demands that could use it) most-constrained-first with best-fit packing.
///    Demands swapped in are tabu for a while. A run's search stops as soon as `upperBound` units are placed,
///    or after 300 rounds without a gain; it may use 90 % of `Budget.maxIterations`, and relocations polish the
///    soft score until a sweep finds nothing or the iterations run out. While placeable units remain unplaced
///    and at least a quarter of the iterations is left, randomised restarts (shuffled ties, jittered choices)
///    search again and the best plan wins. `SolveStats.stopReason` says what ended the solve.
/// 5. *Continuity within a run.* A participant's new individual sessions of one type without a previous counsellor
///    are moved onto one staff member where that one is free and eligible at the same time (`keepStaffWithinRun`).
/// 6. *Explain.* Every unplaced demand gets the first failing check: static filters, then the participant's
///    own bookings, daily limit, staff weekly limits, group size, and finally `displaced_by_higher_priority`.
///
/// Determinism: decisions never depend on dictionary order or on time; random choices use `SplitMix64(seed)`,
/// and the budget counts iterations. The clock is read once per iteration only to stop at
/// `Budget.maxMilliseconds`; every outcome but `.timeCap` is the same on any machine.
public enum Scheduler {
    /// Plans `instance` within `budget` (the instance's own budget when nil), timing itself with the system's
    /// monotonic clock (read only for the `maxMilliseconds` safety cap).
    public static func solve(_ instance: Instance, budget: Budget? = nil) -> Solution {
        solve(instance, budget: budget, elapsedMilliseconds: monotonicClock())
    }

    /// Plans `instance` reading time only through `elapsedMilliseconds` (milliseconds since the solve began),
    /// so tests can simulate a slow machine; time only ever decides "stop now, the cap is hit".
    public static func solve(_ instance: Instance, budget: Budget?, elapsedMilliseconds: () -> Int) -> Solution {
        // At national scale, centres that share nobody are planned apart (`plannedParts`), each with its share of the budget.
        solveInParts(instance, budget: budget, elapsedMilliseconds: elapsedMilliseconds, splitFromUnits: splitFromUnits)
    }

    /// Plans each of `instance`'s independent parts (`plannedParts(of:)`, from `splitFromUnits` units: by default
    /// whatever its size) on its own, one after the other, and puts the plans together; an instance of one part is
    /// planned whole.
    public static func solveInParts(
        _ instance: Instance, budget: Budget?, elapsedMilliseconds: () -> Int, splitFromUnits: Int = 0
    ) -> Solution {
        let parts = plannedParts(of: instance, budget: budget, splitFromUnits: splitFromUnits)
        guard parts.count > 1 else { return solveWhole(instance, budget: budget, elapsedMilliseconds: elapsedMilliseconds) }
        let plans = parts.map { part -> Solution in
            let start = elapsedMilliseconds()
            return solvePart(part, elapsedMilliseconds: { elapsedMilliseconds() - start })
        }
        return combine(plans, of: instance, totalMilliseconds: elapsedMilliseconds())
    }

    /// Plans `instance` as one problem (one of `parts(of:)`, or an instance of one part): open seats, then the search.
    public static func solveWhole(_ instance: Instance, budget: Budget?, elapsedMilliseconds: () -> Int) -> Solution {
        // Open seats of existing groups are filled first; the rest of the demand is planned around those seats. When
        // filling seats could strand a pool's last few, the plan without those seats is solved too and the better wins.
        var best: Solution?
        for joins in OpenSeats.plans(instance) {
            var solution: Solution
            if joins.isEmpty {
                solution = solveDemand(instance, budget: budget, elapsedMilliseconds: elapsedMilliseconds)
            } else {
                var rest = instance
                let joined = Set(joins.map(\.demandId))
                rest.demands.removeAll { joined.contains($0.id) }
                rest.existingSessions = instance.existingSessions(seating: joins)
                solution = solveDemand(rest, budget: budget, elapsedMilliseconds: elapsedMilliseconds)
                solution.joins = joins
                solution.score = Score.evaluate(solution, in: instance)
                solution.stats.upperBound += joins.count
                solution.stats.constructionPlaced += joins.count
            }
            if best == nil || (solution.score.placed, solution.score.soft) > (best!.score.placed, best!.score.soft) { best = solution }
        }
        return best!
    }

    /// Plans every demand of `instance` as new sessions (the search itself).
    static func solveDemand(_ instance: Instance, budget: Budget?, elapsedMilliseconds: () -> Int) -> Solution {
        let budget = budget ?? instance.budget
        var stats = SolveStats()
        var best: Solution?
        var run = 0
        var bound = Int.max
        // The first run is the plain most-constrained-first plan plus search; while the work budget allows after
        // it stalls, randomised restarts search again from fresh plans, and the best plan wins.
        while true {
            let engine = Engine(instance, run: run)
            if run == 0 {
                bound = engine.placeableBound()
                stats.upperBound = bound
            }
            engine.upperBound = bound
            engine.construct()
            if run == 0 {
                stats.constructionPlaced = engine.placedUnits
                stats.constructionMs = elapsedMilliseconds()
            }
            var runStats = SolveStats()
            engine.clock = stats.iterations
            engine.improve(maxIterations: budget.maxIterations, maxMilliseconds: budget.maxMilliseconds,
                           elapsed: elapsedMilliseconds, stats: &runStats)
            engine.sweep()
            engine.keepStaffWithinRun()
            stats.iterations = runStats.iterations
            stats.improvements += runStats.improvements
            let solution = engine.solution(stats: stats)
            if best == nil || (solution.score.placed, solution.score.soft) > (best!.score.placed, best!.score.soft) {
                best = solution
            }
            if engine.timeCapHit { stats.stopReason = .timeCap; break }
            if best!.score.placed >= bound { stats.stopReason = .allPlaced; break }
            // Restarts only pay when a run ends early with demands that other plans might fit, and need at least
            // a quarter of the work budget.
            let unplacedLeft = solution.unplaced.contains { $0.reason == .displacedByHigherPriority || $0.reason == .groupTooSmall }
            if !unplacedLeft { stats.stopReason = .converged; break }
            if stats.iterations >= budget.maxIterations - budget.maxIterations / 4 { stats.stopReason = .iterations; break }
            if run >= 64 { stats.stopReason = .converged; break }
            run += 1
            stats.restarts = run
        }
        stats.totalMs = elapsedMilliseconds()
        var result = best!
        result.stats = stats
        return result
    }

    /// Milliseconds since this call, from the system's monotonic clock.
    static func monotonicClock() -> () -> Int {
        let clock = ContinuousClock()
        let started = clock.now
        return {
            let elapsed = clock.now - started
            return Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        }
    }
}
