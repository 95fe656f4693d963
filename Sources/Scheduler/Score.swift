/// The plan's quality, component by component; `placed` is the primary objective, `soft` ranks equal-count plans.
public struct Score: Sendable, Codable, Equatable {
    /// Demand units placed (group members count one each).
    public var placed: Int
    /// Demand units left unplaced.
    public var unplaced: Int
    /// Sessions created.
    public var sessions: Int
    /// Units that asked for a preferred staff member.
    public var continuityRequested: Int
    /// Units seen by their preferred staff member.
    public var continuityKept: Int
    /// New individual sessions of one type and participant, with no previous counsellor, held by the staff member who
    /// holds most of them, beyond the first (continuity within a run).
    public var continuityWithinRun: Int
    /// Pairs of same-type sessions of one participant on the same day (lower is better).
    public var sameDayRepeats: Int
    /// Sum over staff of booked² ÷ available slots, fixed sessions included; for a given total it is lowest
    /// when load is spread in proportion to availability (lower is better).
    public var staffLoadImbalance: Double
    /// Participant-sessions inside the participant's preferred routine hours.
    public var preferredHoursKept: Int
    /// Overlapping session pairs of linked participants, e.g. mother and child (lower is better).
    public var linkedClashes: Int
    /// Pairs of group members who already met in an existing session of the same group key.
    public var groupStabilityPairs: Int
    /// Units with a previous placement kept at the same start.
    public var unchangedPlacements: Int
    /// Sum of the priorities of placed units.
    public var prioritySum: Int
    /// Weighted soft total (higher is better).
    public var soft: Double

    /// Makes a score.
    public init(
        placed: Int = 0, unplaced: Int = 0, sessions: Int = 0, continuityRequested: Int = 0, continuityKept: Int = 0,
        sameDayRepeats: Int = 0, staffLoadImbalance: Double = 0, preferredHoursKept: Int = 0, linkedClashes: Int = 0,
        groupStabilityPairs: Int = 0, unchangedPlacements: Int = 0, prioritySum: Int = 0, soft: Double = 0,
        continuityWithinRun: Int = 0
    ) {
        self.placed = placed
        self.unplaced = unplaced
        self.sessions = sessions
        self.continuityRequested = continuityRequested
        self.continuityKept = continuityKept
        self.continuityWithinRun = continuityWithinRun
        self.sameDayRepeats = sameDayRepeats
        self.staffLoadImbalance = staffLoadImbalance
        self.preferredHoursKept = preferredHoursKept
        self.linkedClashes = linkedClashes
        self.groupStabilityPairs = groupStabilityPairs
        self.unchangedPlacements = unchangedPlacements
        self.prioritySum = prioritySum
        self.soft = soft
    }
}
