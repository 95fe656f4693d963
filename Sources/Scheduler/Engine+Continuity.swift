/// Continuity within a run: a participant's new individual sessions of one type, with no counsellor from earlier runs,
/// go to one staff member when that is possible (the one already holding most of them, then the earliest).
extension Engine {
    /// Moves each participant's new individual sessions of a type onto one staff member where that staff member is
    /// eligible, working, free and within weekly hours at the same time and room; nothing else changes.
    func keepStaffWithinRun() {
        for p in pIds.indices {
            var byType: [Int: [Int]] = [:]
            for sid in pSessions[p] {
                let x = sessions[sid]
                guard x.alive, x.demands.count == 1, x.parts == [p], dem[x.demands[0]].mode == .individual,
                      dem[x.demands[0]].preferred < 0 else { continue }
                byType[x.type, default: []].append(sid)
            }
            for type in byType.keys.sorted() {
                let list = byType[type]!.sorted { (sessions[$0].start, $0) < (sessions[$1].start, $1) }
                guard Set(list.map { sessions[$0].staff }).count > 1 else { continue }
                var held: [Int: Int] = [:]
                for sid in list { held[sessions[sid].staff, default: 0] += 1 }
                // Candidates: staff already holding some of them, most first, then the earliest session's.
                let order = held.keys.sorted { a, b in
                    let ia = list.firstIndex { sessions[$0].staff == a }!, ib = list.firstIndex { sessions[$0].staff == b }!
                    return (-held[a]!, ia) < (-held[b]!, ib)
                }
                let target = order.first { t in list.allSatisfy { sessions[$0].staff == t || canHand($0, to: t) } } ?? order[0]
                for sid in list where sessions[sid].staff != target && canHand(sid, to: target) {
                    let x = sessions[sid]
                    unplace(sid)
                    place(demands: x.demands, parts: x.parts, staff: target, room: x.room, start: x.start,
                          lang: sessionLanguage(staff: target, parts: x.parts))
                }
            }
        }
    }

    /// Whether live individual session `sid` could be held by staff `s` instead, as things stand.
    private func canHand(_ sid: Int, to s: Int) -> Bool {
        let x = sessions[sid]
        guard x.alive, x.staff != s, let cand = dem[x.demands[0]].staff.first(where: { $0.staff == s }) else { return false }
        let end = x.start + x.dur
        return SlotBits.all(sAvail.row(cand.row), x.start, end) && !SlotBits.any(sBusy.row(s), x.start, end)
            && weeklyRoom(s, x.start) >= x.dur
    }
}
