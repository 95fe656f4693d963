import Foundation
import Postgres
import Scheduler
import TestSupport
import Testing

/// 0039 rewrote the nightly's read (the need, the demand, participants and their free hours) to cost what it
/// touches; it must read the same instance. Each rewritten function is compared, row for row and in order, with the
/// function as the landed migrations defined it (read from their files, created under pg_temp), on the schedule fixture
/// with the cases a rewrite could get wrong: a move between centres and a placement ending inside the horizon, birthdays
/// that change a daily limit or end an age band, a family member leaving, school hours and a court hearing, staff leave
/// and a departure, individual plans with a preferred staff member or language, a pause, links
/// seen from both ends, and sessions already planned (counted against the need, and the staff last seen).
@Suite struct InstanceReadTests {
    /// (file, function) of the definitions 0039 replaced, in the order they can be created.
    static let landed: [(String, String)] = [
        ("0035_rerun_with_nothing_new.sql", "instance_need_of"),
        ("0035_rerun_with_nothing_new.sql", "instance_need"),
        ("0035_rerun_with_nothing_new.sql", "instance_ages_out"),
        ("0028_nightly_costs_what_it_touches.sql", "instance_demand"),
        ("0028_nightly_costs_what_it_touches.sql", "instance_participant_windows"),
        ("0024_individual_plans_and_families.sql", "instance_participants"),
    ]

    @Test func theReadEqualsTheLandedFunctionsRowForRow() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            try connection.runScript(Self.edgeCases)
            for (file, name) in Self.landed { try connection.execute(try Self.landedFunction(file, name)) }

