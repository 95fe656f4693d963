/// Options for one demand, as a coordinator booking by hand sees them (`homeward session suggest`): feasible
/// placements ranked by the scheduler's own soft score, and how many candidates each hard rule refused.
public struct Suggestion: Sendable, Codable, Equatable {
    /// Feasible options, best first.
    public var options: [SuggestedOption]
    /// Candidates refused, per reason: (start, staff) pairs for a new session, existing groups for a seat.
    public var refusals: [String: Int]
    /// Feasible options found before `limit` cut the list.
    public var feasible: Int
}

/// One feasible option: a new session with this staff member and room at this start, or a seat in an existing group.
public struct SuggestedOption: Sendable, Codable, Equatable {
    public var start: Int
    public var durationSlots: Int
    public var staffIds: [String]
    public var roomId: String?
    /// The existing group session to join, when the option is a seat.
    public var joinsSessionId: String?
    /// The soft score of the option (higher is better): the terms the scheduler maximises when it places a session.
    public var score: Double
}

extension Scheduler {
    /// The best `limit` options for `demand` against the fixed sessions of `instance` (its other demands are ignored):
    /// seats in existing groups (group demands) and new sessions (individual and family demands; a group of one is never
    /// new), checked with the scheduler's own rules and ranked by its soft terms (continuity, load balance, routine
    /// hours, same-day repeats, linked clashes), then by start and staff.
    public static func suggest(_ demand: Demand, in instance: Instance, limit: Int) -> Suggestion {
        var single = instance
        single.demands = [demand]
        let engine = Engine(single)
        var (options, refusals) = engine.suggestions(0)
        if demand.mode == .group {
            let seats = OpenSeats.State(single)
            for k in instance.existingSessions.indices {
                let e = instance.existingSessions[k]
                if let why = seats.refusal(demand, k) {
                    if why != "not_this_group" { refusals[why, default: 0] += 1 }
                    continue
                }
                options.append(SuggestedOption(start: e.start, durationSlots: e.durationSlots, staffIds: e.staffIds, roomId: e.roomId,
                                               joinsSessionId: e.id, score: engine.seatScore(0, e)))
            }
            if options.isEmpty && refusals.isEmpty { refusals["no_group_meets", default: 0] += 1 }
        }
        options.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            return (a.start, a.staffIds.joined(separator: ","), a.joinsSessionId ?? "") < (b.start, b.staffIds.joined(separator: ","), b.joinsSessionId ?? "")
        }
        return Suggestion(options: Array(options.prefix(Swift.max(0, limit))), refusals: refusals, feasible: options.count)
    }
}
