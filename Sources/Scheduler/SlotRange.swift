/// A half-open interval of grid slots `[start, end)`: the store turns every calendar into these,
/// so the scheduler never sees dates, time zones or opening hours.
public struct SlotRange: Sendable, Codable, Equatable, Hashable {
    /// First slot inside the range.
    public var start: Int
    /// First slot after the range.
    public var end: Int

    /// Makes the range `[start, end)`.
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Number of slots covered (zero for an empty or inverted range).
    public var count: Int { Swift.max(0, end - start) }

    /// True when the range covers no slot.
    public var isEmpty: Bool { end <= start }

    /// True when `slot` lies inside the range.
    public func contains(_ slot: Int) -> Bool { slot >= start && slot < end }

    /// True when every slot of `other` lies inside this range.
    public func contains(_ other: SlotRange) -> Bool { other.start >= start && other.end <= end }

    /// True when the two ranges share at least one slot.
    public func overlaps(_ other: SlotRange) -> Bool { start < other.end && other.start < end }

    /// The common part of both ranges (possibly empty).
    public func clamped(to other: SlotRange) -> SlotRange {
        SlotRange(start: Swift.max(start, other.start), end: Swift.min(end, other.end))
    }
}

/// Coverage checks over lists of ranges, as the checker reads availability.
extension Array where Element == SlotRange {
    /// True when the interval `[start, start + length)` lies inside the union of these ranges.
    func covers(start: Int, length: Int) -> Bool {
        // Ranges may touch or overlap, so walk a sorted copy and extend coverage.
        var reach = start
        let end = start + length
        for range in self.sorted(by: { $0.start < $1.start }) where range.end > reach {
            if range.start > reach { break }
            reach = range.end
            if reach >= end { return true }
        }
        return reach >= end
    }
}
