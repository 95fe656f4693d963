/// A room at one centre; sessions need a room of a listed kind that seats everyone.
public struct Room: Sendable, Codable, Equatable {
    /// Room id.
    public var id: String
    /// Centre the room belongs to.
    public var centreId: String
    /// Kind of room (e.g. "counselling", "classroom", "family", "prayer").
    public var kind: String
    /// Seats (participants; the staff member is not counted).
    public var capacity: Int
    /// Opening hours as slot ranges.
    public var available: [SlotRange]

    /// Makes a room.
    public init(id: String, centreId: String, kind: String, capacity: Int, available: [SlotRange]) {
        self.id = id
        self.centreId = centreId
        self.kind = kind
        self.capacity = capacity
        self.available = available
    }
}
