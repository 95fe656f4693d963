/// Everything the scheduler needs, already converted to slots: the public input format.
/// Slot ranges are half-open `{"start": a, "end": b}` from slot 0 at `horizon.startISO`; optional fields may be
/// left out (defaults in each type's decoder). `maxSessionsPerDayByDay` gives a daily limit per horizon day (a
/// child turning 7 on day 3 below); `budget.maxIterations` is the work budget that decides the plan, and
/// `budget.maxMilliseconds` only a wall-clock safety cap. A minimal example, kept honest by `CodingTests`:
///
/// ```json
/// {"horizon": {"startISO": "2026-11-30T00:00", "days": 7, "slotMinutes": 15},
///  "participants": [{"id": "KZ-0417", "languages": ["kk", "ru"], "ageYears": 6, "sex": "female",
///    "maxSessionsPerDay": 1, "maxSessionsPerDayByDay": [1, 1, 1, 2, 2, 2, 2],
///    "available": {"AKT-RC": [{"start": 56, "end": 76}]},
///    "preferredSlots": [{"start": 60, "end": 68}], "behindScore": 0.4, "linkedParticipants": ["KZ-0416"]}],
///  "staff": [{"id": "S-12", "roles": ["paediatric_psychologist"], "languages": ["kk", "ru"],
///    "mayWorkWithChildren": true, "weeklyLimits": [{"window": {"start": 0, "end": 672}, "maxSlots": 120}],
///    "available": {"AKT-RC": [{"start": 36, "end": 68}]}}],
///  "rooms": [{"id": "AKT-PLAY-1", "centreId": "AKT-RC", "kind": "play", "capacity": 6,
///    "available": [{"start": 32, "end": 80}]}],
///  "demands": [{"id": "D-9001", "requirementId": "child-psy-3", "sessionType": "child_individual",
///    "mode": "individual", "participants": ["KZ-0417"], "staffRole": "paediatric_psychologist",
///    "paediatricOnly": true, "durationSlots": 3, "window": {"start": 0, "end": 672}, "weekLabel": "2026-W49",
///    "roomKinds": ["play", "counselling"], "centreId": "AKT-RC", "preferredStaffId": "S-12", "priority": 2}],
///  "existingSessions": [], "weights": {"continuity": 5}, "seed": 1,
///  "budget": {"maxIterations": 200000, "maxMilliseconds": 2000}}
/// ```
public struct Instance: Sendable, Codable, Equatable {
    /// The planning grid.
    public var horizon: Horizon
    /// People to be seen.
    public var participants: [Participant]
    /// People who hold sessions.
    public var staff: [Staff]
    /// Rooms at all centres.
    public var rooms: [Room]
    /// Sessions to place, one unit each.
    public var demands: [Demand]
    /// Fixed sessions that block resources and count toward limits.
    public var existingSessions: [ExistingSession]
    /// Soft-goal weights.
    public var weights: Weights
    /// Seed of the scheduler's random choices; the same instance and seed give the same plan.
    public var seed: UInt64
    /// Default improvement budget (overridable per call): iterations decide, milliseconds only cap.
    public var budget: Budget

    /// Makes an instance.
    public init(
        horizon: Horizon, participants: [Participant], staff: [Staff], rooms: [Room], demands: [Demand],
        existingSessions: [ExistingSession] = [], weights: Weights = Weights(), seed: UInt64 = 1,
        budget: Budget = Budget()
    ) {
        self.horizon = horizon
        self.participants = participants
        self.staff = staff
        self.rooms = rooms
        self.demands = demands
        self.existingSessions = existingSessions
        self.weights = weights
        self.seed = seed
        self.budget = budget
    }

    /// Decodes leniently: existing sessions, weights, seed and budget are optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            horizon: try c.decode(Horizon.self, forKey: .horizon),
            participants: try c.decode([Participant].self, forKey: .participants),
            staff: try c.decode([Staff].self, forKey: .staff),
            rooms: try c.decode([Room].self, forKey: .rooms),
            demands: try c.decode([Demand].self, forKey: .demands),
            existingSessions: try c.decodeIfPresent([ExistingSession].self, forKey: .existingSessions) ?? [],
            weights: try c.decodeIfPresent(Weights.self, forKey: .weights) ?? Weights(),
            seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1,
            budget: try c.decodeIfPresent(Budget.self, forKey: .budget) ?? Budget()
        )
    }
}
