/// How a demand is delivered: one participant, a family together, or a group formed by the scheduler.
public enum DemandMode: String, Sendable, Codable, Equatable, CaseIterable {
    case individual
    case group
    case family
}
