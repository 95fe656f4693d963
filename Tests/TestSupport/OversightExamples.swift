import Foundation

/// The ready questions of `SQL/oversight/examples.sql`, as the tests run them.
public enum OversightExamples {
    /// The file's statements: each ends with ";" at the end of a line; comment lines are dropped.
    public static func statements() throws -> [String] {
        let file = TestDatabase.repositoryRoot.appendingPathComponent("SQL/oversight/examples.sql")
        return try String(contentsOf: file, encoding: .utf8).components(separatedBy: ";\n")
            .map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") }
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}
