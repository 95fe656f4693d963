import Foundation

/// Runs the built `homeward` binary, as a coordinator or cron would, and captures what it printed.
public enum CLI {
    /// What one run of the CLI did.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

        /// Standard output parsed as JSON (`--format json`).
        public func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The `homeward` executable next to the test bundle (both live in the build folder).
    public static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = beside.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("homeward")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return TestDatabase.repositoryRoot.appendingPathComponent(".build/debug/homeward")
    }()

    /// Runs `homeward arguments…` against `database` (via PGDATABASE), optionally with extra environment and stdin.
    public static func run(
        _ arguments: [String], database: TestDatabase? = nil, environment: [String: String] = [:], stdin: String? = nil
    ) throws -> Outcome {
        let process = Self.process(arguments, database: database, environment: environment)
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `homeward arguments…` set up as `run` starts it (PGDATABASE, HOMEWARD_HOME, the repository as its folder), not yet
    /// started: for tests that choose its streams or signal it while it runs.
    public static func process(_ arguments: [String], database: TestDatabase? = nil, environment: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        if let database { env["PGDATABASE"] = database.name }
        env["HOMEWARD_HOME"] = TestDatabase.repositoryRoot.path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = TestDatabase.repositoryRoot
        process.standardInput = FileHandle.nullDevice
        return process
    }
}

extension TestDatabase {
    /// Runs `homeward arguments…` against this database, as `CLI.run` does.
    public func cli(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> CLI.Outcome {
        try CLI.run(arguments, database: self, environment: environment, stdin: stdin)
    }
}
