import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Each oversight figure against numbers worked out by hand on a small fixture, read as a real homeward_oversight
/// login with k = 2 (so that groups of one are hidden and groups of two are shown).
@Suite struct OversightFiguresTests {
    /// On top of SecurityTests' seed (SEC-A in Mangystau, SEC-B in Almaty): fourteen adults placed at SEC-A —
    /// W1…W8 women born 1990, Y1 and Y2 women born 2001, M1…M4 men born 1986 — two psychologists, two rooms, six
    /// sessions in the week starting `monday0` (the Monday of the planning-zone week two weeks ago) and the next,
    /// flags with their history, consents over the last three months, and a two-phase programme every one of them
    /// entered on 2025-01-06 (the residential phase is planned to end on 2025-03-03). `fx_sessions` maps S1…S6 to ids.
    static let fixture = """
        UPDATE homeward.centres SET capacity = 100;
        INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
        SELECT 'FX-' || code, 'Given', 'Family', born::date, sex, '{kk}', 'Atyrau', '2019-05-10'
        FROM (VALUES ('W1', '1990-02-01', 'female'), ('W2', '1990-02-01', 'female'), ('W3', '1990-02-01', 'female'),
                     ('W4', '1990-02-01', 'female'), ('W5', '1990-02-01', 'female'), ('W6', '1990-02-01', 'female'),
                     ('W7', '1990-02-01', 'female'), ('W8', '1990-02-01', 'female'), ('Y1', '2001-02-01', 'female'),
                     ('Y2', '2001-02-01', 'female'), ('M1', '1986-02-01', 'male'), ('M2', '1986-02-01', 'male'),
                     ('M3', '1986-02-01', 'male'), ('M4', '1986-02-01', 'male')) v (code, born, sex);
        INSERT INTO homeward.participant_placements (participant_id, centre_id, during)
        SELECT p.id, c.id, daterange('2019-05-10', NULL) FROM homeward.participants p, homeward.centres c
        WHERE p.case_number LIKE 'FX-%' AND c.code = 'SEC-A';

        INSERT INTO homeward.staff (code, given_name, family_name, languages, weekly_hour_limit)
        VALUES ('PSY-1', 'Aida', 'Bekova', '{kk,ru}', 10), ('PSY-2', 'Erlan', 'Sadykov', '{kk,ru}', 3);
        INSERT INTO homeward.staff_roles (staff_id, role) SELECT id, 'psychologist' FROM homeward.staff;
        INSERT INTO homeward.staff_centres (staff_id, centre_id) SELECT s.id, c.id FROM homeward.staff s, homeward.centres c WHERE c.code = 'SEC-A';
        INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
        SELECT c.id, v.code, 'Room', 'group_hall', 10 FROM homeward.centres c, (VALUES ('FX-R1'), ('FX-R2')) v (code) WHERE c.code = 'SEC-A';

        CREATE TEMPORARY TABLE fx_day AS SELECT date_trunc('week', homeward.today() - 14)::date AS monday0, homeward.planning_zone() AS zone;
        CREATE TEMPORARY TABLE fx_sessions (label text, id bigint);
        WITH wanted (label, room, day, starts, ends) AS (
            VALUES ('S1', 'FX-R1', 0, '10:00', '12:00'), ('S2', 'FX-R1', 1, '10:00', '12:00'),
                   ('S3', 'FX-R2', 7, '00:30', '01:30'),  -- Monday of the next week, still Sunday in UTC
                   ('S4', 'FX-R2', 2, '10:00', '11:00'), ('S5', 'FX-R2', 3, '10:00', '11:00'), ('S6', 'FX-R2', 4, '10:00', '11:00')
        ), made AS (
            INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
            SELECT 'group_counselling', 'group', r.centre_id, r.id, (d.monday0 + w.day + w.starts::time) AT TIME ZONE d.zone,
                   (d.monday0 + w.day + w.ends::time) AT TIME ZONE d.zone, 'fixture: history written directly'
            FROM wanted w JOIN homeward.rooms r ON r.code = w.room CROSS JOIN fx_day d
            RETURNING id, room_id, starts_at
        )
        INSERT INTO fx_sessions SELECT w.label, m.id FROM made m JOIN homeward.rooms r ON r.id = m.room_id CROSS JOIN fx_day d
        JOIN wanted w ON w.room = r.code AND (d.monday0 + w.day + w.starts::time) AT TIME ZONE d.zone = m.starts_at;
        INSERT INTO homeward.session_staff (session_id, staff_id)
        SELECT x.id, st.id FROM fx_sessions x JOIN (VALUES ('S1', 'PSY-1'), ('S1', 'PSY-2'), ('S2', 'PSY-1'), ('S3', 'PSY-1')) v (label, staff)
            ON v.label = x.label JOIN homeward.staff st ON st.code = v.staff;
        INSERT INTO homeward.session_participants (session_id, participant_id)
        SELECT x.id, p.id FROM fx_sessions x
        JOIN (VALUES ('S1', 'W1'), ('S1', 'W2'), ('S1', 'W3'), ('S1', 'W4'), ('S1', 'Y1'), ('S2', 'W1'), ('S2', 'W2'), ('S2', 'M1'),
                     ('S3', 'M1'), ('S3', 'M2'), ('S4', 'Y1'), ('S4', 'Y2'), ('S5', 'W1'), ('S5', 'W2'), ('S5', 'W3'), ('S6', 'M3'))
            v (label, person) ON v.label = x.label
        JOIN homeward.participants p ON p.case_number = 'FX-' || v.person;
        UPDATE homeward.sessions s SET status = 'cancelled', cancelled_by = v.party, cancel_reason = 'called off'
        FROM fx_sessions x JOIN (VALUES ('S4', 'participant'), ('S6', 'staff')) v (label, party) ON v.label = x.label WHERE s.id = x.id;

        CREATE TEMPORARY TABLE fx_flags (label text, id bigint);
        WITH wanted (label, person, rule, severity) AS (
            VALUES ('F1', 'FX-W1', 'attendance_below_threshold', 'concern'), ('F2', 'FX-W1', 'no_counselling_contact', 'urgent'),
                   ('F3', 'FX-W2', 'attendance_below_threshold', 'concern'), ('F4', 'FX-W3', 'no_counselling_contact', 'urgent'),
                   ('F5', 'FX-W4', 'attendance_below_threshold', 'concern'), ('F6', 'FX-Y1', 'attendance_below_threshold', 'watch'),
                   ('F7', 'FX-Y2', 'assessment_overdue', 'watch'), ('F9', 'KZ-B-0001', 'school_attendance', 'urgent')
        ), made AS (
            INSERT INTO homeward.flags (participant_id, rule, subject, severity, threshold, inputs)
            SELECT p.id, w.rule, 'fixture', w.severity, '{}', '{}' FROM wanted w JOIN homeward.participants p ON p.case_number = w.person
            RETURNING id, participant_id, rule
        )
        INSERT INTO fx_flags SELECT w.label, m.id FROM made m JOIN homeward.participants p ON p.id = m.participant_id
        JOIN wanted w ON w.person = p.case_number AND w.rule = m.rule;
        INSERT INTO homeward.flags (participant_id, rule, subject, severity, threshold, inputs, status, resolved_at, resolved_by,
                                    resolve_reason, resolved_automatically)
        SELECT id, 'attendance_below_threshold', 'fixture', 'urgent', '{}', '{}', 'resolved', homeward.now(), 'fixture', 'cleared', true
        FROM homeward.participants WHERE case_number = 'FX-M1';
        INSERT INTO homeward.flag_events (flag_id, event, at, by, severity)
        SELECT x.id, v.event, (d.monday0 + v.day + v.at::time) AT TIME ZONE d.zone, 'fixture', 'concern'
        FROM (VALUES ('F1', 'opened', 0, '09:00'), ('F1', 'acknowledged', 0, '11:00'), ('F1', 'acknowledged', 1, '12:00'),
                     ('F3', 'opened', 0, '09:00'), ('F3', 'acknowledged', 1, '09:00'), ('F3', 'resolved', 8, '09:00'),
                     ('F3', 'reopened', 9, '09:00'), ('F3', 'acknowledged', 9, '13:00'),
                     ('F4', 'opened', 0, '09:00'), ('F4', 'acknowledged', 7, '09:00')) v (label, event, day, at)
        JOIN fx_flags x ON x.label = v.label CROSS JOIN fx_day d;

        CREATE TEMPORARY TABLE fx_month AS SELECT (date_trunc('month', homeward.today()) - interval '2 months')::date AS m0;
        INSERT INTO homeward.consents (participant_id, kind, given_by, given_on, withdrawn_on)
        SELECT p.id, v.kind, 'participant', (m.m0 + v.given * interval '1 month')::date + v.given_day,
               (m.m0 + interval '1 month')::date + v.withdrawn_day
        FROM (VALUES ('FX-W1', 'data_processing', 0, 1, NULL), ('FX-W2', 'data_processing', 0, 1, NULL),
                     ('FX-W3', 'data_processing', 0, 1, 9), ('FX-W4', 'data_processing', 1, 1, NULL),
                     ('FX-Y1', 'photo', 0, 4, NULL)) v (person, kind, given, given_day, withdrawn_day)
        JOIN homeward.participants p ON p.case_number = v.person CROSS JOIN fx_month m;

        INSERT INTO homeward.programmes (code, name, audience, version) VALUES ('FX-MIXED', 'Fixture', 'mixed', 1);
        INSERT INTO homeward.programme_phases (programme_id, ordinal, code, name, duration_days, review_interval_days)
        SELECT p.id, v.o, v.code, v.code, v.days, 14 FROM homeward.programmes p, (VALUES (1, 'RESIDENTIAL', 56), (2, 'COMMUNITY', 365)) v (o, code, days)
        WHERE p.code = 'FX-MIXED';
        INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
        SELECT p.id, ph.programme_id, '2025-01-06', ph.id, '2025-01-06', date '2025-01-06' + 421
        FROM homeward.participants p JOIN homeward.programme_phases ph ON ph.code = 'RESIDENTIAL'
        JOIN homeward.programmes pr ON pr.id = ph.programme_id AND pr.code = 'FX-MIXED'
        WHERE p.case_number LIKE 'FX-%';
        """

