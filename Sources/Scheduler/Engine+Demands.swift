/// Static filtering of demands: candidate staff and rooms, the participants' joint free time, and the
/// first static reason a demand can never be placed. Filters run in the order reported to coordinators.
extension Engine {
    /// Interns every demand, runs the static filters and stores each one's joint participant availability.
    func buildDemands() {
        let n = instance.demands.count
        dem = Array(repeating: DemandInfo(), count: n)
        dSession = Array(repeating: -1, count: n)
        protectedUntil = Array(repeating: 0, count: n)
        dBits = BitRows(rows: n, words: words)
        var seen = Set<String>()
        scratch = BitRows(rows: 8, words: words)
        for (i, d) in instance.demands.enumerated() {
            var info = DemandInfo()
            info.mode = d.mode
            info.type = typeIndex[d.sessionType] ?? 0
            info.centre = centreIndex[d.centreId] ?? 0
            info.winStart = Swift.max(0, d.window.start)
            info.winEnd = Swift.min(slots, d.window.end)
            info.dur = d.durationSlots
            info.priority = d.priority
            info.preferred = d.preferredStaffId.flatMap { sIndex[$0] } ?? -1
            if let prev = d.previous {
                info.prevStart = prev.start
                info.prevStaff = prev.staffId.flatMap { sIndex[$0] } ?? -1
                info.prevRoom = prev.roomId.flatMap { rIndex[$0] } ?? -1
            }
            let parts = d.participants.compactMap { pIndex[$0] }
            info.parts = parts
            info.behind = parts.map { pBehind[$0] }.max() ?? 0
            info.needsClearance = d.requiresChildClearance || parts.contains { pChild[$0] }
            info.needsPaediatric = d.paediatricOnly
            if let (code, detail) = malformed(d, parts: parts, firstSeen: seen.insert(d.id).inserted) {
                info.staticReason = code
                info.staticDetail = detail
                dem[i] = info
                continue
            }
            dem[i] = info
            staticFilter(i, d)
        }
    }

    /// The invalid-demand check: unknown or repeated participants, wrong count for the mode, bad bounds or window.
    private func malformed(_ d: Demand, parts: [Int], firstSeen: Bool) -> (ReasonCode, String)? {
        if !firstSeen { return (.invalidDemand, "demand id \(d.id) appears more than once") }
        if parts.count != d.participants.count {
            let unknown = d.participants.filter { pIndex[$0] == nil }
            return (.invalidDemand, "unknown participant \(unknown.joined(separator: ", "))")
        }
        if Set(parts).count != parts.count { return (.invalidDemand, "a participant is listed twice") }
        switch d.mode {
        case .individual, .group:
            if parts.count != 1 { return (.invalidDemand, "a \(d.mode.rawValue) demand must name exactly one participant") }
        case .family:
            if parts.isEmpty { return (.invalidDemand, "a family demand needs participants") }
        }
        if d.mode == .group && (d.groupMin < 1 || d.groupMax < d.groupMin) {
            return (.invalidDemand, "group bounds \(d.groupMin)…\(d.groupMax) are not a valid range")
        }
        if d.durationSlots <= 0 { return (.invalidDemand, "duration must be at least one slot") }
        let ws = Swift.max(0, d.window.start), we = Swift.min(slots, d.window.end)
        if we - ws < d.durationSlots {
            return (.invalidDemand, "window \(d.window.start)..<\(d.window.end) within the horizon is shorter than the session")
        }
        return nil
    }

    /// Human name of a demand's window for messages.
    func windowText(_ d: Demand) -> String {
        if let label = d.weekLabel { return "week \(label)" }
        let a = Swift.max(0, d.window.start) / Swift.max(1, slotsPerDay) + 1
        let b = (Swift.min(slots, d.window.end) - 1) / Swift.max(1, slotsPerDay) + 1
        return a == b ? "day \(a)" : "days \(a)–\(b)"
    }

