import Foundation
import Homeward
import Postgres
import TestSupport
import Testing

/// A coordinator's week at AKT-RC, through the CLI only, as the coordinator's own login (the nightly as the scheduler's):
/// a mother and her children of 3, 8 and 14 arrive, are enrolled and schooled, get a first booking and tonight's
/// schedule; a past session is recorded with attendance, a school-absence flag is acknowledged and resolved, a session is
/// rescheduled and one cancelled, the 14-year-old is transferred, the mother discharged, and a record exported. After
/// every life event the plan stays true (SQL/checks/schedule_hard_rules.sql finds nothing). Days are counted from the
/// database's today: the family arrived a week ago.
@Suite struct CoordinatorWeekTests {
    private struct Logins {
        let world: TestDatabase
        let coordinator: String
        let scheduler: String
        let oversight: String

        init(_ world: TestDatabase) throws {
            self.world = world
            coordinator = TestDatabase.uniqueLogin("week_coord")
            scheduler = TestDatabase.uniqueLogin("week_sched")
            oversight = TestDatabase.uniqueLogin("week_over")
            for (login, role) in [(coordinator, ["--role", "coordinator", "--centre", "AKT-RC"]), (scheduler, ["--role", "scheduler"]),
                                  (oversight, ["--role", "oversight"])] {
                let grant = try world.cli(["user", "grant", login] + role)
                try #require(grant.status == 0, "\(grant)")
            }
        }

        /// A command as the coordinator; it must succeed.
        @discardableResult
        func coordinator(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Outcome {
            let outcome = try world.cli(arguments, environment: ["PGUSER": coordinator])
            try #require(outcome.status == 0, "homeward \(arguments.joined(separator: " ")): \(outcome)", sourceLocation: sourceLocation)
            return outcome
        }

        func run(_ arguments: [String], as login: String) throws -> CLI.Outcome {
            try world.cli(arguments, environment: ["PGUSER": login])
        }
    }

    /// The mother and her three children, with birth dates that keep each child's age band over the weeks to come.
    private struct Family {
        let mother = "KZ-WEEK-M", toddler = "KZ-WEEK-3", child = "KZ-WEEK-8", teenager = "KZ-WEEK-14"
        var all: [String] { [mother, toddler, child, teenager] }
    }