    /// The fixture with k = 2, a homeward_oversight login, and the owner's connection.
    static func withFixture(_ body: (_ owner: Connection, _ oversight: Connection, _ database: TestDatabase) throws -> Void) throws {
        try SecurityTests.withLogin(.oversight) { database, oversight, _ throws in
            let owner = try database.connect()
            try owner.runScript(fixture)
            try owner.execute("UPDATE homeward.settings SET oversight_min_group = 2")
            try body(owner, oversight, database)
        }
    }

    /// Every row of `sql`, its cells as text joined by "|", an empty cell as "∅".
    static func table(_ connection: Connection, _ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> [String] {
        let result = try connection.query(sql, parameters)
        return result.rows.map { row in (0..<result.columns.count).map { row.text($0) ?? "∅" }.joined(separator: "|") }
    }

    static func text(_ connection: Connection, _ sql: String) throws -> String {
        try connection.query(sql).scalar(String.self)
    }

    /// Runs `body` as a coordinator of SEC-A with a login of their own.
    static func asCoordinator(_ database: TestDatabase, _ owner: Connection, _ body: (Connection) throws -> Void) throws {
        let login = TestDatabase.uniqueLogin("fx_coord")
        defer { _ = try? owner.execute("DROP OWNED BY \(owner.quoteIdentifier(login))"); _ = try? owner.execute("DROP ROLE IF EXISTS \(owner.quoteIdentifier(login))") }
        try Store(connection: owner).grantUser(login: login, role: .coordinator, centreCodes: ["SEC-A"])
        try body(try Connection(conninfo: "dbname=\(database.name) user=\(login)", applicationName: "homeward tests"))
    }

    @Test func staffLoadCountsEachSessionOnceInPlanningZoneWeeks() throws {
        try Self.withFixture { owner, oversight, _ throws in
            let monday0 = try Self.text(owner, "SELECT monday0::text FROM fx_day")
            let monday1 = try Self.text(owner, "SELECT (monday0 + 7)::text FROM fx_day")
            // PSY-1: S1 and S2, two hours each, with 5 and 3 participants (6 distinct): 4 h, not 2×5 + 2×3 = 16 h.
            // S3 starts at 00:30 on Monday of the next week in the planning zone (Sunday in UTC): it belongs there.
            // PSY-2 shares S1: its 2 h count in full for PSY-2 too. The cancelled sessions occupy nobody.
            #expect(try Self.table(oversight, """
                SELECT staff_code, week_start, planned_hours, weekly_hour_limit, share_of_limit, over_limit, sessions, participants
                FROM oversight.staff_load ORDER BY staff_code, week_start
                """) == [
                    "PSY-1|\(monday0)|4.0|10.0|0.400|f|2|6",
                    "PSY-1|\(monday1)|1.0|10.0|0.100|f|1|2",
                    "PSY-2|\(monday0)|2.0|3.0|0.667|f|1|5",
                ])
            // Every row equals the hours computed from sessions and session_staff.
            let mismatches = try owner.query(
                """
                WITH direct AS (
                    SELECT st.code, date_trunc('week', homeward.local_day(s.starts_at))::date AS week_start,
                           round(sum(extract(epoch FROM s.ends_at - s.starts_at)) / 3600.0, 1) AS hours
                    FROM homeward.session_staff ss JOIN homeward.sessions s ON s.id = ss.session_id AND s.occupies
                    JOIN homeward.staff st ON st.id = ss.staff_id GROUP BY 1, 2)
                SELECT count(*)::int FROM direct d FULL JOIN oversight.staff_load v ON v.staff_code = d.code AND v.week_start = d.week_start
                WHERE v.planned_hours IS DISTINCT FROM d.hours
                """).scalar(Int.self)
            #expect(mismatches == 0)
            // At k = 5 the caseload of two is hidden; hours are not a count of people and stay.
            try owner.execute("UPDATE homeward.settings SET oversight_min_group = 5")
            #expect(try Self.table(oversight, "SELECT planned_hours, participants FROM oversight.staff_load ORDER BY staff_code, week_start")
                    == ["4.0|6", "1.0|∅", "2.0|5"])
        }
    }

    @Test func openFlagsCountPeoplePerRuleAndFlaggedParticipantsCountEachPersonOnce() throws {
        try Self.withFixture { _, oversight, _ throws in
            // Mangystau (SEC-A): W1 concern + urgent, W2 and W4 concern, W3 urgent, Y1 and Y2 watch; M1's flag is
            // resolved. Almaty (SEC-B): one urgent flag, a group of one.
            #expect(try Self.table(oversight, """
                SELECT centre_region, rule, severity, open_flags, participants FROM oversight.open_flags
                ORDER BY centre_region, rule, severity_rank
                """) == [
                    "Almaty|school_attendance|urgent|∅|∅",
                    "Mangystau|assessment_overdue|watch|∅|∅",
                    "Mangystau|attendance_below_threshold|watch|∅|∅",
                    "Mangystau|attendance_below_threshold|concern|3|3",
                    "Mangystau|no_counselling_contact|urgent|2|2",
                ])
            // Each person once at their worst severity: 6 people in Mangystau, W1's two flags both under urgent.
            #expect(try Self.table(oversight, """
                SELECT centre_region, worst_severity, participants, open_flags FROM oversight.flagged_participants
                ORDER BY centre_region, severity_rank
                """) == [
                    "Almaty|watch|0|0", "Almaty|concern|0|0", "Almaty|urgent|∅|∅",
                    "Mangystau|watch|2|2", "Mangystau|concern|2|2", "Mangystau|urgent|2|3",
                ])
            #expect(try oversight.query(
                "SELECT sum(participants)::int FROM oversight.flagged_participants WHERE centre_region = 'Mangystau'").scalar(Int.self) == 6)
        }
    }

    @Test func regionColumnsSayWhichRegion() throws {
        try Self.withFixture { owner, _, _ throws in
            let regions: [String] = try owner.query(
                """
                SELECT table_name || '.' || column_name FROM information_schema.columns
                WHERE table_schema = 'oversight' AND column_name ~ 'region' ORDER BY 1
                """).rows.map { try $0.decode(0) }
            #expect(regions.allSatisfy { ["region_of_origin", "centre_region", "school_region"].contains($0.split(separator: ".").last!) },
                    "\(regions)")
            #expect(regions.contains("participants.region_of_origin") && regions.contains("school_attendance.school_region")
                    && regions.contains("open_flags.centre_region"))
        }
    }

    @Test func phaseCompletionJudgesEachPhaseAgainstItsOwnPlannedEnd() throws {
        try Self.withFixture { owner, oversight, _ throws in
            let store = Store(connection: owner)
            func enrolment(_ person: String) throws -> Int {
                try owner.query("SELECT e.id FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id WHERE p.case_number = $1",
                                ["FX-" + person]).scalar(Int.self)
            }
            // The residential phase started on 2025-01-06 and is planned to end on 2025-03-03.
            for (person, day) in [("W1", "2025-03-03"), ("W2", "2025-03-01"), ("W3", "2025-03-20"), ("W4", "2025-03-25"),
                                  ("Y1", "2025-03-02"), ("Y2", "2025-03-03"), ("M1", "2025-03-03"), ("M2", "2025-03-01"),
                                  ("M3", "2025-03-02"), ("W7", "2025-04-10"), ("W8", "2025-04-11"), ("M4", "2025-04-12")] {
                _ = try store.advanceEnrolment(id: try enrolment(person), on: try #require(LocalDate(day)))
            }
            try store.updateEnrolmentStatus(id: try enrolment("W5"), to: .withdrawn, on: try #require(LocalDate("2025-03-10")))
            try store.updateEnrolmentStatus(id: try enrolment("W6"), to: .withdrawn, on: try #require(LocalDate("2025-03-12")))
            _ = try store.advanceEnrolment(id: try enrolment("W1"), on: try #require(LocalDate("2025-06-01")))   // completes

            // The history the trigger kept.
            #expect(try Self.table(owner, """
                SELECT p.case_number, h.phase_code, h.started_on, h.planned_end_on, h.ended_on, h.outcome
                FROM homeward.enrolment_phases h JOIN homeward.participants p ON p.id = h.participant_id
                WHERE p.case_number IN ('FX-W1', 'FX-W5', 'FX-M4') ORDER BY p.case_number, h.started_on
                """) == [
                    "FX-M4|RESIDENTIAL|2025-01-06|2025-03-03|2025-04-12|advanced",
                    "FX-M4|COMMUNITY|2025-04-12|2026-03-03|∅|∅",
                    "FX-W1|RESIDENTIAL|2025-01-06|2025-03-03|2025-03-03|advanced",
                    "FX-W1|COMMUNITY|2025-03-03|2026-03-03|2025-06-01|completed",
                    "FX-W5|RESIDENTIAL|2025-01-06|2025-03-03|2025-03-10|withdrawn",
                ])

            // March: women W1 W2 Y1 Y2 on time, W3 W4 late, W5 W6 withdrawn; men M1 M2 M3 on time. Both breakdowns
            // show every cell. April: W7, W8 and M4 late; the men's cell is one person, so each breakdown's
            // completions are hidden (the women's two would give the man away by subtraction); withdrawals are 0.
            #expect(try Self.table(oversight, """
                SELECT month, breakdown, coalesce(centre_code, '-'), sex, coalesce(age_band, '-'), completed, completed_on_time,
                       completed_late, withdrawn, share_on_time
                FROM oversight.phase_completion WHERE programme_code = 'FX-MIXED' AND phase_code = 'RESIDENTIAL'
                ORDER BY month, breakdown, sex, age_band
                """) == [
                    "2025-03-01|centre_and_sex|SEC-A|female|-|6|4|2|2|0.667",
                    "2025-03-01|centre_and_sex|SEC-A|male|-|3|3|0|0|1.000",
                    "2025-03-01|sex_and_age_band|-|female|18-29|2|2|0|0|1.000",
                    "2025-03-01|sex_and_age_band|-|female|30-44|4|2|2|2|0.500",
                    "2025-03-01|sex_and_age_band|-|male|30-44|3|3|0|0|1.000",
                    "2025-04-01|centre_and_sex|SEC-A|female|-|∅|∅|∅|0|∅",
                    "2025-04-01|centre_and_sex|SEC-A|male|-|∅|∅|∅|0|∅",
                    "2025-04-01|sex_and_age_band|-|female|30-44|∅|∅|∅|0|∅",
                    "2025-04-01|sex_and_age_band|-|male|30-44|∅|∅|∅|0|∅",
                ])
            // W1's community phase, completed alone in June, is a group of one.
            #expect(try Self.table(oversight, """
                SELECT breakdown, completed, withdrawn FROM oversight.phase_completion WHERE phase_code = 'COMMUNITY' ORDER BY breakdown
                """) == ["centre_and_sex|∅|0", "sex_and_age_band|∅|0"])
        }
    }

    @Test func flagsByWeekCountOpeningsAcknowledgementsAndResolutionsAndTheMedianWait() throws {
        try Self.withFixture { owner, oversight, _ throws in
            let monday0 = try Self.text(owner, "SELECT monday0::text FROM fx_day")
            let monday1 = try Self.text(owner, "SELECT (monday0 + 7)::text FROM fx_day")
            // Week 0: three flags opened; W1's acknowledged after 2 h (its second acknowledgement does not count), W2's
            // after 24 h: median 13 h. Week 1: W3's acknowledged after 168 h, W2's resolved, re-opened and acknowledged
            // 4 h later: median 86 h; the one re-opening and the one resolution are groups of one.
            #expect(try Self.table(oversight, """
                SELECT week_start, opened, reopened, acknowledged, resolved, median_hours_to_acknowledge FROM oversight.flags_by_week
                ORDER BY week_start
                """) == ["\(monday0)|3|0|2|0|13.0", "\(monday1)|0|∅|2|∅|86.0"])
        }
    }

    @Test func cancellationsByPartyAndByTheRoleThatRecordedThem() throws {
        try Self.withFixture { owner, oversight, database throws in
            func month(_ label: String) throws -> String {
                try owner.query(
                    """
                    SELECT date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Aqtau')::date::text FROM homeward.sessions s
                    JOIN fx_sessions x ON x.id = s.id WHERE x.label = $1
                    """, [label]).scalar(String.self)
            }
            let query = "SELECT centre_code, month, cancelled_by, cancelled_by_role, sessions, participants FROM oversight.cancellations"
            let s5 = try owner.query("SELECT id FROM fx_sessions WHERE label = 'S5'").scalar(Int.self)
            try Self.asCoordinator(database, owner) { coordinator throws in
                let cancelled = try coordinator.execute(
                    "UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'staff', cancel_reason = 'psychologist ill' WHERE id = $1",
                    [s5])
                #expect(cancelled == 1)
                // S4: called off by the participants (Y1, Y2), recorded by an administrator; S5: by staff, recorded by
                // the coordinator (W1, W2, W3); S6: by staff, recorded by an administrator, one person booked.
                #expect(Set(try Self.table(oversight, query)) == [
                    "SEC-A|\(try month("S4"))|participant|admin|1|2",
                    "SEC-A|\(try month("S5"))|staff|coordinator|1|3",
                    "SEC-A|\(try month("S6"))|staff|admin|∅|∅",
                ])
            }
            // Once the coordinator's login is dropped, the trail cannot say its role any more.
            #expect(try Self.table(oversight, query + " WHERE cancelled_by_role = 'unknown'") == ["SEC-A|\(try month("S5"))|staff|unknown|1|3"])
            // By role, never by person: no column names a login.
            let columns: [String] = try owner.query(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'oversight' AND table_name = 'cancellations'")
                .rows.map { try $0.decode(0) }
            #expect(!columns.contains { $0.contains("login") || $0 == "by" })
        }
    }

    @Test func consentsAndRecordExportsAreCountedNeverNamed() throws {
        try Self.withFixture { owner, oversight, database throws in
            let months: [String] = try owner.query(
                "SELECT (m0 + o * interval '1 month')::date::text FROM fx_month, generate_series(0, 2) o ORDER BY 1").rows.map { try $0.decode(0) }
            // Data processing: W1, W2, W3 in the first month; W4 given and W3 withdrawn in the second (one person
            // each: hidden together); three in force throughout. Photo: Y1 alone.
            #expect(try Self.table(oversight, "SELECT kind, month, granted, withdrawn, in_force FROM oversight.consents ORDER BY kind, month") == [
                "data_processing|\(months[0])|3|0|3", "data_processing|\(months[1])|∅|∅|3", "data_processing|\(months[2])|0|0|3",
                "photo|\(months[0])|∅|∅|∅", "photo|\(months[1])|0|0|∅", "photo|\(months[2])|0|0|∅",
            ])

            func participantID(_ person: String) throws -> Int {
                try owner.query("SELECT id FROM homeward.participants WHERE case_number = $1", ["FX-" + person]).scalar(Int.self)
            }
            for person in ["W1", "W1", "W2"] {
                try owner.execute("SELECT audit.record_export($1, '{participant}')", [try participantID(person)])
            }
            let month = try Self.text(owner, "SELECT date_trunc('month', homeward.local_day(now()))::date::text")
            try Self.asCoordinator(database, owner) { coordinator throws in
                try coordinator.execute("SELECT audit.record_export($1, '{participant}')", [try participantID("Y1")])
                // Three exports of two people's records by administrators; one by a coordinator, a group of one.
                #expect(try Self.table(oversight, "SELECT month, exported_by_role, exports, participants FROM oversight.record_exports ORDER BY 2")
                        == ["\(month)|admin|3|2", "\(month)|coordinator|∅|∅"])
            }
        }
    }

    @Test func everyFixtureFigureIsHiddenAtTheDefaultK() throws {
        try Self.withFixture { owner, oversight, _ throws in
            try owner.execute("UPDATE homeward.settings SET oversight_min_group = 5")
            // No view shows a count of 1 to 4 people; the fixture's groups are of 1 to 6.
            #expect(try Self.table(oversight, "SELECT participants FROM oversight.open_flags WHERE participants IS NOT NULL") == [])
            #expect(try Self.table(oversight, "SELECT granted, in_force FROM oversight.consents WHERE granted > 0 OR in_force > 0") == [])
            #expect(try Self.table(oversight, "SELECT participants FROM oversight.flagged_participants WHERE participants > 0") == [])
            #expect(try Self.table(oversight, "SELECT opened FROM oversight.flags_by_week WHERE opened > 0") == [])
        }
    }
}
