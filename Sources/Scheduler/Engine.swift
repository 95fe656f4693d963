/// The mutable search state of one solve: ids interned to indices, static availability as bitsets,
/// live bookings (busy bits, who-occupies-which-slot grids, daily and weekly counters) and sessions.
/// Only `Scheduler` creates it; it lives for one call and is never shared between threads.
final class Engine {
    let instance: Instance
    let weights: Weights
    let slotsPerDay: Int
    let days: Int
    let slots: Int
    let words: Int
    var rng: SplitMix64
    /// 0 for the first run; restarts randomise construction ties and placements.
    let run: Int

    // Interned names.
    var centres: [String] = []
    var centreIndex: [String: Int] = [:]
    var languages: [String] = []
    var languageIndex: [String: Int] = [:]
    var types: [String] = []
    var typeIndex: [String: Int] = [:]

    // Participants.
    var pIndex: [String: Int] = [:]
    var pIds: [String] = []
    var pLangs: [[Int]] = []
    var pChild: [Bool] = []
    /// Daily session limit per participant and day, at p × days + day (ages, and so limits, change inside the horizon).
    var pMax: [Int] = []
    var pBehind: [Double] = []
    var pAvailRow: [Int: Int] = [:]
    var pAvail = BitRows(rows: 0, words: 1)
    var pBusy = BitRows(rows: 0, words: 1)
    var pFixedBits = BitRows(rows: 0, words: 1)
    var pPrefRow: [Int] = []
    var pPref = BitRows(rows: 0, words: 1)
    var pDay: [Int] = []
    var pSessions: [[Int]] = []
    var pFixed: [[FixedUse]] = []
    var pLinked: [[Int]] = []
    /// Pairs of participants (p × count + q, p < q) who met in an existing session, per group key.
    var together: [String: Set<Int>] = [:]

    // Staff.
    var sIndex: [String: Int] = [:]
    var sIds: [String] = []
    var sLangs: [[Int]] = []
    var sChild: [Bool] = []
    var sPaed: [Bool] = []
    var sAvailRow: [Int: Int] = [:]
    var sAvail = BitRows(rows: 0, words: 1)
    var sBusy = BitRows(rows: 0, words: 1)
    var sOcc: UnsafeMutablePointer<Int32>
    var sLimits: [[LimitState]] = []
    var sLoad: [Int] = []
    var sCap: [Int] = []
    var sPressure: [Double] = []
    var staffByCentreRole: [String: [StaffCandidate]] = [:]

    // Rooms.
    var rIds: [String] = []
    var rIndex: [String: Int] = [:]
    var rCentre: [Int] = []
    var rKind: [String] = []
    var rCap: [Int] = []
    var rAvail = BitRows(rows: 0, words: 1)
    var rBusy = BitRows(rows: 0, words: 1)
    var rOcc: UnsafeMutablePointer<Int32>
    var roomsByCentre: [[Int]] = []
    /// Static share of all demand that could use each room, per open slot: rooms few others can use are taken first.
    var roomPressure: [Double] = []

    // Demands, pools and sessions.
    var dem: [DemandInfo] = []
    var dBits = BitRows(rows: 0, words: 1)
    var dSession: [Int] = []
    var pools: [PoolInfo] = []
    var sessions: [LiveSession] = []
    var poolSessions: [[Int]] = []
    var placedUnits = 0
    /// Iteration until which a demand forced in by a plateau move may not be ejected again (tabu).
    var protectedUntil: [Int] = []
    /// Pools whose unplaced members could not form a new group in the current repair round.
    var poolsTried = Set<Int>()
    /// Improvement iterations so far (the work budget's counter and the tabu clock).
    var clock = 0
    /// Units some plan might place (`placeableBound()`); the search stops once this many are placed.
    var upperBound = Int.max
    /// Set when the wall-clock safety cap refused an iteration; the only decision that reads time.
    var timeCapHit = false

    // Contention (used while constructing).
    var staffPools: [ContentionPool] = []
    var roomPools: [ContentionPool] = []
    var staffPoolIndex: [String: Int] = [:]
    var roomPoolIndex: [String: Int] = [:]
    var staffPoolsOf: [[Int]] = []
    var roomPoolsOf: [[Int]] = []
    var contentionOn = false
    /// Weight of slot contention (expected demand per free resource) in construction placements.
    var contentionWeight = 1.0
    /// Weight of a staff member's scarcity (share of pending demand only they can serve) in construction.
    var pressureWeight = 20.0
    /// Bonus per side of a placement that touches the staff member's other bookings or time off ("best fit"),
    /// used while constructing and rebuilding, never when scoring soft moves.
    var compactWeight = 0.0
    /// Random jitter added to placement values during neighbourhood rebuilds, for diversity.
    var jitter = 0.0

