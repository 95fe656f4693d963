import ArgumentParser
import Homeward
import HomewardStore

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
extension BusyKind: ExpressibleByArgument {}
extension StaffLeave.Kind: ExpressibleByArgument {}
extension FlagSeverity: ExpressibleByArgument {}
extension FlagKind: ExpressibleByArgument {}
extension UserRole: ExpressibleByArgument {}

/// Parses `YYYY-MM-DD` arguments. A real date outside `LocalDate.earliest…latest` is bad data, not bad usage: it is
/// noted in `DateArgument.refused`, so the parse error that follows exits 65 with the reason (`HomewardCommand.main`).
extension LocalDate: ExpressibleByArgument {
    public init?(argument: String) {
        guard let date = LocalDate(argument) else { return nil }
        guard date.isInAcceptedRange else {
            DateArgument.refused = argument
            return nil
        }
        self = date
    }
}

/// The date argument the parser refused for being out of range, if any.
enum DateArgument {
    /// Set at most once, while the arguments are parsed (before anything else runs, on the main thread).
    nonisolated(unsafe) static var refused: String?
}

extension CSVEncoding: ExpressibleByArgument {}
