/// A programme as written in `Config/programmes/*.yaml`: phases with durations, and per phase the weekly requirements.
///
/// Templates are the single source of what each participant must receive; `homeward programme sync` loads them.
public struct ProgrammeTemplate: Sendable, Equatable, Codable {
    public enum Audience: String, Vocabulary {
        case adultWomen = "adult_women"
        case children
        case adultMen = "adult_men"
        case mixed
    }

    public var code: String
    public var name: String
    public var audience: Audience
    public var version: Int
    public var description: String?
    public var phases: [Phase]

    public init(code: String, name: String, audience: Audience, version: Int, description: String?, phases: [Phase]) {
        self.code = code
        self.name = name
        self.audience = audience
        self.version = version
        self.description = description
        self.phases = phases
    }

    /// A stage of the programme (e.g. residential rehabilitation, 8 weeks).
    public struct Phase: Sendable, Equatable, Codable {
        public var code: String
        public var name: String
        public var durationDays: Int
        /// How often an assessment is due during this phase.
        public var reviewIntervalDays: Int
        public var requirements: [Requirement]

        public init(code: String, name: String, durationDays: Int, reviewIntervalDays: Int, requirements: [Requirement]) {
            self.code = code
            self.name = name
            self.durationDays = durationDays
            self.reviewIntervalDays = reviewIntervalDays
            self.requirements = requirements
        }

        enum CodingKeys: String, CodingKey {
            case code, name, requirements
            case durationDays = "duration_days"
            case reviewIntervalDays = "review_interval_days"
        }
    }

    /// What a participant in a phase must receive each week, and who may give it.
    public struct Requirement: Sendable, Equatable, Codable {
        public var code: String
        public var sessionType: SessionType
        public var staffRole: StaffRole
        public var mode: SessionMode
        public var durationMinutes: Int
        public var sessionsPerWeek: Double
        public var groupMin: Int?
        public var groupMax: Int?
        public var minAge: Int?
        public var maxAge: Int?
        public var sex: Participant.Sex?
        public var roomKind: Room.Kind
        public var requiresChildClearance: Bool
        /// Only a paediatric psychologist may give these sessions (young children).
        public var paediatricOnly: Bool

        public init(
            code: String, sessionType: SessionType, staffRole: StaffRole, mode: SessionMode, durationMinutes: Int,
            sessionsPerWeek: Double, groupMin: Int? = nil, groupMax: Int? = nil, minAge: Int? = nil, maxAge: Int? = nil,
            sex: Participant.Sex? = nil, roomKind: Room.Kind, requiresChildClearance: Bool = false, paediatricOnly: Bool = false
        ) {
            self.code = code
            self.sessionType = sessionType
            self.staffRole = staffRole
            self.mode = mode
            self.durationMinutes = durationMinutes
            self.sessionsPerWeek = sessionsPerWeek
            self.groupMin = groupMin
            self.groupMax = groupMax
            self.minAge = minAge
            self.maxAge = maxAge
            self.sex = sex
            self.roomKind = roomKind
            self.requiresChildClearance = requiresChildClearance
            self.paediatricOnly = paediatricOnly
        }

        enum CodingKeys: String, CodingKey {
            case code, mode, sex
            case sessionType = "session_type"
            case staffRole = "staff_role"
            case durationMinutes = "duration_minutes"
            case sessionsPerWeek = "sessions_per_week"
            case groupMin = "group_min"
            case groupMax = "group_max"
            case minAge = "min_age"
            case maxAge = "max_age"
            case roomKind = "room_kind"
            case requiresChildClearance = "requires_child_clearance"
            case paediatricOnly = "paediatric_only"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = try c.decode(String.self, forKey: .code)
            sessionType = try c.decode(SessionType.self, forKey: .sessionType)
            staffRole = try c.decode(StaffRole.self, forKey: .staffRole)
            mode = try c.decode(SessionMode.self, forKey: .mode)
            durationMinutes = try c.decode(Int.self, forKey: .durationMinutes)
            sessionsPerWeek = try c.decode(Double.self, forKey: .sessionsPerWeek)
            groupMin = try c.decodeIfPresent(Int.self, forKey: .groupMin)
            groupMax = try c.decodeIfPresent(Int.self, forKey: .groupMax)
            minAge = try c.decodeIfPresent(Int.self, forKey: .minAge)
            maxAge = try c.decodeIfPresent(Int.self, forKey: .maxAge)
            sex = try c.decodeIfPresent(Participant.Sex.self, forKey: .sex)
            roomKind = try c.decode(Room.Kind.self, forKey: .roomKind)
            requiresChildClearance = try c.decodeIfPresent(Bool.self, forKey: .requiresChildClearance) ?? false
            paediatricOnly = try c.decodeIfPresent(Bool.self, forKey: .paediatricOnly) ?? false
        }

