import Foundation
import Postgres
import TestSupport
import Testing

/// The plan follows the person (issue 12, items 1, 6 and 7; migration 0024): individual plans, busy times, a member
/// leaving a family, a family that can never meet, and re-admission. Run through the CLI as coordinator logins of the
/// scheduling world; oversight is refused. Days are the world's fixed horizon or computed from the database clock.
@Suite struct PeoplePlanTests {
    /// A login of `role` (at `centre`, for a coordinator) on this copy of the world, and a CLI run as that login.
    private struct Login {
        let world: TestDatabase
        let name: String

        init(_ world: TestDatabase, role: String, centre: String? = nil) throws {
            self.world = world
            name = "people_\(role)_" + UUID().uuidString.prefix(8).lowercased()
            let grant = try world.cli(["user", "grant", name, "--role", role] + (centre.map { ["--centre", $0] } ?? []))
            try #require(grant.status == 0, "\(grant)")
        }

        func cli(_ arguments: [String]) throws -> CLI.Outcome { try world.cli(arguments, environment: ["PGUSER": name]) }
    }

    /// The world's placements end on 2027-01-11 and a coordinator sees only those placed on the real today, whatever day
    /// the tests run (make test-dates): the placements are left open.
    private func openPlacements(_ connection: Connection) throws {
        try connection.execute("UPDATE homeward.participant_placements SET during = daterange(lower(during), NULL) WHERE upper(during) IS NOT NULL")
    }

