import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// The audit trail partitioned by month (0036): each row lands in its month, the nightly's login keeps months ahead and
/// nobody else may, a clock far ahead falls into the default partition, retention detaches whole months only, and no
/// partition can be changed, emptied or deleted from, by its owner either.
@Suite struct AuditPartitionTests {
    /// How many audit rows sit outside their own UTC month's partition (the default holds only months with none).
    private func misplaced(_ connection: Connection) throws -> Int {
        try connection.query(
            """
            SELECT count(*)::int FROM audit.changes c
            WHERE c.tableoid::regclass::text <> format('audit.changes_y%sm%s', to_char(c.at AT TIME ZONE 'UTC', 'YYYY'),
                                                        to_char(c.at AT TIME ZONE 'UTC', 'MM'))
              AND to_regclass(format('audit.changes_y%sm%s', to_char(c.at AT TIME ZONE 'UTC', 'YYYY'),
                                     to_char(c.at AT TIME ZONE 'UTC', 'MM'))) IS NOT NULL
            """).scalar(Int.self)
    }

    /// The months from this one on whose partition exists, of the next `months` + 1.
    private func monthsAhead(_ connection: Connection, _ months: Int) throws -> Int {
        try connection.query(
            """
            SELECT count(*)::int
            FROM generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'),
                                 date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => $1), interval '1 month') m
            WHERE to_regclass(format('audit.changes_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'))) IS NOT NULL
            """, [months]).scalar(Int.self)
    }

    private func expectRefused(_ sqlState: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected SQLSTATE \(sqlState), it was allowed", sourceLocation: sourceLocation)
        } catch let error as PostgresError {
            #expect(error.sqlState == sqlState, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func rowsLandInTheirMonthAndOnlyTheNightlysLoginAddsMonths() throws {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            try SecurityTests.seed(admin)
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes").scalar(Int.self) > 0)
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes_default").scalar(Int.self) == 0)
            #expect(try misplaced(admin) == 0)
            #expect(try monthsAhead(admin, 3) == 4, "this month and three ahead from the migration")

            try database.withLogin(.scheduler, prefix: "audit_sched", using: admin) { scheduler, _ in
                let store = Store(connection: scheduler)
                #expect(try store.ensureAuditPartitions() == 0, "already there: nothing new")
                let later = try scheduler.query("SELECT audit.ensure_month_partitions((now() + interval '6 months')::date)").scalar(Int.self)
                #expect(later == 3)
                #expect(try store.ensureAuditPartitions() == 0)
                // Calling it gives no view of the trail.
                expectRefused("42501") { _ = try scheduler.query("SELECT count(*) FROM audit.changes") }
                expectRefused("42501") { _ = try scheduler.query("SELECT audit.detach_months_before(current_date)") }
            }
            #expect(try monthsAhead(admin, 6) == 7)
            // A partition grants nothing to any group role: the trail is read and written through audit.changes.
            let granted = try admin.query(
                """
                SELECT count(*)::int FROM pg_inherits i
                CROSS JOIN unnest(ARRAY['homeward_admin', 'homeward_coordinator', 'homeward_scheduler', 'homeward_auditor',
                                        'homeward_oversight']) AS r(role)
                CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p(privilege)
                WHERE i.inhparent = 'audit.changes'::regclass AND has_table_privilege(r.role, i.inhrelid, p.privilege)
                """).scalar(Int.self)
            #expect(granted == 0)
            try database.withLogin(.coordinator, centres: ["SEC-A"], prefix: "audit_coord", using: admin) { coordinator, _ in
                expectRefused("42501") { _ = try coordinator.query("SELECT audit.ensure_month_partitions(current_date + 400)") }
                // A coordinator's writes are still audited, into this month's partition.
                try coordinator.execute(
                    """
                    INSERT INTO homeward.consents (participant_id, kind, given_by, given_on)
                    SELECT id, 'photo', 'participant', '2020-01-01' FROM homeward.participants WHERE case_number = 'KZ-A-0001'
                    """)
            }
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes WHERE table_name = 'homeward.consents'").scalar(Int.self) == 1)
            #expect(try misplaced(admin) == 0)
        }
    }

    @Test func aClockFarAheadWritesIntoTheDefaultAndThatMonthStaysThere() throws {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            // A row stamped in a month with no partition (a server clock set years ahead).
            try admin.execute(
                """
                INSERT INTO audit.changes (at, table_name, primary_key, operation, changed)
                VALUES ((date_trunc('month', now()) + interval '5 years 10 days'), 'homeward.test', '{"id": 1}', 'insert', '{}')
                """)
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes_default").scalar(Int.self) == 1)
            // Months up to and past it: every one is created but that one, whose row stays readable in the default.
            let created = try admin.query(
                "SELECT audit.ensure_month_partitions((date_trunc('month', now()) + interval '5 years 2 months')::date)").scalar(Int.self)
            #expect(created == 5 * 12 + 2 - 3 - 1, "months 4 to 62 ahead, less the one the default holds")
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes WHERE table_name = 'homeward.test'").scalar(Int.self) == 1)
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes_default").scalar(Int.self) == 1)
        }
    }

    @Test func noPartitionCanBeChangedAndRetentionDetachesWholeMonths() throws {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            try SecurityTests.seed(admin)
            let month = try admin.query(
                "SELECT format('audit.changes_y%sm%s', to_char(now() AT TIME ZONE 'UTC', 'YYYY'), to_char(now() AT TIME ZONE 'UTC', 'MM'))"
            ).scalar(String.self)
            // The superuser is refused too: the rules are triggers on the table and on each partition.
            expectRefused("42501") { try admin.execute("UPDATE audit.changes SET login = 'someone'") }
            expectRefused("42501") { try admin.execute("DELETE FROM \(month)") }
            expectRefused("42501") { try admin.execute("TRUNCATE \(month)") }
            expectRefused("42501") { try admin.execute("TRUNCATE audit.changes_default") }
            expectRefused("42501") { try admin.execute("TRUNCATE audit.changes") }
            // Rows written in an old month (an older trail carried over), then retention up to this month's start.
            try admin.runScript(
                """
                CREATE TABLE audit.changes_y2019m05 PARTITION OF audit.changes
                    FOR VALUES FROM ('2019-05-01 00:00+00') TO ('2019-06-01 00:00+00');
                INSERT INTO audit.changes (at, table_name, primary_key, operation, changed)
                VALUES ('2019-05-20 10:00+00', 'homeward.test', '{"id": 1}', 'insert', '{}');
                """)
            let total = try admin.query("SELECT count(*)::int FROM audit.changes").scalar(Int.self)
            let detached = try admin.query("SELECT audit.detach_months_before(date_trunc('month', now())::date)").rows.map {
                try $0.decode(0, as: String.self)
            }
            #expect(detached == ["audit.changes_y2019m05"], "only whole months before the day; this month stays")
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes").scalar(Int.self) == total - 1)
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes_y2019m05").scalar(Int.self) == 1, "kept, to export")
            #expect(try admin.query("SELECT count(*)::int FROM audit.changes WHERE tableoid = $1::regclass", [month]).scalar(Int.self) > 0)
            // An admin login may not detach: retention is the owner's.
            try database.withLogin(.admin, prefix: "audit_admin", using: admin) { adminLogin, _ in
                expectRefused("42501") { _ = try adminLogin.query("SELECT audit.detach_months_before(current_date)") }
                expectRefused("42501") { try adminLogin.execute("DELETE FROM audit.changes") }
            }
        }
    }
}
