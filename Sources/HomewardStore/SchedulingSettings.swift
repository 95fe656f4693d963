import Foundation
import Homeward
import Scheduler
import Yams

/// The `scheduling:` section of the settings file: the planning grid, daily limits and soft-goal weights.
public struct SchedulingSettings: Sendable, Equatable, Codable {
    /// Zone whose midnight starts the planning grid (every centre's local hours are converted to it).
    public var timeZone: String = "Asia/Almaty"
    public var slotMinutes: Int = 15
    /// Days from the start of the horizon that are never changed (sessions there are published).
    public var freezeDays: Int = 1
    /// At most this many sessions a day for an adult, a child aged 7–17, and a child under 7.
    public var maxSessionsPerDayAdult: Int = 3
    public var maxSessionsPerDayChild: Int = 2
    public var maxSessionsPerDayYoungChild: Int = 1
    /// Minutes kept free after school before a child's first session (travel).
    public var afterSchoolBufferMinutes: Int = 30
    /// Improvement budget for the scheduler, in work (iterations): what decides a run, the same on any machine.
    public var budgetIterations: Int = 10_000
    /// Wall-clock safety cap only; a run it cuts is recorded with stop reason time_cap.
    public var budgetMilliseconds: Int = 120_000
    public var seed: UInt64 = 1
    public var weights: Weights = Weights()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case timeZone = "time_zone"
        case slotMinutes = "slot_minutes"
        case freezeDays = "freeze_days"
        case maxSessionsPerDayAdult = "max_sessions_per_day_adult"
        case maxSessionsPerDayChild = "max_sessions_per_day_child"
        case maxSessionsPerDayYoungChild = "max_sessions_per_day_young_child"
        case afterSchoolBufferMinutes = "after_school_buffer_minutes"
        case budgetIterations = "budget_iterations"
        case budgetMilliseconds = "budget_milliseconds"
        case seed, weights
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SchedulingSettings()
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? defaults.timeZone
        slotMinutes = try c.decodeIfPresent(Int.self, forKey: .slotMinutes) ?? defaults.slotMinutes
        freezeDays = try c.decodeIfPresent(Int.self, forKey: .freezeDays) ?? defaults.freezeDays
        maxSessionsPerDayAdult = try c.decodeIfPresent(Int.self, forKey: .maxSessionsPerDayAdult) ?? defaults.maxSessionsPerDayAdult
        maxSessionsPerDayChild = try c.decodeIfPresent(Int.self, forKey: .maxSessionsPerDayChild) ?? defaults.maxSessionsPerDayChild
        maxSessionsPerDayYoungChild = try c.decodeIfPresent(Int.self, forKey: .maxSessionsPerDayYoungChild) ?? defaults.maxSessionsPerDayYoungChild
        afterSchoolBufferMinutes = try c.decodeIfPresent(Int.self, forKey: .afterSchoolBufferMinutes) ?? defaults.afterSchoolBufferMinutes
        budgetIterations = try c.decodeIfPresent(Int.self, forKey: .budgetIterations) ?? defaults.budgetIterations
        budgetMilliseconds = try c.decodeIfPresent(Int.self, forKey: .budgetMilliseconds) ?? defaults.budgetMilliseconds
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        weights = try c.decodeIfPresent(WeightSettings.self, forKey: .weights)?.weights ?? defaults.weights
    }

    /// The YAML spelling of the scheduler's weights (snake_case, each optional).
    struct WeightSettings: Decodable {
        var continuity, spread, staffBalance, preferredHours, linkedClash, groupStability, minimalChange, priority: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case continuity, spread, priority
            case staffBalance = "staff_balance"
            case preferredHours = "preferred_hours"
            case linkedClash = "linked_clash"
            case groupStability = "group_stability"
            case minimalChange = "minimal_change"
        }

        /// Every weight with its YAML name, for validation.
        static func named(_ w: Weights) -> [(String, Double)] {
            [("continuity", w.continuity), ("spread", w.spread), ("staff_balance", w.staffBalance), ("preferred_hours", w.preferredHours),
             ("linked_clash", w.linkedClash), ("group_stability", w.groupStability), ("minimal_change", w.minimalChange),
             ("priority", w.priority)]
        }

        var weights: Weights {
            let d = Weights()
            return Weights(
                continuity: continuity ?? d.continuity, spread: spread ?? d.spread, staffBalance: staffBalance ?? d.staffBalance,
                preferredHours: preferredHours ?? d.preferredHours, linkedClash: linkedClash ?? d.linkedClash,
                groupStability: groupStability ?? d.groupStability, minimalChange: minimalChange ?? d.minimalChange,
                priority: priority ?? d.priority)
        }
    }
}
