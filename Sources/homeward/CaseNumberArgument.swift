import ArgumentParser
import Homeward

/// The participant a command is about, given by case number (`KZ-2019-0417`): declared once for every command that
/// takes one, checked and upper-cased in one place.
struct CaseNumberArgument: ParsableArguments {
    @Argument(help: "Case number of the participant, e.g. KZ-2019-0417.") var caseNumber: String

    /// The case number as the database stores it; a malformed one is a data error naming `field`.
    func code(field: String = "case number") throws -> String { try Rules.code(caseNumber, field: field) }
}
