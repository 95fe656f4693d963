import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct EnrolmentCommandTests {
    @Test func enrolAdvanceThroughThePhasesAndComplete() throws {
        try TestDatabase.withMigrated { database in
            try ProgrammeFixture.sync(database)
            try database.fixtures().participant("KZ-CLI-1")

            let add = try CLI.run(["enrolment", "add", "kz-cli-1", "--programme", "test-prog", "--start", "2026-01-05"], database: database)
            #expect(add.status == 0, "\(add)")
            let id = add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Int(id) != nil, "\(add)")
            #expect(add.stderr.contains("phase INTAKE, planned end 2026-04-19"), "\(add)")

            let advance = try CLI.run(["enrolment", "advance", id, "--on", "2026-01-19"], database: database)
            #expect(advance.status == 0, "\(advance)")
            #expect(advance.stderr.contains("moved to phase 2, COMMUNITY"))

            let show = try CLI.run(["enrolment", "show", id], database: database)
            #expect(show.stdout.contains("COMMUNITY (2 of 2), since 2026-01-19"), "\(show.stdout)")

            let complete = try CLI.run(["enrolment", "advance", id, "--on", "2026-04-20"], database: database)
            #expect(complete.status == 0, "\(complete)")
            #expect(complete.stderr.contains("completed its last phase and ended on 2026-04-20"))

            let again = try CLI.run(["enrolment", "advance", id], database: database)
            #expect(again.status == 65, "\(again)")
            #expect(again.stderr.contains("enrolment \(id): status \"completed\" is not active; only an active enrolment can move to its next phase"),
                    "\(again)")

            let list = try CLI.run(["enrolment", "list", "--programme", "TEST-PROG", "--status", "completed", "--format", "csv"], database: database)
            #expect(list.status == 0)
            #expect(list.stdout.contains("\(id),KZ-CLI-1,TEST-PROG,COMMUNITY (2/2),completed,2026-01-05,2026-01-19,2026-04-19,2026-04-20,"),
                    "\(list.stdout)")
        }
    }

    @Test func pauseRefusesToAdvanceAndASecondOpenEnrolmentIsRefused() throws {
        try TestDatabase.withMigrated { database in
            try ProgrammeFixture.sync(database)
            try database.fixtures().participant("KZ-CLI-2")
            let id = try CLI.run(["enrolment", "add", "KZ-CLI-2", "--programme", "TEST-PROG", "--start", "2026-01-05"], database: database)
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)

            let twice = try CLI.run(["enrolment", "add", "KZ-CLI-2", "--programme", "TEST-PROG", "--start", "2026-02-05"], database: database)
            #expect(twice.status == 65)
            #expect(twice.stderr.contains("[enrolments_one_open_per_programme]"), "\(twice)")

            #expect(try CLI.run(["enrolment", "update", id, "--status", "paused"], database: database).status == 0)
            let advance = try CLI.run(["enrolment", "advance", id], database: database)
            #expect(advance.status == 65)
            #expect(advance.stderr.contains("status \"paused\" is not active"), "\(advance)")

            let completed = try CLI.run(["enrolment", "update", id, "--status", "completed"], database: database)
            #expect(completed.status == 64)
            #expect(completed.stderr.contains("enrolment advance"))

            let withdraw = try CLI.run(["enrolment", "update", id, "--status", "withdrawn", "--on", "2026-02-01"], database: database)
            #expect(withdraw.status == 0, "\(withdraw)")
            let list = try CLI.run(["enrolment", "list", "--status", "withdrawn", "--format", "json"], database: database)
            #expect(list.stdout.contains("\"ended_on\" : \"2026-02-01\""), "\(list.stdout)")

            let unknown = try CLI.run(["enrolment", "add", "KZ-NOBODY", "--programme", "TEST-PROG", "--start", "2026-01-05"], database: database)
            #expect(unknown.status == 65)
            #expect(unknown.stderr.contains("no participant with case number \"KZ-NOBODY\""))
        }
    }

    @Test func aChildWhoMovesSchoolAndAttendanceOutsideAnyEnrolment() throws {
        try TestDatabase.withMigrated { database in
            try database.fixtures().participant("KZ-CHILD-9", born: "2016-03-01", sex: "male")
            #expect(try CLI.run(["school", "add", "AKT-SCH-12", "--name", "School 12", "--region", "Mangystau"], database: database).status == 0)
            #expect(try CLI.run(["school", "add", "ATY-SCH-4", "--name", "School 4", "--region", "Atyrau"], database: database).status == 0)
            let duplicate = try CLI.run(["school", "add", "ATY-SCH-4", "--name", "School 4", "--region", "Atyrau"], database: database)
            #expect(duplicate.status == 65)
            #expect(duplicate.stderr.contains("[schools_code_key]"))

            let first = try CLI.run(["school", "enrol", "KZ-CHILD-9", "--school", "AKT-SCH-12", "--grade", "3", "--shift", "morning",
                                     "--hours", "08:00-13:00", "--from", "2026-09-01"], database: database)
            #expect(first.status == 0, "\(first)")
            let moved = try CLI.run(["school", "enrol", "KZ-CHILD-9", "--school", "ATY-SCH-4", "--grade", "3", "--shift", "afternoon",
                                     "--hours", "13:30-18:00", "--weekdays", "mon-sat", "--from", "2027-01-11"], database: database)
            #expect(moved.status == 0, "\(moved)")
            #expect(moved.stderr.contains("closed KZ-CHILD-9's enrolment at AKT-SCH-12 on 2027-01-10 (transferred)"))

            let list = try CLI.run(["school", "enrolments", "--case", "KZ-CHILD-9", "--format", "csv"], database: database)
            let rows = list.stdout.split(separator: "\r\n").dropFirst()
            #expect(rows.count == 2)
            #expect(rows.first?.contains("AKT-SCH-12,3,morning,08:00-13:00,\"Mon,Tue,Wed,Thu,Fri\",2026-09-01,2027-01-10,transferred") == true, "\(list.stdout)")

            let outside = try CLI.run(["school", "attendance", "record", "KZ-CHILD-9", "--day", "2026-08-31", "--status", "present",
                                       "--reported-by", "A. Nurlanova"], database: database)
            #expect(outside.status == 65)
            #expect(outside.stderr.contains("KZ-CHILD-9: day \"2026-08-31\" is not inside any school enrolment of the child KZ-CHILD-9"), "\(outside)")

            let ok = try CLI.run(["school", "attendance", "record", "KZ-CHILD-9", "--day", "2027-01-12", "--status", "absent-excused",
                                  "--reported-by", "A. Nurlanova"], database: database)
            #expect(ok.status == 0, "\(ok)")
            #expect(ok.stderr.contains("at ATY-SCH-4"))
            let twice = try CLI.run(["school", "attendance", "record", "KZ-CHILD-9", "--day", "2027-01-12", "--status", "present",
                                     "--reported-by", "A. Nurlanova"], database: database)
            #expect(twice.status == 65)
            #expect(twice.stderr.contains("[school_attendance_one_per_day]"))

            let badGrade = try CLI.run(["school", "enrol", "KZ-CHILD-9", "--school", "ATY-SCH-4", "--grade", "12", "--shift", "morning",
                                        "--hours", "08:00-13:00", "--from", "2027-09-01"], database: database)
            #expect(badGrade.status == 64)
            #expect(badGrade.stderr.contains("--grade must be between 0"))
        }
    }

    @Test func courseEnrolResultsAndProgress() throws {
        try TestDatabase.withMigrated { database in
            try ProgrammeFixture.sync(database)
            try database.fixtures().participant("KZ-PRIS-9", sex: "male")
            let enrol = try CLI.run(["course", "enrol", "KZ-PRIS-9", "--course", "LIT-BASIC", "--start", "2026-02-02"], database: database)
            #expect(enrol.status == 0, "\(enrol)")
            let twice = try CLI.run(["course", "enrol", "KZ-PRIS-9", "--course", "LIT-BASIC", "--start", "2026-03-02"], database: database)
            #expect(twice.status == 65)
            #expect(twice.stderr.contains("[course_enrolments_one_active]"))

            let other = try CLI.run(["course", "complete", "KZ-PRIS-9", "--course", "LIT-BASIC", "--module", "K1", "--on", "2026-02-16",
                                     "--result", "passed"], database: database)
            #expect(other.status == 65)
            #expect(other.stderr.contains("no module of course LIT-BASIC with code \"K1\""), "\(other)")

            let passed = try CLI.run(["course", "complete", "KZ-PRIS-9", "--course", "LIT-BASIC", "--module", "M1", "--on", "2026-02-16",
                                      "--result", "passed", "--score", "78"], database: database)
            #expect(passed.status == 0, "\(passed)")
            let again = try CLI.run(["course", "complete", "KZ-PRIS-9", "--course", "LIT-BASIC", "--module", "M1", "--on", "2026-02-20",
                                     "--result", "passed"], database: database)
            #expect(again.status == 65)
            #expect(again.stderr.contains("[module_completions_passed_once]"))

            let progress = try CLI.run(["course", "progress", "KZ-PRIS-9", "--on", "2026-03-09", "--format", "csv"], database: database)
            #expect(progress.status == 0, "\(progress)")
            #expect(progress.stdout.contains("LIT-BASIC,Basic literacy,2026-02-02,active,2,1,2,1"), "\(progress.stdout)")

            let show = try CLI.run(["course", "show", "LIT-BASIC"], database: database)
            #expect(show.stdout.contains("Length:            5 weeks in 2 modules"), "\(show.stdout)")
        }
    }
}
