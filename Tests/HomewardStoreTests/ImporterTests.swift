import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// The three demo centres, created with plain SQL so these tests need no other store code.
func createDemoCentres(_ connection: Connection) throws {
    try connection.execute(
        """
        INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity) VALUES
          ('AKT-RC', 'Aktau Rehabilitation Centre', 'rehabilitation_centre', 'Mangystau', '14th microdistrict, Aktau', 'Asia/Aqtau', 200),
          ('ALM-NGO', 'Almaty children''s day centre', 'ngo_day_centre', 'Almaty', 'Abay Ave 10, Almaty', 'Asia/Almaty', 80),
          ('KAR-PRISON', 'Karaganda penal colony', 'prison', 'Karaganda', 'Karaganda', 'Asia/Almaty', 400)
        """)
}

private let participantHeader =
    "case_number,given_name,family_name,patronymic,birth_date,sex,languages,region_of_origin,legal_situation,sentence_ends_on,status,returned_on,centre,placed_from"

/// A participants file: the header, then `rows` (each a full CSV line).
private func participantsCSV(_ rows: [String]) -> [UInt8] {
    Array(([participantHeader] + rows).joined(separator: "\n").utf8) + [10]
}

private let goodRows = [
    "KZ-2025-0001,Әсел,Қасымова,Серікқызы,1995-04-12,female,kk;ru,\"Mangystau, Aktau\",free,,residential_rehabilitation,2026-10-01,AKT-RC,",
    "KZ-2025-0002,Айша,Қасымова,,2019-06-30,female,ar,Atyrau,free,,residential-rehabilitation,2025-11-27,akt-rc,2025-11-28",
    "KZ-2019-0003,Өркен,Төлеуов,,1988-01-02,male,\"kk,ru\",Karaganda,convicted,2030-05-01,in_prison,2019-05-10,KAR-PRISON,2019-09-01",
    "KZ-2026-0004,Анна,Смирнова,Ивановна,1990-02-03,female,ru,Pavlodar,,,,2026-11-01,,",
]

/// The problems of an import that was rejected, or a test failure.
private func problems(_ error: StoreError?) -> [ImportProblem] {
    guard case .importRejected(_, let problems)? = error else {
        Issue.record("expected importRejected, got \(String(describing: error))")
        return []
    }
    return problems
}


@Suite struct ImporterTests {
    @Test func aGoodParticipantsFileImportsFully() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let importer = Importer(store: Store(connection: connection))
            let summary = try importer.importCSV(.participants, bytes: participantsCSV(goodRows), file: "participants.csv")
            #expect(summary.description == "imported 4 participants (3 placements) from participants.csv")
            #expect(try connection.rows(in: "participants") == 4)
            #expect(try connection.rows(in: "participant_placements") == 3)

