import Foundation
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

    @Test func everyLeafCommandHasHelpWithAnExample() throws {
        var pending: [[String]] = [[]]
        var leaves: [String] = []
        while let path = pending.popLast() {
            guard path.count <= 3, leaves.count < 500 else {
                Issue.record("command tree deeper or larger than expected at \(path)")
                break
            }
            let help = try CLI.run(path + ["--help"])
            #expect(help.status == 0, "\(path.joined(separator: " ")): \(help)")
            let children = subcommands(of: help.stdout)
            if children.isEmpty {
                leaves.append(path.joined(separator: " "))
                #expect(help.stdout.contains("Example"), "homeward \(path.joined(separator: " ")) --help has no example")
            } else {
                pending += children.map { path + [$0] }
            }
        }
        #expect(leaves.count >= 40, "only found \(leaves.count) commands: \(leaves)")
        #expect(leaves.contains("db migrate"))
        #expect(leaves.contains("participant add"))
    }
}
