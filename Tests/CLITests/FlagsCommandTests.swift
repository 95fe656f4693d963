import Foundation
import Postgres
import TestSupport
import Testing

/// `homeward progress`, `homeward flags …` and `homeward attendance mark-unrecorded` through the real binary, with the
/// reference day pinned to 2026-10-31 (PGOPTIONS sets homeward.today for the CLI's connection).
@Suite struct FlagsCommandTests {
    private let pinned = ["PGOPTIONS": "-c homeward.today=2026-10-31"]

    /// AKT-RC with three women enrolled in WOMEN/RESIDENTIAL (individual counselling once a week) since 2026-10-03
    /// (`ProgressFixtures`): KZ-A-0001 attends everything, KZ-A-0002 attends half and missed the last two unexcused,
    /// KZ-A-0003 attends one of four (two missed, one excused, which does not count); KZ-A-0004 enrolled on 30 October. One session of KZ-A-0001 on 28 October has no
    /// attendance yet.
    private func withWorld(_ body: (TestDatabase) throws -> Void) throws {
        try TestDatabase.withMigrated { database in
            let world = ProgressFixtures(connection: try database.connect())
            try world.world()
            for caseNumber in ["KZ-A-0001", "KZ-A-0002", "KZ-A-0003"] { try world.participant(caseNumber, enrolled: "2026-10-03") }
            try world.participant("KZ-A-0004", enrolled: "2026-10-30")
            let tuesdays = ["2026-10-06", "2026-10-13", "2026-10-20", "2026-10-27"]
            let attendance = ["KZ-A-0001": ["attended", "attended", "attended", "attended"],
                              "KZ-A-0002": ["attended", "attended", "absent_unexcused", "absent_unexcused"],
                              "KZ-A-0003": ["attended", "absent_unexcused", "absent_excused", "absent_unexcused"]]
            for caseNumber in attendance.keys.sorted() {
                for (day, status) in zip(tuesdays, attendance[caseNumber]!) { try world.session(caseNumber, day: day, attendance: status) }
                if caseNumber == "KZ-A-0001" { try world.session(caseNumber, day: "2026-10-28") }
            }
            try body(database)
        }
    }

    private func json(_ outcome: CLI.Outcome) throws -> [[String: Any]] {
        try #require(outcome.status == 0, "\(outcome)")
        return try #require(try outcome.json() as? [[String: Any]], "\(outcome)")
    }

    @Test func progressShowsTheViewsNumbersForEveryParticipant() throws {
        try withWorld { database in
            let connection = try database.connect()
            try connection.execute("SET homeward.today = '2026-10-31'")
            let columns = ["required_to_date", "planned", "attended", "missed", "excused", "unrecorded", "attendance_rate_last_28_days",
                           "attendance_rate_since_phase_start", "pace", "projected_completion_on", "planned_phase_end", "assessment_due_on"]
            let view = try connection.query(
                "SELECT case_number, \(columns.joined(separator: ", ")) FROM homeward.enrolment_progress ORDER BY case_number")
            #expect(view.count == 4)
            for row in view.rows {
                let caseNumber = try row.decode(0, as: String.self)
                let cli = try json(try CLI.run(["progress", caseNumber, "--format", "json"], database: database, environment: pinned))
                let record = try #require(cli.first)
                for (offset, column) in columns.enumerated() {
                    let expected = row.text(offset + 1)
                    let actual = record[column]
                    switch actual {
                    case let number as NSNumber:
                        #expect(Double(expected ?? "") == number.doubleValue, "\(caseNumber) \(column): view \(expected ?? "NULL"), CLI \(number)")
                    case let text as String:
                        #expect(expected == text, "\(caseNumber) \(column): view \(expected ?? "NULL"), CLI \(text)")
                    default:
                        #expect(expected == nil, "\(caseNumber) \(column): view \(expected ?? "NULL"), CLI \(String(describing: actual))")
                    }
                }
            }
            let centre = try json(try CLI.run(["progress", "--centre", "akt-rc", "--format", "json"], database: database, environment: pinned))
            #expect(centre.compactMap { $0["case_number"] as? String } == ["KZ-A-0003", "KZ-A-0002", "KZ-A-0001", "KZ-A-0004"], "worst first")

            let table = try CLI.run(["progress", "KZ-A-0002"], database: database, environment: pinned)
            #expect(table.status == 0 && table.stdout.contains("PSY-IND") && table.stdout.contains("50.0%"), "\(table)")
            let unknown = try CLI.run(["progress", "KZ-NOPE"], database: database, environment: pinned)
            #expect(unknown.status == 65 && unknown.stderr.contains("no participant with case number \"KZ-NOPE\""), "\(unknown)")
            let both = try CLI.run(["progress", "KZ-A-0001", "--centre", "AKT-RC"], database: database)
            #expect(both.status == 64, "\(both)")
        }
    }

