import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Postgres
import TestSupport
import Testing

/// `homeward participant export CASE`: the full record, every section present, and the export itself audited.
@Suite struct ExportTests {
    /// Two centres; KZ-A-0001 at SEC-A with one row in every section of the export; KZ-B-0001 at SEC-B with nothing else.
    static let seed = SQLFixtures.twoCentres + """

        INSERT INTO homeward.programmes (code, name, audience, version) VALUES ('EXP-PROG', 'Export programme', 'adult_women', 1);
        INSERT INTO homeward.programme_phases (programme_id, ordinal, code, name, duration_days, review_interval_days)
        SELECT id, 1, 'STABILISE', 'Stabilisation', 60, 30 FROM homeward.programmes WHERE code = 'EXP-PROG';
        INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
        SELECT p.id, pr.id, '2019-05-10', ph.id, '2019-05-10', '2020-05-10'
        FROM homeward.participants p, homeward.programmes pr JOIN homeward.programme_phases ph ON ph.programme_id = pr.id
        WHERE p.case_number = 'KZ-A-0001' AND pr.code = 'EXP-PROG';
        INSERT INTO homeward.consents (participant_id, kind, given_by, given_on)
        SELECT id, 'data_processing', 'participant', '2019-05-10' FROM homeward.participants WHERE case_number = 'KZ-A-0001';
        INSERT INTO homeward.relatives (given_name, family_name, region) VALUES ('Gulnara', 'Sadykova', 'Mangystau');
        INSERT INTO homeward.family_links (participant_id, relative_id, relationship)
        SELECT p.id, r.id, 'grandmother' FROM homeward.participants p, homeward.relatives r WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.schools (code, name, region) VALUES ('SCH-1', 'School 1', 'Mangystau');
        INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, school_day_starts_at, school_day_ends_at, enrolled_from)
        SELECT p.id, s.id, 3, '08:00', '13:00', '2019-09-01' FROM homeward.participants p, homeward.schools s WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by)
        SELECT participant_id, id, '2019-09-02', 'present', 'school' FROM homeward.school_enrolments;
        INSERT INTO homeward.courses (code, name) VALUES ('LIT-1', 'Literacy');
        INSERT INTO homeward.course_modules (course_id, ordinal, code, title, expected_weeks) SELECT id, 1, 'M1', 'Reading', 4 FROM homeward.courses;
        INSERT INTO homeward.course_enrolments (participant_id, course_id, started_on)
        SELECT p.id, c.id, '2019-06-01' FROM homeward.participants p, homeward.courses c WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.module_completions (course_enrolment_id, course_id, module_id, completed_on, result, score)
        SELECT ce.id, ce.course_id, m.id, '2019-07-01', 'passed', 81 FROM homeward.course_enrolments ce JOIN homeward.course_modules m ON m.course_id = ce.course_id;
        INSERT INTO homeward.staff (code, given_name, family_name, languages, weekly_hour_limit) VALUES ('PSY-EXP', 'Marat', 'Nurlanov', '{kk,ru}', 30);
        INSERT INTO homeward.staff_roles (staff_id, role) SELECT id, 'psychologist' FROM homeward.staff;
        INSERT INTO homeward.staff_centres (staff_id, centre_id) SELECT s.id, c.id FROM homeward.staff s, homeward.centres c WHERE c.code = 'SEC-A';
        INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity) SELECT id, 'R1', 'Room 1', 'counselling_room', 4 FROM homeward.centres WHERE code = 'SEC-A';
        INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
        SELECT 'individual_counselling', 'individual', r.centre_id, r.id, '2019-06-03 05:00+00', '2019-06-03 06:00+00', 'fixture: history written directly' FROM homeward.rooms r;
        INSERT INTO homeward.session_staff (session_id, staff_id) SELECT s.id, st.id FROM homeward.sessions s, homeward.staff st;
        INSERT INTO homeward.session_participants (session_id, participant_id)
        SELECT s.id, p.id FROM homeward.sessions s, homeward.participants p WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.attendance (session_id, participant_id, status, recorded_by)
        SELECT session_id, participant_id, 'attended', 'PSY-EXP' FROM homeward.session_participants;
        INSERT INTO homeward.assessments (participant_id, staff_id, assessed_on, kind, score, summary)
        SELECT p.id, s.id, '2019-06-10', 'psychological', 55, 'Settling in' FROM homeward.participants p, homeward.staff s WHERE p.case_number = 'KZ-A-0001';
        INSERT INTO homeward.milestones (participant_id, kind, achieved_on)
        SELECT id, 'documents_restored', '2019-08-01' FROM homeward.participants WHERE case_number = 'KZ-A-0001';
        INSERT INTO homeward.flags (participant_id, rule, subject, severity, threshold, inputs)
        SELECT id, 'assessment_overdue', 'EXP-PROG', 'watch', '{"days": 30}', '{"last": "2019-06-10"}' FROM homeward.participants WHERE case_number = 'KZ-A-0001';
        """