    /// A role name as coordinators write it ("religious_expert" → "religious expert").
    func roleText(_ role: String) -> String { String(role.map { $0 == "_" ? " " : $0 }) }

    /// Candidate staff and rooms of demand `i`, or the first static filter it fails, in reporting order.
    private func staticFilter(_ i: Int, _ d: Demand) {
        var info = dem[i]
        let c = info.centre
        let ws = info.winStart, we = info.winEnd
        let centreName = d.centreId
        let when = windowText(d)
        func fail(_ code: ReasonCode, _ detail: String) {
            info.staticReason = code
            info.staticDetail = detail
            dem[i] = info
        }
        // 1. Role, at this centre, with some working time in the window.
        let byRole = (staffByCentreRole["\(c)|\(d.staffRole)"] ?? []).filter { SlotBits.any(sAvail.row($0.row), ws, we) }
        if byRole.isEmpty { return fail(.noStaffWithRole, "no \(roleText(d.staffRole)) is available at \(centreName) in \(when)") }
        // 2. Language: every participant shares one with the staff member.
        let parts = info.parts
        let speaking = byRole.filter { cand in parts.allSatisfy { p in pLangs[p].contains { sLangs[cand.staff].contains($0) } } }
        if speaking.isEmpty {
            let langs = Set(parts.flatMap { pLangs[$0] }).map { languages[$0] }.sorted().joined(separator: "/")
            return fail(.noStaffWithLanguage, "no \(roleText(d.staffRole)) speaking \(langs.isEmpty ? "the participant's language" : langs) is available at \(centreName) in \(when)")
        }
        // 3. Clearance for children and paediatric-only sessions.
        let cleared = speaking.filter { (!info.needsClearance || sChild[$0.staff]) && (!info.needsPaediatric || sPaed[$0.staff]) }
        if cleared.isEmpty {
            let what = info.needsPaediatric ? "paediatric psychologist" : roleText(d.staffRole)
            let why = info.needsClearance ? " cleared to work with children" : ""
            return fail(.noChildClearedStaff, "no \(what)\(why) speaking the participant's language is available at \(centreName) in \(when)")
        }
        info.staff = cleared
        // 4. Rooms of a suitable kind, then big enough.
        let kinds = Set(d.roomKinds)
        let ofKind = (c < roomsByCentre.count ? roomsByCentre[c] : []).filter { kinds.contains(rKind[$0]) }
        let kindText = d.roomKinds.joined(separator: " or ")
        if ofKind.isEmpty { return fail(.noRoomOfKind, "\(centreName) has no room of kind \(kindText)") }
        let need = d.mode == .group ? d.groupMin : parts.count
        let fitting = ofKind.filter { rCap[$0] >= need }.sorted { (rCap[$0], $0) < (rCap[$1], $1) }
        if fitting.isEmpty { return fail(.roomTooSmall, "no \(kindText) room at \(centreName) seats \(need)") }
        info.rooms = fitting
        // 5. The participants' joint free time in the window.
        let bits = dBits.row(i)
        SlotBits.set(bits, ws, we)
        var lonely: [String] = []
        for p in parts {
            guard let row = pAvailRow[p * centres.count + c] else {
                SlotBits.clear(bits, 0, slots)
                lonely.append(pIds[p])
                continue
            }
            let pr = pAvail.row(row)
            if !SlotBits.any(pr, ws, we) { lonely.append(pIds[p]) }
            for k in 0..<words { bits[k] &= pr[k] }
        }
        let starts = scratch.row(0)
        for k in 0..<words { starts[k] = bits[k] }
        SlotBits.runStarts(starts, count: words, length: info.dur)
        if !SlotBits.nonEmpty(starts, words) {
            let who = lonely.isEmpty ? parts.map { pIds[$0] } : lonely
            let detail = who.count == 1
                ? "participant \(who[0]) has no free \(info.dur)-slot period at \(centreName) in \(when)"
                : "participants \(who.joined(separator: ", ")) are never free together at \(centreName) in \(when)"
            return fail(.participantUnavailable, detail)
        }
        // 6. Some time when participant, a suitable staff member and a suitable room are all free.
        let anyStaff = scratch.row(1), anyRoom = scratch.row(2), tmp = scratch.row(3)
        for k in 0..<words { anyStaff[k] = 0; anyRoom[k] = 0 }
        for cand in cleared {
            let sr = sAvail.row(cand.row)
            for k in 0..<words { tmp[k] = sr[k] & bits[k] }
            SlotBits.runStarts(tmp, count: words, length: info.dur)
            for k in 0..<words { anyStaff[k] |= tmp[k] }
        }
        for r in fitting {
            let rr = rAvail.row(r)
            for k in 0..<words { tmp[k] = rr[k] & bits[k] }
            SlotBits.runStarts(tmp, count: words, length: info.dur)
            for k in 0..<words { anyRoom[k] |= tmp[k] }
        }
        var common = 0
        for k in 0..<words { common += (starts[k] & anyStaff[k] & anyRoom[k]).nonzeroBitCount }
        if common == 0 {
            let who = parts.map { pIds[$0] }.joined(separator: ", ")
            return fail(.noCommonTime, "\(who), a suitable \(roleText(d.staffRole)) and a \(kindText) room are never free together at \(centreName) in \(when)")
        }
        info.flexibility = common * cleared.count
        dem[i] = info
    }

    /// Groups the statically feasible group demands into pools that may share sessions.
    func buildPools() {
        var byKey: [String: [Int]] = [:]
        for (i, d) in instance.demands.enumerated() where d.mode == .group && dem[i].staticReason == nil {
            let key = [d.poolKey, "\(d.groupMin)", "\(d.groupMax)", d.staffRole, "\(d.durationSlots)", d.sessionType,
                       d.roomKinds.sorted().joined(separator: ","), "\(d.paediatricOnly)"].joined(separator: "\u{1E}")
            byKey[key, default: []].append(i)
        }
        for key in byKey.keys.sorted() {
            let members = byKey[key]!.sorted { instance.demands[$0].id < instance.demands[$1].id }
            let first = dem[members[0]], d0 = instance.demands[members[0]]
            var pool = PoolInfo()
            pool.members = members
            pool.centre = first.centre
            pool.winStart = first.winStart
            pool.winEnd = first.winEnd
            pool.dur = first.dur
            pool.groupMin = d0.groupMin
            pool.groupMax = d0.groupMax
            pool.groupKey = d0.groupKey ?? d0.id
            var staff: [Int: StaffCandidate] = [:]
            var rooms = Set<Int>()
            for m in members {
                for cand in dem[m].staff { staff[cand.staff] = cand }
                rooms.formUnion(dem[m].rooms)
            }
            pool.staff = staff.keys.sorted().map { staff[$0]! }
            pool.rooms = rooms.sorted { (rCap[$0], $0) < (rCap[$1], $1) }
            let index = pools.count
            for m in members { dem[m].pool = index }
            pools.append(pool)
        }
        poolSessions = Array(repeating: [], count: pools.count)
    }

    /// Sizes scratch space for the largest demand, pool and window.
    func buildScratch() {
        let maxRooms = Swift.max(1, dem.map(\.rooms.count).max() ?? 1, pools.map(\.rooms.count).max() ?? 1)
        roomRows = BitRows(rows: maxRooms, words: words)
        let maxMembers = Swift.max(1, pools.map(\.members.count).max() ?? 1)
        memberRows = BitRows(rows: maxMembers, words: words)
        timeMemo = Array(repeating: 0, count: slots + 1)
        timeStamp = Array(repeating: 0, count: slots + 1)
        prefix = Array(repeating: 0, count: slots + 2)
        clashDiff = Array(repeating: 0, count: slots + 2)
        dayCount = Array(repeating: 0, count: Swift.max(1, days))
    }
}
