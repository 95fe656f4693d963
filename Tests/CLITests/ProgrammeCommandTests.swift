import Foundation
import Postgres
import TestSupport
import Testing

/// Programme and course files for CLI tests.
enum ProgrammeFixture {
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
            modules:
              - code: M1
                title: Letters
                expected_weeks: 2
              - code: M2
                title: Words
                expected_weeks: 3
          - code: IT-INTRO
            name: Computers
            modules:
              - code: K1
                title: Keyboard
                expected_weeks: 1

        """

    /// A fresh folder holding `files` (name → YAML text); its path.
    static func folder(_ files: [String: String]) throws -> String { try TestFiles.folder(files, prefix: "hw-cli-programmes").path }

    /// Syncs the fixture programme and courses into `database` through the CLI.
    static func sync(_ database: TestDatabase) throws {
        let dir = try folder(["test-prog.yaml": programme, "prison-education-courses.yaml": courses])
        let outcome = try CLI.run(["programme", "sync", "--dir", dir], database: database)
        #expect(outcome.status == 0, "\(outcome)")
    }

}

@Suite struct ProgrammeCommandTests {
    @Test func syncOfTheShippedFolderLoadsEverythingAndASecondSyncChangesNothing() throws {
        try TestDatabase.withMigrated { database in
            // No --dir: the installation's Config/programmes is found.
            let first = try CLI.run(["programme", "sync"], database: database)
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout.hasPrefix("programmes: "), "\(first)")
            #expect(first.stdout.split(separator: "\n").count == 1)
            #expect(try database.connect().rows(in: "programmes") >= 5)

            let second = try CLI.run(["programme", "sync"], database: database)
            #expect(second.status == 0, "\(second)")
            for kind in ["programmes", "phases", "requirements", "courses", "modules"] {
                #expect(second.stdout.contains("\(kind): 0 added, 0 updated,"), "\(kind): \(second.stdout)")
            }

            let list = try CLI.run(["programme", "list", "--format", "csv"], database: database)
            #expect(list.status == 0)
            #expect(list.stdout.hasPrefix("code,name,audience,version,phases,requirements,days"))
        }
    }

    @Test func aBrokenTemplateIsRefusedWithExit65AndNothingIsWritten() throws {
        let broken = ProgrammeFixture.programme
            .replacingOccurrences(of: "code: TEST-PROG", with: "code: BROKEN")
            .replacingOccurrences(of: "code: SW-MEET", with: "code: PSY-GRP")
            .replacingOccurrences(of: "mode: individual\n        duration_minutes: 60\n        sessions_per_week: 0.25",
                                  with: "mode: group\n        group_min: 1\n        group_max: 8\n        duration_minutes: 60\n        sessions_per_week: 0.25")
        #expect(broken.contains("group_min: 1"))
        let dir = try ProgrammeFixture.folder(["good.yaml": ProgrammeFixture.programme, "men-broken.yaml": broken,
                                               "prison-education-courses.yaml": ProgrammeFixture.courses])
        try TestDatabase.withMigrated { database in
            let outcome = try CLI.run(["programme", "sync", "--dir", dir], database: database)
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("men-broken.yaml: BROKEN/COMMUNITY/PSY-GRP: group_min/group_max \"1/8\""), "\(outcome)")
            #expect(outcome.stderr.contains("nothing was synced"))
            #expect(try database.connect().rows(in: "programmes") == 0)
            #expect(try database.connect().rows(in: "courses") == 0)
        }
    }

    @Test func aDuplicateRequirementCodeIsNamed() throws {
        let twice = """
            code: DUP
            name: Duplicate requirement
            audience: children
            version: 1
            phases:
              - code: PLAY
                name: Play therapy
                duration_days: 28
                review_interval_days: 14
                requirements:
                  - code: PLAY-IND
                    session_type: paediatric_play_therapy
                    staff_role: paediatric_psychologist
                    mode: individual
                    duration_minutes: 45
                    sessions_per_week: 1
                    room_kind: play_room
                  - code: PLAY-IND
                    session_type: art_therapy
                    staff_role: psychologist
                    mode: individual
                    duration_minutes: 45
                    sessions_per_week: 1
                    room_kind: play_room

