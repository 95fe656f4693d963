import Foundation
import Postgres
import TestSupport
import Testing

/// A small but realistic world for the nightly schedule job, built once per test process and cloned per test.
///
/// Horizon: two ISO weeks from Monday 2026-12-07 (2026-W50, 2026-W51).
/// - AKT-RC (Asia/Aqtau, mon–sat 08:00–19:00; "Morning prayer and tea" 11:00–11:30 and lunch 13:00–14:00 every day):
///   ten women in WOMEN-RESIDENTIAL since 2026-11-16 (KZ-W-10 speaks only Arabic), and five children in the
///   residential phases of the children's programmes, in three households with their mothers.
/// - ALM-NGO (Asia/Almaty, mon–fri 09:00–19:00, sat 10:00–14:00): eleven children in community follow-up who go to
///   school in the morning shift 08:00–13:00 (KZ-K-15 in the afternoon shift 13:00–17:00), in four households.
/// - Eleven staff: psychologists (ST-02 speaks Arabic and is not cleared for children; ST-07 is on leave in W50),
///   religious experts (ST-04 speaks Arabic, 10 hours a week), social workers, paediatric psychologists.
/// Reference data is plain SQL; the programmes come from `homeward programme sync` and every enrolment from
/// `homeward enrolment add`, as a coordinator would do it.
enum ScheduleFixture {
    static let from = "2026-12-07"
    static let days = "14"
    static let firstWeek = "2026-W50"
    static let secondWeek = "2026-W51"
    /// The participant who speaks only Arabic.
    static let arabicOnly = "KZ-W-10"

    /// A settings file like Config/homeward.yaml with a small improvement budget in work (and no freeze window), so runs
    /// are fast and give the same plan on any machine; the wall-clock cap is only a safety net.
    static func config(budgetIterations: Int = 20_000, budgetMilliseconds: Int = 60_000) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("homeward-schedule-\(UUID().uuidString).yaml")
        try """
            scheduling:
              time_zone: Asia/Almaty
              slot_minutes: 15
              freeze_days: 0
              max_sessions_per_day_adult: 3
              max_sessions_per_day_child: 2
              max_sessions_per_day_young_child: 1
              after_school_buffer_minutes: 30
              budget_iterations: \(budgetIterations)
              budget_milliseconds: \(budgetMilliseconds)
              seed: 1
            """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// `homeward schedule generate` over the fixture's horizon with a fast settings file, plus `extra` arguments.
    static func generate(_ database: TestDatabase, _ extra: [String] = [], config: URL? = nil) throws -> CLI.Outcome {
        let settings = try config ?? Self.config()
        defer { if config == nil { try? FileManager.default.removeItem(at: settings) } }
        return try database.cli(["schedule", "generate", "--from", from, "--days", days, "--config", settings.path] + extra)
    }

    /// Runs `body` on a fresh copy of the world: a database of its own.
    static func withWorld(_ body: (TestDatabase) throws -> Void) throws {
        try TestDatabase.withCopy(of: try templateName.get(), body)
    }

