import Foundation
import Postgres
import TestSupport
import Testing

/// What the wrapper must not hide: server warnings, failed ROLLBACKs, values that cannot be encoded, and which
/// statement an error came from.
@Suite struct DiagnosticsTests {
    /// Collects what a connection's notice handler receives.
    final class Notices {
        var received: [PostgresNotice] = []
    }

    struct Abort: Error {}

    /// A `Codable` value whose encoding always fails.
    struct Unencodable: Codable {
        struct Refused: Error {}
        init() {}
        init(from decoder: any Decoder) throws { self.init() }
        func encode(to encoder: any Encoder) throws { throw Refused() }
    }

    @Test func warningsReachTheHandlerButNoticesDoNot() throws {
        try TestDatabase.withConnection { connection in
            let notices = Notices()
            connection.noticeHandler = { notices.received.append($0) }
            #expect(connection.minimumNoticeSeverity == .warning)

            try connection.execute("DO $$ BEGIN RAISE WARNING 'x'; END $$")
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'quiet'; END $$")
            try connection.execute("CREATE TABLE IF NOT EXISTS pg_temp.t (n int)")
            try connection.execute("CREATE TABLE IF NOT EXISTS pg_temp.t (n int)")  // NOTICE: already exists, skipping
            try connection.runScript("DO $$ BEGIN RAISE WARNING 'from a script' USING HINT = 'h'; END $$;")

            #expect(notices.received.map(\.message) == ["x", "from a script"])
            let first = try #require(notices.received.first)
            #expect(first.severity == .warning)
            #expect(first.source == .server)
            #expect(first.sqlState == "01000")
            #expect(first.description == "warning: x")
            #expect(notices.received.last?.hint == "h")

            // Asked for, NOTICE is passed on too; DEBUG still is not.
            connection.minimumNoticeSeverity = .notice
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'now heard'; RAISE DEBUG 'still dropped'; END $$")
            #expect(notices.received.count == 3)
            #expect(notices.received.last?.message == "now heard")
            #expect(notices.received.last?.severity == .notice)
        }
    }

    @Test func theHandlerAndThresholdCanBeGivenWhenConnecting() throws {
        try TestDatabase.withMigrated { database in
            let notices = Notices()
            let connection = try Connection(
                conninfo: database.conninfo, noticeHandler: { notices.received.append($0) }, minimumNoticeSeverity: .info)
            try connection.execute("DO $$ BEGIN RAISE INFO 'i'; RAISE NOTICE 'n'; RAISE LOG 'l'; END $$")
            #expect(notices.received.map(\.message) == ["i", "n"])
            #expect(notices.received.map(\.severity) == [.info, .notice])
        }
    }

    @Test func severitiesReadPostgreSQLNamesInOrder() {
        #expect(PostgresNotice.Severity(serverName: "DEBUG2") == .debug)
        #expect(PostgresNotice.Severity(serverName: "WARNING") == .warning)
        #expect(PostgresNotice.Severity(serverName: "NOTICE") < .warning)
        #expect(PostgresNotice.Severity.warning < .error)
    }