    @Test func aMotherAndThreeChildrenAreTakenThroughAWeekAndThePlanStaysTrue() throws {
        try ScheduleFixture.withWorld { world in
            let admin = try world.connect()
            let today = try TestClock.today(admin)
            let arrived = today.adding(days: -7)
            let users = try Logins(world)
            let family = Family()

            // Arrival: four case records placed at AKT-RC from the day they came.
            for (caseNumber, given, years, sex) in [(family.mother, "Zarina", 30, "female"), (family.toddler, "Aisulu", 3, "female"),
                                                    (family.child, "Omar", 8, "male"), (family.teenager, "Asiya", 14, "female")] {
                let born = arrived.adding(days: -(years * 365 + years / 4 + 100))
                try users.coordinator(["participant", "add", caseNumber, "--given-name", given, "--family-name", "Week",
                                       "--birth-date", born.description, "--sex", sex, "--languages", "kk,ru", "--region", "Mangystau",
                                       "--returned-on", arrived.description, "--status", "residential-rehabilitation",
                                       "--centre", "AKT-RC"])
            }
            // Oversight cannot register anyone.
            let refused = try users.run(["participant", "add", "KZ-WEEK-X", "--given-name", "X", "--family-name", "Y",
                                         "--birth-date", "1990-01-01", "--sex", "female", "--languages", "kk", "--region", "Almaty",
                                         "--returned-on", arrived.description], as: users.oversight)
            #expect(refused.status == 77, "\(refused)")

            let household = try users.coordinator(["family", "add", "Week household"] + family.all.flatMap { ["--member", $0] })
            let familyID = household.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Int(familyID) != nil, "\(household)")
            for child in [family.toddler, family.child, family.teenager] {
                try users.coordinator(["family", "link", child, "--participant", family.mother, "--relationship", "mother", "--guardian"])
            }

            // Enrolments: each in the programme of their age, from the day they came.
            for (caseNumber, programme) in [(family.mother, "WOMEN-RESIDENTIAL"), (family.toddler, "CHILDREN-UNDER-7"),
                                            (family.child, "CHILDREN-7-12"), (family.teenager, "CHILDREN-13-17")] {
                try users.coordinator(["enrolment", "add", caseNumber, "--programme", programme, "--start", arrived.description])
            }
            // A programme of the wrong audience is refused, naming why.
            let wrongAudience = try users.run(["enrolment", "add", family.child, "--programme", "CHILDREN-13-17", "--start",
                                               today.description], as: users.coordinator)
            #expect(wrongAudience.status == 65 && wrongAudience.stderr.contains("CHILDREN-13-17"), "\(wrongAudience)")

            // School: the two older children at a school in Aktau from the day after they came.
            try admin.execute("INSERT INTO homeward.schools (code, name, region) VALUES ('AKT-SCH-12', 'School No. 12', 'Mangystau')")
            for (caseNumber, grade) in [(family.child, "2"), (family.teenager, "8")] {
                try users.coordinator(["school", "enrol", caseNumber, "--school", "AKT-SCH-12", "--grade", grade, "--shift", "morning",
                                       "--hours", "08:00-12:30", "--from", arrived.adding(days: 1).description])
            }
            // The 8-year-old missed the last three school days without excuse.
            let schoolDays = (1...6).map { today.adding(days: -$0) }.filter { $0.weekday <= 5 }.prefix(3)
            #expect(schoolDays.count == 3)
            for missed in schoolDays {
                try users.coordinator(["school", "attendance", "record", family.child, "--day", missed.description,
                                       "--status", "absent-unexcused", "--reported-by", "class teacher"])
            }

            // A session that took place on their third day, entered after the fact, held and attended.
            let past = try freeHour(admin, caseNumber: family.mother, role: "social_worker", from: arrived.adding(days: 2), to: arrived.adding(days: 4))
            let pastBooking = try users.coordinator(["session", "add", "--type", "social-work-meeting", "--centre", "AKT-RC",
                                                     "--room", past.room, "--start", past.start, "--minutes", "60", "--staff", past.staff,
                                                     "--participant", family.mother, "--requirement", "WOMEN-RESIDENTIAL/RESIDENTIAL/SOC-WORK",
                                                     "--override", "entered after the fact: held on arrival week"])
            let pastSession = pastBooking.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try users.coordinator(["session", "held", pastSession])
            try users.coordinator(["attendance", "record", pastSession, "--participant", family.mother, "--status", "attended"])

            // Last contact: the social worker three days after arrival, no psychologist yet (seven days since the start).
            let contacts = try #require(try users.coordinator(["participant", "last-contact", "--centre", "AKT-RC", "--format", "json"])
                .json() as? [[String: Any]])
            let mothers = Dictionary(uniqueKeysWithValues: contacts.filter { ($0["case_number"] as? String) == family.mother }
                .map { (($0["role"] as? String) ?? "", $0) })
            #expect(mothers["social_worker"]?["last_on"] as? String == String(past.start.prefix(10)), "\(mothers)")
            #expect(mothers["social_worker"]?["staff_code"] as? String == past.staff, "\(mothers)")
            #expect(mothers["psychologist"].map { $0["last_on"] is NSNull || $0["last_on"] == nil } == true, "\(mothers)")
            #expect(mothers["psychologist"]?["days"] as? Int == 7, "\(mothers)")
            let overdue = try users.coordinator(["participant", "last-contact", "--centre", "AKT-RC", "--role", "psychologist", "--days", "7"])
            #expect(overdue.stdout.contains(family.mother) && !overdue.stdout.contains("social-worker"), "\(overdue)")

            // A first booking by hand: the mother's first counselling session in the coming days.
            let first = try freeHour(admin, caseNumber: family.mother, role: "psychologist", from: today.adding(days: 1), to: today.adding(days: 7))
            let booking = try users.coordinator(["session", "add", "--type", "individual-counselling", "--centre", "AKT-RC",
                                                 "--room", first.room, "--start", first.start, "--minutes", "60", "--staff", first.staff,
                                                 "--participant", family.mother, "--requirement", "WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND"])
            let firstSession = booking.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Int(firstSession) != nil, "\(booking)")

            // Tonight's schedule, as the scheduler's login: every member of the family has sessions in the fortnight.
            let settings = try ScheduleFixture.config()
            defer { try? FileManager.default.removeItem(at: settings) }
            let nightly = try users.run(["nightly", "--config", settings.path, "--quiet"], as: users.scheduler)
            #expect([0, 3].contains(nightly.status), "\(nightly)")
            let planned = try plannedSeats(admin, family.all, from: today)
            for member in family.all {
                #expect((planned[member] ?? 0) > 0, "\(member) has nothing planned: \(planned)")
            }
            try ScheduleFixture.expectNoViolations(admin)
            // The coordinator cannot run the nightly.
            let notTheirs = try users.run(["nightly", "--config", settings.path, "--quiet"], as: users.coordinator)
            #expect(notTheirs.status == 77, "\(notTheirs)")