        /// True when a participant of this age and sex may take part.
        public func admits(age: Int, sex: Participant.Sex) -> Bool {
            if let minAge, age < minAge { return false }
            if let maxAge, age > maxAge { return false }
            if let required = self.sex, required != sex { return false }
            return true
        }
    }

    /// Every rule a template must satisfy, each failure naming the programme, phase, requirement and field.
    public func validationErrors() -> [InvalidInput] {
        var errors: [InvalidInput] = []
        func fail(_ record: String, _ field: String, _ value: Any, _ reason: String) {
            errors.append(InvalidInput(record: record, field: field, value: "\(value)", reason: reason))
        }
        if (try? Rules.code(code, field: "code")) == nil { fail(code, "code", code, "must be 2–32 letters, digits or hyphens") }
        if phases.isEmpty { fail(code, "phases", 0, "must list at least one phase") }
        if version < 1 { fail(code, "version", version, "must be 1 or more") }
        var phaseCodes = Set<String>()
        for phase in phases {
            let phaseRecord = "\(code)/\(phase.code)"
            if !phaseCodes.insert(phase.code).inserted { fail(phaseRecord, "code", phase.code, "is used by two phases") }
            if phase.durationDays < 1 { fail(phaseRecord, "duration_days", phase.durationDays, "must be at least 1") }
            if phase.reviewIntervalDays < 1 { fail(phaseRecord, "review_interval_days", phase.reviewIntervalDays, "must be at least 1") }
            var requirementCodes = Set<String>()
            for requirement in phase.requirements {
                let record = "\(phaseRecord)/\(requirement.code)"
                if !requirementCodes.insert(requirement.code).inserted { fail(record, "code", requirement.code, "is used twice in the phase") }
                if requirement.durationMinutes % 15 != 0 || !(15...240).contains(requirement.durationMinutes) {
                    fail(record, "duration_minutes", requirement.durationMinutes, "must be a multiple of 15 between 15 and 240")
                }
                if !(requirement.sessionsPerWeek > 0 && requirement.sessionsPerWeek <= 14) {
                    fail(record, "sessions_per_week", requirement.sessionsPerWeek, "must be more than 0 and at most 14")
                }
                if requirement.mode == .group {
                    let sizeIsValid = requirement.groupMin.map { min in min >= 2 && min <= (requirement.groupMax ?? 0) } ?? false
                    if !sizeIsValid {
                        fail(record, "group_min/group_max", "\(requirement.groupMin.map(String.init) ?? "-")/\(requirement.groupMax.map(String.init) ?? "-")",
                             "a group needs 2 ≤ group_min ≤ group_max")
                    }
                } else if requirement.groupMin != nil || requirement.groupMax != nil {
                    fail(record, "group_min/group_max", "set", "only group requirements have a group size")
                }
                if let min = requirement.minAge, let max = requirement.maxAge, min > max {
                    fail(record, "min_age/max_age", "\(min)/\(max)", "min_age is above max_age")
                }
                if requirement.paediatricOnly, requirement.staffRole != .paediatricPsychologist {
                    fail(record, "paediatric_only", true, "needs staff_role paediatric_psychologist")
                }
            }
        }
        return errors
    }
}

/// A prison education course as written in `Config/programmes/prison-education-courses.yaml`: ordered modules with a pace.
public struct CourseTemplate: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var description: String?
    /// Code of the prison where the course is taught; nil = offered in every prison.
    public var centre: String?
    public var modules: [Module]

    public struct Module: Sendable, Equatable, Codable {
        public var code: String
        public var title: String
        /// Weeks a participant is expected to take for this module; the pace flags measure against it.
        public var expectedWeeks: Int

        enum CodingKeys: String, CodingKey {
            case code, title
            case expectedWeeks = "expected_weeks"
        }
    }

    /// Problems with this course definition.
    public func validationErrors() -> [InvalidInput] {
        var errors: [InvalidInput] = []
        if modules.isEmpty { errors.append(InvalidInput(record: code, field: "modules", value: "0", reason: "must list at least one module")) }
        var seen = Set<String>()
        for module in modules {
            if !seen.insert(module.code).inserted {
                errors.append(InvalidInput(record: "\(code)/\(module.code)", field: "code", value: module.code, reason: "is used twice"))
            }
            if module.expectedWeeks < 1 {
                errors.append(InvalidInput(record: "\(code)/\(module.code)", field: "expected_weeks", value: "\(module.expectedWeeks)", reason: "must be at least 1"))
            }
        }
        return errors
    }
}
