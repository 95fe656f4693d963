/// A cap on the slots a staff member may be booked within one week window; sessions count toward
/// the limit whose window contains their start, existing sessions included.
public struct WeeklyLimit: Sendable, Codable, Equatable {
    /// The week the cap applies to.
    public var window: SlotRange
    /// Most slots bookable in the window, existing sessions included.
    public var maxSlots: Int

    /// Makes a weekly cap.
    public init(window: SlotRange, maxSlots: Int) {
        self.window = window
        self.maxSlots = maxSlots
    }
}
