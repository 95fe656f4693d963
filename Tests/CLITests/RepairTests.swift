import Foundation
import Homeward
import Postgres
import TestSupport
import Testing

/// Disruptions and repair (issue 12, items 1 and 4): closures refuse bookings and keep the scheduler out, sick leave
/// over planned sessions is repaired by `nightly` with the scheduler's engine, never before the database's now and inside
/// the freeze window too, and a rerun changes nothing. On the scheduling world moved to the database's today: its women
/// at AKT-RC start their residential phase two weeks ago and stay placed, whatever day the suite runs.
@Suite struct RepairTests {
    /// The world's AKT-RC women enrolled from two weeks before today, placed with no end, and ten days of their
    /// schedule generated from tomorrow; returns the first Monday, Tuesday or Wednesday from tomorrow on, so that it and
    /// the two days after are working days whatever day the suite runs.
    private func plannedWorld(_ world: TestDatabase, config: URL) throws -> String {
        let connection = try world.connect()
        try moveToToday(connection)
        let tomorrow = try TestClock.today(connection).adding(days: 1)
        let generated = try world.cli(["schedule", "generate", "--from", tomorrow.description, "--days", "10", "--centre", "AKT-RC",
                                       "--config", config.path, "--quiet"])
        try #require([0, 3].contains(generated.status), "\(generated)")
        let first = (0..<7).map { tomorrow.adding(days: $0) }.first { $0.weekday <= 3 } ?? tomorrow
        return first.description
    }

    /// The world's AKT-RC women enrolled from two weeks before the database's today, and everyone placed with no end.
    private func moveToToday(_ connection: Connection) throws {
        try connection.runScript(
            """
            UPDATE homeward.participant_placements SET during = daterange(lower(during), NULL) WHERE upper(during) IS NOT NULL;
            UPDATE homeward.enrolments e SET started_on = homeward.actual_today() - 14, phase_started_on = homeward.actual_today() - 14,
                   planned_end_on = homeward.actual_today() - 14 + (e.planned_end_on - e.started_on)
            FROM homeward.participants p WHERE p.id = e.participant_id AND p.case_number LIKE 'KZ-W-%';
            """)
    }

    /// A login of `role` (a coordinator of AKT-RC) and a CLI run as it.
    private func login(_ world: TestDatabase, _ role: String) throws -> [String: String] {
        let name = TestDatabase.uniqueLogin("repair_\(role)")
        let grant = try world.cli(["user", "grant", name, "--role", role] + (role == "coordinator" ? ["--centre", "AKT-RC"] : []))
        try #require(grant.status == 0, "\(grant)")
        return ["PGUSER": name]
    }