            try expectSameReads(connection, label: "before any session")
            #expect(try connection.int(
                "SELECT count(*)::int FROM homeward.instance_demand('2026-12-07', 14, NULL, 0, 15) WHERE case_number = 'KZ-W-01' AND previous_staff = 'ST-09'") > 0,
                "the individual plan's preferred staff member")
            let run = try ScheduleFixture.generate(world)
            #expect([0, 3].contains(run.status), "\(run)")
            #expect(try connection.int("SELECT count(*)::int FROM homeward.sessions WHERE status = 'planned'") > 0)
            try expectSameReads(connection, label: "after a run")

            // The comparison is not vacuous: the cases are in the read.
            #expect(try connection.int("SELECT count(*)::int FROM homeward.instance_ages_out('2026-12-07', 14, NULL, 0)") > 0)
            #expect(try connection.int(
                "SELECT count(DISTINCT centre)::int FROM homeward.instance_participant_windows('2026-12-07', 14, NULL, 15) WHERE case_number = 'KZ-W-03'") == 2)
            #expect(try connection.int(
                "SELECT count(*)::int FROM homeward.instance_participants('2026-12-07', 14) WHERE birthday_day IS NOT NULL AND limit_before <> limit_after") > 0)
            #expect(try connection.int(
                "SELECT count(*)::int FROM homeward.instance_demand('2026-12-07', 14, NULL, 0, 15) WHERE previous_staff IS NOT NULL") > 0)
        }
    }

    /// The store turns each demand row into one unit per missing session, numbered from 1, with the row's values (the row
    /// is decoded once for all its units).
    @Test func eachDemandRowIsOneUnitPerMissingSession() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            try connection.runScript(Self.edgeCases)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("instance-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            let run = try ScheduleFixture.generate(world, ["--dry-run", "--export-instance", file.path])
            #expect([0, 3].contains(run.status), "\(run)")
            let demands = try JSONDecoder().decode(Instance.self, from: Data(contentsOf: file)).demands
            #expect(Set(demands.map(\.id)).count == demands.count)

            let rows = try connection.query(
                """
                SELECT CASE WHEN mode = 'family' THEN 'F' || family_id ELSE case_number END || '/R' || requirement_id || '/' || week_start,
                       missing, session_type, centre, window_start, window_end, coalesce(previous_staff, '')
                FROM homeward.instance_demand($1::date, 14, NULL, 0, 15)
                WHERE mode <> 'family' OR cardinality(family_members) > 0
                """, [ScheduleFixture.from]).rows
            #expect(rows.count > 10)
            var expected: [String: (String, String, SlotRange, String)] = [:]
            var units = 0
            for row in rows {
                let missing: Int = try row.decode(1)
                #expect(missing > 0)
                for number in 1...missing {
                    expected[try row.decode(0, as: String.self) + "/\(number)"] = (
                        try row.decode(2), try row.decode(3), SlotRange(start: try row.decode(4), end: try row.decode(5)), try row.decode(6))
                }
                units += missing
            }
            #expect(units > rows.count, "some requirement-week misses more than one session")
            // Units of families that never meet are reported as gaps instead: every unit read is a row's.
            for demand in demands {
                guard let row = expected[demand.id] else { Issue.record("\(demand.id) is no demand row's unit"); continue }
                #expect(row.0 == demand.sessionType && row.1 == demand.centreId && row.2 == demand.window
                        && row.3 == (demand.preferredStaffId ?? ""), "\(demand.id)")
            }
        }
    }

    /// Every rewritten function gives, for several horizons and with and without a centre, the rows the landed one gives.
    private func expectSameReads(_ connection: Connection, label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let horizons: [(from: String, days: Int, freeze: Int)] = [("2026-12-07", 14, 0), ("2026-12-09", 10, 1), ("2026-12-14", 7, 0)]
        for h in horizons {
            var calls: [(String, [any PostgresEncodable])] = [
                ("instance_participants($1::date, $2::int)", [h.from, h.days]),
                ("instance_ages_out($1::date, $2::int, NULL, $3::int)", [h.from, h.days, h.freeze]),
            ]
            for centre in [nil, "ALM-NGO"] as [String?] {
                calls += [
                    ("instance_participant_windows($1::date, $2::int, $3::text, 15)", [h.from, h.days, centre]),
                    ("instance_demand($1::date, $2::int, $3::text, $4::int, 15)", [h.from, h.days, centre, h.freeze]),
                ]
            }
            for (call, arguments) in calls {
                let name = String(call.prefix { $0 != "(" })
                let landedCall = "pg_temp.\(name)_landed" + call.dropFirst(name.count)
                let now = try connection.query("SELECT array(SELECT t::text FROM homeward.\(call) t)::text", arguments).scalar(String.self)
                let then = try connection.query("SELECT array(SELECT t::text FROM \(landedCall) t)::text", arguments).scalar(String.self)
                #expect(now == then, "\(label): \(call) from \(h.from) for \(h.days) days, \(arguments)", sourceLocation: sourceLocation)
            }
            // The need has no order of its own: the same rows.
            func need(_ function: String) throws -> String {
                try connection.query("SELECT array(SELECT t::text FROM \(function)($1::date, $2::int, $3::int) t ORDER BY 1)::text",
                                     [h.from, h.days, h.freeze]).scalar(String.self)
            }
            #expect(try need("homeward.instance_need") == need("pg_temp.instance_need_landed"), "\(label): instance_need from \(h.from)",
                    sourceLocation: sourceLocation)
        }
    }

    /// A function as a landed migration created it, as pg_temp.<name>_landed, calling the other landed functions.
    static func landedFunction(_ file: String, _ name: String) throws -> String {
        let text = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("SQL/migrations/\(file)"), encoding: .utf8)
        guard let header = ["CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"]
                .compactMap({ text.range(of: "\n\($0) homeward.\(name)(") }).min(by: { $0.lowerBound < $1.lowerBound }),
              let tagStart = text[header.upperBound...].firstIndex(of: "$"),
              let tagEnd = text[text.index(after: tagStart)...].firstIndex(of: "$"),
              let bodyEnd = text[text.index(after: tagEnd)...].range(of: String(text[tagStart...tagEnd]))
        else { throw FixtureError(description: "\(file) does not create homeward.\(name)") }
        var sql = "CREATE FUNCTION pg_temp.\(name)_landed(" + text[header.upperBound..<bodyEnd.upperBound]
        for (_, other) in landed { sql = sql.replacingOccurrences(of: "homeward.\(other)(", with: "pg_temp.\(other)_landed(") }
        return sql
    }

    /// What the fixture adds for this suite (the horizons start on Monday 2026-12-07).
    static let edgeCases = """
        -- KZ-W-03 moves to ALM-NGO on Thursday 10 December; KZ-W-05 leaves on Saturday 12 December.
        UPDATE homeward.participant_placements pl SET during = daterange(lower(pl.during), '2026-12-10')
        FROM homeward.participants p WHERE p.id = pl.participant_id AND p.case_number = 'KZ-W-03';
        INSERT INTO homeward.participant_placements (participant_id, centre_id, during, reason)
        SELECT p.id, c.id, daterange('2026-12-10', '2027-01-11'), 'moved'
        FROM homeward.participants p, homeward.centres c WHERE p.case_number = 'KZ-W-03' AND c.code = 'ALM-NGO';
        UPDATE homeward.participant_placements pl SET during = daterange(lower(pl.during), '2026-12-12')
        FROM homeward.participants p WHERE p.id = pl.participant_id AND p.case_number = 'KZ-W-05';
        -- Birthdays: KZ-K-20 turns 7 on 10 December (a young child's one session a day becomes two); KZ-K-13 turns 13 on
        -- 15 December (out of the 7-12 programme's age band); KZ-W-07 has her birthday on 8 December (no limit changes).
        UPDATE homeward.participants SET birth_date = '2019-12-10' WHERE case_number = 'KZ-K-20';
        UPDATE homeward.participants SET birth_date = '2013-12-15' WHERE case_number = 'KZ-K-13';
        UPDATE homeward.participants SET birth_date = '1991-12-08' WHERE case_number = 'KZ-W-07';
        -- KZ-K-15 leaves the Sultanov family on Wednesday 16 December; KZ-W-01 is linked to her daughter from both ends.
        UPDATE homeward.family_members fm SET left_on = '2026-12-16', leave_reason = 'moved to her father'
        FROM homeward.participants p WHERE p.id = fm.participant_id AND p.case_number = 'KZ-K-15';
        INSERT INTO homeward.family_links (participant_id, related_participant_id, relationship, is_guardian)
        SELECT w.id, k.id, 'other', false FROM homeward.participants w, homeward.participants k
        WHERE w.case_number = 'KZ-W-01' AND k.case_number = 'KZ-K-01';
        -- A court hearing for KZ-W-06 on Tuesday 8 December, 10:00-12:00 at Aktau.
        INSERT INTO homeward.participant_busy_times (participant_id, during, kind, note)
        SELECT id, tstzrange('2026-12-08 10:00+05', '2026-12-08 12:00+05'), 'court', 'hearing' FROM homeward.participants
        WHERE case_number = 'KZ-W-06';
        -- ST-09 leaves on 17 December; ST-10's Monday and Tuesday hours end on 15 December.
        UPDATE homeward.staff SET left_on = '2026-12-17' WHERE code = 'ST-09';
        UPDATE homeward.staff_availability a SET valid_to = '2026-12-15'
        FROM homeward.staff s WHERE s.id = a.staff_id AND s.code = 'ST-10' AND a.weekday IN (1, 2);
        -- Individual plans: KZ-W-01 sees ST-09 for counselling, KZ-W-02 prefers Arabic, KZ-W-08 comes twice as often and
        -- pauses from Saturday 12 to Tuesday 15 December.
        INSERT INTO homeward.individual_plans (participant_id, requirement_id, sessions_per_week, preferred_staff_id, preferred_language, reason)
        SELECT p.id, q.id, x.rate, (SELECT id FROM homeward.staff WHERE code = x.staff), x.language, 'needs'
        FROM (VALUES ('KZ-W-01', NULL::numeric, 'ST-09', NULL), ('KZ-W-02', NULL, NULL, 'ar'), ('KZ-W-08', 2.0, NULL, NULL))
             AS x(case_number, rate, staff, language)
        JOIN homeward.participants p ON p.case_number = x.case_number
        JOIN homeward.enrolments e ON e.participant_id = p.id AND e.status = 'active'
        JOIN homeward.phase_requirements q ON q.phase_id = e.current_phase_id AND q.mode = 'individual' AND q.staff_role = 'psychologist';
        INSERT INTO homeward.plan_pauses (participant_id, requirement_id, during, reason)
        SELECT ip.participant_id, ip.requirement_id, daterange('2026-12-12', '2026-12-16'), 'hospital stay'
        FROM homeward.individual_plans ip JOIN homeward.participants p ON p.id = ip.participant_id WHERE p.case_number = 'KZ-W-08';
        """
}