    static func withSeeded(_ body: (TestDatabase) throws -> Void) throws {
        try TestDatabase.withMigrated { database in
            try database.connect().runScript(seed)
            try body(database)
        }
    }

    static let sections = [
        "person", "placements", "consents", "family_links", "enrolments", "school_enrolments", "school_attendance",
        "course_enrolments", "module_completions", "sessions", "assessments", "milestones", "flags",
    ]

    @Test func anExportHoldsEverySectionOfTheRecord() throws {
        try Self.withSeeded { database in
            let export = try CLI.run(["participant", "export", "kz-a-0001"], database: database)
            #expect(export.status == 0, "\(export)")
            let document = try #require(try export.json() as? [String: Any])
            #expect(document["case_number"] as? String == "KZ-A-0001")
            let person = try #require(document["person"] as? [String: Any])
            #expect(person["given_name"] as? String == "Aigerim" && person["birth_date"] as? String == "1994-03-12")
            for section in Self.sections.dropFirst() {
                let rows = document[section] as? [[String: Any]]
                #expect(rows?.count == 1, "section \(section): \(String(describing: document[section]))")
            }
            let session = try #require((document["sessions"] as? [[String: Any]])?.first)
            #expect(session["attendance"] as? String == "attended")
            #expect(session["staff_codes"] as? [String] == ["PSY-EXP"])
            let link = try #require((document["family_links"] as? [[String: Any]])?.first)
            #expect((link["relative"] as? [String: Any])?["given_name"] as? String == "Gulnara")
            #expect((document["module_completions"] as? [[String: Any]])?.first?["result"] as? String == "passed")

            // The other participant's record is empty but complete: every section is there.
            let other = try CLI.run(["participant", "export", "KZ-B-0001"], database: database)
            let otherDocument = try #require(try other.json() as? [String: Any])
            #expect(Self.sections.allSatisfy { otherDocument[$0] != nil })
            #expect((otherDocument["sessions"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func anExportToAFileIsAuditedWithTheLoginAndTheCommand() throws {
        try Self.withSeeded { database in
            let admin = try database.connect()
            let login = TestDatabase.uniqueLogin("exp")
            defer { database.dropLogin(login, using: admin) }
            let grant = try CLI.run(["user", "grant", login, "--role", "coordinator", "--centre", "SEC-A"], database: database)
            #expect(grant.status == 0, "\(grant)")

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(login).json")
            defer { try? FileManager.default.removeItem(at: file) }
            let export = try CLI.run(["participant", "export", "KZ-A-0001", "--output", file.path], database: database,
                                     environment: ["PGUSER": login])
            #expect(export.status == 0, "\(export)")
            #expect(export.stdout.isEmpty)
            #expect(export.stderr.contains("exported participant KZ-A-0001 to \(file.path)"), "\(export)")
            let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            #expect(Self.sections.allSatisfy { written[$0] != nil })

            let rows = try admin.query(
                """
                SELECT login::text, application_name, table_name FROM audit.changes
                WHERE operation = 'export' AND participant_id = (SELECT id FROM homeward.participants WHERE case_number = 'KZ-A-0001')
                """)
            #expect(rows.count == 1)
            #expect(try rows.rows.first?.decode(0) as String? == login)
            #expect(try rows.rows.first?.decode(1) as String? == "homeward participant export")
            #expect(try rows.rows.first?.decode(2) as String? == "homeward.participants")

            // `homeward audit CASE` lists the export among the participant's history.
            let audit = try CLI.run(["audit", "KZ-A-0001", "--format", "json"], database: database)
            let entries = try JSONDecoder().decode([[String: String]].self, from: Data(audit.stdout.utf8))
            #expect(entries.contains { $0["operation"] == "export" && $0["login"] == login }, "\(audit)")

            // A coordinator cannot export another centre's participant, and nothing is recorded for it.
            let other = try CLI.run(["participant", "export", "KZ-B-0001"], database: database, environment: ["PGUSER": login])
            #expect(other.status == 65, "\(other)")
            #expect(other.stderr == "homeward: error: no participant with case number \"KZ-B-0001\"\n")
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes WHERE operation = 'export'").scalar(Int.self) == 1)
        }
    }

    @Test func exportingAnUnknownCaseFailsWithExit65() throws {
        try Self.withSeeded { database in
            let export = try CLI.run(["participant", "export", "KZ-NONE-1"], database: database)
            #expect(export.status == 65, "\(export)")
            #expect(export.stderr == "homeward: error: no participant with case number \"KZ-NONE-1\"\n")
        }
    }

    // MARK: --output writes only a regular file it creates itself

    /// A fresh folder for one test's files, removed afterwards.
    static func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    static func permissions(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func fileType(_ url: URL) throws -> FileAttributeType? {
        try FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType
    }

    static func exportsAudited(_ database: TestDatabase) throws -> Int {
        try database.connect().query("SELECT count(*)::int FROM audit.changes WHERE operation = 'export'").scalar(Int.self)
    }

    @Test func anExportFileIsCreatedReadableByItsOwnerOnly() throws {
        try Self.withSeeded { database in
            try Self.withFolder { folder in
                let file = folder.appendingPathComponent("record.json")
                let export = try CLI.run(["participant", "export", "KZ-A-0001", "--output", file.path], database: database)
                #expect(export.status == 0, "\(export)")
                #expect(try Self.permissions(file) == 0o600)
                #expect(try Self.fileType(file) == .typeRegular)
                #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) is [String: Any])
                // Nothing else is left in the folder (no temporary file).
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["record.json"])
            }
        }
    }

    @Test func anExistingFileIsRefusedWithoutForceAndKeptIntact() throws {
        try Self.withSeeded { database in
            try Self.withFolder { folder in
                let file = folder.appendingPathComponent("existing.json")
                try Data("keep me\n".utf8).write(to: file)
                let export = try CLI.run(["participant", "export", "KZ-A-0001", "--output", file.path], database: database)
                #expect(export.status == 73, "\(export)")
                #expect(export.stderr == "homeward: error: cannot write \(file.path): it already exists (use --force to replace a regular file)\n")
                #expect(try String(contentsOf: file, encoding: .utf8) == "keep me\n")
                // Refused before anything was read: no export is recorded.
                #expect(try Self.exportsAudited(database) == 0)
            }
        }
    }

    @Test func forceReplacesARegularFileWithANew0600File() throws {
        try Self.withSeeded { database in
            try Self.withFolder { folder in
                let file = folder.appendingPathComponent("old.json")
                try Data("old\n".utf8).write(to: file)
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
                let export = try CLI.run(["participant", "export", "KZ-A-0001", "--output", file.path, "--force"], database: database)
                #expect(export.status == 0, "\(export)")
                let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
                #expect(written["case_number"] as? String == "KZ-A-0001")
                #expect(try Self.permissions(file) == 0o600)
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["old.json"])
                #expect(try Self.exportsAudited(database) == 1)
            }
        }
    }

