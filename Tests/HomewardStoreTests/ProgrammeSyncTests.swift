import Foundation
import Homeward
@testable import HomewardStore
import Postgres
import TestSupport
import Testing

/// Small programme and course files for sync tests, written to a temporary folder.
enum SyncFixture {
    static let programme = """
        code: TEST-PROG
        name: Test programme
        audience: adult_women
        version: 1
        phases:
          - code: INTAKE
            name: Intake
            duration_days: 14
            review_interval_days: 7
            requirements:
              - code: PSY-IND
                session_type: individual_counselling
                staff_role: psychologist
                mode: individual
                duration_minutes: 60
                sessions_per_week: 2
                room_kind: counselling_room
              - code: THEO-GRP
                session_type: group_theology_class
                staff_role: religious_expert
                mode: group
                group_min: 3
                group_max: 10
                duration_minutes: 90
                sessions_per_week: 1
                sex: female
                room_kind: group_hall
          - code: RESIDENTIAL
            name: Residential rehabilitation
            duration_days: 42
            review_interval_days: 14
            requirements:
              - code: PSY-IND
                session_type: individual_counselling
                staff_role: psychologist
                mode: individual
                duration_minutes: 45
                sessions_per_week: 0.5
                room_kind: counselling_room
          - code: COMMUNITY
            name: Community follow-up
            duration_days: 90
            review_interval_days: 30
            requirements:
              - code: SW-MEET
                session_type: social_work_meeting
                staff_role: social_worker
                mode: individual
                duration_minutes: 60
                sessions_per_week: 0.25
                room_kind: counselling_room

        """

    static let courses = """
        courses:
          - code: LIT-BASIC
            name: Basic literacy
            centre: KAR-PRISON
            modules:
              - code: M1
                title: Letters
                expected_weeks: 2
              - code: M2
                title: Words
                expected_weeks: 3
              - code: M3
                title: Sentences
                expected_weeks: 4
          - code: IT-INTRO
            name: Computers
            modules:
              - code: M1
                title: Keyboard
                expected_weeks: 1

        """

    /// The standard fixture: one programme and the courses file.
    static func standard() throws -> URL { try TestFiles.folder(["test-prog.yaml": programme, "prison-education-courses.yaml": courses]) }

    /// A migrated database with the fixture programme and courses synced.
    static func withSynced<T>(_ body: (Store, Connection) throws -> T) throws -> T {
        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            _ = try store.syncProgrammes(try ProgrammeCatalogue.load(from: try standard()))
            return try body(store, connection)
        }
    }

    /// True when the database refused the change by `rule`, and the coordinator reads that rule's sentence.
    static func isRejected(_ error: StoreError?, by rule: String) -> Bool {
        guard case .rejected(let actual, let sentence, _) = error, let expected = ConstraintMessages.sentence(for: rule) else { return false }
        return actual == rule && sentence == expected && error?.description.hasPrefix(expected) == true
    }

    /// Every row id (and row content) of the template tables, to prove a sync left them alone.
    static func snapshot(_ connection: Connection) throws -> [String] {
        try connection.query(
            """
            SELECT 'programme ' || p.id || ' ' || (p.code, p.name, p.description, p.audience, p.version, p.synced_at)::text FROM homeward.programmes p
            UNION ALL SELECT 'phase ' || ph.id || ' ' || ph::text FROM homeward.programme_phases ph
            UNION ALL SELECT 'requirement ' || q.id || ' ' || q::text FROM homeward.phase_requirements q
            UNION ALL SELECT 'course ' || c.id || ' ' || c::text FROM homeward.courses c
            UNION ALL SELECT 'module ' || m.id || ' ' || m::text FROM homeward.course_modules m
            ORDER BY 1
            """
        ).rows.map { try $0.decode(0, as: String.self) }
    }
}

