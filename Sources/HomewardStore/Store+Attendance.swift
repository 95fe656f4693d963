import Homeward
import Postgres

extension Store {
    private static let attendanceColumns = "a.session_id, p.case_number, a.status, a.note, a.recorded_by, a.recorded_at"

    private static func attendance(_ row: Row) throws -> Attendance {
        Attendance(sessionID: try row.decode(0), caseNumber: try row.decode(1), status: try row.decode(2), note: try row.decode(3),
                   recordedBy: try row.decode(4), recordedAt: try row.decode(5))
    }

    /// Records (or corrects) whether a booked participant came to a session that has started.
    ///
    /// `recordedBy` defaults to the database login of whoever runs the command.
    public func recordAttendance(sessionID: Int, caseNumber: String, status: AttendanceStatus, note: String? = nil,
                                 recordedBy: String? = nil) throws {
        try transaction {
            _ = try fetchOne("SELECT 1 FROM homeward.sessions WHERE id = $1", [sessionID],
                             notFound: .notFound(what: "session", identifier: String(sessionID))) { try $0.decode(0, as: Int.self) }
            _ = try fetchOne("SELECT 1 FROM homeward.participants WHERE case_number = $1", [caseNumber],
                             notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
            do {
                try connection.execute(
                    """
                    INSERT INTO homeward.attendance (session_id, participant_id, status, note, recorded_by)
                    SELECT $1, p.id, $3, $4, coalesce($5, current_user) FROM homeward.participants p WHERE p.case_number = $2
                    ON CONFLICT (session_id, participant_id) DO UPDATE
                        SET status = EXCLUDED.status, note = EXCLUDED.note, recorded_by = EXCLUDED.recorded_by, recorded_at = homeward.now()
                    """, [sessionID, caseNumber, status, note, recordedBy])
            } catch let error as PostgresError {
                let detail = error.constraint == "attendance_participant_in_session_fk"
                    ? "participant \(caseNumber) is not booked into session \(sessionID)" : nil
                let translated = Self.ruleError(error)
                if let detail, case .rejected(let rule, let sentence, _) = translated {
                    throw StoreError.rejected(rule: rule, sentence: sentence, detail: detail)
                }
                throw translated
            }
        }
    }

    /// Attendance recorded for one session, by case number.
    public func attendance(sessionID: Int) throws -> [Attendance] {
        _ = try fetchOne("SELECT 1 FROM homeward.sessions WHERE id = $1", [sessionID],
                         notFound: .notFound(what: "session", identifier: String(sessionID))) { try $0.decode(0, as: Int.self) }
        return try fetch(
            """
            SELECT \(Self.attendanceColumns) FROM homeward.attendance a JOIN homeward.participants p ON p.id = a.participant_id
            WHERE a.session_id = $1 ORDER BY p.case_number
            """, [sessionID], Self.attendance)
    }

    /// Attendance recorded for one participant, oldest session first.
    public func attendance(caseNumber: String) throws -> [Attendance] {
        _ = try fetchOne("SELECT 1 FROM homeward.participants WHERE case_number = $1", [caseNumber],
                         notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
        return try fetch(
            """
            SELECT \(Self.attendanceColumns) FROM homeward.attendance a
            JOIN homeward.participants p ON p.id = a.participant_id JOIN homeward.sessions s ON s.id = a.session_id
            WHERE p.case_number = $1 ORDER BY s.starts_at, s.id
            """, [caseNumber], Self.attendance)
    }
}
