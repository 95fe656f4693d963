import Foundation
import Postgres
import TestSupport
import Testing

/// Output that cannot be abused or crash: stored text is kept exactly, but tables, detail views and messages show its
/// control characters escaped; a failed write to stdout is one line and exit 74; a reader that leaves is quiet.
@Suite struct OutputSafetyTests {
    /// A name with a colour escape, a bell, a line break that would forge a line of output and a carriage return.
    static let hostile = "Ev\u{1B}[31mil\u{07}\nCase:           KZ-FORGED\r"

    @Test func tablesAndDetailViewsShowControlCharactersEscapedWhileJSONAndCSVStayExact() throws {
        try ParticipantCommandTests.withCentres { database in
            try ParticipantCommandTests.ok(ParticipantCommandTests.aigerim, database)
            try database.connect().execute(
                "UPDATE homeward.participants SET given_name = $1 WHERE case_number = 'KZ-2019-0417'", [Self.hostile])
            let escaped = "Ev\\u{1B}[31mil\\u{7}\\nCase:           KZ-FORGED\\r"

            let show = try ParticipantCommandTests.ok(["participant", "show", "KZ-2019-0417"], database)
            #expect(show.stdout.contains("Name:            \(escaped) Sadykova\n"), "\(show.stdout.debugDescription)")
            #expect(!show.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0 == "\r" })
            #expect(show.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("Case:") }.count == 1)

            let list = try ParticipantCommandTests.ok(["participant", "list", "--wide"], database)
            #expect(list.stdout.contains(escaped))
            #expect(list.stdout.split(separator: "\n").count == 4, "header, rule, one row, count: \(list.stdout.debugDescription)")

            let json = try #require(try ParticipantCommandTests.ok(["participant", "show", "KZ-2019-0417", "--format", "json"], database)
                .json() as? [String: Any])
            #expect((json["participant"] as? [String: Any])?["given_name"] as? String == Self.hostile)
            let csv = try ParticipantCommandTests.ok(["participant", "list", "--format", "csv"], database)
            #expect(csv.stdout.contains("\"" + Self.hostile + " Sadykova\""), "\(csv.stdout.debugDescription)")
        }
    }

    @Test func anErrorQuotingInputShowsItsControlCharactersEscapedOnOneLine() throws {
        try ParticipantCommandTests.withCentres { database in
            let outcome = try CLI.run(["participant", "show", "KZ-\u{1B}[2J\nhomeward: ok"], database: database)
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr == "homeward: error: no participant with case number \"KZ-\\u{1B}[2J\\nHOMEWARD: OK\"\n")
        }
    }

    @Test func aFullDiskIsOneLineAndExit74() throws {
        try ParticipantCommandTests.withCentres { database in
            for arguments in [["centre", "list"], ["centre", "list", "--format", "json"], ["db", "status"]] {
                let outcome = try Self.run(arguments, database, stdout: try #require(FileHandle(forWritingAtPath: "/dev/full")))
                #expect(outcome.status == 74, "\(arguments): \(outcome.stderr)")
                #expect(outcome.reason == .exit)
                #expect(outcome.stderr == "homeward: error: cannot write to standard output: No space left on device\n", "\(arguments)")
            }
        }
    }

    @Test func aReaderThatLeavesEndsTheCommandQuietly() throws {
        try ParticipantCommandTests.withCentres { database in
            let pipe = Pipe()
            // Nobody reads: the first write finds the pipe closed.
            try pipe.fileHandleForReading.close()
            let outcome = try Self.run(["centre", "list"], database, stdout: pipe.fileHandleForWriting)
            #expect(outcome.reason == .uncaughtSignal && outcome.status == SIGPIPE, "\(outcome)")
            #expect(outcome.stderr.isEmpty, "\(outcome.stderr)")
        }
    }

    /// What a run with stdout sent somewhere of the test's choosing did.
    struct Run: CustomStringConvertible {
        var status: Int32
        var reason: Process.TerminationReason
        var stderr: String
        var description: String { "status \(status) (\(reason == .exit ? "exit" : "signal")), stderr: \(stderr)" }
    }

    static func run(_ arguments: [String], _ database: TestDatabase, stdout: FileHandle) throws -> Run {
        let process = CLI.process(arguments, database: database)
        let err = Pipe()
        process.standardOutput = stdout
        process.standardError = err
        try process.run()
        try stdout.close()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, reason: process.terminationReason, stderr: String(decoding: errData, as: UTF8.self))
    }
}