            // The flag the school absences raised: acknowledged, then resolved.
            let flags = try #require(try users.coordinator(["flags", "list", "--participant", family.child, "--open", "--format", "json"])
                .json() as? [[String: Any]])
            let schoolFlag = try #require(flags.first { ($0["rule"] as? String) == "school_attendance" }, "\(flags)")
            let flagID = try #require(schoolFlag["id"].map { "\($0)" })
            try users.coordinator(["flags", "ack", flagID, "--note", "talked to the class teacher and the mother"])
            try users.coordinator(["flags", "resolve", flagID, "--reason", "the child was ill; certificate handed in"])
            let closed = try admin.query("SELECT status FROM homeward.flags WHERE id = $1", [Int(flagID)]).scalar(String.self)
            #expect(closed == "resolved")

            // A reschedule of the first booking, to another free hour.
            let later = try freeHour(admin, caseNumber: family.mother, role: "psychologist", from: today.adding(days: 2), to: today.adding(days: 9),
                                     staff: first.staff)
            let moved = try users.coordinator(["session", "reschedule", firstSession, "--start", later.start, "--room", later.room,
                                               "--reason", "psychologist's training", "--by", "staff"])
            let replacement = moved.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try status(admin, firstSession) == "rescheduled")
            #expect(try status(admin, replacement) == "planned")

            // A cancellation: one of the toddler's sessions.
            let toddlerSession = try admin.query(
                """
                SELECT min(s.id) FROM homeward.sessions s JOIN homeward.session_participants sp ON sp.session_id = s.id
                JOIN homeward.participants p ON p.id = sp.participant_id
                WHERE p.case_number = $1 AND s.status = 'planned' AND s.mode = 'individual'
                """, [family.toddler]).scalar(Int.self)
            try users.coordinator(["session", "cancel", String(toddlerSession), "--reason", "the child has a fever", "--by", "participant"])
            #expect(try status(admin, String(toddlerSession)) == "cancelled")

            // A transfer: the 14-year-old moves to the Almaty NGO centre in three days.
            let moveDay = today.adding(days: 3)
            let transfer = try users.coordinator(["participant", "transfer", family.teenager, "--to", "ALM-NGO", "--on", moveDay.description,
                                                  "--reason", "goes to live with her grandmother in Almaty"])
            #expect(transfer.stderr.contains("school enrolment"), "\(transfer)")
            #expect(try plannedSeats(admin, [family.teenager], from: moveDay, centre: "AKT-RC")[family.teenager] == nil)
            let school = try #require(try admin.query(
                """
                SELECT se.enrolled_to::text, se.status FROM homeward.school_enrolments se JOIN homeward.participants p ON p.id = se.participant_id
                WHERE p.case_number = $1
                """, [family.teenager]).rows.first)
            #expect(try school.decode(0, as: String.self) == moveDay.adding(days: -1).description)
            #expect(try school.decode(1, as: String.self) == "left")
            let stillEnrolled = try admin.query(
                "SELECT count(*) FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id WHERE p.case_number = $1 AND e.status = 'active'",
                [family.teenager]).scalar(Int.self)
            #expect(stillEnrolled == 1)
            // The household's family sessions go on without her, serving a programme of those who remain.
            let familySessions = try admin.query(
                """
                SELECT count(*) FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
                WHERE s.family_id = $1 AND s.status = 'planned' AND (s.starts_at AT TIME ZONE c.time_zone)::date >= $2
                """, [Int(familyID), moveDay]).scalar(Int.self)
            #expect(familySessions > 0)
            try ScheduleFixture.expectNoViolations(admin)

            // A discharge: the mother withdraws, her last day at the centre in four days.
            let lastDay = today.adding(days: 4)
            try users.coordinator(["participant", "discharge", family.mother, "--on", lastDay.description, "--status", "withdrawn",
                                   "--reason", "moved to relatives"])
            #expect(try plannedSeats(admin, [family.mother], from: lastDay.adding(days: 1))[family.mother] == nil)
            let active = try admin.query(
                "SELECT count(*) FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id WHERE p.case_number = $1 AND e.status = 'active'",
                [family.mother]).scalar(Int.self)
            #expect(active == 0)
            try ScheduleFixture.expectNoViolations(admin)

            // An export of the 8-year-old's record, as the coordinator.
            let export = try users.coordinator(["participant", "export", family.child])
            let record = try #require(try export.json() as? [String: Any])
            #expect("\(record)".contains(family.child))

            // Every change was the coordinator's, in the audit trail, under their own login.
            let audited = try admin.query(
                """
                SELECT count(DISTINCT table_name) FROM audit.changes
                WHERE login = $1 AND table_name IN ('homeward.participants', 'homeward.enrolments', 'homeward.school_enrolments',
                                                    'homeward.sessions', 'homeward.attendance', 'homeward.flags', 'homeward.participant_placements')
                """, [users.coordinator]).scalar(Int.self)
            #expect(audited == 7)
        }
    }

    /// A free hour at AKT-RC between two days for a participant and a staff member of a role: inside the staff member's
    /// availability and the centre's hours, outside the timetable blocks, with a free counselling room and nobody
    /// involved already booked then. The test's own lookup of a fact; every booking goes through the CLI.
    private func freeHour(_ connection: Connection, caseNumber: String, role: String, from: LocalDate, to: LocalDate,
                          staff: String? = nil) throws -> (staff: String, room: String, start: String) {
        let row = try #require(try connection.query(
            """
            SELECT st.code, r.code, to_char(d.day + h.at, 'YYYY-MM-DD HH24:MI')
            FROM homeward.centres c
            CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series($2::date, $3::date, interval '1 day') g) d
            JOIN homeward.participants p ON p.case_number = $1
            JOIN homeward.staff_centres sc ON sc.centre_id = c.id
            JOIN homeward.staff st ON st.id = sc.staff_id AND st.active AND st.languages && p.languages AND ($5::text IS NULL OR st.code = $5)
            JOIN homeward.staff_roles sr ON sr.staff_id = st.id AND sr.role = $4
            JOIN homeward.staff_availability a ON a.staff_id = st.id AND a.centre_id = c.id AND a.weekday = extract(isodow FROM d.day)
                 AND a.valid_from <= d.day AND (a.valid_to IS NULL OR a.valid_to >= d.day)
            CROSS JOIN LATERAL (SELECT a.starts_at + make_interval(mins => 30 * k) AS at FROM generate_series(0, 16) k) h
            JOIN homeward.rooms r ON r.centre_id = c.id AND r.kind = 'counselling_room'
            CROSS JOIN LATERAL (SELECT (d.day + h.at) AT TIME ZONE c.time_zone AS starts) t
            WHERE c.code = 'AKT-RC' AND h.at + interval '1 hour' <= a.ends_at
              AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> d.day)
              AND EXISTS (SELECT 1 FROM homeward.centre_opening_hours o WHERE o.centre_id = c.id AND o.weekday = a.weekday
                          AND o.opens_at <= h.at AND o.closes_at >= h.at + interval '1 hour')
              AND NOT EXISTS (SELECT 1 FROM homeward.centre_timetable_blocks b WHERE b.centre_id = c.id AND b.weekday = a.weekday
                              AND b.starts_at < h.at + interval '1 hour' AND b.ends_at > h.at)
              AND NOT EXISTS (SELECT 1 FROM homeward.sessions s
                              WHERE s.status IN ('planned', 'held') AND s.during && tstzrange(t.starts, t.starts + interval '1 hour')
                                AND (s.room_id = r.id
                                     OR EXISTS (SELECT 1 FROM homeward.session_staff ss WHERE ss.session_id = s.id AND ss.staff_id = st.id)
                                     OR EXISTS (SELECT 1 FROM homeward.session_participants sp WHERE sp.session_id = s.id AND sp.participant_id = p.id)))
              AND (SELECT count(*) FROM homeward.sessions s JOIN homeward.session_participants sp ON sp.session_id = s.id
                   WHERE sp.participant_id = p.id AND s.status IN ('planned', 'held')
                     AND (s.starts_at AT TIME ZONE c.time_zone)::date = d.day) < 2
            ORDER BY d.day, h.at, st.code, r.code LIMIT 1
            """, [caseNumber, from, to, role, staff]).rows.first, "a free hour for \(caseNumber) with a \(role) from \(from) to \(to)")
        return (try row.decode(0), try row.decode(1), try row.decode(2))
    }

    /// Planned seats per participant from a day on (at one centre, or anywhere).
    private func plannedSeats(_ connection: Connection, _ caseNumbers: [String], from: LocalDate, centre: String? = nil) throws -> [String: Int] {
        var seats: [String: Int] = [:]
        for row in try connection.query(
            """
            SELECT p.case_number, count(*)::int FROM homeward.sessions s
            JOIN homeward.session_participants sp ON sp.session_id = s.id JOIN homeward.participants p ON p.id = sp.participant_id
            JOIN homeward.centres c ON c.id = s.centre_id
            WHERE p.case_number = ANY ($1) AND s.status = 'planned' AND (s.starts_at AT TIME ZONE c.time_zone)::date >= $2
              AND ($3::text IS NULL OR c.code = $3)
            GROUP BY p.case_number
            """, [caseNumbers, from, centre]).rows {
            seats[try row.decode(0)] = try row.decode(1)
        }
        return seats
    }

    private func status(_ connection: Connection, _ session: String) throws -> String {
        try connection.query("SELECT status FROM homeward.sessions WHERE id = $1", [Int(session)]).scalar(String.self)
    }
}
