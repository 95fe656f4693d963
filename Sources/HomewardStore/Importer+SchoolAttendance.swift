import Homeward
import Postgres

extension Importer {
    /// A child and a school day: the key of `school_attendance` (one row per child per day).
    private struct ChildDay: Hashable {
        var caseNumber: String
        var day: LocalDate
    }

    /// Imports daily school attendance, each row filed under the child's school enrolment current on `day`.
    func importSchoolAttendance(_ input: ImportRows, dryRun: Bool) throws -> Summary {
        var rows = input
        let latestDay = try store.today().adding(days: 1)  // the planning day; allow a day for centres in other zones
        let checked = rows.checkEach { rows, record -> (line: Int, key: ChildDay, status: SchoolAttendance.Status, reportedBy: String)? in
            let caseNumber = rows.code(record, "case_number", required: true)
            let day = rows.date(record, "day", required: true)
            let status = rows.word(record, "status", SchoolAttendance.Status.self)
            let reportedBy = rows.value(record, "reported_by", required: true)
            if let day, day > latestDay { rows.problem(record.line, "day", "\"\(day)\" is in the future") }
            guard let caseNumber, let day, let status, let reportedBy else { return nil }
            return (record.line, ChildDay(caseNumber: caseNumber, day: day), status, reportedBy)
        }
        rows.reportDuplicates(checked.map { ($0.line, $0.key) }, field: "day") { "attendance of \($0.caseNumber) on \($0.day)" }

        // One query resolves every (child, day) of the file: known child? enrolled that day? already recorded?
        let keys = Array(Set(checked.map(\.key)))
        let found = try attendees(
            """
            SELECT u.case_number, u.day::text, p.id IS NOT NULL, e.id IS NOT NULL,
                   EXISTS (SELECT 1 FROM homeward.school_attendance a WHERE a.participant_id = p.id AND a.day = u.day)
            FROM unnest($1::text[], $2::date[]) AS u(case_number, day)
            LEFT JOIN homeward.participants p ON p.case_number = u.case_number
            LEFT JOIN LATERAL (
                SELECT e.id FROM homeward.school_enrolments e
                WHERE e.participant_id = p.id AND u.day >= e.enrolled_from AND (e.enrolled_to IS NULL OR u.day <= e.enrolled_to)
                LIMIT 1) e ON true
            """, [keys.map(\.caseNumber), keys.map(\.day)]
        ) { ChildDay(caseNumber: try $0.decode(0), day: try $0.decode(1)) }
        for row in checked {
            guard let state = found[row.key] else { continue }
            rows.report(
                row.line, caseNumber: row.key.caseNumber, state,
                ineligible: ("day", "\"\(row.key.day)\": \(row.key.caseNumber) has no school enrolment on that day"),
                alreadyRecorded: ("day", "\"\(row.key.day)\": school attendance of \(row.key.caseNumber) is already recorded for that day"))
        }
        try rows.throwIfProblems()

        return try stageAndInsert(
            .schoolAttendance, file: rows.file, dryRun: dryRun, table: "import_school_attendance",
            columns: ["line int", "case_number text", "day date", "status text", "reported_by text"],
            rows: checked.map { [$0.line, $0.key.caseNumber, $0.key.day, $0.status.rawValue, $0.reportedBy] },
            insert: """
                INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by)
                SELECT p.id, e.id, i.day, i.status, i.reported_by
                FROM import_school_attendance i
                JOIN homeward.participants p ON p.case_number = i.case_number
                JOIN LATERAL (
                    SELECT e.id FROM homeward.school_enrolments e
                    WHERE e.participant_id = p.id AND i.day >= e.enrolled_from AND (e.enrolled_to IS NULL OR i.day <= e.enrolled_to)
                    LIMIT 1) e ON true
                ORDER BY i.line
                """,
            what: "school attendance days")
    }
}