    /// The requirement path of a participant's first individual requirement, with its programme rate.
    private func individualRequirement(_ connection: Connection, _ caseNumber: String) throws -> (path: String, id: Int, rate: Double) {
        let row = try #require(try connection.query(
            """
            SELECT pg.code || '/' || ph.code || '/' || q.code, q.id, q.sessions_per_week::float8
            FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id
            JOIN homeward.programmes pg ON pg.id = e.programme_id JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
            JOIN homeward.phase_requirements q ON q.phase_id = ph.id
            WHERE p.case_number = $1 AND e.status = 'active' AND q.mode = 'individual' ORDER BY q.code LIMIT 1
            """, [caseNumber]).rows.first)
        return (try row.decode(0), try row.decode(1), try row.decode(2))
    }

    @Test func aBusyTimeIsKeptFreeByTheInstanceAndRefusedForABookingUnlessOverridden() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            let slot = try BookingRulesTests().opening(connection)
            let end = try connection.query("SELECT to_char($1::timestamp + interval '1 hour', 'YYYY-MM-DD HH24:MI')", [slot.start]).scalar(String.self)
            let coordinator = try Login(world, role: "coordinator", centre: "AKT-RC")

            let busy = try coordinator.cli(["participant", "busy", slot.caseNumber, "--from", slot.start, "--to", end, "--kind", "court",
                                            "--note", "hearing, Aktau city court"])
            #expect(busy.status == 0, "\(busy)")
            let id = try #require(Int(busy.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(busy)")
            let listed = try coordinator.cli(["participant", "busy", "list", slot.caseNumber])
            #expect(listed.status == 0 && listed.stdout.contains("court") && listed.stdout.contains("hearing, Aktau city court"), "\(listed)")

            // The scheduler's instance keeps the hour free: no window of hers overlaps it.
            let overlapping = try connection.query(
                """
                SELECT count(*)::int FROM homeward.instance_participant_windows(($1::timestamp)::date, 1, 'AKT-RC', 15) w
                WHERE w.case_number = $2
                  AND int4range(w.start_slot, w.end_slot) && int4range(
                        homeward.slot_of($1::timestamp AT TIME ZONE 'Asia/Aqtau', ($1::timestamp)::date, 15, false),
                        homeward.slot_of($3::timestamp AT TIME ZONE 'Asia/Aqtau', ($1::timestamp)::date, 15, true))
                """, [slot.start, slot.caseNumber, end]).scalar(Int.self)
            #expect(overlapping == 0)

            let booking = ["session", "add", "--type", "individual-counselling", "--centre", "AKT-RC", "--room", "C1", "--start", slot.start,
                           "--minutes", "60", "--staff", slot.staff, "--participant", slot.caseNumber]
            let refused = try coordinator.cli(booking)
            #expect(refused.status == 65 && refused.stderr.contains("[session_participant_busy]") && refused.stderr.contains("court"), "\(refused)")
            let overridden = try coordinator.cli(booking + ["--override", "the hearing was moved to the afternoon"])
            #expect(overridden.status == 0, "\(overridden)")

            let oversight = try Login(world, role: "oversight")
            let peek = try oversight.cli(["participant", "busy", slot.caseNumber, "--from", slot.start, "--to", end, "--kind", "medical"])
            #expect(peek.status != 0, "\(peek)")

            let removed = try coordinator.cli(["participant", "busy", "remove", slot.caseNumber, "--id", String(id)])
            #expect(removed.status == 0, "\(removed)")
            #expect(try connection.query("SELECT count(*)::int FROM homeward.participant_busy_times").scalar(Int.self) == 0)
            // Audited, naming the coordinator.
            #expect(try connection.query(
                "SELECT count(*)::int FROM audit.changes WHERE table_name = 'homeward.participant_busy_times' AND login = $1",
                [coordinator.name]).scalar(Int.self) == 2)
        }
    }

    @Test func anIndividualPlanIsWhatTheSchedulerAndProgressBothAsk() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            try openPlacements(connection)
            let woman = "KZ-W-03"
            let requirement = try individualRequirement(connection, woman)
            let coordinator = try Login(world, role: "coordinator", centre: "AKT-RC")
            let week = ScheduleFixture.from

            func due(_ sql: String) throws -> Int {
                try connection.query(sql, [woman, requirement.id, week]).scalar(Int.self)
            }
            let instanceDue = """
                SELECT coalesce(sum(n.due_in_week), 0)::int FROM homeward.instance_need($3::date, 7, 0) n
                WHERE n.case_number = $1 AND n.requirement_id = $2
                """
            let progressRate = """
                SELECT r.sessions_per_week::float8::int FROM homeward.requirement_progress r
                WHERE r.case_number = $1 AND r.requirement_id = $2 AND $3::text IS NOT NULL
                """
            let newRate = Int(requirement.rate) + 2
            let set = try coordinator.cli(["participant", "plan", woman, "--requirement", requirement.path, "--per-week", String(newRate),
                                           "--reason", "asked for more support"])
            #expect(set.status == 0, "\(set)")
            // One rule: the instance's week and the progress view's rate and sessions due to date follow the plan.
            #expect(try due(instanceDue) == (try connection.query(
                "SELECT homeward.sessions_due_in_week($1::numeric, e.phase_started_on, $2::date) FROM homeward.enrolments e "
                    + "JOIN homeward.participants p ON p.id = e.participant_id WHERE p.case_number = $3 AND e.status = 'active'",
                [Double(newRate), week, woman]).scalar(Int.self)))
            #expect(try due(progressRate) == newRate)
            #expect(try connection.query(
                """
                SELECT bool_and(r.required_to_date = greatest(0, homeward.sessions_due_to_date($3::numeric, r.phase_started_on,
                                                                   r.phase_started_on + r.elapsed_days) - r.cancelled_by_staff_or_centre))
                FROM homeward.requirement_progress r WHERE r.case_number = $1 AND r.requirement_id = $2
                """, [woman, requirement.id, Double(newRate)]).scalar(Bool.self))

            // A pause over the whole week: nothing is due, nothing is demanded.
            let pause = try coordinator.cli(["participant", "plan", woman, "--requirement", requirement.path, "--pause-from", week,
                                             "--pause-to", "2026-12-13", "--reason", "hospital stay"])
            #expect(pause.status == 0, "\(pause)")
            #expect(try due(instanceDue) == 0)
            #expect(try connection.query(
                "SELECT count(*)::int FROM homeward.instance_demand($3::date, 7, NULL, 0, 15) d WHERE d.case_number = $1 AND d.requirement_id = $2",
                [woman, requirement.id, week]).scalar(Int.self) == 0)

            // A pause from Monday to Wednesday of the next week: that week's window starts on Thursday.
            let partial = try coordinator.cli(["participant", "plan", woman, "--requirement", requirement.path, "--pause-from", "2026-12-14",
                                               "--pause-to", "2026-12-16", "--reason", "court week"])
            #expect(partial.status == 0, "\(partial)")
            #expect(try connection.query(
                "SELECT min(n.window_from)::text FROM homeward.instance_need('2026-12-14', 7, 0) n WHERE n.case_number = $1 AND n.requirement_id = $2",
                [woman, requirement.id]).scalar(String?.self) == "2026-12-17")

            // A preferred staff member is the demand's preferred one (soft, through continuity).
            let prefer = try coordinator.cli(["participant", "plan", woman, "--requirement", requirement.path, "--prefer-staff", "ST-09"])
            #expect(prefer.status == 0, "\(prefer)")
            #expect(try connection.query(
                "SELECT min(d.previous_staff) FROM homeward.instance_demand('2026-12-14', 7, NULL, 0, 15) d WHERE d.case_number = $1 AND d.requirement_id = $2",
                [woman, requirement.id]).scalar(String?.self) == "ST-09")

            let list = try coordinator.cli(["participant", "plan", "list", woman, "--format", "json"])
            #expect(list.status == 0 && list.stdout.contains("hospital stay") && list.stdout.contains("ST-09"), "\(list)")
            let oversight = try Login(world, role: "oversight")
            let refused = try oversight.cli(["participant", "plan", woman, "--requirement", requirement.path, "--per-week", "1"])
            #expect(refused.status != 0, "\(refused)")

            for pauseID in try connection.query("SELECT id FROM homeward.plan_pauses").rows.map({ try $0.decode(0, as: Int.self) }) {
                #expect(try coordinator.cli(["participant", "plan", "remove", woman, "--pause", String(pauseID)]).status == 0)
            }
            #expect(try coordinator.cli(["participant", "plan", "remove", woman, "--requirement", requirement.path]).status == 0)
            #expect(try due(progressRate) == Int(requirement.rate))
            #expect(try connection.query(
                "SELECT count(*)::int FROM audit.changes WHERE table_name IN ('homeward.individual_plans', 'homeward.plan_pauses') AND login = $1",
                [coordinator.name]).scalar(Int.self) >= 4)
        }
    }

    @Test func aMotherWhoLeavesTheFamilyIsNoLongerBookedIntoItsSessions() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            try openPlacements(connection)
            let family = try connection.query("SELECT id FROM homeward.families WHERE label = 'Sadykova household'").scalar(Int.self)
            let coordinator = try Login(world, role: "coordinator", centre: "AKT-RC")
            // Another mother leaves from Wednesday 2026-12-09 before anything is planned: her children's family session of
            // that week is demanded from that day, without her.
            let other = try connection.query("SELECT id FROM homeward.families WHERE label = 'Kairatova household'").scalar(Int.self)
            let early = try coordinator.cli(["family", "leave", String(other), "--participant", "KZ-W-04", "--from", "2026-12-09"])
            #expect(early.status == 0, "\(early)")
            let narrowed = try connection.query(
                """
                SELECT d.window_start = homeward.slot_of('2026-12-09'::timestamp AT TIME ZONE homeward.planning_zone(), '2026-12-07', 15, false),
                       d.family_members
                FROM homeward.instance_demand('2026-12-07', 14, NULL, 0, 15) d WHERE d.family_id = $1 AND d.mode = 'family' AND d.week_start = '2026-12-07'
                """, [other]).rows
            #expect(narrowed.count == 1, "the Kairatova children have a family session in W50")
            if let row = narrowed.first {
                #expect(try row.decode(0, as: Bool.self))
                #expect(try row.decode(1, as: [String].self) == ["KZ-K-04", "KZ-K-05"])
            }
            let first = try ScheduleFixture.generate(world)
            #expect([0, 3].contains(first.status), "\(first)")

            // Sent to prison from Wednesday of the first week.
            let leave = try coordinator.cli(["family", "leave", String(family), "--participant", "KZ-W-01", "--from", "2026-12-09",
                                             "--reason", "sentenced"])
            #expect(leave.status == 0, "\(leave)")
            let seated = """
                SELECT count(*)::int FROM homeward.sessions s JOIN homeward.session_participants sp ON sp.session_id = s.id
                JOIN homeward.participants p ON p.id = sp.participant_id
                WHERE s.family_id = $1 AND s.status = 'planned' AND p.case_number = 'KZ-W-01' AND s.starts_at >= '2026-12-08 19:00Z'
                """
            #expect(try connection.query(seated, [family]).scalar(Int.self) == 0)
            // The family demand from then on names only the children, and the next run books none with her.
            let members = try connection.query(
                "SELECT DISTINCT unnest(d.family_members) FROM homeward.instance_demand('2026-12-14', 7, NULL, 0, 15) d WHERE d.family_id = $1",
                [family]).rows.map { try $0.decode(0, as: String.self) }.sorted()
            #expect(members.isEmpty || members == ["KZ-K-01", "KZ-K-02"], "\(members)")
            // In the week she leaves, the family's session is planned from the day she left, not before.
            #expect(try connection.query(
                """
                SELECT coalesce(bool_and(d.window_start >= homeward.slot_of('2026-12-09'::timestamp AT TIME ZONE homeward.planning_zone(),
                                                                           '2026-12-07', 15, false)), true)
                FROM homeward.instance_demand('2026-12-07', 14, NULL, 0, 15) d WHERE d.family_id = $1 AND d.mode = 'family' AND d.week_start = '2026-12-07'
                """, [family]).scalar(Bool.self))
            let second = try ScheduleFixture.generate(world)
            #expect([0, 3].contains(second.status), "\(second)")
            #expect(try connection.query(seated, [family]).scalar(Int.self) == 0)
            let check = try connection.query(try ScheduleFixture.hardRuleCheck()).rows.count
            #expect(check == 0)
            let show = try coordinator.cli(["family", "show", String(family)])
            #expect(show.status == 0 && show.stdout.contains("left on 2026-12-09"), "\(show)")
            #expect(try connection.query(
                "SELECT count(*)::int FROM audit.changes WHERE table_name = 'homeward.family_members' AND login = $1 AND operation = 'update'",
                [coordinator.name]).scalar(Int.self) == 2)
        }
    }

    @Test func aFamilyThatCanNeverMeetIsOneReasonNamingItsMembersHoursEveryWeek() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            try openPlacements(connection)
            // The Sultanov children: three in the morning shift, KZ-K-15 in the afternoon, six days a week, to 18:30.
            try connection.execute(
                """
                UPDATE homeward.school_enrolments se SET school_weekdays = '{1,2,3,4,5,6}',
                       school_day_ends_at = CASE WHEN p.case_number = 'KZ-K-15' THEN time '18:30' ELSE se.school_day_ends_at END
                FROM homeward.participants p WHERE p.id = se.participant_id AND p.case_number IN ('KZ-K-10', 'KZ-K-11', 'KZ-K-12', 'KZ-K-15')
                """)
            // Their family session is due every fourth week; their individual plan asks for one every week.
            try connection.execute(
                """
                INSERT INTO homeward.individual_plans (participant_id, requirement_id, sessions_per_week, reason)
                SELECT p.id, q.id, 1, 'weekly family work' FROM homeward.participants p
                JOIN homeward.enrolments e ON e.participant_id = p.id AND e.status = 'active'
                JOIN homeward.phase_requirements q ON q.phase_id = e.current_phase_id AND q.mode = 'family'
                WHERE p.case_number IN ('KZ-K-10', 'KZ-K-11', 'KZ-K-12', 'KZ-K-15')
                """)
            let config = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: config) }
            let run = try world.cli(["schedule", "generate", "--from", ScheduleFixture.from, "--days", "21", "--config", config.path])
            #expect([0, 3].contains(run.status), "\(run)")
            let gaps = try connection.query(
                """
                SELECT u.week_start::text, u.reason, u.detail FROM homeward.schedule_unplaced u
                JOIN homeward.phase_requirements q ON q.id = u.requirement_id AND q.mode = 'family'
                WHERE u.schedule_run_id = (SELECT max(id) FROM homeward.schedule_runs) AND u.detail LIKE '%can never meet%'
                ORDER BY 1
                """).rows.map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self), try $0.decode(2, as: String.self)) }
            #expect(gaps.count == 3, "\(gaps)")
            #expect(Set(gaps.map(\.1)) == ["participant_unavailable"])
            #expect(Set(gaps.map(\.2)).count == 1, "one reason, the same every week: \(gaps)")
            let detail = gaps.first?.2 ?? ""
            #expect(detail.contains("KZ-K-15 at school Mon,Tue,Wed,Thu,Fri,Sat 13:00-18:30") && detail.contains("KZ-K-10 at school"), "\(detail)")

            // schedule explain shows it to every member, not only the one the gap is recorded under.
            let coordinator = try Login(world, role: "coordinator", centre: "ALM-NGO")
            for member in ["KZ-K-11", "KZ-K-15"] {
                let explain = try coordinator.cli(["schedule", "explain", member, "--week", ScheduleFixture.secondWeek])
                #expect(explain.status == 0 && explain.stdout.contains("can never meet"), "\(member): \(explain)")
            }
        }
    }

    @Test func someoneWhoLeftIsReadmittedAndSomeoneElsewhereIsNamedNotLost() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            try openPlacements(connection)
            let today = try connection.query("SELECT homeward.actual_today()::text").scalar(String.self)
            let yesterday = try connection.query("SELECT (homeward.actual_today() - 1)::text").scalar(String.self)
            let aktau = try Login(world, role: "coordinator", centre: "AKT-RC")
            let almaty = try Login(world, role: "coordinator", centre: "ALM-NGO")

            // At another centre: the Almaty coordinator learns that the case exists and whom to ask, and nothing more.
            let transfer = try almaty.cli(["participant", "transfer", "KZ-W-05", "--to", "ALM-NGO", "--on", today])
            #expect(transfer.status == 77, "\(transfer)")
            #expect(transfer.stderr.contains("exists but is placed at AKT-RC") && transfer.stderr.contains("ask a coordinator of AKT-RC"),
                    "\(transfer)")
            #expect(!transfer.stderr.contains("no participant with case number"), "\(transfer)")
            let add = try almaty.cli(["participant", "add", "KZ-W-05", "--given-name", "X", "--family-name", "Y", "--birth-date", "1990-01-01",
                                      "--sex", "female", "--languages", "kk", "--region", "Almaty", "--returned-on", "2026-01-01",
                                      "--centre", "ALM-NGO", "--placed-from", today])
            #expect(add.status == 77 && add.stderr.contains("exists but is placed at AKT-RC"), "\(add)")
            let early = try almaty.cli(["participant", "readmit", "KZ-W-05", "--centre", "ALM-NGO", "--from", today])
            #expect(early.status == 65 && early.stderr.contains("[readmit_still_placed]") && early.stderr.contains("transfer"), "\(early)")

            // Discharged at Aktau yesterday: the Almaty coordinator re-admits her from today and then sees her.
            let discharge = try aktau.cli(["participant", "discharge", "KZ-W-05", "--on", yesterday, "--status", "withdrawn"])
            #expect(discharge.status == 0, "\(discharge)")
            let hidden = try almaty.cli(["participant", "show", "KZ-W-05"])
            #expect(hidden.status == 77 && hidden.stderr.contains("re-admit them with homeward participant readmit KZ-W-05"), "\(hidden)")
            let readmit = try almaty.cli(["participant", "readmit", "KZ-W-05", "--centre", "ALM-NGO", "--from", today,
                                          "--reason", "moved to Almaty"])
            #expect(readmit.status == 0 && readmit.stderr.contains("was withdrawn") && readmit.stderr.contains("AKT-RC"), "\(readmit)")
            let shown = try almaty.cli(["participant", "show", "KZ-W-05"])
            #expect(shown.status == 0 && shown.stdout.contains("ALM-NGO"), "\(shown)")
            #expect(try connection.query("SELECT status FROM homeward.participants WHERE case_number = 'KZ-W-05'").scalar(String.self) == "intake")
            #expect(try connection.query(
                "SELECT count(*)::int FROM audit.changes WHERE table_name = 'homeward.participant_placements' AND login = $1 AND operation = 'insert'",
                [almaty.name]).scalar(Int.self) == 1)
            // Only at a centre one coordinates, and never by oversight.
            let elsewhere = try aktau.cli(["participant", "readmit", "KZ-W-06", "--centre", "ALM-NGO", "--from", today])
            #expect(elsewhere.status == 77, "\(elsewhere)")
            let oversight = try Login(world, role: "oversight")
            let refused = try oversight.cli(["participant", "readmit", "KZ-W-05", "--centre", "ALM-NGO", "--from", today])
            #expect(refused.status == 77, "\(refused)")
        }
    }
}