    /// The hard-rule check a DBA runs with psql, read from the repository.
    static func hardRuleCheck() throws -> String {
        try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("SQL/checks/schedule_hard_rules.sql"), encoding: .utf8)
    }

    /// Every violation the SQL check finds, as "rule session: detail" lines.
    static func violations(_ connection: Connection) throws -> [String] {
        try connection.query(hardRuleCheck()).rows.map {
            "\(try $0.decode(0, as: String.self)) \(try $0.decode(1, as: Int.self)): \(try $0.decode(2, as: String.self))"
        }
    }

    /// Records every hard-rule violation, by rule and session, as an issue at the caller.
    static func expectNoViolations(_ connection: Connection, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let found = try violations(connection)
        #expect(found.isEmpty, "\(found)", sourceLocation: sourceLocation)
    }

    /// Built once per test process: a migrated database holding the world, used as CREATE DATABASE's template.
    private static let templateName = Result { () throws(FixtureError) -> String in
        do {
            return try TestDatabase.template("hw_sched_world") { database in
                try database.connect().runScript(referenceData)
                try cli(["programme", "sync"], database)
                for (caseNumber, programme, start, phase) in enrolments {
                    try cli(["enrolment", "add", caseNumber, "--programme", programme, "--start", start] + (phase.map { ["--phase", $0] } ?? []),
                            database)
                }
            }
        } catch let error as FixtureError {
            throw error
        } catch {
            throw FixtureError(description: "could not build the scheduling world: \(error)")
        }
    }

    private static func cli(_ arguments: [String], _ database: TestDatabase) throws {
        let outcome = try database.cli(arguments)
        guard outcome.status == 0 else { throw FixtureError(description: "homeward \(arguments.joined(separator: " ")) failed: \(outcome)") }
    }

    /// (case number, programme, start, phase): women and AKT-RC children in their residential phase since 2026-11-16;
    /// ALM-NGO children in community follow-up since October (staggered, so fortnightly sessions fall in both weeks).
    static let enrolments: [(String, String, String, String?)] =
        (1...10).map { (String(format: "KZ-W-%02d", $0), "WOMEN-RESIDENTIAL", "2026-11-16", nil) }
        + [("KZ-K-01", "CHILDREN-UNDER-7", "2026-11-16", nil), ("KZ-K-03", "CHILDREN-UNDER-7", "2026-11-16", nil),
           ("KZ-K-02", "CHILDREN-7-12", "2026-11-16", nil), ("KZ-K-04", "CHILDREN-7-12", "2026-11-16", nil),
           ("KZ-K-05", "CHILDREN-7-12", "2026-11-16", nil)]
        + ["KZ-K-10", "KZ-K-11", "KZ-K-12", "KZ-K-13", "KZ-K-14", "KZ-K-15"].map { ($0, "CHILDREN-7-12", "2026-10-19", "COMMUNITY") }
        + [("KZ-K-20", "CHILDREN-UNDER-7", "2026-10-19", "COMMUNITY")]
        + ["KZ-K-16", "KZ-K-17", "KZ-K-18", "KZ-K-19"].map { ($0, "CHILDREN-13-17", "2026-10-26", "COMMUNITY") }

    /// Centres, rooms, hours, timetable blocks, staff, participants, placements, families and schools.
    static let referenceData = """
        INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity) VALUES
            ('AKT-RC', 'Aktau Rehabilitation Centre', 'rehabilitation_centre', 'Mangystau', '15th microdistrict, Aktau', 'Asia/Aqtau', 150),
            ('ALM-NGO', 'Almaty NGO Children''s Centre', 'ngo_day_centre', 'Almaty', 'Abay avenue 52, Almaty', 'Asia/Almaty', 80);
        INSERT INTO homeward.centre_opening_hours (centre_id, weekday, opens_at, closes_at)
        SELECT c.id, d, o.opens, o.closes
        FROM (VALUES ('AKT-RC', 1, 6, time '08:00', time '19:00'), ('ALM-NGO', 1, 5, '09:00', '19:00'), ('ALM-NGO', 6, 6, '10:00', '14:00'))
             AS o(centre, first_day, last_day, opens, closes)
        JOIN homeward.centres c ON c.code = o.centre
        CROSS JOIN LATERAL generate_series(o.first_day, o.last_day) AS d;
        INSERT INTO homeward.centre_timetable_blocks (centre_id, weekday, starts_at, ends_at, label)
        SELECT c.id, d, b.starts, b.ends, b.label
        FROM (VALUES ('11:00'::time, '11:30'::time, 'Morning prayer and tea'), ('13:00', '14:00', 'Lunch')) AS b(starts, ends, label)
        CROSS JOIN homeward.centres c CROSS JOIN generate_series(1, 7) AS d
        WHERE c.code = 'AKT-RC';
        INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
        SELECT c.id, r.code, r.name, r.kind, r.capacity
        FROM (VALUES ('AKT-RC', 'C1', 'Counselling 1', 'counselling_room', 3), ('AKT-RC', 'C2', 'Counselling 2', 'counselling_room', 3),
                     ('AKT-RC', 'HALL', 'Group hall', 'group_hall', 14), ('AKT-RC', 'FAM', 'Family room', 'family_room', 6),
                     ('AKT-RC', 'PLAY', 'Play room', 'play_room', 8),
                     ('ALM-NGO', 'C1', 'Counselling 1', 'counselling_room', 3), ('ALM-NGO', 'PLAY1', 'Play room', 'play_room', 8),
                     ('ALM-NGO', 'FAM', 'Family room', 'family_room', 6), ('ALM-NGO', 'HALL', 'Group hall', 'group_hall', 16),
                     ('ALM-NGO', 'CLASS', 'Classroom', 'classroom', 12)) AS r(centre, code, name, kind, capacity)
        JOIN homeward.centres c ON c.code = r.centre;

        INSERT INTO homeward.staff (code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit) VALUES
            ('ST-01', 'Aigerim', 'Nurlanova', '{kk,ru}', true, 30),
            ('ST-02', 'Layla', 'Haddad', '{ar,ru,kk}', false, 30),
            ('ST-03', 'Yerlan', 'Abenov', '{kk,ru}', false, 30),
            ('ST-04', 'Nurlan', 'Kassymov', '{ar,kk}', false, 10),
            ('ST-05', 'Saule', 'Tulegenova', '{kk,ru}', true, 30),
            ('ST-06', 'Dana', 'Serikova', '{kk,ru}', true, 30),
            ('ST-07', 'Marat', 'Zhumabekov', '{kk,ru}', true, 30),
            ('ST-08', 'Asel', 'Bekova', '{kk,ru}', true, 30),
            ('ST-09', 'Timur', 'Ospanov', '{kk,ru}', true, 30),
            ('ST-10', 'Gulmira', 'Akhmetova', '{kk,ru}', true, 20),
            ('ST-11', 'Bakhyt', 'Ismailov', '{kk,ru}', true, 10);
        INSERT INTO homeward.staff_roles (staff_id, role)
        SELECT s.id, r.role
        FROM (VALUES ('ST-01', 'psychologist'), ('ST-02', 'psychologist'), ('ST-03', 'religious_expert'), ('ST-04', 'religious_expert'),
                     ('ST-05', 'social_worker'), ('ST-06', 'paediatric_psychologist'), ('ST-07', 'psychologist'),
                     ('ST-08', 'paediatric_psychologist'), ('ST-09', 'psychologist'), ('ST-10', 'social_worker'),
                     ('ST-11', 'religious_expert')) AS r(code, role)
        JOIN homeward.staff s ON s.code = r.code;
        INSERT INTO homeward.staff_centres (staff_id, centre_id)
        SELECT s.id, c.id FROM homeward.staff s JOIN homeward.centres c
          ON c.code = CASE WHEN s.code <= 'ST-07' THEN 'AKT-RC' ELSE 'ALM-NGO' END;
        -- Weekdays 09:00-13:00 and 14:00-18:00 (ALM-NGO: to 19:00, for after school); ST-03 also on Saturday mornings at AKT-RC,
        -- ST-08 on Saturdays at ALM-NGO.
        INSERT INTO homeward.staff_availability (staff_id, centre_id, weekday, starts_at, ends_at, valid_from)
        SELECT sc.staff_id, sc.centre_id, d, w.starts, CASE WHEN c.code = 'ALM-NGO' AND w.starts = '14:00' THEN '19:00' ELSE w.ends END, '2026-01-01'
        FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
        CROSS JOIN (VALUES ('09:00'::time, '13:00'::time), ('14:00', '18:00')) AS w(starts, ends)
        CROSS JOIN generate_series(1, 5) AS d;
        INSERT INTO homeward.staff_availability (staff_id, centre_id, weekday, starts_at, ends_at, valid_from)
        SELECT sc.staff_id, sc.centre_id, 6, x.starts, x.ends, '2026-01-01'
        FROM (VALUES ('ST-03', '09:00'::time, '13:00'::time), ('ST-08', '10:00', '14:00')) AS x(code, starts, ends)
        JOIN homeward.staff s ON s.code = x.code JOIN homeward.staff_centres sc ON sc.staff_id = s.id;
        INSERT INTO homeward.staff_leave (staff_id, first_day, last_day, kind, note)
        SELECT id, '2026-12-07', '2026-12-11', 'leave', 'annual leave' FROM homeward.staff WHERE code = 'ST-07';

        INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin,
                                           status, returned_on) VALUES
            ('KZ-W-01', 'Madina', 'Sadykova', '1992-03-02', 'female', '{kk,ru}', 'Atyrau', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-02', 'Gulnar', 'Omarova', '1990-07-15', 'female', '{kk}', 'Atyrau', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-03', 'Aliya', 'Zhaksybekova', '1988-01-20', 'female', '{ru,kk}', 'Aktobe', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-04', 'Dinara', 'Kairatova', '1986-05-11', 'female', '{kk,ru}', 'Shymkent', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-05', 'Zhanar', 'Bekova', '1995-09-30', 'female', '{kk}', 'Taraz', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-06', 'Aizhan', 'Mukanova', '1993-12-01', 'female', '{ru}', 'Almaty', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-07', 'Saltanat', 'Nurova', '1991-04-18', 'female', '{kk,ru}', 'Atyrau', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-08', 'Kamila', 'Aubakirova', '1997-02-25', 'female', '{kk,ru}', 'Kyzylorda', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-09', 'Roza', 'Temirova', '1984-08-08', 'female', '{ru,kk}', 'Karaganda', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-W-10', 'Fatima', 'Al-Amin', '1994-06-14', 'female', '{ar}', 'Atyrau', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-K-01', 'Amina', 'Sadykova', '2021-05-20', 'female', '{kk}', 'Atyrau', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-K-02', 'Yusuf', 'Sadykov', '2017-02-11', 'male', '{kk,ru}', 'Atyrau', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-K-03', 'Hana', 'Omarova', '2022-09-03', 'female', '{kk}', 'Atyrau', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-K-04', 'Ali', 'Kairatov', '2016-10-10', 'male', '{kk,ru}', 'Shymkent', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-K-05', 'Maryam', 'Kairatova', '2015-03-03', 'female', '{kk,ru}', 'Shymkent', 'residential_rehabilitation', '2026-11-10'),
            ('KZ-K-10', 'Umar', 'Sultanov', '2015-04-04', 'male', '{kk,ru}', 'Atyrau', 'in_community', '2026-06-01'),
            ('KZ-K-11', 'Aisha', 'Sultanova', '2016-11-12', 'female', '{kk}', 'Atyrau', 'in_community', '2026-06-01'),
            ('KZ-K-12', 'Ibrahim', 'Sultanov', '2018-01-30', 'male', '{kk,ru}', 'Atyrau', 'in_community', '2026-06-01'),
            ('KZ-K-13', 'Zeynep', 'Orazova', '2014-07-07', 'female', '{kk,ru}', 'Almaty', 'in_community', '2026-06-01'),
            ('KZ-K-14', 'Musa', 'Orazov', '2017-09-09', 'male', '{kk}', 'Almaty', 'in_community', '2026-06-01'),
            ('KZ-K-15', 'Sara', 'Sultanova', '2016-02-02', 'female', '{kk,ru}', 'Atyrau', 'in_community', '2026-06-01'),
            ('KZ-K-20', 'Yahya', 'Orazov', '2021-03-15', 'male', '{kk,ru}', 'Almaty', 'in_community', '2026-06-01'),
            ('KZ-K-16', 'Khadija', 'Esenova', '2012-05-05', 'female', '{ru,kk}', 'Almaty', 'in_community', '2026-06-01'),
            ('KZ-K-17', 'Bilal', 'Esenov', '2013-08-21', 'male', '{ru}', 'Almaty', 'in_community', '2026-06-01'),
            ('KZ-K-18', 'Safiya', 'Dauletova', '2012-12-12', 'female', '{kk,ru}', 'Taraz', 'in_community', '2026-06-01'),
            ('KZ-K-19', 'Hamza', 'Dauletov', '2013-01-01', 'male', '{kk,ru}', 'Taraz', 'in_community', '2026-06-01');
        INSERT INTO homeward.participant_placements (participant_id, centre_id, during, reason)
        SELECT p.id, c.id,
               CASE WHEN p.status = 'in_community' THEN daterange('2026-09-01', NULL) ELSE daterange('2026-11-16', '2027-01-11') END,
               CASE WHEN p.status = 'in_community' THEN 'community follow-up' ELSE 'residential phase' END
        FROM homeward.participants p JOIN homeward.centres c
          ON c.code = CASE WHEN p.status = 'in_community' THEN 'ALM-NGO' ELSE 'AKT-RC' END;

        INSERT INTO homeward.families (label) VALUES
            ('Sadykova household'), ('Omarova household'), ('Kairatova household'),
            ('Sultanov children (with their grandmother, Atyrau)'), ('Orazov children'), ('Esenov children'), ('Dauletov children');
        INSERT INTO homeward.family_members (family_id, participant_id)
        SELECT f.id, p.id
        FROM (VALUES ('Sadykova household', 'KZ-W-01'), ('Sadykova household', 'KZ-K-01'), ('Sadykova household', 'KZ-K-02'),
                     ('Omarova household', 'KZ-W-02'), ('Omarova household', 'KZ-K-03'),
                     ('Kairatova household', 'KZ-W-04'), ('Kairatova household', 'KZ-K-04'), ('Kairatova household', 'KZ-K-05'),
                     ('Sultanov children (with their grandmother, Atyrau)', 'KZ-K-10'),
                     ('Sultanov children (with their grandmother, Atyrau)', 'KZ-K-11'),
                     ('Sultanov children (with their grandmother, Atyrau)', 'KZ-K-12'),
                     ('Sultanov children (with their grandmother, Atyrau)', 'KZ-K-15'),
                     ('Orazov children', 'KZ-K-13'), ('Orazov children', 'KZ-K-14'), ('Orazov children', 'KZ-K-20'),
                     ('Esenov children', 'KZ-K-16'), ('Esenov children', 'KZ-K-17'),
                     ('Dauletov children', 'KZ-K-18'), ('Dauletov children', 'KZ-K-19')) AS m(label, case_number)
        JOIN homeward.families f ON f.label = m.label JOIN homeward.participants p ON p.case_number = m.case_number;
        INSERT INTO homeward.family_links (participant_id, related_participant_id, relationship, is_guardian)
        SELECT child.id, mother.id, 'mother', true
        FROM (VALUES ('KZ-K-01', 'KZ-W-01'), ('KZ-K-02', 'KZ-W-01'), ('KZ-K-03', 'KZ-W-02'), ('KZ-K-04', 'KZ-W-04'),
                     ('KZ-K-05', 'KZ-W-04')) AS l(child, mother)
        JOIN homeward.participants child ON child.case_number = l.child JOIN homeward.participants mother ON mother.case_number = l.mother;

        INSERT INTO homeward.schools (code, name, region) VALUES ('ALM-SCH-41', 'School-gymnasium No. 41', 'Almaty'),
                                                                 ('ALM-SCH-153', 'School No. 153', 'Almaty');
        INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, shift, school_day_starts_at, school_day_ends_at, enrolled_from)
        SELECT p.id, s.id, least(11, homeward.age_on(p.birth_date, '2026-09-01') - 6),
               CASE WHEN p.case_number = 'KZ-K-15' THEN 'afternoon' ELSE 'morning' END,
               CASE WHEN p.case_number = 'KZ-K-15' THEN time '13:00' ELSE time '08:00' END,
               CASE WHEN p.case_number = 'KZ-K-15' THEN time '17:00' ELSE time '13:00' END, '2026-09-01'
        FROM homeward.participants p
        JOIN homeward.schools s ON s.code = CASE WHEN p.case_number < 'KZ-K-15' THEN 'ALM-SCH-41' ELSE 'ALM-SCH-153' END
        WHERE p.status = 'in_community' AND homeward.age_on(p.birth_date, '2026-09-01') >= 7;
        """
}

/// The scheduling world could not be built.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}