    @Test func flagsListPutsUrgentFirstThenConcernThenWatchInEveryFormat() throws {
        try withWorld { database in
            // Opened in the order watch, urgent, concern, watch: the list is by severity, then oldest first.
            try database.connect().runScript(
                """
                INSERT INTO homeward.flags (participant_id, rule, subject, severity, threshold, inputs, opened_at)
                SELECT p.id, 'assessment_overdue', 'WOMEN', v.severity, '{}', '{}', timestamptz '2026-10-20 09:00+05' + v.n * interval '1 hour'
                FROM (VALUES ('KZ-A-0001', 'watch', 0), ('KZ-A-0002', 'urgent', 1), ('KZ-A-0003', 'concern', 2), ('KZ-A-0004', 'watch', 3))
                     v (person, severity, n)
                JOIN homeward.participants p ON p.case_number = v.person;
                """)
            let expected = ["urgent", "concern", "watch", "watch"]
            let list = try json(try CLI.run(["flags", "list", "--open", "--format", "json"], database: database, environment: pinned))
            #expect(list.compactMap { $0["severity"] as? String } == expected)
            #expect(list.compactMap { $0["case_number"] as? String } == ["KZ-A-0002", "KZ-A-0003", "KZ-A-0001", "KZ-A-0004"])
            let csv = try CLI.run(["flags", "list", "--open", "--format", "csv"], database: database, environment: pinned)
            #expect(csv.status == 0, "\(csv)")
            #expect(csv.stdout.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
                    == expected.map { Substring($0) }, "\(csv.stdout)")
        }
    }

    @Test func evaluateListShowAcknowledgeAndResolve() throws {
        try withWorld { database in
            let evaluate = try CLI.run(["flags", "evaluate"], database: database, environment: pinned)
            #expect(evaluate.status == 0, "\(evaluate)")
            #expect(evaluate.stderr.contains("opened"), "\(evaluate)")
            let again = try CLI.run(["flags", "evaluate", "--quiet"], database: database, environment: pinned)
            #expect(again.status == 0 && again.stderr.isEmpty && again.stdout.isEmpty, "\(again)")

            let list = try json(try CLI.run(["flags", "list", "--open", "--format", "json"], database: database, environment: pinned))
            let streak = try #require(list.first { $0["case_number"] as? String == "KZ-A-0002" && $0["rule"] as? String == "consecutive_unexcused_absences" })
            #expect(list.allSatisfy { $0["case_number"] as? String != "KZ-A-0004" }, "enrolled yesterday: no flag")
            #expect(list.filter { $0["rule"] as? String == "attendance_below_threshold" }.compactMap { $0["case_number"] as? String }.sorted()
                    == ["KZ-A-0002", "KZ-A-0003"])
            let id = try #require(streak["id"] as? Int)

            let urgent = try CLI.run(["flags", "list", "--centre", "AKT-RC", "--severity", "urgent", "--format", "csv"], database: database,
                                     environment: pinned)
            #expect(urgent.status == 0 && !urgent.stdout.contains("attendance-below-threshold"),
                    "1 of 3 counted is 33%, but three sessions of a kind are too few for more than watch: \(urgent)")
            let watch = try CLI.run(["flags", "list", "--centre", "AKT-RC", "--severity", "watch", "--format", "csv"], database: database,
                                    environment: pinned)
            #expect(watch.status == 0 && watch.stdout.split(whereSeparator: \.isNewline).contains {
                $0.contains("KZ-A-0003") && $0.contains("attendance-below-threshold")
            }, "\(watch)")

            let show = try CLI.run(["flags", "show", String(id)], database: database, environment: pinned)
            #expect(show.status == 0, "\(show)")
            #expect(show.stdout.contains("consecutive-unexcused-absences") && show.stdout.contains("absences_in_a_row")
                    && show.stdout.contains("watch_at") && show.stdout.contains("opened"), "\(show)")

            let ack = try CLI.run(["flags", "ack", String(id), "--note", "called her; she was ill", "--by", "coord-1"], database: database)
            #expect(ack.status == 0, "\(ack)")
            let resolve = try CLI.run(["flags", "resolve", String(id), "--reason", "medical note received"], database: database)
            #expect(resolve.status == 0, "\(resolve)")
            let history = try CLI.run(["flags", "show", String(id), "--format", "json"], database: database)
            let detail = try #require(try history.json() as? [String: Any], "\(history)")
            #expect((detail["events"] as? [[String: Any]])?.compactMap { $0["event"] as? String } == ["opened", "acknowledged", "resolved"])

            let late = try CLI.run(["flags", "ack", String(id), "--note", "again"], database: database)
            #expect(late.status == 65 && late.stderr.contains("only open or acknowledged flags can be acknowledged"), "\(late)")
            let missing = try CLI.run(["flags", "resolve", "999999", "--reason", "x"], database: database)
            #expect(missing.status == 65 && missing.stderr.contains("no flag with id \"999999\""), "\(missing)")
            let blank = try CLI.run(["flags", "ack", String(id), "--note", "  "], database: database)
            #expect(blank.status == 64, "\(blank)")
        }
    }

    @Test func aBadSettingsFileIsAConfigurationError() throws {
        try withWorld { database in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("homeward-flags-\(UUID().uuidString).yaml")
            try "flags:\n  attendance:\n    watch_belo: 0.7\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let outcome = try CLI.run(["flags", "evaluate", "--config", file.path], database: database)
            #expect(outcome.status == 78, "\(outcome)")
            #expect(outcome.stderr.contains("flags.attendance.watch_belo"), "\(outcome)")
        }
    }

    @Test func markUnrecordedListsSessionsMissingAttendance() throws {
        try withWorld { database in
            let outcome = try CLI.run(["attendance", "mark-unrecorded", "--list", "--format", "csv"], database: database, environment: pinned)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.stderr.contains("1 session newly marked unrecorded"), "\(outcome)")
            #expect(outcome.stdout.contains("KZ-A-0001") && outcome.stdout.contains("individual-counselling"), "\(outcome)")
            let again = try CLI.run(["attendance", "mark-unrecorded", "--grace-days", "5"], database: database, environment: pinned)
            #expect(again.status == 0 && again.stderr.contains("0 sessions newly marked"), "\(again)")
        }
    }
}
