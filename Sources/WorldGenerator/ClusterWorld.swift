import Homeward

/// The rows of one cluster (three centres, their staff, participants, families, enrolments, schools), with the ids
/// the store writes them under. Ids are the cluster's index times a stride plus a position, so that the copy of a
/// template row in cluster `k` has the template's id plus `(k - template) * stride`: the history is copied by arithmetic.
public struct ClusterWorld: Sendable {
    public struct Centre: Sendable { public var id: Int, code, name, kind, region, address, timeZone: String, capacity: Int }
    public struct Hours: Sendable { public var centreID, weekday: Int, opens, closes: String }
    public struct Block: Sendable { public var centreID, weekday: Int, starts, ends, label: String }
    public struct Room: Sendable { public var id, centreID: Int, code, name, kind: String, capacity: Int }
    public struct Staff: Sendable {
        public var id: Int, code, givenName, familyName: String, languages: [String], mayWorkWithChildren: Bool
        public var weeklyHourLimit: Double, roles: [String], centreIDs: [Int]
    }
    public struct Availability: Sendable { public var staffID, centreID, weekday: Int, starts, ends: String, validFrom: LocalDate }
    public struct Participant: Sendable {
        public var id: Int, caseNumber, givenName, familyName: String, patronymic: String?, birthDate: LocalDate, sex: String
        public var languages: [String], region, legalSituation: String, sentenceEndsOn: LocalDate?, status: String
        public var returnedOn: LocalDate, centreID: Int, placedFrom: LocalDate
    }
    public struct Relative: Sendable { public var id: Int, givenName, familyName, region: String }
    public struct Family: Sendable { public var id: Int, label: String, members: [Int] }
    public struct Link: Sendable { public var participantID: Int, relativeID, relatedParticipantID: Int?, relationship: String }
    public struct Enrolment: Sendable { public var participantID: Int, programme, phase: String, start: LocalDate }
    public struct School: Sendable { public var id: Int, code, name, region, address: String }
    public struct SchoolEnrolment: Sendable { public var id, participantID, schoolID, grade: Int, from: LocalDate }
    public struct CourseEnrolment: Sendable { public var participantID: Int, course: String, start: LocalDate }

    public var centres: [Centre] = [], hours: [Hours] = [], blocks: [Block] = [], rooms: [Room] = []
    public var staff: [Staff] = [], availability: [Availability] = []
    public var participants: [Participant] = [], relatives: [Relative] = [], families: [Family] = [], links: [Link] = []
    public var enrolments: [Enrolment] = [], schools: [School] = [], schoolEnrolments: [SchoolEnrolment] = []
    public var courseEnrolments: [CourseEnrolment] = []
}

/// The strides of the ids per cluster (see `ClusterWorld`).
public struct WorldIDs: Sendable, Equatable {
    public static let centres = 3, rooms = 22, schools = 2
    public var staff: Int
    /// Participants, and everything there is at most one of per participant (families, relatives, school enrolments).
    public var participants: Int

    public init(_ shape: WorldShape) {
        staff = StaffPlan(perCluster: shape.staffPerCluster).total
        participants = shape.size(ofCluster: 0)
    }
}

/// The demo's staff (Scripts/generate-demo-data.py), scaled to a cluster's head count.
public struct StaffPlan: Sendable {
    /// (roles, centres by position 0 residential, 1 NGO, 2 prison; may work with children; demo count)
    static let demo: [([String], [Int], Bool, Int)] = [
        (["religious_expert"], [0], true, 4), (["psychologist"], [0], true, 4),
        (["paediatric_psychologist"], [0], true, 2), (["paediatric_psychologist"], [0, 1], true, 1),
        (["paediatric_psychologist"], [1], true, 3), (["social_worker"], [0], true, 2), (["social_worker"], [1], true, 2),
        (["teacher"], [0], true, 1), (["teacher", "social_worker"], [1], true, 1), (["psychologist"], [2], false, 2),
        (["religious_expert"], [2], false, 2), (["teacher"], [2], false, 2), (["vocational_trainer"], [2], false, 2),
        (["social_worker", "lawyer"], [2], false, 1), (["psychologist", "religious_expert"], [0], true, 1),
        (["psychologist"], [0], true, 3), (["religious_expert"], [0], true, 1),
        (["psychologist", "religious_expert"], [1], true, 1), (["vocational_trainer"], [0, 1], false, 1),
        (["lawyer", "social_worker"], [0], false, 1),
    ]
    /// Every line of the plan keeps at least one person.
    public static var minimum: Int { demo.count }

    /// The plan's lines with their scaled counts.
    public let lines: [(roles: [String], centres: [Int], children: Bool, count: Int)]
    public var total: Int { lines.map(\.count).reduce(0, +) }

    public init(perCluster: Int) {
        let scale = Double(perCluster) / Double(WorldShape.demoStaff)
        lines = Self.demo.map { ($0.0, $0.1, $0.2, max(1, Int((Double($0.3) * scale).rounded()))) }
    }
}
