/// A participant following a programme: which phase they are in now and when the programme should end.
///
/// One open (active or paused) enrolment per participant and programme; phases advance in template order.
public struct Enrolment: Sendable, Equatable, Codable {
    /// Where the enrolment stands; only active enrolments advance and get sessions planned. A void enrolment was
    /// entered by mistake (`enrolment void`): it counts nowhere, unlike a withdrawal.
    public enum Status: String, Vocabulary {
        case active, paused, completed, withdrawn, void
    }

    public var id: Int
    public var caseNumber: String
    public var programmeCode: String
    public var phaseCode: String
    /// Position of the current phase in the programme, 1 = first.
    public var phaseOrdinal: Int
    /// How many phases the programme has, so "phase 2 of 3" can be shown.
    public var phaseCount: Int
    public var startedOn: LocalDate
    public var phaseStartedOn: LocalDate
    public var plannedEndOn: LocalDate
    public var endedOn: LocalDate?
    public var status: Status
    /// Centre where the participant is placed today, if any.
    public var centreCode: String?

    public init(
        id: Int, caseNumber: String, programmeCode: String, phaseCode: String, phaseOrdinal: Int, phaseCount: Int,
        startedOn: LocalDate, phaseStartedOn: LocalDate, plannedEndOn: LocalDate, endedOn: LocalDate?, status: Status,
        centreCode: String?
    ) {
        self.id = id
        self.caseNumber = caseNumber
        self.programmeCode = programmeCode
        self.phaseCode = phaseCode
        self.phaseOrdinal = phaseOrdinal
        self.phaseCount = phaseCount
        self.startedOn = startedOn
        self.phaseStartedOn = phaseStartedOn
        self.plannedEndOn = plannedEndOn
        self.endedOn = endedOn
        self.status = status
        self.centreCode = centreCode
    }

    /// True while the enrolment can still change phase or status (active or paused).
    public var isOpen: Bool { status == .active || status == .paused }

    /// Whether a coordinator may move the enrolment from its status to `target` (completion happens by advancing).
    public func allowsChange(to target: Status) -> Bool {
        switch (status, target) {
        case (.active, .paused), (.paused, .active), (.active, .withdrawn), (.paused, .withdrawn): return true
        default: return false
        }
    }

    /// The planned end of a programme started on `start` in a phase: the start plus the days of that phase and the ones after it.
    public static func plannedEnd(start: LocalDate, remainingPhaseDays: [Int]) -> LocalDate {
        start.adding(days: remainingPhaseDays.reduce(0, +))
    }
}
