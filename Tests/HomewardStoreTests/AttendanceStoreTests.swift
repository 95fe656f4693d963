import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct AttendanceStoreTests {
    /// A world with one session that took place eleven days ago (two adults) and one a month from now.
    private func withSessions(_ body: (Store, _ past: Int, _ future: Int) throws -> Void) throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            func book(_ start: String) throws -> Int {
                try store.addSession(SessionBooking(
                    type: .groupCounselling, centreCode: "AKT-RC", roomCode: "HALL", start: LocalDateTime(start)!, minutes: 60,
                    staffCodes: ["ST-0001"], caseNumbers: ["KZ-2019-0417", "KZ-2019-0418"],
                    overrideReason: "fixture: booked after the fact, in a world without opening hours"))
            }
            try body(store, try book(TestClock.localTime(connection, days: -11)), try book(TestClock.localTime(connection, days: 30)))
        }
    }

    @Test func recordingTwiceCorrectsTheRecordAndDefaultsToTheLogin() throws {
        try withSessions { store, past, _ in
            try store.recordAttendance(sessionID: past, caseNumber: "KZ-2019-0417", status: .late, note: "bus")
            try store.recordAttendance(sessionID: past, caseNumber: "KZ-2019-0417", status: .attended, recordedBy: "ST-0001")
            try store.recordAttendance(sessionID: past, caseNumber: "KZ-2019-0418", status: .absentExcused)

            let records = try store.attendance(sessionID: past)
            #expect(records.map(\.caseNumber) == ["KZ-2019-0417", "KZ-2019-0418"])
            #expect(records[0].status == .attended && records[0].note == nil && records[0].recordedBy == "ST-0001")
            let login = try store.connection.query("SELECT current_user::text").scalar(String.self)
            #expect(records[1].recordedBy == login)
            #expect(try store.attendance(caseNumber: "KZ-2019-0418").map(\.status) == [.absentExcused])
            #expect(try store.session(id: past).participants.compactMap(\.attendance?.status) == [.attended, .absentExcused])
        }
    }

    @Test func aParticipantNotInTheSessionIsRejected() throws {
        try withSessions { store, past, _ in
            let error = #expect(throws: StoreError.self) {
                try store.recordAttendance(sessionID: past, caseNumber: "KZ-2019-0419", status: .attended)
            }
            guard case .rejected(let rule, _, let detail) = error else { Issue.record("expected a rejection, got \(String(describing: error))"); return }
            #expect(rule == "attendance_participant_in_session_fk")
            #expect(detail == "participant KZ-2019-0419 is not booked into session \(past)")
        }
    }

    @Test func aSessionStillToComeOrCancelledTakesNoAttendance() throws {
        try withSessions { store, past, future in
            let early = #expect(throws: StoreError.self) {
                try store.recordAttendance(sessionID: future, caseNumber: "KZ-2019-0417", status: .attended)
            }
            guard case .rejected(let rule, _, _) = early else { Issue.record("expected a rejection"); return }
            #expect(rule == "attendance_session_took_place")

            try store.cancelSession(id: past, reason: "centre closed", by: .centre)
            let cancelled = #expect(throws: StoreError.self) {
                try store.recordAttendance(sessionID: past, caseNumber: "KZ-2019-0417", status: .attended)
            }
            #expect(cancelled?.description.contains("attendance_session_took_place") == true)
        }
    }

    @Test func unknownSessionsAndCaseNumbersAreNamed() throws {
        try withSessions { store, past, _ in
            #expect(throws: StoreError.notFound(what: "session", identifier: "424242")) {
                try store.recordAttendance(sessionID: 424_242, caseNumber: "KZ-2019-0417", status: .attended)
            }
            #expect(throws: StoreError.notFound(what: "participant with case number", identifier: "KZ-0000-0001")) {
                try store.recordAttendance(sessionID: past, caseNumber: "KZ-0000-0001", status: .attended)
            }
        }
    }
}