    /// The psychologist with the most planned sessions on `first` … `first + 2` and how many.
    private func busiest(_ connection: Connection, from first: String) throws -> (code: String, sessions: Int) {
        let row = try #require(try connection.query(
            """
            SELECT st.code, count(*)::int FROM homeward.sessions s
            JOIN homeward.session_staff ss ON ss.session_id = s.id JOIN homeward.staff st ON st.id = ss.staff_id
            WHERE s.status = 'planned' AND homeward.local_day(s.starts_at) BETWEEN $1::date AND $1::date + 2
              AND EXISTS (SELECT 1 FROM homeward.staff_roles r WHERE r.staff_id = st.id AND r.role = 'psychologist')
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1
            """, [first]).rows.first, "the generated week has planned sessions")
        return (try row.decode(0), try row.decode(1))
    }

    /// Sessions of `staff` on `first` … `first + 2`, counted by status.
    private func statuses(_ connection: Connection, staff: String, from first: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.query(
            """
            SELECT s.status, count(*)::int FROM homeward.sessions s
            JOIN homeward.session_staff ss ON ss.session_id = s.id JOIN homeward.staff st ON st.id = ss.staff_id AND st.code = $2
            WHERE homeward.local_day(s.starts_at) BETWEEN $1::date AND $1::date + 2 GROUP BY 1
            """, [first, staff]).rows {
            counts[try row.decode(0)] = try row.decode(1)
        }
        return counts
    }

    @Test func threeDaysOfSickLeaveAreRepairedByNightlyInsideTheFreezeWindowAndNeverBeforeNow() throws {
        try ScheduleFixture.withWorld { world in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let first = try plannedWorld(world, config: config)
            let connection = try world.connect()
            let (staff, booked) = try busiest(connection, from: first)
            #expect(booked >= 3)

            let last = try connection.query("SELECT ($1::date + 2)::text", [first]).scalar(String.self)
            let leave = try world.cli(["staff", "leave", "add", staff, "--from", first, "--to", last, "--kind", "sick", "--note", "flu"])
            #expect(leave.status == 0, "\(leave)")
            #expect(leave.stdout.contains("\(booked) planned session(s) affected"), "\(leave)")

            // A coordinator's dry run shows what would change and writes nothing.
            let coordinator = try login(world, "coordinator")
            let dryRun = try world.cli(["schedule", "repair", "--centre", "AKT-RC", "--days", "12", "--dry-run", "--format", "json",
                                        "--config", config.path], environment: coordinator)
            #expect([0, 3].contains(dryRun.status), "\(dryRun)")
            let proposed = try #require(try dryRun.json() as? [String: Any])
            #expect(((proposed["moved"] as? [Any])?.count ?? 0) + ((proposed["unrepaired"] as? [Any])?.count ?? 0) == booked, "\(dryRun)")
            #expect(try statuses(connection, staff: staff, from: first) == ["planned": booked])

            // The freeze window covers the sick days: the repair acts inside it all the same.
            let frozen = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: frozen) }
            try String(contentsOf: frozen, encoding: .utf8).replacingOccurrences(of: "freeze_days: 0", with: "freeze_days: 10")
                .write(to: frozen, atomically: true, encoding: .utf8)
            let before = try connection.query("SELECT homeward.now()").scalar(Date.self)
            let scheduler = try login(world, "scheduler")
            let nightly = try world.cli(["nightly", "--days", "12", "--config", frozen.path], environment: scheduler)
            #expect([0, 3].contains(nightly.status), "\(nightly)")
            #expect(nightly.stdout.contains("repair: \(booked) broken session(s)"), "\(nightly)")

            let after = try statuses(connection, staff: staff, from: first)
            #expect(after["planned"] == nil, "none of \(staff)'s sessions on the sick days is still planned: \(after)")
            let moved = after["rescheduled"] ?? 0, cancelled = after["cancelled"] ?? 0
            #expect(moved + cancelled == booked && moved > 0, "\(after) \(staff) \(nightly)")
            // Replacements obey every rule, are booked after the repair began, name what they replace, and the old
            // sessions say why.
            try ScheduleFixture.expectNoViolations(connection)
            let early = try connection.query(
                "SELECT count(*)::int FROM homeward.sessions WHERE repair_of_session_id IS NOT NULL AND starts_at < $1", [before]
            ).scalar(Int.self)
            #expect(early == 0)
            let unexplained = try connection.query(
                """
                SELECT count(*)::int FROM homeward.sessions s
                JOIN homeward.session_staff ss ON ss.session_id = s.id JOIN homeward.staff st ON st.id = ss.staff_id AND st.code = $2
                WHERE homeward.local_day(s.starts_at) BETWEEN $1::date AND $1::date + 2 AND s.status IN ('rescheduled', 'cancelled')
                  AND (s.cancel_reason NOT LIKE 'repair: staff ' || $2 || ' is away (sick)%' OR s.cancelled_by <> 'staff'
                       OR (s.status = 'rescheduled' AND NOT EXISTS (SELECT 1 FROM homeward.sessions n
                                                                   WHERE n.id = s.replaced_by_session_id AND n.repair_of_session_id = s.id)))
                """, [first, staff]).scalar(Int.self)
            #expect(unexplained == 0)

            // A rerun finds nothing to repair and changes nothing.
            let count = "SELECT count(*)::int FROM homeward.sessions WHERE status = 'planned'"
            let plannedBefore = try connection.query(count).scalar(Int.self)
            let rerun = try world.cli(["schedule", "repair", "--days", "12", "--config", frozen.path], environment: scheduler)
            #expect(rerun.status == 0, "\(rerun)")
            #expect(rerun.stdout.contains("repair: 0 broken session(s), 0 moved, 0 cancelled"), "\(rerun)")
            #expect(try connection.query(count).scalar(Int.self) == plannedBefore)
        }
    }

    @Test func aClosedRoomOrCentreRefusesABookingAndTheSchedulerPlansNothingThere() throws {
        try ScheduleFixture.withWorld { world in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let connection = try world.connect()
            try moveToToday(connection)
            let today = try TestClock.today(connection)
            // A Monday a week or two ahead, and the Tuesday after it.
            let monday = today.adding(days: 7).startOfWeek.adding(days: 7), tuesday = monday.adding(days: 1)
            let coordinator = try login(world, "coordinator")

            let roomClosed = try world.cli(["room", "close", "AKT-RC", "C1", "--from", monday.description, "--to", monday.adding(days: 6).description,
                                            "--reason", "renovation"], environment: coordinator)
            #expect(roomClosed.status == 0, "\(roomClosed)")
            let centreClosed = try world.cli(["centre", "close", "AKT-RC", "--on", tuesday.description, "--reason", "Independence Day"],
                                             environment: coordinator)
            #expect(centreClosed.status == 0, "\(centreClosed)")
            let calendar = try world.cli(["centre", "closures", "--format", "json"], environment: coordinator)
            #expect(calendar.stdout.contains("Independence Day"), "\(calendar)")
            // Another centre's calendar is not this coordinator's to write, and closing several centres is all or nothing.
            let elsewhere = try world.cli(["centre", "close", "AKT-RC", "ALM-NGO", "--on", monday.adding(days: 2).description,
                                           "--reason", "holiday"], environment: coordinator)
            #expect(elsewhere.status == 77, "\(elsewhere)")
            #expect(try connection.query("SELECT count(*)::int FROM homeward.centre_closures").scalar(Int.self) == 1)

            func book(_ room: String, _ day: LocalDate) throws -> CLI.Outcome {
                try world.cli(["session", "add", "--type", "individual-counselling", "--centre", "AKT-RC", "--room", room,
                               "--start", "\(day) 09:00", "--minutes", "60", "--staff", "ST-01", "--participant", "KZ-W-01",
                               "--override", "a test of closures, not of hours"], environment: coordinator)
            }
            let inClosedRoom = try book("C1", monday)
            #expect(inClosedRoom.status == 65 && inClosedRoom.stderr.contains("[session_room_closed]"), "\(inClosedRoom)")
            let onHoliday = try book("C2", tuesday)
            #expect(onHoliday.status == 65 && onHoliday.stderr.contains("[session_centre_closed]"), "\(onHoliday)")

            let generated = try world.cli(["schedule", "generate", "--from", monday.description, "--days", "7", "--centre", "AKT-RC",
                                           "--config", config.path, "--quiet"])
            #expect([0, 3].contains(generated.status), "\(generated)")
            let planned = try connection.query(
                """
                SELECT count(*) FILTER (WHERE r.code = 'C1')::int, count(*) FILTER (WHERE homeward.local_day(s.starts_at) = $2::date)::int,
                       count(*)::int
                FROM homeward.sessions s JOIN homeward.rooms r ON r.id = s.room_id JOIN homeward.centres c ON c.id = s.centre_id
                WHERE s.status = 'planned' AND c.code = 'AKT-RC' AND homeward.local_day(s.starts_at) BETWEEN $1::date AND $1::date + 6
                """, [monday.description, tuesday.description]).rows[0]
            #expect(try planned.decode(2, as: Int.self) > 0, "the week is planned")
            #expect(try planned.decode(0, as: Int.self) == 0, "nothing in the closed room")
            #expect(try planned.decode(1, as: Int.self) == 0, "nothing on the centre's holiday")
            try ScheduleFixture.expectNoViolations(connection)

            // Oversight writes no closure.
            let oversight = try login(world, "oversight")
            let refused = try world.cli(["room", "close", "AKT-RC", "C2", "--from", monday.description, "--to", monday.description,
                                         "--reason", "x"], environment: oversight)
            #expect(refused.status == 77, "\(refused)")
        }
    }

    @Test func aRoomClosedOverPlannedSessionsIsRepairedByItsCoordinatorIntoAnotherRoom() throws {
        try ScheduleFixture.withWorld { world in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let first = try plannedWorld(world, config: config)
            let connection = try world.connect()
            let inRoom = "SELECT count(*)::int FROM homeward.sessions s JOIN homeward.rooms r ON r.id = s.room_id AND r.code = 'C1' "
                + "JOIN homeward.centres c ON c.id = s.centre_id AND c.code = 'AKT-RC' WHERE s.status = 'planned' "
                + "AND homeward.local_day(s.starts_at) BETWEEN $1::date AND $1::date + 2"
            let booked = try connection.query(inRoom, [first]).scalar(Int.self)
            try #require(booked > 0, "the generated week uses room C1")

            // A third counselling room opens, so every session has somewhere to go at its own time with its own staff.
            let added = try world.cli(["room", "add", "AKT-RC", "C3", "--name", "Counselling 3", "--kind", "counselling-room", "--capacity", "3"])
            try #require(added.status == 0, "\(added)")

            let coordinator = try login(world, "coordinator")
            let last = try connection.query("SELECT ($1::date + 2)::text", [first]).scalar(String.self)
            let closed = try world.cli(["room", "close", "AKT-RC", "C1", "--from", first, "--to", last, "--reason", "burst pipe",
                                        "--format", "csv"], environment: coordinator)
            #expect(closed.status == 0, "\(closed)")
            #expect(closed.stdout.split(whereSeparator: \.isNewline).count == booked + 1, "a CSV header and one row per affected session: \(closed)")
            let repaired = try world.cli(["schedule", "repair", "--centre", "AKT-RC", "--days", "12", "--config", config.path],
                                         environment: coordinator)
            #expect([0, 3].contains(repaired.status), "\(repaired)")
            #expect(repaired.stdout.contains("repair: \(booked) broken session(s)"), "\(repaired)")
            #expect(try connection.query(inRoom, [first]).scalar(Int.self) == 0)
            // Minimal change: the same time, the same staff member, another room.
            let unchanged = try connection.query(
                """
                SELECT count(*)::int FROM homeward.sessions s JOIN homeward.sessions n ON n.id = s.replaced_by_session_id
                WHERE s.status = 'rescheduled' AND s.cancel_reason LIKE 'repair: room AKT-RC/C1 is closed%' AND s.cancelled_by = 'centre'
                  AND n.starts_at = s.starts_at AND n.repair_of_session_id = s.id
                  AND (SELECT array_agg(staff_id) FROM homeward.session_staff WHERE session_id = n.id)
                    = (SELECT array_agg(staff_id) FROM homeward.session_staff WHERE session_id = s.id)
                """).scalar(Int.self)
            #expect(unchanged == booked, "\(repaired)")
            try ScheduleFixture.expectNoViolations(connection)
        }
    }

    @Test func aStaffMemberLeavingTheProgrammeFromADayHasTheirSessionsRepaired() throws {
        try ScheduleFixture.withWorld { world in
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let first = try plannedWorld(world, config: config)
            let connection = try world.connect()
            let (staff, booked) = try busiest(connection, from: first)

            let left = try world.cli(["staff", "update", staff, "--inactive", "--from", first, "--config", config.path])
            #expect([0].contains(left.status), "\(left)")
            #expect(left.stdout.contains("repair: \(booked) broken session(s)") || left.stdout.contains("broken session(s)"), "\(left)")
            let stillPlanned = try connection.query(
                """
                SELECT count(*)::int FROM homeward.sessions s
                JOIN homeward.session_staff ss ON ss.session_id = s.id JOIN homeward.staff st ON st.id = ss.staff_id AND st.code = $2
                WHERE s.status = 'planned' AND homeward.local_day(s.starts_at) >= $1::date
                """, [first, staff]).scalar(Int.self)
            #expect(stillPlanned == 0)
            #expect(try connection.query("SELECT left_on::text FROM homeward.staff WHERE code = $1", [staff]).scalar(String.self) == first)
            try ScheduleFixture.expectNoViolations(connection)

            // The scheduler gives them nothing from that day, and a booking by hand is refused naming the rule.
            let generated = try world.cli(["schedule", "generate", "--from", first, "--days", "7", "--centre", "AKT-RC",
                                           "--config", config.path, "--quiet"])
            #expect([0, 3].contains(generated.status), "\(generated)")
            #expect(try statuses(connection, staff: staff, from: first)["planned"] == nil)

            // They stay active until the day comes; the nightly run then retires them.
            let active = "SELECT active FROM homeward.staff WHERE code = $1"
            #expect(try connection.query(active, [staff]).scalar(Bool.self))
            try connection.execute("UPDATE homeward.staff SET left_on = homeward.actual_today() WHERE code = $1", [staff])
            let nightly = try world.cli(["nightly", "--days", "7", "--quiet", "--config", config.path], environment: try login(world, "scheduler"))
            #expect([0, 3].contains(nightly.status), "\(nightly)")
            #expect(try connection.query(active, [staff]).scalar(Bool.self) == false)
        }
    }
}
