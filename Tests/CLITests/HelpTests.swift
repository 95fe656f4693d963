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

    /// Every leaf command as a coordinator reaches it (`db migrate`), with its --help text, found by running the binary.
    private func leafCommands() throws -> [(path: String, help: String)] {
        var pending: [[String]] = [[]]
        var leaves: [(path: String, help: String)] = []
        while let path = pending.popLast() {
            guard path.count <= 3, leaves.count < 500 else {
                Issue.record("command tree deeper or larger than expected at \(path)")
                break
            }
            let help = try CLI.run(path + ["--help"])
            #expect(help.status == 0, "\(path.joined(separator: " ")): \(help)")
            let children = subcommands(of: help.stdout)
            if children.isEmpty {
                leaves.append((path.joined(separator: " "), help.stdout))
            } else {
                pending += children.map { path + [$0] }
            }
        }
        return leaves
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
