/// Every feasible placement of one demand, for coordinators choosing by hand: the same bit rows and soft terms the
/// search uses, walked start by start with the first failing rule counted for the rest.
extension Engine {
    /// New-session options of demand `d` (individual or family) and refusals per reason over (start, staff) pairs.
    func suggestions(_ d: Int) -> ([SuggestedOption], [String: Int]) {
        let info = dem[d], demand = instance.demands[d]
        var refusals: [String: Int] = [:]
        if info.staticReason == .invalidDemand { return ([], [ReasonCode.invalidDemand.rawValue: 1]) }
        if demand.mode == .group { return ([], [:]) }
        let c = info.centre
        let candidates = staffByCentreRole["\(c)|\(demand.staffRole)"] ?? []
        if candidates.isEmpty { return ([], [ReasonCode.noStaffWithRole.rawValue: 1]) }
        let kinds = Set(demand.roomKinds)
        let rooms = (c < roomsByCentre.count ? roomsByCentre[c] : [])
            .filter { kinds.contains(rKind[$0]) && rCap[$0] >= info.parts.count }
            .sorted { (rCap[$0], rIds[$0]) < (rCap[$1], rIds[$1]) }
        prepareTimeTerms(d, pressure: false)
        var options: [SuggestedOption] = []
        let dur = info.dur
        guard info.winEnd - dur >= info.winStart else { return ([], [ReasonCode.invalidDemand.rawValue: 1]) }
        for t in info.winStart...(info.winEnd - dur) {
            let day = t / slotsPerDay
            func refusal(_ p: Int) -> String? {
                guard let row = pAvailRow[p * centres.count + c], SlotBits.all(pAvail.row(row), t, t + dur) else { return "participant_unavailable" }
                if SlotBits.any(pBusy.row(p), t, t + dur) { return "participant_busy" }
                return pDay[p * days + day] >= pMax[p * days + day] ? "participant_daily_limit" : nil
            }
            let personal = info.parts.lazy.compactMap(refusal).first
            if let personal {
                refusals[personal, default: 0] += candidates.count
                continue
            }
            let room = rooms.first { SlotBits.all(rAvail.row($0), t, t + dur) && !SlotBits.any(rBusy.row($0), t, t + dur) }
            for cand in candidates {
                let s = cand.staff
                let why: String?
                if !info.parts.allSatisfy({ p in pLangs[p].contains { sLangs[s].contains($0) } }) { why = "no_shared_language" }
                else if info.needsClearance && !sChild[s] { why = "child_clearance" }
                else if info.needsPaediatric && !sPaed[s] { why = "paediatric_only" }
                else if !SlotBits.all(sAvail.row(cand.row), t, t + dur) { why = "staff_unavailable" }
                else if SlotBits.any(sBusy.row(s), t, t + dur) { why = "staff_busy" }
                else if weeklyRoom(s, t) < dur { why = "staff_weekly_limit" }
                else if rooms.isEmpty { why = ReasonCode.noRoomOfKind.rawValue }
                else if room == nil { why = "no_room_free" }
                else { why = nil }
                if let why {
                    refusals[why, default: 0] += 1
                    continue
                }
                options.append(SuggestedOption(start: t, durationSlots: dur, staffIds: [sIds[s]], roomId: rIds[room!], joinsSessionId: nil,
                                               score: staffTerm(d, s, pressure: false) + timeTerm(d, t)))
            }
        }
        return (options, refusals)
    }

    /// Soft score of demand `d` taking a seat in existing session `e`: continuity with its staff and the time terms.
    func seatScore(_ d: Int, _ e: ExistingSession) -> Double {
        prepareTimeTerms(d, pressure: false)
        let preferred = instance.demands[d].preferredStaffId.map { e.staffIds.contains($0) } ?? false
        return (preferred ? weights.continuity : 0) + timeTerm(d, e.start)
    }
}
