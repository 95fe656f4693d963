import Homeward
import Postgres

extension Importer {
    /// A participant in a session: the key of `attendance`.
    private struct Booking: Hashable {
        var sessionID: Int
        var caseNumber: String
    }

    /// Imports session attendance for participants booked into sessions that have started and were not cancelled or moved.
    func importAttendance(_ input: ImportRows, dryRun: Bool) throws -> Summary {
        var rows = input
        let checked = rows.checkEach { rows, record -> (line: Int, key: Booking, status: AttendanceStatus, note: String?, recordedBy: String)? in
            var sessionID: Int?
            if let text = rows.value(record, "session_id", required: true) {
                if let id = Int(text), id > 0 { sessionID = id } else { rows.problem(record.line, "session_id", "\"\(text)\" is not a session number") }
            }
            let caseNumber = rows.code(record, "case_number", required: true)
            let status = rows.word(record, "status", AttendanceStatus.self)
            let note = rows.value(record, "note", required: false)
            let recordedBy = rows.value(record, "recorded_by", required: true)
            guard let sessionID, let caseNumber, let status, let recordedBy else { return nil }
            return (record.line, Booking(sessionID: sessionID, caseNumber: caseNumber), status, note, recordedBy)
        }
        rows.reportDuplicates(checked.map { ($0.line, $0.key) }, field: "case_number") {
            "attendance of \($0.caseNumber) in session \($0.sessionID)"
        }

        // Sessions: one query for all of them.
        let sessions = try Dictionary(uniqueKeysWithValues: store.fetch(
            "SELECT id, status, starts_at <= homeward.now() FROM homeward.sessions WHERE id = ANY($1::bigint[])",
            [Array(Set(checked.map(\.key.sessionID)))],
            { (try $0.decode(0, as: Int.self), (status: try $0.decode(1, as: String.self), started: try $0.decode(2, as: Bool.self))) }))
        // Participants, bookings and earlier records: one query for every (session, participant) pair of the file.
        let keys = Array(Set(checked.map(\.key)))
        let pairs = try attendees(
            """
            SELECT u.session_id, u.case_number, p.id IS NOT NULL, sp.session_id IS NOT NULL, a.session_id IS NOT NULL
            FROM unnest($1::bigint[], $2::text[]) AS u(session_id, case_number)
            LEFT JOIN homeward.participants p ON p.case_number = u.case_number
            LEFT JOIN homeward.session_participants sp ON sp.session_id = u.session_id AND sp.participant_id = p.id
            LEFT JOIN homeward.attendance a ON a.session_id = u.session_id AND a.participant_id = p.id
            """, [keys.map(\.sessionID), keys.map(\.caseNumber)]
        ) { Booking(sessionID: try $0.decode(0), caseNumber: try $0.decode(1)) }
        for row in checked {
            let id = row.key.sessionID
            guard let session = sessions[id] else {
                rows.problem(row.line, "session_id", "no session with number \(id)")
                continue
            }
            if !["planned", "held"].contains(session.status) {
                rows.problem(row.line, "session_id", "session \(id) is \(session.status): attendance is only recorded for sessions that took place")
            } else if !session.started {
                rows.problem(row.line, "session_id", "session \(id) has not started yet")
            }
            guard let pair = pairs[row.key] else { continue }
            rows.report(
                row.line, caseNumber: row.key.caseNumber, pair,
                ineligible: ("case_number", "\(row.key.caseNumber) is not booked into session \(id)"),
                alreadyRecorded: ("case_number", "attendance of \(row.key.caseNumber) in session \(id) is already recorded"))
        }
        try rows.throwIfProblems()

        return try stageAndInsert(
            .attendance, file: rows.file, dryRun: dryRun, table: "import_attendance",
            columns: ["line int", "session_id bigint", "case_number text", "status text", "note text", "recorded_by text"],
            rows: checked.map { [$0.line, $0.key.sessionID, $0.key.caseNumber, $0.status, $0.note, $0.recordedBy] },
            insert: """
                INSERT INTO homeward.attendance (session_id, participant_id, status, note, recorded_by)
                SELECT i.session_id, p.id, i.status, i.note, i.recorded_by
                FROM import_attendance i JOIN homeward.participants p ON p.case_number = i.case_number
                ORDER BY i.line
                """,
            what: "attendance records")
    }
}
