import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct CourseStoreTests {

    @Test func aModuleOfAnotherCourseIsRejected() throws {
        try SyncFixture.withSynced { store, connection in
            try SQLFixtures(connection).participant("KZ-PRIS-1", sex: "male")
            _ = try store.enrolInCourse(caseNumber: "KZ-PRIS-1", courseCode: "IT-INTRO", start: day("2026-02-02"))
            // LIT-BASIC has M2; IT-INTRO does not.
            let error = #expect(throws: StoreError.self) {
                try store.completeModule(caseNumber: "KZ-PRIS-1", courseCode: "IT-INTRO", moduleCode: "M2", on: day("2026-02-20"),
                                         result: .passed, score: nil)
            }
            #expect(error?.description.contains("no module of course IT-INTRO with code \"M2\"") == true)

            // Any writer naming another course's module is stopped by the database.
            let direct = #expect(throws: PostgresError.self) {
                try connection.execute(
                    """
                    INSERT INTO homeward.module_completions (course_enrolment_id, module_id, completed_on, result)
                    SELECT e.id, m.id, '2026-02-20', 'passed'
                    FROM homeward.course_enrolments e, homeward.course_modules m JOIN homeward.courses c ON c.id = m.course_id
                    WHERE c.code = 'LIT-BASIC' AND m.code = 'M2'
                    """)
            }
            let translated = StoreError(try #require(direct))
            #expect(SyncFixture.isRejected(translated, by: "module_completions_module_in_course_fk"), "\(translated)")
        }
    }

    @Test func progressCountsPassedModulesAgainstThePace() throws {
        try SyncFixture.withSynced { store, connection in
            try SQLFixtures(connection).participant("KZ-PRIS-2", sex: "male")
            _ = try store.enrolInCourse(caseNumber: "KZ-PRIS-2", courseCode: "LIT-BASIC", start: day("2026-02-02"))
            // Pace: M1 by week 2, M2 by week 5, M3 by week 9.
            var progress = try #require(try store.courseProgress(caseNumber: "KZ-PRIS-2", on: day("2026-02-15")).first)
            #expect(progress.expected == 0 && progress.passed == 0)
            progress = try #require(try store.courseProgress(caseNumber: "KZ-PRIS-2", on: day("2026-02-16")).first)
            #expect(progress.expected == 1 && progress.behind == 1)

            try store.completeModule(caseNumber: "KZ-PRIS-2", courseCode: "LIT-BASIC", moduleCode: "M1", on: day("2026-02-13"),
                                     result: .failed, score: 41)
            try store.completeModule(caseNumber: "KZ-PRIS-2", courseCode: "LIT-BASIC", moduleCode: "M1", on: day("2026-02-27"),
                                     result: .passed, score: 72.5)
            progress = try #require(try store.courseProgress(caseNumber: "KZ-PRIS-2", on: day("2026-03-09")).first)
            #expect(progress.modules == 3 && progress.passed == 1 && progress.expected == 2 && progress.behind == 1)

            let twice = #expect(throws: StoreError.self) {
                try store.completeModule(caseNumber: "KZ-PRIS-2", courseCode: "LIT-BASIC", moduleCode: "M1", on: day("2026-03-02"),
                                         result: .passed, score: nil)
            }
            #expect(SyncFixture.isRejected(twice, by: "module_completions_passed_once"), "\(String(describing: twice))")

            #expect(try store.completeModule(caseNumber: "KZ-PRIS-2", courseCode: "LIT-BASIC", moduleCode: "M2", on: day("2026-03-09"),
                                             result: .passed, score: nil) == false)
            #expect(try store.completeModule(caseNumber: "KZ-PRIS-2", courseCode: "LIT-BASIC", moduleCode: "M3", on: day("2026-04-01"),
                                             result: .passed, score: nil) == true)
            progress = try #require(try store.courseProgress(caseNumber: "KZ-PRIS-2", on: day("2026-04-01")).first)
            #expect(progress.status == .completed && progress.passed == 3 && progress.behind == 0)
            #expect(throws: StoreError.self) {
                try store.completeModule(caseNumber: "KZ-PRIS-2", courseCode: "LIT-BASIC", moduleCode: "M3", on: day("2026-04-02"),
                                         result: .passed, score: nil)
            }
        }
    }

    @Test func enrolmentsAreOneActivePerCourseAndResultsNeedAnEnrolment() throws {
        try SyncFixture.withSynced { store, connection in
            try SQLFixtures(connection).participant("KZ-PRIS-3", sex: "male")
            let missing = #expect(throws: StoreError.self) {
                try store.completeModule(caseNumber: "KZ-PRIS-3", courseCode: "LIT-BASIC", moduleCode: "M1", on: day("2026-02-20"),
                                         result: .passed, score: nil)
            }
            #expect(missing?.description.contains("active enrolment in course LIT-BASIC") == true)
            _ = try store.enrolInCourse(caseNumber: "KZ-PRIS-3", courseCode: "LIT-BASIC", start: day("2026-02-02"))
            let twice = #expect(throws: StoreError.self) {
                try store.enrolInCourse(caseNumber: "KZ-PRIS-3", courseCode: "LIT-BASIC", start: day("2026-03-02"))
            }
            #expect(SyncFixture.isRejected(twice, by: "course_enrolments_one_active"), "\(String(describing: twice))")
            #expect(throws: StoreError.notFound(what: "course with code", identifier: "NOPE")) {
                try store.enrolInCourse(caseNumber: "KZ-PRIS-3", courseCode: "NOPE", start: day("2026-03-02"))
            }
            #expect(try store.courses().first { $0.code == "LIT-BASIC" }?.activeEnrolments == 1)
        }
    }

    /// Modules due is one SQL rule (homeward.course_progress_on): a module is due when the cumulative expected weeks of
    /// the modules up to it have elapsed; a pass counts from the day it was recorded, not before.
    @Test func modulesDueFollowCumulativeWeeks() throws {
        try SyncFixture.withSynced { store, connection in
            try SQLFixtures(connection).participant("KZ-PRIS-4", sex: "male")
            _ = try store.enrolInCourse(caseNumber: "KZ-PRIS-4", courseCode: "LIT-BASIC", start: day("2026-02-02"))
            try store.completeModule(caseNumber: "KZ-PRIS-4", courseCode: "LIT-BASIC", moduleCode: "M1", on: day("2026-02-20"),
                                     result: .passed, score: nil)
            // LIT-BASIC: M1 takes 2 weeks, M2 3, M3 4.
            for (days, expected, passed) in [(0, 0, 0), (13, 0, 0), (14, 1, 0), (34, 1, 1), (35, 2, 1), (400, 3, 1)] {
                let on = day("2026-02-02").adding(days: days)
                let row = try connection.query(
                    """
                    SELECT cp.expected, cp.passed, cp.overdue_since FROM homeward.course_enrolments e
                    CROSS JOIN LATERAL homeward.course_progress_on(e.id, $1::date) cp
                    JOIN homeward.participants p ON p.id = e.participant_id WHERE p.case_number = 'KZ-PRIS-4'
                    """, [on]).rows[0]
                #expect(try row.decode(0, as: Int.self) == expected && row.decode(1, as: Int.self) == passed, "day \(days)")
                let progress = try #require(try store.courseProgress(caseNumber: "KZ-PRIS-4", on: on).first)
                #expect(progress.expected == expected && progress.passed == passed, "the store reads the same rule on day \(days)")
                let overdue: LocalDate? = try row.decode(2)
                #expect(overdue == (days == 14 ? day("2026-02-16") : days >= 35 ? day("2026-03-09") : nil), "day \(days)")
            }
        }
    }
}
