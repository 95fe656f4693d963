/// Weights of the soft goals; placed demand units always come first, these only rank equal-count plans.
public struct Weights: Sendable, Codable, Equatable {
    /// Per demand unit seen by its preferred (previous) staff member, and per new session of a kind kept with the staff
    /// member of the participant's other sessions of that kind in the run (continuity within a run).
    public var continuity: Double
    /// Per pair of same-type sessions of one participant on the same day (penalty).
    public var spread: Double
    /// Per unit of `Score.staffLoadImbalance`, Σ booked² ÷ available slots (penalty; spreads load over staff).
    public var staffBalance: Double
    /// Per participant seen inside their preferred routine hours.
    public var preferredHours: Double
    /// Per overlapping pair of sessions of linked participants, e.g. mother and child (penalty).
    public var linkedClash: Double
    /// Per pair of group members who already met together in an existing group session.
    public var groupStability: Double
    /// Per demand kept at its previous start (half for staff or room kept).
    public var minimalChange: Double
    /// Per point of demand priority placed.
    public var priority: Double

    /// Makes weights; the defaults suit the programme.
    public init(
        continuity: Double = 5, spread: Double = 2, staffBalance: Double = 1, preferredHours: Double = 2,
        linkedClash: Double = 3, groupStability: Double = 1, minimalChange: Double = 3, priority: Double = 1
    ) {
        self.continuity = continuity
        self.spread = spread
        self.staffBalance = staffBalance
        self.preferredHours = preferredHours
        self.linkedClash = linkedClash
        self.groupStability = groupStability
        self.minimalChange = minimalChange
        self.priority = priority
    }

    /// Decodes leniently: a missing weight takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Weights()
        self.init(
            continuity: try c.decodeIfPresent(Double.self, forKey: .continuity) ?? d.continuity,
            spread: try c.decodeIfPresent(Double.self, forKey: .spread) ?? d.spread,
            staffBalance: try c.decodeIfPresent(Double.self, forKey: .staffBalance) ?? d.staffBalance,
            preferredHours: try c.decodeIfPresent(Double.self, forKey: .preferredHours) ?? d.preferredHours,
            linkedClash: try c.decodeIfPresent(Double.self, forKey: .linkedClash) ?? d.linkedClash,
            groupStability: try c.decodeIfPresent(Double.self, forKey: .groupStability) ?? d.groupStability,
            minimalChange: try c.decodeIfPresent(Double.self, forKey: .minimalChange) ?? d.minimalChange,
            priority: try c.decodeIfPresent(Double.self, forKey: .priority) ?? d.priority
        )
    }
}
