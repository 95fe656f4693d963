import ArgumentParser
import Homeward
import HomewardStore

/// `homeward school …`: schools, children's school enrolments and their daily attendance.
struct SchoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "school",
        abstract: "Add schools, enrol children (transfers included) and record school attendance.",
        subcommands: [Add.self, List.self, Enrol.self, Enrolments.self, Attendance.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a school or kindergarten.",
            discussion: "Example:\n  homeward school add AKT-SCH-12 --name \"School-gymnasium No. 12\" --region Mangystau --address \"5th microdistrict, Aktau\"")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "School code, e.g. AKT-SCH-12.") var code: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Region (oblast).") var region: String
        @Option(help: "Street address.") var address: String?

        func run() throws {
            let school = try School.validated(code: code, name: name, region: region, address: address)
            try connection.store(for: Self.self).addSchool(school)
            Log.info("added school \(school.code)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List schools.",
            discussion: "Examples:\n  homeward school list\n  homeward school list --region Mangystau --format csv")
        @OptionGroup var read: ReadOptions
        @Option(help: "Only schools in this region.") var region: String?

        func run() throws { try read.list(for: Self.self) { try $0.schools(region: region) } }
    }

    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a child in a school; a current enrolment elsewhere is closed the day before (transferred).",
            discussion: """
                Examples:
                  homeward school enrol KZ-2019-0533 --school AKT-SCH-12 --grade 3 --shift morning --hours 08:00-13:00 --from 2026-09-01
                  homeward school enrol KZ-2019-0533 --school ATY-SCH-4 --grade 3 --shift afternoon --hours 13:30-18:00 --weekdays mon-sat --from 2027-01-11
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "School code.") var school: String
        @Option(help: "Grade, 0 (pre-school class) to 11.") var grade: Int
        @Option(help: "morning or afternoon.") var shift: SchoolEnrolment.Shift
        @Option(help: "School hours, e.g. 08:00-13:00.") var hours: String
        @Option(help: "School days: 1-5, mon-fri or 1,3,5 (1 = Monday).") var weekdays: String = "1-5"
        @Option(help: "First school day (YYYY-MM-DD).") var from: LocalDate

        func validate() throws {
            if !SchoolEnrolment.grades.contains(grade) { throw ValidationError("--grade must be between 0 (pre-school class) and 11") }
            do {
                _ = try SchoolEnrolment.parseHours(hours, field: "--hours")
                _ = try SchoolEnrolment.parseWeekdays(weekdays, field: "--weekdays")
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let caseNumber = try participant.code(field: "case number")
            let (start, end) = try SchoolEnrolment.parseHours(hours, field: "--hours")
            let schoolCode = try Rules.code(school, field: "--school")
            let schoolDays = try SchoolEnrolment.parseWeekdays(weekdays, field: "--weekdays")
            let result = try connection.store(for: Self.self).enrolInSchool(
                caseNumber: caseNumber, schoolCode: schoolCode, grade: grade, shift: shift, startsAt: start, endsAt: end,
                weekdays: schoolDays, from: from)
            if let old = result.transferredFrom {
                Log.info("closed \(caseNumber)'s enrolment at \(old.schoolCode) on \(old.enrolledTo.text ?? "?") (transferred)")
            }
            Log.info("enrolled \(caseNumber) at \(schoolCode), grade \(grade), from \(from) (school enrolment \(result.id))")
        }
    }

    struct Enrolments: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List school enrolments.",
            discussion: "Examples:\n  homeward school enrolments --school AKT-SCH-12\n  homeward school enrolments --case KZ-2019-0533")
        @OptionGroup var read: ReadOptions
        @Option(help: "Only enrolments at this school.") var school: Code?
        @Option(name: .customLong("case"), help: "Only this child.") var caseNumber: Code?

        func run() throws {
            try read.list(for: Self.self) { try $0.schoolEnrolments(schoolCode: school?.value, caseNumber: caseNumber?.value) }
        }
    }

    /// `homeward school attendance …`
    struct Attendance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attendance",
            abstract: "Record children's school attendance.",
            subcommands: [Record.self])

        struct Record: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record one school day of a child, against the enrolment that covers that day.",
                discussion: """
                    Example:
                      homeward school attendance record KZ-2019-0533 --day 2026-09-14 --status absent-excused --reported-by "A. Nurlanova"
                    """)
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var participant: CaseNumberArgument
            @Option(help: "School day (YYYY-MM-DD).") var day: LocalDate
            @Option(help: "present, absent-excused or absent-unexcused.") var status: SchoolAttendance.Status
            @Option(help: "Teacher or social worker who reported it.") var reportedBy: String

            func run() throws {
                let caseNumber = try participant.code(field: "case number")
                let reporter = try Rules.required(reportedBy, field: "--reported-by")
                let school = try connection.store(for: Self.self)
                    .recordSchoolAttendance(caseNumber: caseNumber, day: day, status: status, reportedBy: reporter)
                Log.info("recorded \(caseNumber) \(status.displayName) at \(school) on \(day)")
            }
        }
    }
}

extension School: TabularRecord {
    static let columns = ["code", "name", "region", "address"]
    var cells: [String?] { [code, name, region, address] }
}

extension SchoolEnrolment: TabularRecord {
    static let columns = ["id", "case_number", "school", "grade", "shift", "hours", "weekdays", "from", "to", "status"]
    var cells: [String?] {
        [String(id), caseNumber, schoolCode, String(grade), shift.displayName, "\(startsAt)-\(endsAt)",
         weekdays.map { WeeklyHours.weekdayNames[$0] }.joined(separator: ","), enrolledFrom.description, enrolledTo.text,
         status.displayName]
    }
}
