/// How big a generated world is: `homeward demo generate --participants N [--staff M] [--centres C] --history-weeks W --seed S`.
///
/// The world is the demo's replicated: clusters of three centres (a residential rehabilitation centre, an NGO day centre
/// for children, a prison), each with about 120 participants and 37 staff in the demo's proportions. Clusters of one size
/// are copies of one template cluster in everything the booking rules read (ages, sex, languages, roles, clearance,
/// hours, families, schools); only names and codes differ. So the history of a template, planned by the real scheduler,
/// is valid for each of its copies.
public struct WorldShape: Sendable, Equatable {
    /// Participants in the demo's one cluster, and its staff.
    public static let demoParticipants = 120
    public static let demoStaff = 37

    public var participants: Int
    public var clusters: Int
    public var staffPerCluster: Int
    public var historyWeeks: Int
    public var seed: UInt64

    /// Centres: three per cluster.
    public var centres: Int { clusters * 3 }
    /// Participants of cluster `k`: the first `participants % clusters` clusters take one more.
    public func size(ofCluster k: Int) -> Int { participants / clusters + (k < participants % clusters ? 1 : 0) }
    /// The template clusters (one per size): 0, and the first of the smaller size when sizes differ.
    public var templates: [Int] {
        let remainder = participants % clusters
        return remainder == 0 || remainder == clusters ? [0] : [0, remainder]
    }
    /// The template whose copy cluster `k` is.
    public func template(ofCluster k: Int) -> Int { templates.last(where: { $0 <= k })! }

    /// `centres` (rounded to whole clusters of three) and `staff` default to the demo's proportions of `participants`.
    public init(participants: Int, staff: Int? = nil, centres: Int? = nil, historyWeeks: Int, seed: UInt64) {
        self.participants = participants
        let clusters = centres.map { max(1, ($0 + 1) / 3) } ?? max(1, participants / Self.demoParticipants)
        self.clusters = min(clusters, max(1, participants / 10))
        let staff = staff ?? Int((Double(participants) * Double(Self.demoStaff) / Double(Self.demoParticipants)).rounded())
        self.staffPerCluster = max(StaffPlan.minimum, Int((Double(staff) / Double(self.clusters)).rounded()))
        self.historyWeeks = historyWeeks
        self.seed = seed
    }

    /// A seed from any text (`--seed bench-1`): FNV-1a of its UTF-8, or the number itself when it is one.
    public static func seed(_ text: String) -> UInt64 {
        if let number = UInt64(text) { return number }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same world on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A derived stream for one part of the world (`seed`, part, index): independent of how much other parts drew.
    public init(seed: UInt64, _ part: UInt64, _ index: Int) {
        var mixer = SeededRandom(seed: seed ^ (part &* 0xD6E8_FEB8_6659_FD93) ^ (UInt64(bitPattern: Int64(index)) &* 0xA076_1D64_78BD_642F))
        state = mixer.next()
    }
    /// A value in `range` (inclusive).
    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    /// One element by weight.
    public mutating func weighted<T>(_ choices: [(T, Int)]) -> T {
        var pick = int(0...(choices.map(\.1).reduce(0, +) - 1))
        for (value, weight) in choices {
            if pick < weight { return value }
            pick -= weight
        }
        return choices[choices.count - 1].0
    }
    public mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...(choices.count - 1))] }
}
