import Foundation
import Postgres
import TestSupport
import Testing

/// A session booked by hand is held to the rules the scheduler obeys (homeward.check_booking_rules, for every writer);
/// an override says why it may break one, and is kept and shown. Booked as a coordinator of the centre, on days computed
/// from the database clock.
@Suite struct BookingRulesTests {
    /// A coordinator login of AKT-RC on this copy of the world, and a CLI run as that login.
    struct Coordinator {
        let world: TestDatabase
        let login: String

        init(_ world: TestDatabase) throws {
            self.world = world
            login = "booking_coordinator_" + UUID().uuidString.prefix(8).lowercased()
            let grant = try world.cli(["user", "grant", login, "--role", "coordinator", "--centre", "AKT-RC"])
            try #require(grant.status == 0, "\(grant)")
        }

        func cli(_ arguments: [String]) throws -> CLI.Outcome {
            try world.cli(arguments, environment: ["PGUSER": login])
        }
    }

    /// An adult placed at AKT-RC, a psychologist of the centre, and an hour inside the psychologist's availability and
    /// the centre's opening hours, outside its timetable blocks, a week or two from today.
    func opening(_ connection: Connection) throws -> (caseNumber: String, staff: String, start: String) {
        // The world's residential placements end on 2027-01-11, and these tests book a week or two after the database's
        // today, whatever day that is: the placements are left open.
        try connection.execute("UPDATE homeward.participant_placements SET during = daterange(lower(during), NULL) WHERE upper(during) IS NOT NULL")
        let row = try #require(try connection.query(
            """
            SELECT p.case_number, st.code, to_char(d.day + a.starts_at, 'YYYY-MM-DD HH24:MI')
            FROM homeward.centres c
            CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series(homeward.actual_today() + 7, homeward.actual_today() + 13,
                                                                           interval '1 day') g) d
            JOIN homeward.participant_placements pl ON pl.centre_id = c.id AND pl.during @> d.day
            JOIN homeward.participants p ON p.id = pl.participant_id AND p.status NOT IN ('completed', 'withdrawn')
                 AND homeward.age_group_on(p.birth_date, d.day) = 'adult'
            JOIN homeward.staff_centres sc ON sc.centre_id = c.id
            JOIN homeward.staff st ON st.id = sc.staff_id AND st.active AND st.languages && p.languages
            JOIN homeward.staff_roles sr ON sr.staff_id = st.id AND sr.role = 'psychologist'
            JOIN homeward.staff_availability a ON a.staff_id = st.id AND a.centre_id = c.id AND a.weekday = extract(isodow FROM d.day)
                 AND a.valid_from <= d.day AND (a.valid_to IS NULL OR a.valid_to >= d.day) AND a.ends_at - a.starts_at >= interval '1 hour'
            WHERE c.code = 'AKT-RC'
              AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> d.day)
              AND EXISTS (SELECT 1 FROM homeward.centre_opening_hours h WHERE h.centre_id = c.id AND h.weekday = a.weekday
                          AND h.opens_at <= a.starts_at AND h.closes_at >= a.starts_at + interval '1 hour')
              AND NOT EXISTS (SELECT 1 FROM homeward.centre_timetable_blocks b WHERE b.centre_id = c.id AND b.weekday = a.weekday
                              AND b.starts_at < a.starts_at + interval '1 hour' AND b.ends_at > a.starts_at)
            ORDER BY d.day, a.starts_at, p.case_number, st.code LIMIT 1
            """).rows.first, "the world has an adult, a psychologist and a free hour at AKT-RC")
        return (try row.decode(0), try row.decode(1), try row.decode(2))
    }

    private func book(_ coordinator: Coordinator, _ opening: (caseNumber: String, staff: String, start: String),
                      start: String? = nil, extra: [String] = []) throws -> CLI.Outcome {
        try coordinator.cli(["session", "add", "--type", "individual-counselling", "--centre", "AKT-RC", "--room", "C1",
                             "--start", start ?? opening.start, "--minutes", "60", "--staff", opening.staff,
                             "--participant", opening.caseNumber] + extra)
    }

    @Test func noSharedLanguageIsRefusedNamingTheRuleAndAnOverrideIsKeptShownAndAudited() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            let slot = try opening(connection)
            // She speaks Arabic only; the psychologist does not.
            try connection.execute(
                """
                UPDATE homeward.participants SET languages = '{ar}' WHERE case_number = $1;
                """, [slot.caseNumber])
            try connection.execute("UPDATE homeward.staff SET languages = array_remove(languages, 'ar') WHERE code = $1", [slot.staff])
            let coordinator = try Coordinator(world)

            let refused = try book(coordinator, slot)
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("the rule of a shared language") && refused.stderr.contains("[session_no_shared_language]"),
                    "\(refused)")
            #expect(refused.stderr.contains("--override"), "the message says how to book anyway: \(refused)")
            #expect(try connection.query("SELECT count(*)::int FROM homeward.sessions").scalar(Int.self) == 0)

            let booked = try book(coordinator, slot, extra: ["--override", "an Arabic interpreter attends"])
            #expect(booked.status == 0, "\(booked)")
            let id = try #require(Int(booked.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(booked)")
            let show = try coordinator.cli(["session", "show", String(id)])
            #expect(show.stdout.contains("an Arabic interpreter attends (by \(coordinator.login))"), "\(show)")
            let audited = try connection.query(
                """
                SELECT count(*)::int FROM audit.changes
                WHERE table_name = 'homeward.sessions' AND operation = 'insert' AND login = $1
                  AND changed -> 'override_reason' ->> 'new' = 'an Arabic interpreter attends' AND changed -> 'override_by' ->> 'new' = $1
                """, [coordinator.login]).scalar(Int.self)
            #expect(audited == 1, "the override is in the audit trail with the login that gave it")
            // An override needs words.
            let blank = try book(coordinator, slot, extra: ["--override", "  "])
            #expect(blank.status == 64, "\(blank)")
        }
    }

    @Test func aBookingInThePastIsRefusedAndTheScheduleCheckStaysQuiet() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            let slot = try opening(connection)
            let coordinator = try Coordinator(world)
            // The same weekday and hour, three weeks earlier: before now on any clock.
            let past = try connection.query("SELECT to_char($1::timestamp - interval '21 days', 'YYYY-MM-DD HH24:MI')", [slot.start])
                .scalar(String.self)
            let refused = try book(coordinator, slot, start: past)
            #expect(refused.status == 65 && refused.stderr.contains("[session_in_past]"), "\(refused)")
            let booked = try book(coordinator, slot)
            #expect(booked.status == 0, "a booking that keeps every rule goes through: \(booked)")
            try ScheduleFixture.expectNoViolations(connection)
        }
    }

    @Test func aFamilySessionMustSeatTheWholeFamily() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            let slot = try opening(connection)
            // Her family: herself and a second member placed with her, both enrolled.
            let family = try connection.query(
                """
                WITH f AS (INSERT INTO homeward.families (label) VALUES ('Booking rules family') RETURNING id),
                     other AS (SELECT p.id FROM homeward.participants p
                               JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> homeward.actual_today() + 7
                               JOIN homeward.centres c ON c.id = pl.centre_id AND c.code = 'AKT-RC'
                               WHERE p.case_number <> $1 AND p.status NOT IN ('completed', 'withdrawn')
                                 AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
                                 AND NOT EXISTS (SELECT 1 FROM homeward.family_members fm WHERE fm.participant_id = p.id)
                               ORDER BY p.case_number LIMIT 1)
                INSERT INTO homeward.family_members (family_id, participant_id)
                SELECT f.id, x.id FROM f, (SELECT id FROM homeward.participants WHERE case_number = $1 UNION ALL SELECT id FROM other) x
                RETURNING family_id
                """, [slot.caseNumber]).rows
            try #require(family.count == 2, "a second member was found")
            let familyID: Int = try family[0].decode(0)
            try connection.execute("DELETE FROM homeward.family_members WHERE participant_id IN (SELECT participant_id FROM homeward.family_members WHERE family_id = $1) AND family_id <> $1", [familyID])
            let coordinator = try Coordinator(world)
            let partial = try coordinator.cli(["session", "add", "--type", "family-session", "--centre", "AKT-RC", "--room", "C1",
                                               "--start", slot.start, "--minutes", "60", "--staff", slot.staff,
                                               "--participant", slot.caseNumber, "--family", String(familyID)])
            #expect(partial.status == 65 && partial.stderr.contains("[session_family_incomplete]"), "\(partial)")
            #expect(try connection.query("SELECT count(*)::int FROM homeward.sessions WHERE family_id = $1", [familyID]).scalar(Int.self) == 0)
        }
    }

    /// Soft rules warn and book: a second counsellor for someone who saw another, and a mother's session at the same time
    /// as her child's.
    @Test func softRulesWarnButBook() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            let slot = try opening(connection)
            try #require(slot.caseNumber == "KZ-W-01", "the first adult by case number is the mother of KZ-K-01")
            let coordinator = try Coordinator(world)
            let first = try book(coordinator, slot)
            #expect(first.status == 0 && !first.stderr.contains("warning"), "\(first)")

            let day = String(slot.start.prefix(10))
            let other = slot.staff == "ST-01" ? "ST-02" : "ST-01"
            let second = try coordinator.cli(["session", "add", "--type", "individual-counselling", "--centre", "AKT-RC", "--room", "C2",
                                              "--start", "\(day) 14:00", "--minutes", "60", "--staff", other, "--participant", slot.caseNumber])
            #expect(second.status == 0, "\(second)")
            #expect(second.stderr.contains("continuity: KZ-W-01 last saw \(slot.staff) (psychologist); this session is with \(other)"),
                    "\(second)")

            let child = try coordinator.cli(["session", "add", "--type", "paediatric-play-therapy", "--centre", "AKT-RC", "--room", "PLAY",
                                             "--start", slot.start, "--minutes", "45", "--staff", "ST-06", "--participant", "KZ-K-01"])
            #expect(child.status == 0, "\(child)")
            #expect(child.stderr.contains("linked clash: KZ-W-01 is in session \(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"),
                    "\(child)")
        }
    }
}