    // Scratch buffers, sized once.
    var scratch = BitRows(rows: 8, words: 1)
    var roomRows = BitRows(rows: 0, words: 1)
    var memberRows = BitRows(rows: 0, words: 1)
    var timeMemo: [Double] = []
    var timeStamp: [Int] = []
    var stamp = 0
    var prefix: [Double] = []
    var clashDiff: [Int] = []
    var dayCount: [Int] = []

    /// Interns the instance and builds every static index; `run` > 0 names a randomised restart.
    init(_ instance: Instance, run: Int = 0) {
        self.instance = instance
        weights = instance.weights
        slotsPerDay = instance.horizon.slotsPerDay
        days = Swift.max(0, instance.horizon.days)
        slots = days * slotsPerDay
        words = Swift.max(1, SlotBits.wordCount(slots))
        rng = SplitMix64(seed: instance.seed &+ UInt64(run) &* 0x9E37_79B9_7F4A_7C15)
        self.run = run
        sOcc = .allocate(capacity: 1)
        rOcc = .allocate(capacity: 1)
        internNames()
        buildParticipants()
        buildStaff()
        buildRooms()
        buildFixed()
        buildDemands()
        buildPools()
        buildContention()
        buildScratch()
    }

    deinit {
        sOcc.deallocate()
        rOcc.deallocate()
    }

    // MARK: - Setup

    /// Interns centres, languages and session types in sorted order, so indices never depend on input order quirks.
    private func internNames() {
        var cs = Set<String>(), ls = Set<String>(), ts = Set<String>()
        for r in instance.rooms { cs.insert(r.centreId) }
        for d in instance.demands { cs.insert(d.centreId); ts.insert(d.sessionType) }
        for p in instance.participants { cs.formUnion(p.available.keys); ls.formUnion(p.languages) }
        for s in instance.staff { cs.formUnion(s.available.keys); ls.formUnion(s.languages) }
        for e in instance.existingSessions { ts.insert(e.sessionType) }
        centres = cs.sorted()
        languages = ls.sorted()
        types = ts.sorted()
        for (i, c) in centres.enumerated() { centreIndex[c] = i }
        for (i, l) in languages.enumerated() { languageIndex[l] = i }
        for (i, t) in types.enumerated() { typeIndex[t] = i }
        roomsByCentre = Array(repeating: [], count: centres.count)
    }

    /// Sets the bits of `ranges`, clipped to the horizon.
    private func fill(_ row: UnsafeMutablePointer<UInt64>, _ ranges: [SlotRange]) {
        for r in ranges {
            let a = Swift.max(0, r.start), b = Swift.min(slots, r.end)
            if a < b { SlotBits.set(row, a, b) }
        }
    }

    /// The first item of each id, in order, each one's position noted in `index` (later repeats are ignored).
    private static func firstOfEach<T>(_ items: [T], id: (T) -> String, index: inout [String: Int]) -> [T] {
        var keep: [T] = []
        for item in items where index[id(item)] == nil {
            index[id(item)] = keep.count
            keep.append(item)
        }
        return keep
    }

    /// The interned indices of `languages` that the instance knows, once each, ascending.
    private func languageIndices(_ languages: [String]) -> [Int] {
        Array(Set(languages.compactMap { languageIndex[$0] })).sorted()
    }

