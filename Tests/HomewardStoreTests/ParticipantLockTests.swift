import Foundation
import HomewardStore
import Postgres
import TestSupport
import Testing

/// The booking rules' participant locks (0037): a write seating many people holds at most 1,024 advisory locks (the
/// bug: one per person, and the nightly at 100,000 participants ran the server out of lock table), and writers of any
/// size still count a person's sessions one after the other.
@Suite struct ParticipantLockTests {
    /// Seats `people` participants (ids from `first`) into one session each, written past the triggers: only
    /// `session_participants` is read by the lock function, so no session or participant row is needed.
    private func seat(_ connection: Connection, people: Int, first: Int, sessionBase: Int) throws -> [Int] {
        try connection.runScript(
            """
            SET session_replication_role = replica;
            INSERT INTO homeward.session_participants (session_id, participant_id, during, occupies)
            SELECT \(sessionBase) + g, \(first) + g, tstzrange('2026-12-07 10:00+05', '2026-12-07 11:00+05'), true
            FROM generate_series(0, \(people - 1)) g;
            SET session_replication_role = origin;
            """)
        return (0..<people).map { sessionBase + $0 }
    }

    private func advisoryLocks(_ connection: Connection) throws -> (exclusive: Int, shared: Int) {
        let row = try connection.query(
            """
            SELECT count(*) FILTER (WHERE mode = 'ExclusiveLock')::int, count(*) FILTER (WHERE mode = 'ShareLock')::int
            FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
            """).rows[0]
        return (try row.decode(0), try row.decode(1))
    }

    @Test func aLargeWriteHoldsAtMostABucketLockEach() throws {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            let many = try seat(admin, people: 3000, first: 1, sessionBase: 100_000)
            try admin.transaction { transaction in
                try transaction.execute("SELECT homeward.lock_counted_rows($1::bigint[])", [many])
                let locks = try advisoryLocks(transaction)
                #expect(locks.exclusive == 1024 && locks.shared == 0, "3,000 people: every bucket once, \(locks)")
            }
            let few = try seat(admin, people: 40, first: 5001, sessionBase: 200_000)
            try admin.transaction { transaction in
                try transaction.execute("SELECT homeward.lock_counted_rows($1::bigint[])", [few])
                let locks = try advisoryLocks(transaction)
                #expect(locks.exclusive == 40 && locks.shared == 40, "40 people: each one, after their bucket shared, \(locks)")
            }
        }
    }

    @Test func writersOfAnySizeCountAPersonOneAfterTheOther() throws {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            let many = try seat(admin, people: 300, first: 1, sessionBase: 100_000)   // people 1-300: buckets 1-300
            let sameBucket = try seat(admin, people: 1, first: 1025, sessionBase: 200_000)  // person 1025: bucket 1
            let otherBucket = try seat(admin, people: 1, first: 2000, sessionBase: 300_000)  // person 2000: bucket 976
            let samePerson = try seat(admin, people: 1, first: 7000, sessionBase: 400_000)  // person 7000: bucket 856
            let neighbour = try seat(admin, people: 1, first: 8024, sessionBase: 500_000)  // person 8024: bucket 856
            let nightly = try database.connect()
            let coordinator = try database.connect()
            try coordinator.execute("SET lock_timeout = '200ms'")
            func counts(_ sessions: [Int]) throws -> Bool {
                do {
                    _ = try coordinator.transaction { try $0.execute("SELECT homeward.lock_counted_rows($1::bigint[])", [sessions]) }
                    return true
                } catch let error as PostgresError {
                    #expect(error.sqlState == "55P03", "\(error)")
                    return false
                }
            }
            try nightly.execute("BEGIN")
            try nightly.execute("SELECT homeward.lock_counted_rows($1::bigint[])", [many])
            #expect(try !counts(sameBucket), "a small write in a bucket the large one holds waits for it")
            #expect(try counts(otherBucket), "outside its buckets it goes on")
            try nightly.execute("COMMIT")
            #expect(try counts(sameBucket))

            // Two small writers: the same person waits, another person in the same bucket does not.
            try nightly.execute("BEGIN")
            try nightly.execute("SELECT homeward.lock_counted_rows($1::bigint[])", [samePerson])
            #expect(try !counts(samePerson), "the same person is counted one writer after the other")
            #expect(try counts(neighbour), "another person in the same bucket is not held up")
            try nightly.execute("ROLLBACK")
        }
    }
}
