/// Counts a staff member's available slots in the horizon (union over centres), the denominator of load balance.
enum StaffCapacity {
    /// Available slots of `staff` inside the horizon, each slot counted once even if listed at two centres.
    static func availableSlots(_ staff: Staff, horizon: Horizon) -> Int {
        let ranges = staff.available.keys.sorted().flatMap { staff.available[$0]! }
            .map { $0.clamped(to: SlotRange(start: 0, end: horizon.slotCount)) }
            .filter { !$0.isEmpty }
            .sorted { $0.start < $1.start }
        var total = 0, reach = Int.min
        for r in ranges {
            let from = Swift.max(r.start, reach)
            if r.end > from { total += r.end - from }
            reach = Swift.max(reach, r.end)
        }
        return total
    }
}