    /// Participant indices, languages, availability per centre, routine hours and links (made symmetric).
    private func buildParticipants() {
        let keep = Self.firstOfEach(instance.participants, id: \.id, index: &pIndex)
        let n = keep.count
        pIds = keep.map(\.id)
        pLangs = keep.map { languageIndices($0.languages) }
        pChild = keep.map(\.isChild)
        pMax = keep.flatMap { p in (0..<Swift.max(1, days)).map { p.maxSessions(onDay: $0) } }
        pBehind = keep.map(\.behindScore)
        let availRows = keep.reduce(0) { $0 + $1.available.count }
        pAvail = BitRows(rows: availRows, words: words)
        var row = 0
        for (i, p) in keep.enumerated() {
            for key in p.available.keys.sorted() {
                guard let c = centreIndex[key] else { continue }
                fill(pAvail.row(row), p.available[key]!)
                pAvailRow[i * centres.count + c] = row
                row += 1
            }
        }
        let prefCount = keep.filter { $0.preferredSlots != nil }.count
        pPref = BitRows(rows: prefCount, words: words)
        pPrefRow = Array(repeating: -1, count: n)
        row = 0
        for (i, p) in keep.enumerated() {
            guard let pref = p.preferredSlots else { continue }
            fill(pPref.row(row), pref)
            pPrefRow[i] = row
            row += 1
        }
        pBusy = BitRows(rows: n, words: words)
        pFixedBits = BitRows(rows: n, words: words)
        pDay = Array(repeating: 0, count: n * Swift.max(1, days))
        pSessions = Array(repeating: [], count: n)
        pFixed = Array(repeating: [], count: n)
        var links = Array(repeating: Set<Int>(), count: n)
        for (i, p) in keep.enumerated() {
            for q in p.linkedParticipants {
                guard let j = pIndex[q], j != i else { continue }
                links[i].insert(j)
                links[j].insert(i)
            }
        }
        pLinked = links.map { $0.sorted() }
    }

    /// Staff indices, availability per centre, the (centre, role) index, weekly limits and capacity.
    private func buildStaff() {
        let keep = Self.firstOfEach(instance.staff, id: \.id, index: &sIndex)
        let n = keep.count
        sIds = keep.map(\.id)
        sLangs = keep.map { languageIndices($0.languages) }
        sChild = keep.map(\.mayWorkWithChildren)
        sPaed = keep.map(\.isPaediatric)
        sAvail = BitRows(rows: keep.reduce(0) { $0 + $1.available.count }, words: words)
        var row = 0
        for (i, s) in keep.enumerated() {
            for key in s.available.keys.sorted() {
                guard let c = centreIndex[key] else { continue }
                fill(sAvail.row(row), s.available[key]!)
                sAvailRow[i * centres.count + c] = row
                for role in Set(s.roles).sorted() {
                    staffByCentreRole["\(c)|\(role)", default: []].append(StaffCandidate(staff: i, row: row))
                }
                row += 1
            }
        }
        sBusy = BitRows(rows: n, words: words)
        sOcc.deallocate()
        sOcc = .allocate(capacity: Swift.max(1, n * slots))
        sOcc.initialize(repeating: -1, count: Swift.max(1, n * slots))
        sLimits = keep.map { s in
            s.weeklyLimits.map { LimitState(start: $0.window.start, end: $0.window.end, max: $0.maxSlots, used: 0) }
        }
        sLoad = Array(repeating: 0, count: n)
        sCap = keep.map { StaffCapacity.availableSlots($0, horizon: instance.horizon) }
        sPressure = Array(repeating: 0, count: n)
    }

    /// Room indices and opening hours, grouped by centre.
    private func buildRooms() {
        var keep: [Room] = []
        for r in instance.rooms where rIndex[r.id] == nil {
            rIndex[r.id] = keep.count
            keep.append(r)
        }
        rIds = keep.map(\.id)
        rCentre = keep.map { centreIndex[$0.centreId]! }
        rKind = keep.map(\.kind)
        rCap = keep.map(\.capacity)
        rAvail = BitRows(rows: keep.count, words: words)
        for (i, r) in keep.enumerated() {
            fill(rAvail.row(i), r.available)
            roomsByCentre[rCentre[i]].append(i)
        }
        rBusy = BitRows(rows: keep.count, words: words)
        rOcc.deallocate()
        rOcc = .allocate(capacity: Swift.max(1, keep.count * slots))
        rOcc.initialize(repeating: -1, count: Swift.max(1, keep.count * slots))
    }

