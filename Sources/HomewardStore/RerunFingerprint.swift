import Scheduler

/// What a rerun with nothing new would read, as one number: the supply (participants, staff, rooms with their windows and
/// limits), the sessions already booked in the horizon and the demand still open, without the database's session ids,
/// the units' numbering or the soft preferred staff member (which the run's own sessions change).
///
/// After a run writes, `after(_:_:)` is what the next run reads if nothing changed meanwhile: its sessions booked and only
/// its unplaced demand open. A run whose instance has that fingerprint is retrying demand the run before diagnosed as
/// unplaceable against the same supply; the job then plans it without the improvement budget (construction and
/// diagnosis only), since the search that just ran found nothing for it.
enum RerunFingerprint {
    /// The fingerprint of an instance as read.
    static func of(_ instance: Instance) -> UInt64 {
        fingerprint(instance, booked: instance.existingSessions.map(Booked.init), open: instance.demands)
    }

    /// The fingerprint of the instance the next run reads if nothing changes: nil when the run took seats in existing
    /// groups (their open seats change in ways the instance does not carry).
    static func after(_ instance: Instance, _ solution: Solution) -> UInt64? {
        guard solution.joins.isEmpty else { return nil }
        let unplaced = Set(solution.unplaced.map(\.demandId))
        return fingerprint(
            instance, booked: instance.existingSessions.map(Booked.init) + solution.sessions.map(Booked.init),
            open: instance.demands.filter { unplaced.contains($0.id) })
    }

    /// A booked session without its id.
    struct Booked {
        var staff: [String], room: String, participants: [String], start: Int, duration: Int, type: String, requirement: String
        init(_ s: ExistingSession) {
            staff = s.staffIds.sorted(); room = s.roomId ?? ""; participants = s.participantIds.sorted(); start = s.start
            duration = s.durationSlots; type = s.sessionType; requirement = s.requirementId
        }
        init(_ s: PlacedSession) {
            staff = [s.staffId]; room = s.roomId; participants = s.participantIds.sorted(); start = s.start
            duration = s.durationSlots; type = s.sessionType; requirement = s.requirementId
        }
        func add(to h: inout FNV) {
            h.add(staff); h.add(room); h.add(participants); h.add(start); h.add(duration); h.add(type); h.add(requirement)
        }
    }

    private static func fingerprint(_ instance: Instance, booked: [Booked], open: [Demand]) -> UInt64 {
        var h = FNV()
        h.add(instance.horizon.startISO); h.add(instance.horizon.days); h.add(instance.horizon.slotMinutes)
        h.add(Int(truncatingIfNeeded: instance.seed)); h.add(instance.budget.maxIterations)
        let w = instance.weights
        for x in [w.continuity, w.spread, w.staffBalance, w.preferredHours, w.linkedClash, w.groupStability, w.minimalChange, w.priority] {
            h.add(x)
        }
        for p in instance.participants {
            h.add(p.id); h.add(p.languages); h.add(p.ageYears); h.add(p.sex.rawValue); h.add(p.isChild); h.add(p.maxSessionsPerDay)
            h.add(p.maxSessionsPerDayByDay ?? []); h.add(p.available); h.add(p.preferredSlots ?? []); h.add(p.behindScore)
            h.add(p.familyId ?? ""); h.add(p.linkedParticipants)
        }
        for s in instance.staff {
            h.add(s.id); h.add(s.roles); h.add(s.languages); h.add(s.mayWorkWithChildren); h.add(s.isPaediatric); h.add(s.available)
            for limit in s.weeklyLimits { h.add(limit.window); h.add(limit.maxSlots) }
        }
        for r in instance.rooms { h.add(r.id); h.add(r.centreId); h.add(r.kind); h.add(r.capacity); h.add(r.available) }
        // Sessions and demand as multisets: sorted by their own hashes, so order and numbering do not matter.
        for value in booked.map({ b -> UInt64 in var x = FNV(); b.add(to: &x); return x.value }).sorted() { h.add(value) }
        for value in open.map(demandHash).sorted() { h.add(value) }
        return h.value
    }

    private static func demandHash(_ d: Demand) -> UInt64 {
        var h = FNV()
        h.add(d.requirementId); h.add(d.sessionType); h.add(d.mode.rawValue); h.add(d.participants); h.add(d.groupKey ?? "")
        h.add(d.groupMin); h.add(d.groupMax); h.add(d.staffRole); h.add(d.paediatricOnly); h.add(d.requiresChildClearance)
        h.add(d.durationSlots); h.add(d.window); h.add(d.weekLabel ?? ""); h.add(d.roomKinds); h.add(d.centreId); h.add(d.priority)
        return h.value
    }

    /// 64-bit FNV-1a over the values added, each ended by a separator so that ("ab", "c") and ("a", "bc") differ.
    struct FNV {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
        private mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        mutating func add(_ s: String) { for b in s.utf8 { byte(b) }; byte(0xff) }
        mutating func add(_ i: Int) { add(UInt64(bitPattern: Int64(i))) }
        mutating func add(_ u: UInt64) { var x = u; for _ in 0..<8 { byte(UInt8(x & 0xff)); x >>= 8 }; byte(0xfe) }
        mutating func add(_ b: Bool) { byte(b ? 1 : 0); byte(0xfd) }
        mutating func add(_ d: Double) { add(d.bitPattern) }
        mutating func add(_ list: [String]) { add(list.count); for s in list { add(s) } }
        mutating func add(_ list: [Int]) { add(list.count); for i in list { add(i) } }
        mutating func add(_ r: SlotRange) { add(r.start); add(r.end) }
        mutating func add(_ list: [SlotRange]) { add(list.count); for r in list { add(r) } }
        mutating func add(_ windows: [String: [SlotRange]]) {
            add(windows.count)
            for key in windows.keys.sorted() { add(key); add(windows[key]!) }
        }
    }
}
