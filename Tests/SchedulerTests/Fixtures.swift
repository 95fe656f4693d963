import Scheduler

/// Small builders for hand-made instances: one centre "AKT-RC", 15-minute slots, 96 slots a day.
enum Fx {
    static let centre = "AKT-RC"
    static let day = 96

    /// Slots `[a, b)`.
    static func r(_ a: Int, _ b: Int) -> SlotRange { SlotRange(start: a, end: b) }

    /// Slots of hours `[from, to)` on `day` (0-based).
    static func hours(day d: Int, _ from: Int, _ to: Int) -> SlotRange { r(d * day + from * 4, d * day + to * 4) }

    /// The same hours on each of `days` days.
    static func daily(_ from: Int, _ to: Int, days: Int = 7) -> [SlotRange] { (0..<days).map { hours(day: $0, from, to) } }

    static func person(
        _ id: String, langs: [String] = ["ru"], age: Int = 30, sex: Sex = .female, available: [SlotRange]? = nil,
        maxPerDay: Int = 2, preferred: [SlotRange]? = nil, behind: Double = 0, linked: [String] = []
    ) -> Participant {
        Participant(id: id, languages: langs, ageYears: age, sex: sex, maxSessionsPerDay: maxPerDay,
                    available: [centre: available ?? daily(8, 20)], preferredSlots: preferred, behindScore: behind,
                    linkedParticipants: linked)
    }

    static func staff(
        _ id: String, roles: [String] = ["psychologist"], langs: [String] = ["ru"], children: Bool = false,
        available: [SlotRange]? = nil, limits: [WeeklyLimit] = []
    ) -> Staff {
        Staff(id: id, roles: roles, languages: langs, mayWorkWithChildren: children, weeklyLimits: limits,
              available: [centre: available ?? daily(9, 17)])
    }

    static func room(_ id: String, kind: String = "counselling", capacity: Int = 2, available: [SlotRange]? = nil) -> Room {
        Room(id: id, centreId: centre, kind: kind, capacity: capacity, available: available ?? daily(8, 20))
    }

    static func demand(
        _ id: String, _ participants: [String], role: String = "psychologist", mode: DemandMode = .individual,
        type: String = "psychological_individual", duration: Int = 4, window: SlotRange = r(0, 7 * 96),
        kinds: [String] = ["counselling"], preferredStaff: String? = nil, paediatricOnly: Bool = false,
        clearance: Bool = false, groupKey: String? = nil, groupMin: Int = 2, groupMax: Int = 8, priority: Int = 0,
        weekLabel: String? = "2026-W49"
    ) -> Demand {
        Demand(id: id, requirementId: "req-\(type)", sessionType: type, mode: mode, participants: participants,
               groupKey: groupKey, groupMin: groupMin, groupMax: groupMax, staffRole: role,
               paediatricOnly: paediatricOnly, requiresChildClearance: clearance, durationSlots: duration,
               window: window, weekLabel: weekLabel, roomKinds: kinds, centreId: centre,
               preferredStaffId: preferredStaff, priority: priority)
    }

    static func instance(
        days: Int = 7, participants: [Participant], staff: [Staff], rooms: [Room], demands: [Demand],
        existing: [ExistingSession] = [], seed: UInt64 = 7
    ) -> Instance {
        Instance(horizon: Horizon(startISO: "2026-11-30T00:00", days: days, slotMinutes: 15),
                 participants: participants, staff: staff, rooms: rooms, demands: demands,
                 existingSessions: existing, seed: seed, budget: .iterations(2_000))
    }

    /// Solves with an iteration budget, so results never depend on the machine's speed.
    static func solve(_ instance: Instance, iterations: Int = 2_000) -> Solution {
        Scheduler.solve(instance, budget: .iterations(iterations))
    }

    /// The session serving demand `id`, if placed.
    static func session(_ s: Solution, _ id: String) -> PlacedSession? { s.sessions.first { $0.demandIds.contains(id) } }

    /// The unplaced entry of demand `id`, if any.
    static func unplaced(_ s: Solution, _ id: String) -> UnplacedDemand? { s.unplaced.first { $0.demandId == id } }
}