    /// Books existing sessions as fixed: busy bits, occupancy −2, daily counts, weekly use, group history.
    private func buildFixed() {
        for e in instance.existingSessions {
            let a = Swift.max(0, e.start), b = Swift.min(slots, e.start + e.durationSlots)
            let type = typeIndex[e.sessionType] ?? -1
            for id in Set(e.staffIds).sorted() {
                guard let s = sIndex[id] else { continue }
                sLoad[s] += e.durationSlots
                for k in sLimits[s].indices where sLimits[s][k].start <= e.start && e.start < sLimits[s][k].end {
                    sLimits[s][k].used += e.durationSlots
                }
                if a < b {
                    SlotBits.set(sBusy.row(s), a, b)
                    for u in a..<b { sOcc[s * slots + u] = -2 }
                }
            }
            if let rid = e.roomId, let r = rIndex[rid], a < b {
                SlotBits.set(rBusy.row(r), a, b)
                for u in a..<b { rOcc[r * slots + u] = -2 }
            }
            if let key = e.groupKey {
                let ps = Set(e.participantIds.compactMap { pIndex[$0] }).sorted()
                for i in ps.indices { for j in ps.indices where i < j { together[key, default: []].insert(ps[i] * pIds.count + ps[j]) } }
            }
            for id in Set(e.participantIds).sorted() {
                guard let p = pIndex[id] else { continue }
                if a < b {
                    SlotBits.set(pBusy.row(p), a, b)
                    SlotBits.set(pFixedBits.row(p), a, b)
                }
                let day = e.start >= 0 ? e.start / slotsPerDay : -1
                if day >= 0 && day < days { pDay[p * days + day] += 1 }
                pFixed[p].append(FixedUse(start: e.start, end: e.start + e.durationSlots, type: type))
            }
        }
    }

    // MARK: - Primitives

    /// Books a session on every resource it uses and returns its id.
    @discardableResult
    func place(demands ds: [Int], parts: [Int], staff s: Int, room r: Int, start: Int, lang: Int) -> Int {
        let first = dem[ds[0]]
        let dur = first.dur
        let sid = sessions.count
        sessions.append(LiveSession(demands: ds, parts: parts, staff: s, room: r, start: start, dur: dur,
                                    lang: lang, pool: first.pool, type: first.type))
        let end = start + dur
        let day = start / slotsPerDay
        for p in parts {
            SlotBits.set(pBusy.row(p), start, end)
            pDay[p * days + day] += 1
            pSessions[p].append(sid)
        }
        SlotBits.set(sBusy.row(s), start, end)
        SlotBits.set(rBusy.row(r), start, end)
        for u in start..<end {
            sOcc[s * slots + u] = Int32(sid)
            rOcc[r * slots + u] = Int32(sid)
        }
        for k in sLimits[s].indices where sLimits[s][k].start <= start && start < sLimits[s][k].end {
            sLimits[s][k].used += dur
        }
        sLoad[s] += dur
        for d in ds { dSession[d] = sid }
        if first.pool >= 0 { poolSessions[first.pool].append(sid) }
        placedUnits += ds.count
        if contentionOn { adjustSupply(staff: s, room: r, start: start, end: end, by: -1) }
        return sid
    }

    /// Frees every resource of a live session and marks its demands unplaced.
    func unplace(_ sid: Int) {
        let x = sessions[sid]
        guard x.alive else { return }
        sessions[sid].alive = false
        let end = x.start + x.dur
        let day = x.start / slotsPerDay
        for p in x.parts {
            SlotBits.clear(pBusy.row(p), x.start, end)
            pDay[p * days + day] -= 1
            if let i = pSessions[p].firstIndex(of: sid) { pSessions[p].remove(at: i) }
        }
        SlotBits.clear(sBusy.row(x.staff), x.start, end)
        SlotBits.clear(rBusy.row(x.room), x.start, end)
        for u in x.start..<end {
            sOcc[x.staff * slots + u] = -1
            rOcc[x.room * slots + u] = -1
        }
        for k in sLimits[x.staff].indices where sLimits[x.staff][k].start <= x.start && x.start < sLimits[x.staff][k].end {
            sLimits[x.staff][k].used -= x.dur
        }
        sLoad[x.staff] -= x.dur
        for d in x.demands { dSession[d] = -1 }
        if x.pool >= 0, let i = poolSessions[x.pool].firstIndex(of: sid) { poolSessions[x.pool].remove(at: i) }
        placedUnits -= x.demands.count
        if contentionOn { adjustSupply(staff: x.staff, room: x.room, start: x.start, end: end, by: 1) }
    }

    /// Slots staff `s` may still book in the weekly window containing `start` (Int.max when uncapped).
    func weeklyRoom(_ s: Int, _ start: Int) -> Int {
        var room = Int.max
        for l in sLimits[s] where l.start <= start && start < l.end { room = Swift.min(room, l.max - l.used) }
        return room
    }

    /// A language spoken by staff `s` and by every participant in `parts` if one exists, else one shared with the first.
    func sessionLanguage(staff s: Int, parts: [Int]) -> Int {
        for l in sLangs[s] where parts.allSatisfy({ pLangs[$0].contains(l) }) { return l }
        for l in sLangs[s] where parts.contains(where: { pLangs[$0].contains(l) }) { return l }
        return sLangs[s].first ?? -1
    }
}