            let row = try #require(connection.query(
                """
                SELECT given_name, family_name, patronymic, region_of_origin, languages, status, legal_situation
                FROM homeward.participants WHERE case_number = 'KZ-2025-0001'
                """).first)
            #expect(try row.decode(0, as: String.self) == "Әсел")
            #expect(try row.decode(1, as: String.self) == "Қасымова")
            #expect(try row.decode(2, as: String?.self) == "Серікқызы")
            #expect(try row.decode(3, as: String.self) == "Mangystau, Aktau")
            #expect(try row.decode(4, as: [String].self) == ["kk", "ru"])
            #expect(try row.decode(5, as: String.self) == "residential_rehabilitation")

            // Defaults and placements: placed_from defaults to returned_on; codes are uppercased; no centre, no placement.
            let placements = try connection.query(
                """
                SELECT p.case_number, c.code, lower(pp.during)::text, upper_inf(pp.during)
                FROM homeward.participant_placements pp JOIN homeward.participants p ON p.id = pp.participant_id
                JOIN homeward.centres c ON c.id = pp.centre_id ORDER BY p.case_number
                """).rows.map { "\(try $0.decode(0, as: String.self)) \(try $0.decode(1, as: String.self)) \(try $0.decode(2, as: String.self)) \(try $0.decode(3, as: Bool.self))" }
            #expect(placements == [
                "KZ-2019-0003 KAR-PRISON 2019-09-01 true", "KZ-2025-0001 AKT-RC 2026-10-01 true", "KZ-2025-0002 AKT-RC 2025-11-28 true",
            ])
            let anna = try #require(connection.query(
                "SELECT status, legal_situation, sentence_ends_on FROM homeward.participants WHERE case_number = 'KZ-2026-0004'").first)
            #expect(try anna.decode(0, as: String.self) == "intake")
            #expect(try anna.decode(1, as: String.self) == "free")
            #expect(try anna.decode(2, as: String?.self) == nil)
        }
    }

    @Test(arguments: [
        ("KZ-2025-0009,Мадина,Омарова,,2031-02-30,female,kk,Atyrau,free,,intake,2026-01-01,AKT-RC,",
         ImportProblem(line: 5, field: "birth_date", message: "\"2031-02-30\" is not a date (YYYY-MM-DD)")),
        ("KZ-2025-0009,Мадина,Омарова,,1990-02-03,female,kk,Atyrau,free,,intake,2026-01-01,AKT-XX,",
         ImportProblem(line: 5, field: "centre", message: "no centre with code \"AKT-XX\"")),
        ("KZ-2025-0001,Мадина,Омарова,,1990-02-03,female,kk,Atyrau,free,,intake,2026-01-01,AKT-RC,",
         ImportProblem(line: 5, field: "case_number",
                       message: "case number \"KZ-2025-0001\" is also on line 2; each may appear only once in the file")),
        ("KZ-2025-0009,Мадина,Омарова,,1990-02-03,female,kk,Atyrau,convicted,,in_prison,2026-01-01,KAR-PRISON,",
         ImportProblem(line: 5, field: "sentence_ends_on", message: "is required when the legal situation is convicted")),
        ("KZ-2025-0009,Мадина,Омарова,,1990-02-03,woman,kk,Atyrau,free,,intake,2026-01-01,AKT-RC,",
         ImportProblem(line: 5, field: "sex", message: "\"woman\" must be one of: female, male")),
        ("KZ-2025-0009,Мадина,Омарова,,1990-02-03,female,kaz,Atyrau,free,,intake,2026-01-01,AKT-RC,",
         ImportProblem(line: 5, field: "languages", message: "\"kaz\" is not a two-letter ISO 639-1 language code (kk, ru, ar, uz…)")),
        ("KZ-2025-0009,,Омарова,,1990-02-03,female,kk,Atyrau,free,,intake,2026-01-01,AKT-RC,2025-12-01",
         ImportProblem(line: 5, field: "given_name", message: "is required")),
        ("KZ-2025-0009,Мадина,Омарова,,1990-02-03,female,kk,Atyrau,free,,intake,2026-01-01,AKT-RC,2025-12-01",
         ImportProblem(line: 5, field: "placed_from",
                       message: "\"2025-12-01\" is before returned_on (2026-01-01): placements start on or after return")),
    ])
    func oneBadRowWritesNothingAndNamesTheLineAndField(badRow: String, expected: ImportProblem) throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let importer = Importer(store: Store(connection: connection))
            let error = #expect(throws: StoreError.self) {
                try importer.importCSV(.participants, bytes: participantsCSV(Array(goodRows.prefix(3)) + [badRow]), file: "p.csv")
            }
            #expect(problems(error) == [expected])
            #expect(try connection.rows(in: "participants") == 0)
            #expect(try connection.rows(in: "participant_placements") == 0)
        }
    }

    @Test func aCaseNumberAlreadyInTheDatabaseIsRejectedWithItsLine() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let importer = Importer(store: Store(connection: connection))
            try importer.importCSV(.participants, bytes: participantsCSV([goodRows[1]]), file: "first.csv")
            let error = #expect(throws: StoreError.self) {
                try importer.importCSV(.participants, bytes: participantsCSV(goodRows), file: "second.csv")
            }
            #expect(problems(error) == [ImportProblem(
                line: 3, field: "case_number", message: "\"KZ-2025-0002\" already belongs to a participant in the database")])
            #expect(try connection.rows(in: "participants") == 1)
        }
    }

    @Test func everyProblemOfTheFileIsReportedAtOnceInLineOrder() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let rows = [
                "KZ-1,Мадина,Омарова,,1990-13-01,female,kk,Atyrau,free,,intake,2026-01-01,AKT-RC,",
                goodRows[0],
                "KZ-2025-0001,Мадина,Омарова,,1990-01-01,female,kk,Atyrau,free,,sleeping,2026-01-01,NOWHERE,",
            ]
            let error = #expect(throws: StoreError.self) {
                try Importer(store: Store(connection: connection)).importCSV(.participants, bytes: participantsCSV(rows), file: "p.csv")
            }
            let found = problems(error)
            #expect(found.map(\.line) == [2, 4, 4, 4])
            #expect(Set(found.compactMap(\.field)) == ["birth_date", "status", "centre", "case_number"])
            #expect(try connection.rows(in: "participants") == 0)
        }
    }

    @Test func aMissingOrUnknownHeaderColumnIsNamedWithTheExpectedColumns() throws {
        try TestDatabase.withConnection { connection in
            let text = "case_number,given_name,family_name,birthdate,sex,languages,region_of_origin,returned_on\n"
            let error = #expect(throws: StoreError.self) {
                try Importer(store: Store(connection: connection)).importCSV(.participants, bytes: Array(text.utf8), file: "p.csv")
            }
            let messages = problems(error).map(\.description)
            #expect(messages.contains("line 1: unknown column \"birthdate\""))
            #expect(messages.contains("line 1: missing required column \"birth_date\""))
            #expect(messages.last?.contains("required: case_number, given_name") == true)
            #expect(messages.last?.contains("optional: patronymic") == true)
        }
    }

    @Test func optionalColumnsMayBeLeftOutAndColumnsComeInAnyOrder() throws {
        try TestDatabase.withConnection { connection in
            let text = "returned_on,region_of_origin,languages,sex,birth_date,family_name,given_name,case_number\n"
                + "2026-11-01,Atyrau,kk;ru,male,2015-05-05,Нұрланов,Әли,KZ-2026-0100\n"
            let summary = try Importer(store: Store(connection: connection)).importCSV(.participants, bytes: Array(text.utf8), file: "p.csv")
            #expect(summary.rows == 1)
            #expect(try connection.query("SELECT given_name FROM homeward.participants").scalar(String.self) == "Әли")
        }
    }

    @Test func crlfAndByteOrderMarkFilesImport() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let text = ([participantHeader] + goodRows).joined(separator: "\r\n") + "\r\n"
            let summary = try Importer(store: Store(connection: connection)).importCSV(
                .participants, bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8), file: "windows.csv")
            #expect(summary.rows == 4)
            #expect(try connection.query("SELECT returned_on::text FROM homeward.participants WHERE case_number = 'KZ-2026-0004'")
                .scalar(String.self) == "2026-11-01")
        }
    }

    @Test func aDryRunChecksButWritesNothing() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let importer = Importer(store: Store(connection: connection))
            let summary = try importer.importCSV(.participants, bytes: participantsCSV(goodRows), file: "p.csv", dryRun: true)
            #expect(summary.description == "checked p.csv: 4 participants (3 placements) would be imported; nothing was written (--dry-run)")
            #expect(try connection.rows(in: "participants") == 0)
            let bad = participantsCSV(goodRows + [goodRows[0]])
            let error = #expect(throws: StoreError.self) { try importer.importCSV(.participants, bytes: bad, file: "p.csv", dryRun: true) }
            #expect(problems(error).map(\.line) == [6])
        }
    }

    @Test func aRuleOnlyTheDatabaseKnowsRollsTheWholeFileBack() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            // A rule the importer cannot know about: the database is the last word.
            try connection.execute("ALTER TABLE homeward.participants ADD CONSTRAINT participants_not_pavlodar CHECK (region_of_origin <> 'Pavlodar')")
            let error = #expect(throws: StoreError.self) {
                try Importer(store: Store(connection: connection)).importCSV(.participants, bytes: participantsCSV(goodRows), file: "p.csv")
            }
            guard case .rejected(let rule, _, _)? = error else { Issue.record("expected rejected, got \(String(describing: error))"); return }
            #expect(rule == "participants_not_pavlodar")
            #expect(try connection.rows(in: "participants") == 0)
            #expect(try connection.rows(in: "participant_placements") == 0)
        }
    }

    @Test func fiveThousandParticipantsImportInUnderFiveSeconds() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let centres = ["AKT-RC", "ALM-NGO", "KAR-PRISON"]
            let rows = (1...5000).map { n -> String in
                let convicted = n % 3 == 2
                return "KZ-2020-\(n),Әсел \(n),Қасымова,,19\(70 + n % 30)-0\(1 + n % 9)-1\(n % 10),\(n % 2 == 0 ? "female" : "male"),kk;ru,Atyrau,"
                    + (convicted ? "convicted,2030-01-01,in_prison" : "free,,intake") + ",2025-11-27,\(centres[n % 3]),"
            }
            let bytes = participantsCSV(rows)
            let clock = ContinuousClock()
            var summary: Importer.Summary?
            let elapsed = try clock.measure {
                summary = try Importer(store: Store(connection: connection)).importCSV(.participants, bytes: bytes, file: "big.csv")
            }
            print("imported 5000 participants in \(elapsed)")
            #expect(summary?.rows == 5000)
            #expect(try connection.rows(in: "participant_placements") == 5000)
            #expect(elapsed < .seconds(5), "took \(elapsed)")
        }
    }

    @Test func theShippedDemoFilesImportCleanly() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let importer = Importer(store: Store(connection: connection))
            let demo = TestDatabase.repositoryRoot.appendingPathComponent("Config/demo")
            let staff = try [UInt8](Data(contentsOf: demo.appendingPathComponent("staff.csv")))
            let people = try [UInt8](Data(contentsOf: demo.appendingPathComponent("participants.csv")))
            let staffSummary = try importer.importCSV(.staff, bytes: staff, file: "staff.csv")
            let peopleSummary = try importer.importCSV(.participants, bytes: people, file: "participants.csv")
            #expect((30...40).contains(staffSummary.rows))
            #expect(peopleSummary.rows >= 110)
            #expect(try connection.rows(in: "participant_placements") == peopleSummary.rows)

            let today = "DATE '2026-11-25'"
            let groups = try connection.query(
                """
                SELECT count(*) FILTER (WHERE p.sex = 'female' AND homeward.age_on(p.birth_date, \(today)) BETWEEN 18 AND 45 AND c.code = 'AKT-RC'),
                       count(*) FILTER (WHERE homeward.age_on(p.birth_date, \(today)) BETWEEN 2 AND 17),
                       count(*) FILTER (WHERE p.returned_on = DATE '2025-11-27' AND homeward.age_on(p.birth_date, \(today)) BETWEEN 2 AND 10),
                       count(*) FILTER (WHERE p.sex = 'male' AND homeward.age_on(p.birth_date, \(today)) >= 18 AND c.code = 'KAR-PRISON'
                                        AND p.legal_situation = 'convicted' AND p.status = 'in_prison'),
                       count(*) FILTER (WHERE 'ar' = ANY(p.languages))
                FROM homeward.participants p
                JOIN homeward.participant_placements pp ON pp.participant_id = p.id
                JOIN homeward.centres c ON c.id = pp.centre_id
                """).first!
            #expect(try groups.decode(0, as: Int.self) == 40)
            #expect(try groups.decode(1, as: Int.self) == 60)
            #expect(try groups.decode(2, as: Int.self) == 14)
            #expect(try groups.decode(3, as: Int.self) == 20)
            #expect(try groups.decode(4, as: Int.self) > 0)
            let arabicStaff = try connection.query("SELECT count(*) FROM homeward.staff WHERE 'ar' = ANY(languages)").scalar(Int.self)
            #expect((1...2).contains(arabicStaff))
            let paediatric = try connection.query(
                """
                SELECT count(DISTINCT c.code) FROM homeward.staff_roles r JOIN homeward.staff_centres sc ON sc.staff_id = r.staff_id
                JOIN homeward.centres c ON c.id = sc.centre_id JOIN homeward.staff s ON s.id = r.staff_id
                WHERE r.role = 'paediatric_psychologist' AND s.may_work_with_children
                """).scalar(Int.self)
            #expect(paediatric == 2)
        }
    }

    // MARK: Staff

    private static let staffHeader = "code,given_name,family_name,roles,centres,languages,may_work_with_children,weekly_hour_limit"

    @Test func staffImportWithRolesAndCentres() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let text = [Self.staffHeader,
                        "st-001,Гүлнар,Әбенова,psychologist;religious-expert,AKT-RC;ALM-NGO,kk;ru;ar,yes,30",
                        "ST-002,Ольга,Козлова,paediatric_psychologist,ALM-NGO,ru,true,12.5",
                        "ST-003,Қайрат,Өтебаев,teacher,KAR-PRISON,kk,,40"].joined(separator: "\n")
            let summary = try Importer(store: Store(connection: connection)).importCSV(.staff, bytes: Array(text.utf8), file: "staff.csv")
            #expect(summary.description == "imported 3 staff members (4 roles, 4 centre assignments) from staff.csv")
            let first = try #require(connection.query(
                """
                SELECT s.given_name, s.languages, s.may_work_with_children, s.weekly_hour_limit::text,
                       (SELECT array_agg(role ORDER BY role) FROM homeward.staff_roles r WHERE r.staff_id = s.id),
                       (SELECT array_agg(c.code ORDER BY c.code) FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
                        WHERE sc.staff_id = s.id)
                FROM homeward.staff s WHERE s.code = 'ST-001'
                """).first)
            #expect(try first.decode(0, as: String.self) == "Гүлнар")
            #expect(try first.decode(1, as: [String].self) == ["kk", "ru", "ar"])
            #expect(try first.decode(2, as: Bool.self))
            #expect(try first.decode(3, as: String.self) == "30.0")
            #expect(try first.decode(4, as: [String].self) == ["psychologist", "religious_expert"])
            #expect(try first.decode(5, as: [String].self) == ["AKT-RC", "ALM-NGO"])
            #expect(try connection.query("SELECT may_work_with_children FROM homeward.staff WHERE code = 'ST-003'").scalar(Bool.self) == false)
        }
    }

    @Test func staffProblemsAreAllReportedAndNothingIsWritten() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            let text = [Self.staffHeader,
                        "ST-001,Гүлнар,Әбенова,psychologist,AKT-RC,kk,true,30",
                        "ST-002,Ольга,Козлова,paediatric_psychologist,ALM-NGO,ru,false,20",
                        "ST-003,Қайрат,Өтебаев,astrologer,KAR-PRISON;NOWHERE,kk,false,61",
                        "ST-001,Дина,Бекова,teacher,AKT-RC,kk,maybe,20"].joined(separator: "\n")
            let error = #expect(throws: StoreError.self) {
                try Importer(store: Store(connection: connection)).importCSV(.staff, bytes: Array(text.utf8), file: "staff.csv")
            }
            let found = problems(error).map(\.description)
            #expect(found.contains("line 3, may_work_with_children: \"false\" must be true for a paediatric psychologist"))
            #expect(found.contains { $0.hasPrefix("line 4, roles: \"astrologer\" must be one of:") })
            #expect(found.contains { $0.hasPrefix("line 4, weekly_hour_limit: \"61\"") })
            #expect(found.contains("line 4, centres: no centre with code \"NOWHERE\""))
            #expect(found.contains("line 5, may_work_with_children: \"maybe\" is not yes or no (use true or false)"))
            #expect(found.contains("line 5, code: staff code \"ST-001\" is also on line 2; each may appear only once in the file"))
            #expect(try connection.rows(in: "staff") == 0)
        }
    }

    // MARK: School attendance and session attendance

    /// A child in the database with a school enrolment from 2026-09-01, via plain SQL.
    private func enrolChild(_ connection: Connection) throws {
        try Importer(store: Store(connection: connection)).importCSV(.participants, bytes: participantsCSV([goodRows[1]]), file: "p.csv")
        try connection.runScript(
            """
            INSERT INTO homeward.schools (code, name, region) VALUES ('AKT-SCH-12', 'School-gymnasium No. 12', 'Mangystau');
            INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, school_day_starts_at, school_day_ends_at, enrolled_from)
            SELECT p.id, s.id, 1, '08:00', '12:30', DATE '2026-09-01' FROM homeward.participants p, homeward.schools s
            WHERE p.case_number = 'KZ-2025-0002'
            """)
    }

    @Test func schoolAttendanceIsFiledUnderTheEnrolmentOfThatDay() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            try enrolChild(connection)
            let text = "case_number,day,status,reported_by\nKZ-2025-0002,2026-11-23,present,Teacher Омарова\nKZ-2025-0002,2026-11-24,absent-excused,ST-004\n"
            let importer = Importer(store: Store(connection: connection))
            let summary = try importer.importCSV(.schoolAttendance, bytes: Array(text.utf8), file: "school.csv")
            #expect(summary.description == "imported 2 school attendance days from school.csv")
            #expect(try connection.query("SELECT string_agg(status, ',' ORDER BY day) FROM homeward.school_attendance").scalar(String.self)
                == "present,absent_excused")

            let bad = "case_number,day,status,reported_by\nKZ-2025-0002,2026-11-20,present,x\nKZ-2025-0002,2026-08-20,present,x\n"
                + "KZ-2025-0002,2026-11-23,present,x\nKZ-9999,2026-11-20,present,x\nKZ-2025-0002,2026-11-20,late,x\n"
            let error = #expect(throws: StoreError.self) { try importer.importCSV(.schoolAttendance, bytes: Array(bad.utf8), file: "school.csv") }
            let found = problems(error).map(\.description)
            #expect(found.contains("line 3, day: \"2026-08-20\": KZ-2025-0002 has no school enrolment on that day"))
            #expect(found.contains("line 4, day: \"2026-11-23\": school attendance of KZ-2025-0002 is already recorded for that day"))
            #expect(found.contains("line 5, case_number: no participant with case number \"KZ-9999\""))
            #expect(found.contains { $0.hasPrefix("line 6, status: \"late\" must be one of: present") })
            #expect(try connection.rows(in: "school_attendance") == 2)
        }
    }

    @Test func sessionAttendanceNeedsABookingInASessionThatStarted() throws {
        try TestDatabase.withConnection { connection in
            try createDemoCentres(connection)
            try Importer(store: Store(connection: connection)).importCSV(.participants, bytes: participantsCSV(goodRows), file: "p.csv")
            try connection.runScript(
                """
                INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
                SELECT id, 'C1', 'Counselling 1', 'counselling_room', 4 FROM homeward.centres WHERE code = 'AKT-RC';
                INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
                SELECT 'group_counselling', 'group', r.centre_id, r.id, homeward.now() + make_interval(days => d), homeward.now() + make_interval(days => d, hours => 1), 'fixture: history written directly'
                FROM homeward.rooms r, (VALUES (-2), (3)) AS v(d);
                """)
            let sessions = try connection.query("SELECT id FROM homeward.sessions ORDER BY starts_at").rows.map { try $0.decode(0, as: Int.self) }
            let (past, future) = (sessions[0], sessions[1])
            try connection.execute(
                """
                INSERT INTO homeward.session_participants (session_id, participant_id)
                SELECT s, p.id FROM homeward.participants p, unnest($1::bigint[]) AS s
                WHERE p.case_number IN ('KZ-2025-0001', 'KZ-2026-0004')
                """, [sessions])
            let importer = Importer(store: Store(connection: connection))
            let good = "session_id,case_number,status,note,recorded_by\n\(past),KZ-2025-0001,attended,\"calm, engaged\",ST-005\n\(past),kz-2026-0004,absent-excused,,ST-005\n"
            #expect(try importer.importCSV(.attendance, bytes: Array(good.utf8), file: "att.csv").description
                == "imported 2 attendance records from att.csv")
            #expect(try connection.query("SELECT note FROM homeward.attendance WHERE note IS NOT NULL").scalar(String.self) == "calm, engaged")

            let bad = "session_id,case_number,status,recorded_by\n\(future),KZ-2025-0001,attended,x\n\(past),KZ-2025-0002,attended,x\n"
                + "\(past),KZ-2025-0001,late,x\n999999,KZ-2025-0001,late,x\nabc,KZ-2025-0001,late,x\n"
            let error = #expect(throws: StoreError.self) { try importer.importCSV(.attendance, bytes: Array(bad.utf8), file: "att.csv") }
            let found = problems(error).map(\.description)
            #expect(found.contains("line 2, session_id: session \(future) has not started yet"))
            #expect(found.contains("line 3, case_number: KZ-2025-0002 is not booked into session \(past)"))
            #expect(found.contains("line 4, case_number: attendance of KZ-2025-0001 in session \(past) is already recorded"))
            #expect(found.contains("line 5, session_id: no session with number 999999"))
            #expect(found.contains("line 6, session_id: \"abc\" is not a session number"))
            #expect(try connection.rows(in: "attendance") == 2)
        }
    }
}
