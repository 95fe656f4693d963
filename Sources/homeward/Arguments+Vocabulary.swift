import ArgumentParser
import Homeward

/// Domain words typed on the command line accept hyphens (`--role religious-expert`) and list the choices in --help.
extension ExpressibleByArgument where Self: Vocabulary {
    public init?(argument: String) { self.init(token: argument) }
    public static var allValueStrings: [String] { allCases.map(\.displayName) }
    public var defaultValueDescription: String { displayName }
}

extension StaffRole: ExpressibleByArgument {}
extension SessionType: ExpressibleByArgument {}
extension SessionMode: ExpressibleByArgument {}
extension SessionStatus: ExpressibleByArgument {}
extension CancelledBy: ExpressibleByArgument {}
extension AttendanceStatus: ExpressibleByArgument {}
extension Assessment.Kind: ExpressibleByArgument {}
extension Milestone.Kind: ExpressibleByArgument {}
extension Centre.Kind: ExpressibleByArgument {}
extension Room.Kind: ExpressibleByArgument {}
extension Participant.Sex: ExpressibleByArgument {}
extension Participant.LegalSituation: ExpressibleByArgument {}
extension Participant.Status: ExpressibleByArgument {}
extension Enrolment.Status: ExpressibleByArgument {}
extension SchoolEnrolment.Shift: ExpressibleByArgument {}
extension SchoolAttendance.Status: ExpressibleByArgument {}
extension ModuleCompletion.Result: ExpressibleByArgument {}
extension Consent.Kind: ExpressibleByArgument {}
extension FamilyLink.Relationship: ExpressibleByArgument {}
extension StaffLeave.Kind: ExpressibleByArgument {}
extension FlagSeverity: ExpressibleByArgument {}
extension UserRole: ExpressibleByArgument {}

/// Parses `YYYY-MM-DD` arguments.
extension LocalDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
