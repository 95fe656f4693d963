import Foundation
import Postgres
import TestSupport
import Testing

/// `make demo`'s main job, run for real against a database of its own: it must finish, and what it produces must hold up.
@Suite struct DemoTests {
    /// Runs `Scripts/demo` against `database` (the script rebuilds the database it is pointed at).
    private func runDemo(_ database: TestDatabase) throws -> CLI.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestDatabase.repositoryRoot.appendingPathComponent("Scripts/demo").path]
        var environment = ProcessInfo.processInfo.environment
        environment["PGDATABASE"] = database.name
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Outcome(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    @Test func theDemoRunsEndToEndAndItsNumbersHoldUp() throws {
        try TestDatabase.withEmpty { database in
            let demo = try runDemo(database)
            #expect(demo.status == 0, "\(demo.stdout.suffix(3000))")
            #expect(demo.stdout.contains("nightly "))
            #expect(demo.stdout.contains("== Open flags"))
            let connection = try database.connect()

            // The scheduler's sessions break no hard rule, checked independently in plain SQL.
            let checkFile = TestDatabase.repositoryRoot.appendingPathComponent("SQL/checks/schedule_hard_rules.sql")
            let check = try String(contentsOf: checkFile, encoding: .utf8)
            let violations = try connection.query(check)
            #expect(violations.count == 0, "\(violations.rows.prefix(5).map { ($0.text(0) ?? "") + " " + ($0.text(2) ?? "") })")
            #expect(try connection.query("SELECT count(*) FROM homeward.sessions WHERE schedule_run_id IS NOT NULL").scalar(Int.self) > 500)

            // The progress the CLI prints equals the view's, for every participant of the demo.
            var fromCLI: [Int: [String: Any]] = [:]
            for centre in ["AKT-RC", "ALM-NGO", "KAR-PRISON"] {
                let progress = try CLI.run(["progress", "--centre", centre, "--format", "json"], database: database)
                #expect(progress.status == 0, "\(progress)")
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(progress.stdout.utf8)) as? [[String: Any]])
                for row in rows { fromCLI[try #require(row["enrolment_id"] as? Int)] = row }
            }
            let view = try connection.query(
                """
                SELECT enrolment_id, required_to_date, planned, attended, missed, excused, unrecorded, pace::float8,
                       attendance_rate_last_28_days::float8
                FROM homeward.enrolment_progress
                """
            ).rows
            #expect(view.count == 120)
            #expect(fromCLI.count == view.count)
            for row in view {
                let id: Int = try row.decode(0)
                let cli = try #require(fromCLI[id], "enrolment \(id) missing from the CLI")
                for (index, column) in ["required_to_date", "planned", "attended", "missed", "excused", "unrecorded"].enumerated() {
                    #expect(cli[column] as? Int == (try row.decode(index + 1, as: Int.self)), "enrolment \(id): \(column)")
                }
                for (index, column) in ["pace", "attendance_rate_last_28_days"].enumerated() {
                    let expected = try row.decode(index + 7, as: Double?.self)
                    let actual = cli[column] as? Double
                    #expect((expected == nil && actual == nil) || abs((expected ?? -1) - (actual ?? -2)) < 1e-9, "enrolment \(id): \(column)")
                }
            }

            // Rerunning the nightly job adds no session (existing ones are never moved or duplicated).
            let sessionsBefore = try connection.query("SELECT count(*) FROM homeward.sessions").scalar(Int.self)
            let again = try CLI.run(["nightly", "--days", "14"], database: database)
            #expect([0, 3].contains(again.status), "\(again)")
            #expect(again.stdout.contains("0 sessions created"))
            #expect(try connection.query("SELECT count(*) FROM homeward.sessions").scalar(Int.self) == sessionsBefore)

            // Evaluating flags twice on unchanged data: the second changes nothing. (The rerun above added a scheduler run,
            // which may legitimately open "unplaced two runs running" flags, so evaluate once first.)
            let flags = "SELECT count(*), count(*) FILTER (WHERE status = 'open'), coalesce(sum(reopen_count), 0) FROM homeward.flags"
            #expect(try CLI.run(["flags", "evaluate"], database: database).status == 0)
            let before = try #require(try connection.query(flags).first)
            let evaluate = try CLI.run(["flags", "evaluate"], database: database)
            #expect(evaluate.status == 0, "\(evaluate)")
            let after = try #require(try connection.query(flags).first)
            for column in 0..<3 { #expect(try before.decode(column, as: Int.self) == after.decode(column, as: Int.self)) }

            // Participants who are behind reach the scheduler as such: behindScore = 1 − their slowest enrolment's pace.
            let instanceFile = FileManager.default.temporaryDirectory.appendingPathComponent("demo-instance-\(database.name).json")
            defer { try? FileManager.default.removeItem(at: instanceFile) }
            let export = try CLI.run(["schedule", "generate", "--days", "7", "--dry-run", "--quiet", "--export-instance", instanceFile.path],
                                     database: database)
            #expect([0, 3].contains(export.status), "\(export)")
            let instance = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: instanceFile)) as? [String: Any])
            let people = try #require(instance["participants"] as? [[String: Any]])
            let behindScores = Dictionary(uniqueKeysWithValues: people.compactMap { person in
                (person["id"] as? String).map { ($0, person["behindScore"] as? Double ?? 0) }
            })
            let paces = try connection.query(
                "SELECT case_number, min(pace)::float8 FROM homeward.enrolment_progress WHERE pace IS NOT NULL AND required_to_date > 0 GROUP BY 1"
            ).rows
            #expect(paces.count > 50)
            for row in paces {
                let caseNumber: String = try row.decode(0)
                guard let score = behindScores[caseNumber] else { continue }
                #expect(abs(score - max(0, min(1, 1 - (try row.decode(1, as: Double.self))))) < 1e-9, "\(caseNumber)")
            }
            #expect(behindScores.values.contains { $0 > 0.5 }, "the demo's drifting participants should be well behind")

            // Every oversight question runs against the demo data as a real login holding only homeward_oversight.
            let login = "demo_oversight_" + UUID().uuidString.prefix(8).lowercased()
            let grant = try CLI.run(["user", "grant", login, "--role", "oversight"], database: database)
            #expect(grant.status == 0, "\(grant)")
            defer { _ = try? connection.execute("DROP ROLE IF EXISTS \(connection.quoteIdentifier(login))") }
            let oversight = try Connection(conninfo: "dbname=\(database.name) user=\(login)")
            let examples = try String(
                contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("SQL/oversight/examples.sql"), encoding: .utf8)
            let statements = examples.components(separatedBy: ";\n")
                .map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") }
                .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            #expect(statements.count >= 12)
            var answered = 0
            for statement in statements {
                do {
                    if try oversight.query(statement).count > 0 { answered += 1 }
                } catch {
                    Issue.record("\(statement.prefix(200))\n→ \(error)")
                }
            }
            #expect(answered >= statements.count / 2, "only \(answered) of \(statements.count) questions found rows in the demo")
            #expect(throws: PostgresError.self) { try oversight.query("SELECT count(*) FROM homeward.participants") }
        }
    }
}