            """
        try TestDatabase.withMigrated { database in
            let outcome = try CLI.run(["programme", "sync", "--dir", try ProgrammeFixture.folder(["children-dup.yaml": twice])], database: database)
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("children-dup.yaml: DUP/PLAY/PLAY-IND: code \"PLAY-IND\" is used twice in the phase"), "\(outcome)")
            #expect(try database.connect().rows(in: "programmes") == 0)
        }
    }

    @Test func aRemovedPhaseInUseIsNamedWithExit65() throws {
        try TestDatabase.withMigrated { database in
            try ProgrammeFixture.sync(database)
            try database.fixtures().participant("KZ-PROG-1")
            let add = try CLI.run(["enrolment", "add", "KZ-PROG-1", "--programme", "TEST-PROG", "--start", "2026-01-05",
                                   "--phase", "COMMUNITY"], database: database)
            #expect(add.status == 0, "\(add)")
            let shorter = String(ProgrammeFixture.programme[..<ProgrammeFixture.programme.range(of: "  - code: COMMUNITY")!.lowerBound])
            let outcome = try CLI.run(["programme", "sync", "--dir", try ProgrammeFixture.folder(["test-prog.yaml": shorter])],
                                      database: database)
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("test-prog.yaml: TEST-PROG/COMMUNITY: phases \"COMMUNITY\" was removed from the file but 1 enrolment still uses it"),
                    "\(outcome)")
            #expect(try database.connect().rows(in: "programme_phases") == 2)
        }
    }

    @Test func listShowAndDryRun() throws {
        try TestDatabase.withMigrated { database in
            let dir = try ProgrammeFixture.folder(["test-prog.yaml": ProgrammeFixture.programme])
            let dry = try CLI.run(["programme", "sync", "--dir", dir, "--dry-run"], database: database)
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.hasPrefix("dry run, nothing written: programmes: 1 added"))
            #expect(try database.connect().rows(in: "programmes") == 0)

            try ProgrammeFixture.sync(database)
            let list = try CLI.run(["programme", "list"], database: database)
            #expect(list.status == 0)
            #expect(list.stdout.contains("TEST-PROG  Test programme  adult-women  1        2       2             104"), "\(list.stdout)")

            let show = try CLI.run(["programme", "show", "test-prog"], database: database)
            #expect(show.status == 0, "\(show)")
            #expect(show.stdout.contains("Phase 1: INTAKE, Intake: 14 days, review every 7 days"))
            #expect(show.stdout.contains("Phase 2: COMMUNITY, Community follow-up: 90 days"))
            #expect(show.stdout.contains("SW-MEET      social-work-meeting"), "\(show.stdout)")
            #expect(show.stdout.contains("0.25"))

            let json = try CLI.run(["programme", "show", "TEST-PROG", "--format", "json"], database: database)
            #expect(json.stdout.contains("\"duration_days\" : 14"), "\(json.stdout)")

            let missing = try CLI.run(["programme", "show", "NOPE"], database: database)
            #expect(missing.status == 65)
            #expect(missing.stderr.contains("no programme with code \"NOPE\""))
        }
    }

    @Test func everyNewCommandHasHelpWithAnExample() throws {
        let commands = [
            "programme sync", "programme list", "programme show",
            "enrolment add", "enrolment list", "enrolment show", "enrolment advance", "enrolment update",
            "school add", "school list", "school enrol", "school enrolments", "school attendance record",
            "course list", "course show", "course enrol", "course complete", "course progress",
        ]
        for command in commands {
            let help = try CLI.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0, "\(command): \(help)")
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
        }
    }
}