    /// Terminates `connection`'s backend from `other` and waits until it is gone.
    private func terminate(_ connection: Connection, from other: Connection) throws {
        let pid = connection.backendPID
        #expect(try other.query("SELECT pg_terminate_backend($1)", [pid]).scalar(Bool.self))
        for _ in 0..<500 {
            if try other.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [pid]).scalar(Int.self) == 0 { return }
            usleep(10_000)
        }
        Issue.record("backend \(pid) did not exit")
    }

    @Test func aFailedRollbackIsReportedAndTheBodysErrorStillThrown() throws {
        try TestDatabase.withMigrated { database in
            let connection = try database.connect()
            let killer = try database.connect()
            let notices = Notices()
            connection.noticeHandler = { notices.received.append($0) }

            #expect(throws: Abort.self) {
                try connection.transaction { transaction in
                    try transaction.execute("CREATE TABLE doomed (n int)")
                    try terminate(transaction, from: killer)
                    throw Abort()
                }
            }
            let report = try #require(notices.received.first)
            #expect(report.severity == .error)
            #expect(report.source == .client)
            #expect(report.message.contains("ROLLBACK failed"))
            #expect(report.message.contains("Abort"))
            #expect(connection.isBroken)
            let next = #expect(throws: PostgresError.self) { try connection.execute("SELECT 1") }
            #expect(next?.kind == .connection)
            #expect(try killer.query("SELECT to_regclass('doomed') IS NULL").scalar(Bool.self))
        }
    }

    @Test func aFailedRollbackIsAttachedToAPostgresError() throws {
        try TestDatabase.withMigrated { database in
            let connection = try database.connect()
            let killer = try database.connect()
            let notices = Notices()
            connection.noticeHandler = { notices.received.append($0) }

            let error = #expect(throws: PostgresError.self) {
                try connection.transaction { transaction in
                    try terminate(transaction, from: killer)
                    throw PostgresError(kind: .client, message: "the body gave up")
                }
            }
            #expect(error?.message == "the body gave up")
            #expect(error?.rollbackFailure?.isEmpty == false)
            #expect(error?.description.contains("ROLLBACK also failed") == true)
            #expect(notices.received.count == 1)
            #expect(connection.isBroken)
        }
    }

    @Test func aHealthyRollbackReportsNothingAndAFailedCommitDrawsNoWarning() throws {
        try TestDatabase.withConnection { connection in
            let notices = Notices()
            connection.noticeHandler = { notices.received.append($0) }
            try connection.execute("""
                CREATE TABLE deferred (n int CONSTRAINT deferred_unique UNIQUE DEFERRABLE INITIALLY DEFERRED)
                """)
            #expect(throws: Abort.self) {
                try connection.transaction { transaction in
                    try transaction.execute("INSERT INTO deferred VALUES (1)")
                    throw Abort()
                }
            }
            // The unique check runs at COMMIT: the server ends the transaction, so no ROLLBACK (and its warning).
            let commit = #expect(throws: PostgresError.self) {
                try connection.transaction { transaction in
                    try transaction.execute("INSERT INTO deferred VALUES (2), (2)")
                }
            }
            #expect(commit?.condition == .uniqueViolation)
            #expect(commit?.statement == "COMMIT")
            #expect(notices.received.isEmpty)
            #expect(!connection.isBroken)
            #expect(try connection.query("SELECT count(*) FROM deferred").scalar(Int.self) == 0)
        }
    }

    @Test func aValueThatCannotBeEncodedIsAnErrorNotNull() throws {
        try TestDatabase.withConnection { connection in
            let thrown = #expect(throws: PostgresError.self) {
                try connection.query("SELECT $1::jsonb IS NULL", [JSON(Unencodable())])
            }
            #expect(thrown?.kind == .encoding)
            #expect(thrown?.message.contains("parameter $1") == true)
            #expect(thrown?.message.contains("Refused") == true)
            #expect(thrown?.statement == "SELECT $1::jsonb IS NULL")

            // The encoder's own errors too (JSON has no NaN), in arrays and optionals alike.
            let nan = #expect(throws: PostgresError.self) {
                try connection.query("SELECT $1::text, $2::jsonb", ["fine", JSON(Double.nan)])
            }
            #expect(nan?.kind == .encoding)
            #expect(nan?.message.contains("parameter $2") == true)
            let optional: JSON<Unencodable>? = JSON(Unencodable())
            #expect(throws: PostgresError.self) { try connection.query("SELECT $1::jsonb", [optional]) }
            #expect(throws: PostgresError.self) { try connection.query("SELECT $1::jsonb[]", [[JSON(Unencodable())]]) }

            // A COPY stops, writes nothing and leaves the connection usable.
            try connection.execute("CREATE TABLE docs (body jsonb)")
            let rows: [[any PostgresEncodable]] = [[JSON(["ok": 1])], [JSON(Unencodable())], [JSON(["ok": 3])]]
            let copy = #expect(throws: PostgresError.self) { try connection.copy("COPY docs (body) FROM STDIN", rows: rows) }
            #expect(copy?.kind == .encoding)
            #expect(copy?.message.contains("COPY column 1") == true)
            #expect(try connection.query("SELECT count(*) FROM docs").scalar(Int.self) == 0)
            #expect(try connection.query("SELECT $1::jsonb->>'ok'", [JSON(["ok": 2])]).scalar(String.self) == "2")
        }
    }

    @Test func errorsNameTheStatementsFirstLineButNeverItsParameters() throws {
        try TestDatabase.withConnection { connection in
            let secret = "Әйгерім Серікқызы"
            let server = #expect(throws: PostgresError.self) {
                try connection.execute("""

                       SELEC name
                    FROM nowhere WHERE secret = $1
                    """, [secret])
            }
            #expect(server?.statement == "SELEC name")
            #expect(server?.description.contains("statement: SELEC name") == true)
            #expect(server?.description.contains(secret) == false)

            let missing = #expect(throws: PostgresError.self) {
                try connection.query("SELECT * FROM no_such_table WHERE name = $1", [secret])
            }
            #expect(missing?.condition == .undefinedTable)
            #expect(missing?.description.hasSuffix(" — statement: SELECT * FROM no_such_table WHERE name = $1") == true)
            #expect(missing?.description.contains(secret) == false)

            // A long first line is cut to 80 characters.
            let long = "SELECT " + Array(repeating: "1", count: 60).joined(separator: ", ") + " FROM no_such_table"
            let cut = #expect(throws: PostgresError.self) { try connection.execute(long) }
            #expect(cut?.statement?.count == 80)
            #expect(cut?.statement?.hasPrefix("SELECT 1, 1, 1") == true)
            #expect(cut?.statement?.hasSuffix("…") == true)

            // Scripts and decoding errors name their statement too.
            let script = #expect(throws: PostgresError.self) {
                try connection.runScript("-- 0042_broken.sql\nCREATE TABLE x (;\n")
            }
            #expect(script?.statement == "-- 0042_broken.sql")
            let decoding = #expect(throws: PostgresError.self) {
                try connection.query("SELECT 'abc' AS word").scalar(Int.self)
            }
            #expect(decoding?.kind == .decoding)
            #expect(decoding?.statement == "SELECT 'abc' AS word")
            let none = #expect(throws: PostgresError.self) {
                try connection.query("SELECT 1 WHERE false").scalar(Int.self)
            }
            #expect(none?.statement == "SELECT 1 WHERE false")

            // Errors made by hand still read as before.
            #expect(PostgresError(kind: .client, message: "m", detail: "d").description == "m — d")
        }
    }
}
