import ArgumentParser
import Foundation
@testable import homeward
import TestSupport
import Testing

/// Every command a coordinator can run answers `--help` with at least one example, found by walking the command tree.
@Suite struct HelpTests {
    /// The subcommand names listed under SUBCOMMANDS in a help text.
    private func subcommands(of help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        // The section ends at the first blank line (then comes "See 'homeward help <subcommand>'…").
        let lines = help[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
        return lines.compactMap { line in
            // Subcommand lines are indented by exactly two spaces; wrapped descriptions by more.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { return nil }
            return name.allSatisfy({ $0.isLowercase || $0 == "-" }) ? String(name) : nil
        }.filter { $0 != "help" }
    }

    /// Every command as a coordinator reaches it (`db migrate`, and the groups such as `db`), with its --help text and
    /// whether it is a leaf, found by running the binary.
    private func commands() throws -> [(path: String, help: String, isLeaf: Bool)] {
        var pending: [[String]] = [[]]
        var found: [(path: String, help: String, isLeaf: Bool)] = []
        while let path = pending.popLast() {
            guard path.count <= 3, found.count < 600 else {
                Issue.record("command tree deeper or larger than expected at \(path)")
                break
            }
            let help = try CLI.run(path + ["--help"])
            #expect(help.status == 0, "\(path.joined(separator: " ")): \(help)")
            let children = subcommands(of: help.stdout)
            found.append((path.joined(separator: " "), help.stdout, children.isEmpty))
            pending += children.map { path + [$0] }
        }
        return found
    }

    /// Every leaf command as a coordinator reaches it (`db migrate`), with its --help text.
    private func leafCommands() throws -> [(path: String, help: String)] {
        try commands().filter(\.isLeaf).map { ($0.path, $0.help) }
    }

    /// The bug: discussions hard-wrapped at 115 columns came out of the parser's 80-column wrapping as a long line and a
    /// stub ("The whole job" / "holds the scheduler's lock"). A prose line may end a sentence or introduce a list; any
    /// other line followed by prose whose first word would have fitted well within the width was broken by hand.
    @Test func helpProseIsWrappedByTheParserNotByHand() throws {
        var broken: [String] = []
        for command in try commands() {
            let lines = command.help.split(separator: "\n", omittingEmptySubsequences: false)
            for (line, next) in zip(lines, lines.dropFirst()) {
                guard let first = line.first, !first.isWhitespace, let nextFirst = next.first, !nextFirst.isWhitespace,
                      !line.hasSuffix(":"), !line.hasSuffix("."), !next.hasPrefix("-"),
                      let word = next.split(separator: " ").first, line.count + 1 + word.count <= 70
                else { continue }
                broken.append("homeward \(command.path): \"\(line.suffix(30))\" / \"\(next.prefix(30))\"")
            }
        }
        #expect(broken.isEmpty, "\(broken.count) help lines broken by hand:\n\(broken.joined(separator: "\n"))")
    }

    @Test func everyLeafCommandHasHelpWithAnExample() throws {
        let leaves = try leafCommands()
        for leaf in leaves {
            #expect(leaf.help.contains("Example"), "homeward \(leaf.path) --help has no example")
        }
        #expect(leaves.count >= 40, "only found \(leaves.count) commands: \(leaves.map(\.path))")
        #expect(leaves.contains { $0.path == "db migrate" })
        #expect(leaves.contains { $0.path == "participant add" })
    }

    /// The label a command's connection carries (application_name, the audit trail) is the path a user typed to run it.
    @Test func everyLeafCommandIsLabelledWithItsInvocationPath() throws {
        var labels: [String] = []
        func visit(_ command: any ParsableCommand.Type) {
            let children = command.configuration.subcommands
            if children.isEmpty { labels.append(CommandPath.of(command)) } else { children.forEach(visit) }
        }
        visit(HomewardCommand.self)
        let invoked = try leafCommands().map { "homeward \($0.path)" }
        #expect(labels.sorted() == invoked.sorted())
        #expect(CommandPath.of(ScheduleCommand.Generate.self) == "homeward schedule generate")
        #expect(CommandPath.of(AttendanceCommand.MarkUnrecorded.self) == "homeward attendance mark-unrecorded")
        #expect(CommandPath.of(ImportCommand.SchoolAttendance.self) == "homeward import school-attendance")
    }
}