@Suite struct ProgrammeSyncTests {
    @Test func shippedProgrammesLoadCompletelyAndASecondSyncChangesNothing() throws {
        let folder = TestDatabase.repositoryRoot.appendingPathComponent("Config/programmes")
        let catalogue = try ProgrammeCatalogue.load(from: folder)
        #expect(catalogue.programmes.count >= 5, "expected the five shipped programmes, found \(catalogue.programmes.map(\.file))")
        #expect(!catalogue.courses.isEmpty)
        let phases = catalogue.programmes.reduce(0) { $0 + $1.template.phases.count }
        let requirements = catalogue.programmes.reduce(0) { $0 + $1.template.phases.reduce(0) { $0 + $1.requirements.count } }
        let modules = catalogue.courses.reduce(0) { $0 + $1.template.modules.count }

        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            let first = try store.syncProgrammes(catalogue)
            #expect(first.programmes == SyncCounts(added: catalogue.programmes.count))
            #expect(first.phases == SyncCounts(added: phases))
            #expect(first.requirements == SyncCounts(added: requirements))
            #expect(first.courses == SyncCounts(added: catalogue.courses.count))
            #expect(first.modules == SyncCounts(added: modules))
            #expect(try connection.query("SELECT count(*) FROM homeward.programmes").scalar(Int.self) == catalogue.programmes.count)
            #expect(try connection.query("SELECT count(*) FROM homeward.programme_phases").scalar(Int.self) == phases)
            #expect(try connection.query("SELECT count(*) FROM homeward.phase_requirements").scalar(Int.self) == requirements)
            #expect(try connection.query("SELECT count(*) FROM homeward.course_modules").scalar(Int.self) == modules)
            // Ordinals follow the YAML order.
            for entry in catalogue.programmes {
                let stored = try store.programme(code: entry.template.code)
                #expect(stored.phases.map(\.code) == entry.template.phases.map(\.code))
                #expect(stored.version == entry.template.version)
            }

            let before = try SyncFixture.snapshot(connection)
            let second = try store.syncProgrammes(catalogue)
            #expect(second.isNoOp, "\(second.line)")
            #expect(second.phases.unchanged == phases && second.requirements.unchanged == requirements)
            #expect(try SyncFixture.snapshot(connection) == before)
        }
    }

    @Test func aBrokenTemplateWritesNothingAndNamesFileRecordAndField() throws {
        let broken = """
            code: BROKEN
            name: Broken programme
            audience: adult_men
            version: 1
            phases:
              - code: ONLY
                name: Only phase
                duration_days: 30
                review_interval_days: 14
                requirements:
                  - code: EDU-GRP
                    session_type: prison_education_lesson
                    staff_role: teacher
                    mode: group
                    group_min: 1
                    group_max: 12
                    duration_minutes: 90
                    sessions_per_week: 2
                    room_kind: classroom
                  - code: LAW
                    session_type: legal_consultation
                    staff_role: lawyer
                    mode: individual
                    duration_minutes: 60
                    sessions_per_week: 0.5
                    room_kind: counselling_room
                  - code: LAW
                    session_type: social_work_meeting
                    staff_role: social_worker
                    mode: individual
                    duration_minutes: 60
                    sessions_per_week: 1
                    room_kind: counselling_room

            """
        let folder = try TestFiles.folder(["a-good.yaml": SyncFixture.programme, "broken.yaml": broken,
                                             "prison-education-courses.yaml": SyncFixture.courses])
        let error = #expect(throws: ProgrammeCatalogueError.self) { try ProgrammeCatalogue.load(from: folder) }
        let problems = try #require(error?.problems)
        #expect(problems.contains { $0.file == "broken.yaml" && $0.record == "BROKEN/ONLY/EDU-GRP" && $0.field == "group_min/group_max" },
                "\(problems)")
        #expect(problems.contains { $0.file == "broken.yaml" && $0.record == "BROKEN/ONLY/LAW" && $0.field == "code" },
                "\(problems)")
        #expect(problems.allSatisfy { $0.file == "broken.yaml" })
        #expect(error?.description.contains("broken.yaml: BROKEN/ONLY/EDU-GRP: group_min/group_max") == true)
        try TestDatabase.withConnection { connection throws in
            #expect(try connection.query("SELECT count(*) FROM homeward.programmes").scalar(Int.self) == 0)
        }
    }

    @Test func aFieldOfTheWrongKindIsNamedWithItsRecord() throws {
        let wrong = SyncFixture.programme.replacingOccurrences(of: "session_type: social_work_meeting", with: "session_type: tea_party")
        let error = #expect(throws: ProgrammeCatalogueError.self) {
            try ProgrammeCatalogue.load(from: try TestFiles.folder(["wrong.yaml": wrong]))
        }
        let problem = try #require(error?.problems.first)
        #expect(problem.file == "wrong.yaml")
        #expect(problem.record == "TEST-PROG/COMMUNITY/SW-MEET")
        #expect(problem.field == "session_type")
    }

    @Test func reorderedPhasesAndRemovedRowsAreSyncedKeepingIds() throws {
        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            _ = try store.syncProgrammes(try ProgrammeCatalogue.load(from: try SyncFixture.standard()))
            let ids = try Self.phaseIDs(connection)

            // RESIDENTIAL and COMMUNITY swap places; INTAKE loses THEO-GRP; the version is raised.
            var template = try #require(try ProgrammeCatalogue.load(from: try SyncFixture.standard()).programmes.first?.template)
            template.version = 2
            template.phases.swapAt(1, 2)
            template.phases[0].requirements.removeAll { $0.code == "THEO-GRP" }
            let catalogue = try ProgrammeCatalogue.parse(files: [("test-prog.yaml", try Self.yaml(template))])
            let summary = try store.syncProgrammes(catalogue)
            #expect(summary.programmes == SyncCounts(updated: 1))
            #expect(summary.phases == SyncCounts(updated: 2, unchanged: 1))
            #expect(summary.requirements == SyncCounts(unchanged: 3, removed: 1))
            #expect(summary.versionNotRaised.isEmpty)
            #expect(try Self.phaseIDs(connection) == ["INTAKE": ids["INTAKE"]!, "COMMUNITY": ids["COMMUNITY"]!, "RESIDENTIAL": ids["RESIDENTIAL"]!])
            #expect(try store.programme(code: "TEST-PROG").phases.map(\.code) == ["INTAKE", "COMMUNITY", "RESIDENTIAL"])

            // Changing content without raising the version is stored, and reported.
            template.phases[0].durationDays = 21
            let unraised = try store.syncProgrammes(try ProgrammeCatalogue.parse(files: [("test-prog.yaml", try Self.yaml(template))]))
            #expect(unraised.versionNotRaised == ["TEST-PROG"])
        }
    }

    @Test func aRemovedPhaseStillInUseFailsTheSyncNamingWhatUsesIt() throws {
        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            _ = try store.syncProgrammes(try ProgrammeCatalogue.load(from: try SyncFixture.standard()))
            try connection.execute(
                """
                INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
                VALUES ('KZ-SYNC-1', 'Aigerim', 'Sadykova', '1990-01-01', 'female', '{kk}', 'Mangystau', '2019-05-10')
                """)
            let enrolment = try store.addEnrolment(caseNumber: "KZ-SYNC-1", programmeCode: "TEST-PROG", start: LocalDate("2026-01-05")!,
                                                   phaseCode: "COMMUNITY")
            let before = try SyncFixture.snapshot(connection)

            var template = try #require(try ProgrammeCatalogue.load(from: try SyncFixture.standard()).programmes.first?.template)
            template.phases.removeLast()
            template.phases[0].requirements.removeLast()
            let catalogue = try ProgrammeCatalogue.parse(files: [("test-prog.yaml", try Self.yaml(template))])
            let error = #expect(throws: ProgrammeCatalogueError.self) { try store.syncProgrammes(catalogue) }
            let problem = try #require(error?.problems.first)
            #expect(error?.problems.count == 1)
            #expect(problem.file == "test-prog.yaml")
            #expect(problem.record == "TEST-PROG/COMMUNITY")
            #expect(problem.reason.contains("enrolment id \(enrolment)"), "\(problem)")
            // Nothing was written: not even the unused requirement was removed.
            #expect(try SyncFixture.snapshot(connection) == before)
        }
    }

    @Test func aRemovedRequirementStillUsedBySessionsFailsTheSync() throws {
        try SyncFixture.withSynced { store, connection in
            try connection.execute(
                """
                INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity)
                VALUES ('AKT-RC', 'Aktau centre', 'rehabilitation_centre', 'Mangystau', 'x', 'Asia/Aqtau', 100);
                """)
            try connection.execute(
                """
                INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
                SELECT id, 'C1', 'Counselling 1', 'counselling_room', 2 FROM homeward.centres WHERE code = 'AKT-RC'
                """)
            let session = try connection.query(
                """
                INSERT INTO homeward.sessions (session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at, override_reason)
                SELECT q.session_type, q.id, q.mode, r.centre_id, r.id, '2026-03-02 09:00+05', '2026-03-02 10:00+05', 'fixture: history written directly'
                FROM homeward.phase_requirements q JOIN homeward.programme_phases ph ON ph.id = q.phase_id, homeward.rooms r
                WHERE ph.code = 'INTAKE' AND q.code = 'PSY-IND'
                RETURNING id
                """).scalar(Int.self)

            var template = try #require(try ProgrammeCatalogue.load(from: try SyncFixture.standard()).programmes.first?.template)
            template.phases[0].requirements.removeAll { $0.code == "PSY-IND" }
            let catalogue = try ProgrammeCatalogue.parse(files: [("test-prog.yaml", try Self.yaml(template))])
            let error = #expect(throws: ProgrammeCatalogueError.self) { try store.syncProgrammes(catalogue) }
            let problem = try #require(error?.problems.first)
            #expect(problem.record == "TEST-PROG/INTAKE/PSY-IND" && problem.field == "requirements")
            #expect(problem.reason.contains("1 session still uses it (session id \(session))"), "\(problem)")
        }
    }

    @Test func coursesWithAnUnknownCentreAreStoredWithoutOneAndADryRunWritesNothing() throws {
        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            let catalogue = try ProgrammeCatalogue.load(from: try SyncFixture.standard())
            let dry = try store.syncProgrammes(catalogue, dryRun: true)
            #expect(dry.dryRun && dry.courses.added == 2)
            #expect(try connection.query("SELECT count(*) FROM homeward.courses").scalar(Int.self) == 0)

            let summary = try store.syncProgrammes(catalogue)
            #expect(summary.coursesWithoutCentre == [.init(course: "LIT-BASIC", centre: "KAR-PRISON")])
            #expect(try connection.query("SELECT centre_id IS NULL FROM homeward.courses WHERE code = 'LIT-BASIC'").scalar(Bool.self))
            #expect(try store.course(code: "LIT-BASIC").modules.map(\.dueByWeek) == [2, 5, 9])

            // Once the prison exists, the next sync attaches the course to it.
            try connection.execute(
                """
                INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity)
                VALUES ('KAR-PRISON', 'Karaganda prison', 'prison', 'Karaganda', 'x', 'Asia/Almaty', 500)
                """)
            let again = try store.syncProgrammes(catalogue)
            #expect(again.courses == SyncCounts(updated: 1, unchanged: 1))
            #expect(again.coursesWithoutCentre.isEmpty)
            #expect(try store.courses().first { $0.code == "LIT-BASIC" }?.centreCode == "KAR-PRISON")
        }
    }

    private static func phaseIDs(_ connection: Connection) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try connection.query("SELECT code, id FROM homeward.programme_phases").rows.map {
            (try $0.decode(0, as: String.self), try $0.decode(1, as: Int.self))
        })
    }

    /// Writes a template back as YAML (JSON is YAML), with the file's snake_case keys.
    static func yaml(_ template: ProgrammeTemplate) throws -> String {
        String(decoding: try JSONEncoder().encode(template), as: UTF8.self)
    }
}
