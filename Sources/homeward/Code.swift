import ArgumentParser

/// A code typed by a user (centre, staff, room, programme, course, school, case number): codes are matched
/// case-insensitively, so the typed text is upper-cased once, on parse.
struct Code: ExpressibleByArgument, CustomStringConvertible, Sendable {
    /// The code in upper case, as the database stores it.
    let value: String

    init(argument: String) { value = argument.uppercased() }

    var description: String { value }
}
