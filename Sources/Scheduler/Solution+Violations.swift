/// The independent checker: a plain re-reading of the hard rules over ids and intervals, sharing no code
/// with the solver, so tests and the CLI can trust a plan without trusting the search.
extension Solution {
    /// Lists every hard rule this plan breaks against `instance`; an empty list means the plan is valid.
    public func violations(of instance: Instance) -> [Violation] {
        var out: [Violation] = []
        func add(_ code: ViolationCode, _ index: Int?, _ detail: String) {
            out.append(Violation(code: code, sessionIndex: index, detail: detail))
        }
        let participants = Dictionary(instance.participants.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let staff = Dictionary(instance.staff.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let rooms = Dictionary(instance.rooms.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let demands = Dictionary(instance.demands.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let horizon = SlotRange(start: 0, end: instance.horizon.slotCount)

        // Demand accounting: each demand is placed once or reported unplaced once, never both.
        var timesPlaced: [String: Int] = [:]
        for (i, s) in sessions.enumerated() {
            for d in s.demandIds {
                timesPlaced[d, default: 0] += 1
                if timesPlaced[d] == 2 { add(.demandPlacedTwice, i, "demand \(d) is placed in more than one session") }
            }
        }
        for j in joins {
            timesPlaced[j.demandId, default: 0] += 1
            if timesPlaced[j.demandId] == 2 { add(.demandPlacedTwice, nil, "demand \(j.demandId) is placed more than once") }
        }
        var reported = Set<String>()
        for u in unplaced {
            if demands[u.demandId] == nil { add(.unknownReference, nil, "unplaced demand \(u.demandId) is not in the instance") }
            if timesPlaced[u.demandId] != nil { add(.demandPlacedAndUnplaced, nil, "demand \(u.demandId) is both placed and unplaced") }
            if !reported.insert(u.demandId).inserted { add(.demandPlacedTwice, nil, "demand \(u.demandId) is reported unplaced twice") }
        }
        for d in instance.demands where timesPlaced[d.id] == nil && !reported.contains(d.id) {
            add(.demandMissing, nil, "demand \(d.id) is neither placed nor reported unplaced")
        }

        // Per-session rules.
        for (i, s) in sessions.enumerated() {
            let slots = s.slots
            guard let st = staff[s.staffId] else { add(.unknownReference, i, "staff \(s.staffId) is not in the instance"); continue }
            guard let room = rooms[s.roomId] else { add(.unknownReference, i, "room \(s.roomId) is not in the instance"); continue }
            let ds = s.demandIds.compactMap { demands[$0] }
            if ds.count != s.demandIds.count || ds.isEmpty {
                add(.unknownReference, i, "session lists demands missing from the instance: \(s.demandIds)")
                continue
            }
            let people = s.participantIds.compactMap { participants[$0] }
            if people.count != s.participantIds.count {
                add(.unknownReference, i, "session lists participants missing from the instance: \(s.participantIds)")
                continue
            }
            if s.durationSlots <= 0 || !horizon.contains(slots) {
                add(.outsideWindow, i, "session \(slots.start)..<\(slots.end) is empty or outside the horizon")
            }
            // The session must serve exactly its demands' participants, with matching attributes.
            let wanted = Set(ds.flatMap(\.participants))
            if wanted != Set(s.participantIds) || Set(s.participantIds).count != s.participantIds.count {
                add(.sessionMismatch, i, "participants \(s.participantIds.sorted()) differ from the demands' \(wanted.sorted())")
            }
            for d in ds {
                if d.mode != s.mode || d.centreId != s.centreId || d.durationSlots != s.durationSlots || d.sessionType != s.sessionType {
                    add(.sessionMismatch, i, "demand \(d.id) does not match the session's mode, centre, type or duration")
                }
                if !d.window.contains(slots) {
                    add(.outsideWindow, i, "session \(slots.start)..<\(slots.end) lies outside demand \(d.id)'s window \(d.window.start)..<\(d.window.end)")
                }
                if !st.roles.contains(d.staffRole) { add(.staffLacksRole, i, "staff \(st.id) does not hold role \(d.staffRole)") }
                if d.paediatricOnly && !st.isPaediatric { add(.staffNotPaediatric, i, "demand \(d.id) needs a paediatric psychologist; \(st.id) is not one") }
                if d.requiresChildClearance && !st.mayWorkWithChildren {
                    add(.staffNotChildCleared, i, "demand \(d.id) requires child clearance; \(st.id) lacks it")
                }
                if !d.roomKinds.contains(room.kind) { add(.wrongRoomKind, i, "room \(room.id) is a \(room.kind), demand \(d.id) needs \(d.roomKinds)") }
            }
            if s.mode == .group {
                let first = ds[0]
                if ds.contains(where: { $0.poolKey != first.poolKey }) {
                    add(.sessionMismatch, i, "group mixes demands of different group keys or windows")
                }
                if ds.count < first.groupMin || ds.count > first.groupMax {
                    add(.groupSize, i, "group of \(ds.count) outside \(first.groupMin)…\(first.groupMax)")
                }
            } else if ds.count != 1 {
                add(.sessionMismatch, i, "a \(s.mode.rawValue) session must serve exactly one demand")
            }
            if people.contains(where: \.isChild) && !st.mayWorkWithChildren {
                add(.staffNotChildCleared, i, "a child attends but staff \(st.id) is not cleared to work with children")
            }
            // Language: groups need one common language; otherwise each person shares one with the staff member.
            if s.mode == .group {
                if !st.languages.contains(s.language) || people.contains(where: { !$0.languages.contains(s.language) }) {
                    add(.noCommonLanguage, i, "language \(s.language) is not common to staff \(st.id) and every member")
                }
            } else {
                for p in people where !p.languages.contains(where: st.languages.contains) {
                    add(.noCommonLanguage, i, "participant \(p.id) shares no language with staff \(st.id)")
                }
                if !st.languages.contains(s.language) { add(.noCommonLanguage, i, "staff \(st.id) does not speak \(s.language)") }
            }
            if room.centreId != s.centreId { add(.wrongCentre, i, "room \(room.id) is at \(room.centreId), not \(s.centreId)") }
            if room.capacity < s.participantIds.count {
                add(.roomTooSmall, i, "room \(room.id) seats \(room.capacity), session has \(s.participantIds.count)")
            }
            for p in people where !(p.available[s.centreId] ?? []).covers(start: s.start, length: s.durationSlots) {
                add(.participantUnavailable, i, "participant \(p.id) is not available at \(s.centreId) in \(slots.start)..<\(slots.end)")
            }
            if !(st.available[s.centreId] ?? []).covers(start: s.start, length: s.durationSlots) {
                add(.staffUnavailable, i, "staff \(st.id) is not available at \(s.centreId) in \(slots.start)..<\(slots.end)")
            }
            if !room.available.covers(start: s.start, length: s.durationSlots) {
                add(.roomUnavailable, i, "room \(room.id) is closed in \(slots.start)..<\(slots.end)")
            }
        }

        // Seats in existing groups: a free seat of the demand's requirement, in her window, time and language.
        let existingByID = Dictionary(instance.existingSessions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seatsTaken: [String: Int] = [:]
        for j in joins {
            guard let d = demands[j.demandId], let e = existingByID[j.sessionId], let p = participants[j.participantId] else {
                add(.unknownReference, nil, "seat of demand \(j.demandId) in session \(j.sessionId) names something not in the instance")
                continue
            }
            seatsTaken[e.id, default: 0] += 1
            if d.mode != .group || d.participants != [p.id] || e.groupKey == nil || d.requirementId != e.requirementId
                || d.sessionType != e.sessionType || e.centreId != d.centreId || j.start != e.start || j.durationSlots != e.durationSlots {
                add(.sessionMismatch, nil, "demand \(d.id) may not take a seat in session \(e.id)")
            }
            if !d.window.contains(e.slots) || !horizon.contains(e.slots) {
                add(.outsideWindow, nil, "session \(e.id) lies outside demand \(d.id)'s window \(d.window.start)..<\(d.window.end)")
            }
            if !(p.available[d.centreId] ?? []).covers(start: e.start, length: e.durationSlots) {
                add(.participantUnavailable, nil, "participant \(p.id) is not available at \(d.centreId) for session \(e.id)")
            }
            for id in e.staffIds {
                guard let st = staff[id] else { add(.unknownReference, nil, "staff \(id) of session \(e.id) is not in the instance"); continue }
                if !st.roles.contains(d.staffRole) { add(.staffLacksRole, nil, "staff \(st.id) does not hold role \(d.staffRole)") }
                if !p.languages.contains(where: st.languages.contains) {
                    add(.noCommonLanguage, nil, "participant \(p.id) shares no language with staff \(st.id) of session \(e.id)")
                }
                if (p.isChild || d.requiresChildClearance) && !st.mayWorkWithChildren {
                    add(.staffNotChildCleared, nil, "participant \(p.id) needs child-cleared staff; \(st.id) of session \(e.id) is not")
                }
                if d.paediatricOnly && !st.isPaediatric { add(.staffNotPaediatric, nil, "demand \(d.id) needs a paediatric psychologist; \(st.id) is not one") }
            }
        }
        for id in seatsTaken.keys.sorted() where seatsTaken[id]! > (existingByID[id]?.openSeats ?? 0) {
            add(.roomTooSmall, nil, "\(seatsTaken[id]!) seats taken in session \(id), which has \(existingByID[id]?.openSeats ?? 0) open")
        }

        // Double booking over placed and existing sessions (clashes among existing sessions alone are not the plan's).
        struct Use { var start: Int; var end: Int; var index: Int?; var planned = true }
        var staffUse: [String: [Use]] = [:], roomUse: [String: [Use]] = [:], personUse: [String: [Use]] = [:]
        for j in joins { personUse[j.participantId, default: []].append(Use(start: j.start, end: j.start + j.durationSlots, index: nil)) }
        let joinedSeats = Set(joins.map { "\($0.sessionId)\u{1F}\($0.participantId)" })
        for (i, s) in sessions.enumerated() {
            let u = Use(start: s.start, end: s.start + s.durationSlots, index: i)
            staffUse[s.staffId, default: []].append(u)
            roomUse[s.roomId, default: []].append(u)
            for p in s.participantIds { personUse[p, default: []].append(u) }
        }
        for e in instance.existingSessions {
            let u = Use(start: e.start, end: e.start + e.durationSlots, index: nil, planned: false)
            for id in e.staffIds where staffUse[id] != nil { staffUse[id]!.append(u) }
            if let r = e.roomId, roomUse[r] != nil { roomUse[r]!.append(u) }
            for p in e.participantIds where personUse[p] != nil {
                if joinedSeats.contains("\(e.id)\u{1F}\(p)") { add(.sessionMismatch, nil, "participant \(p) already sits in session \(e.id)") }
                personUse[p]!.append(u)
            }
        }
        func clashes(_ uses: [String: [Use]], _ code: ViolationCode, _ what: String) {
            for key in uses.keys.sorted() {
                let list = uses[key]!.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
                var open: [Use] = []
                for u in list {
                    open.removeAll { $0.end <= u.start }
                    for o in open where o.planned || u.planned {
                        add(code, u.index ?? o.index, "\(what) \(key) is booked twice around slot \(u.start)")
                    }
                    open.append(u)
                }
            }
        }
        clashes(staffUse, .staffDoubleBooked, "staff")
        clashes(roomUse, .roomDoubleBooked, "room")
        clashes(personUse, .participantDoubleBooked, "participant")

        // Participant daily limits, counting existing sessions on the same day.
        let spd = instance.horizon.slotsPerDay
        func day(_ slot: Int) -> Int { slot >= 0 ? slot / spd : (slot - spd + 1) / spd }
        var perDay: [String: [Int: (total: Int, planned: Int)]] = [:]
        for s in sessions {
            for p in s.participantIds { perDay[p, default: [:]][day(s.start), default: (0, 0)].total += 1; perDay[p]![day(s.start)]!.planned += 1 }
        }
        for j in joins { perDay[j.participantId, default: [:]][day(j.start), default: (0, 0)].total += 1; perDay[j.participantId]![day(j.start)]!.planned += 1 }
        for e in instance.existingSessions {
            for p in e.participantIds where perDay[p]?[day(e.start)] != nil { perDay[p]![day(e.start)]!.total += 1 }
        }
        for p in perDay.keys.sorted() {
            guard let person = participants[p] else { continue }
            for d in perDay[p]!.keys.sorted() where perDay[p]![d]!.total > person.maxSessions(onDay: d) {
                add(.participantDailyLimit, nil, "participant \(p) has \(perDay[p]![d]!.total) sessions on day \(d), limit \(person.maxSessions(onDay: d))")
            }
        }

        // Staff weekly limits, counting existing sessions that start in the window.
        var planned: [String: [PlacedSession]] = [:]
        for s in sessions { planned[s.staffId, default: []].append(s) }
        var fixedByStaff: [String: [ExistingSession]] = [:]
        for e in instance.existingSessions { for id in e.staffIds where planned[id] != nil { fixedByStaff[id, default: []].append(e) } }
        for id in planned.keys.sorted() {
            guard let st = staff[id] else { continue }
            for limit in st.weeklyLimits {
                let mine = planned[id]!.filter { limit.window.contains($0.start) }
                if mine.isEmpty { continue }
                let fixed = (fixedByStaff[id] ?? []).filter { limit.window.contains($0.start) }
                let used = mine.reduce(0) { $0 + $1.durationSlots } + fixed.reduce(0) { $0 + $1.durationSlots }
                if used > limit.maxSlots {
                    add(.staffWeeklyLimit, nil, "staff \(id) is booked \(used) slots in \(limit.window.start)..<\(limit.window.end), limit \(limit.maxSlots)")
                }
            }
        }
        return out
    }
}
