/// Where a demand sat in the last published plan, so a re-plan changes as little as possible (soft).
public struct PreviousPlacement: Sendable, Codable, Equatable {
    /// Previous start slot.
    public var start: Int
    /// Previous staff member, if any.
    public var staffId: String?
    /// Previous room, if any.
    public var roomId: String?

    /// Makes a previous placement.
    public init(start: Int, staffId: String? = nil, roomId: String? = nil) {
        self.start = start
        self.staffId = staffId
        self.roomId = roomId
    }
}
