import Dispatch
import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// Rules that count lock what they count (0019): writers booking at the same moment from several connections cannot
/// together overfill what each alone keeps.
@Suite struct ConcurrentBookingTests {
    /// Six connections each seat a different woman in one group session in a room for three, all at once and each
    /// holding its transaction open a moment: exactly three seats are taken, the other three are refused by capacity.
    @Test func parallelSeatsNeverOverfillARoom() throws {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            let world = SQLFixtures(admin)
            try world.centre("CON-RC")
            try world.room("CON-RC", "SMALL", kind: "group_hall", capacity: 3)
            try world.staff("ST-0900", centres: ["CON-RC"])
            let women = (1...6).map { "KZ-CON-\(String(format: "%04d", $0))" }
            for caseNumber in women { try world.participant(caseNumber) }
            let session = try admin.query(
                """
                INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
                SELECT 'group_counselling', 'group', r.centre_id, r.id, homeward.now() + interval '10 days',
                       homeward.now() + interval '10 days 1 hour', 'fixture: seats are what this test is about'
                FROM homeward.rooms r WHERE r.code = 'SMALL'
                RETURNING id
                """).scalar(Int.self)
            try admin.execute(
                "INSERT INTO homeward.session_staff (session_id, staff_id) SELECT $1, id FROM homeward.staff WHERE code = 'ST-0900'",
                [session])

            let outcomes = Mutex<[String: String]>([:])
            DispatchQueue.concurrentPerform(iterations: women.count) { index in
                let caseNumber = women[index]
                let result: String
                do {
                    let connection = try database.connect()
                    try connection.execute("BEGIN")
                    try connection.execute(
                        """
                        INSERT INTO homeward.session_participants (session_id, participant_id)
                        SELECT $1, id FROM homeward.participants WHERE case_number = $2
                        """, [session, caseNumber])
                    // Hold the transaction open: without the lock, every writer would have counted only its own seat.
                    try connection.execute("SELECT pg_sleep(0.3)")
                    try connection.execute("COMMIT")
                    result = "seated"
                } catch let error as PostgresError {
                    result = error.constraint ?? error.message
                } catch {
                    result = "\(error)"
                }
                outcomes.withLock { $0[caseNumber] = result }
            }
            let results = outcomes.withLock { $0 }
            #expect(results.values.filter { $0 == "seated" }.count == 3, "\(results)")
            #expect(results.values.filter { $0 == "sessions_room_capacity" }.count == 3, "\(results)")
            #expect(try admin.query("SELECT count(*)::int FROM homeward.session_participants WHERE session_id = $1", [session])
                .scalar(Int.self) == 3)
        }
    }
}