    @Test func aSymbolicLinkIsRefusedEvenWithForceAndItsTargetUntouched() throws {
        try Self.withSeeded { database in
            try Self.withFolder { folder in
                let target = folder.appendingPathComponent("target.txt")
                try Data("target\n".utf8).write(to: target)
                let link = folder.appendingPathComponent("link.json")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
                let dangling = folder.appendingPathComponent("dangling.json")
                try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: folder.appendingPathComponent("none").path)
                for (path, arguments) in [(link, ["--force"]), (link, []), (dangling, ["--force"]), (dangling, [])] {
                    let export = try CLI.run(["participant", "export", "KZ-A-0001", "--output", path.path] + arguments, database: database)
                    #expect(export.status == 73, "\(export)")
                    #expect(export.stderr.contains("cannot write \(path.path): it is a symbolic link"), "\(export)")
                }
                #expect(try String(contentsOf: target, encoding: .utf8) == "target\n")
                #expect(try Self.fileType(link) == .typeSymbolicLink)
                #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("none").path))
                #expect(try Self.exportsAudited(database) == 0)
            }
        }
    }

    @Test func aDirectoryADeviceAndAFIFOAreRefusedEvenWithForce() throws {
        try Self.withSeeded { database in
            try Self.withFolder { folder in
                let directory = folder.appendingPathComponent("folder.json")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
                let fifo = folder.appendingPathComponent("fifo.json")
                #expect(mkfifo(fifo.path, 0o644) == 0)
                // A null device of our own where we may create one (root); otherwise /dev/null itself, which a
                // non-root export could not replace anyway.
                let ownDevice = folder.appendingPathComponent("null.json")
                let device = mknod(ownDevice.path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 ? ownDevice : URL(fileURLWithPath: "/dev/null")
                for (path, kind) in [(directory, "a directory"), (fifo, "a FIFO"), (device, "a character device")] {
                    let export = try CLI.run(["participant", "export", "KZ-A-0001", "--output", path.path, "--force"], database: database)
                    #expect(export.status == 73, "\(export)")
                    #expect(export.stderr == "homeward: error: cannot write \(path.path): it is \(kind); exports are written only to regular files (not even with --force)\n")
                }
                #expect(try Self.fileType(directory) == .typeDirectory)
                #expect(try Self.fileType(device) == .typeCharacterSpecial)
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
                // A missing folder is refused up front too.
                let nowhere = folder.appendingPathComponent("missing/record.json")
                let missing = try CLI.run(["participant", "export", "KZ-A-0001", "--output", nowhere.path], database: database)
                #expect(missing.status == 73, "\(missing)")
                #expect(missing.stderr.contains("does not exist"), "\(missing)")
                #expect(try Self.exportsAudited(database) == 0)
            }
        }
    }
}
