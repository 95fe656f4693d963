import ArgumentParser
import Homeward
import HomewardStore

/// `homeward course …`: prison education courses, enrolments, module results and progress.
struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "Prison education: list and show courses, enrol prisoners, record module results, show progress.",
        subcommands: [List.self, Show.self, Enrol.self, Complete.self, Progress.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List courses (loaded by `homeward programme sync`).",
            discussion: "Examples:\n  homeward course list\n  homeward course list --format json")
        @OptionGroup var read: ReadOptions

        func run() throws { try read.list(for: Self.self) { try $0.courses() } }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a course with its modules in teaching order.",
            discussion: "Example:\n  homeward course show LIT-BASIC")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Course code.") var code: Code

        func run() throws {
            try read.show(for: Self.self, { try $0.course(code: code.value) }) { detail in
                let course = detail.course
                Printer.fields([
                    ("Code", course.code), ("Name", course.name), ("Description", detail.description),
                    ("Prison", course.centreCode ?? "every prison"), ("Length", "\(course.totalWeeks) weeks in \(course.modules) modules"),
                    ("Active enrolments", String(course.activeEnrolments)),
                ])
                Printer.heading("Modules")
                Printer.table(["#", "module", "title", "weeks", "due_by_week"], detail.modules.map {
                    [String($0.ordinal), $0.code, $0.title, String($0.expectedWeeks), String($0.dueByWeek)]
                })
            }
        }
    }

    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a prisoner in a course.",
            discussion: "Example:\n  homeward course enrol KZ-2019-0101 --course LIT-BASIC --start 2026-02-02")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "Course code.") var course: String
        @Option(help: "First day (YYYY-MM-DD).") var start: LocalDate

        func run() throws {
            let caseNumber = try participant.code(field: "case number")
            let course = try Rules.code(course, field: "--course")
            let id = try connection.store(for: Self.self)
                .enrolInCourse(caseNumber: caseNumber, courseCode: course, start: start)
            Log.info("enrolled \(caseNumber) in course \(course) from \(start) (course enrolment \(id))")
        }
    }

    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the result of a module for a prisoner's active enrolment in a course.",
            discussion: """
                Passing the last module not yet passed completes the course enrolment.

                Example:
                  homeward course complete KZ-2019-0101 --course LIT-BASIC --module M1 --on 2026-03-02 --result passed --score 78
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "Course code.") var course: String
        @Option(help: "Module code.") var module: String
        @Option(help: "Day of the result (YYYY-MM-DD).") var on: LocalDate
        @Option(help: "passed, failed or incomplete.") var result: ModuleCompletion.Result
        @Option(help: "Score out of 100, when graded.") var score: Double?

        func validate() throws {
            if let score, !ModuleCompletion.scores.contains(score) { throw ValidationError("--score must be between 0 and 100") }
        }

        func run() throws {
            let caseNumber = try participant.code(field: "case number")
            let course = try Rules.code(course, field: "--course")
            let module = try Rules.code(module, field: "--module")
            let completed = try connection.store(for: Self.self).completeModule(
                caseNumber: caseNumber, courseCode: course, moduleCode: module, on: on, result: result, score: score)
            Log.info("recorded \(caseNumber) \(result.displayName) \(course)/\(module) on \(on)")
            if completed { Log.info("\(caseNumber) has passed every module: course \(course) completed") }
        }
    }

    struct Progress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a prisoner's courses: modules passed against those expected by now at the course's pace.",
            discussion: "Examples:\n  homeward course progress KZ-2019-0101\n  homeward course progress KZ-2019-0101 --on 2026-06-01 --format json")
        @OptionGroup var read: ReadOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "Day to measure on (default: today).") var on: LocalDate?

        func run() throws {
            let caseNumber = try participant.code()
            try read.list(for: Self.self) { store in try store.courseProgress(caseNumber: caseNumber, on: on ?? store.today()) }
        }
    }
}

extension CourseSummary: TabularRecord {
    static let columns = ["code", "name", "prison", "modules", "weeks", "active_enrolments"]
    var cells: [String?] { [code, name, centreCode ?? "every prison", String(modules), String(totalWeeks), String(activeEnrolments)] }
}

extension CourseProgress: TabularRecord {
    static let columns = ["course", "name", "started", "status", "modules", "passed", "expected", "behind"]
    var cells: [String?] {
        [courseCode, courseName, startedOn.description, status.displayName, String(modules), String(passed), String(expected), String(behind)]
    }
}
