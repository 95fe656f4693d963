import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func serverErrorsCarrySQLStateAndConstraint() throws {
        try TestDatabase.withConnection { connection in
            try connection.execute("CREATE TABLE parent (id int PRIMARY KEY, code text CONSTRAINT parent_code_key UNIQUE)")
            try connection.execute("CREATE TABLE child (parent_id int CONSTRAINT child_parent_fk REFERENCES parent)")
            try connection.execute("INSERT INTO parent VALUES (1, 'AKT')")

            let unique = #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO parent VALUES (2, $1)", ["AKT"])
            }
            #expect(unique?.condition == .uniqueViolation)
            #expect(unique?.sqlState == "23505")
            #expect(unique?.constraint == "parent_code_key")
            #expect(unique?.table == "parent")
            #expect(unique?.detail?.contains("AKT") == true)

            let foreignKey = #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO child VALUES ($1)", [99])
            }
            #expect(foreignKey?.condition == .foreignKeyViolation)
            #expect(foreignKey?.constraint == "child_parent_fk")

            let syntax = #expect(throws: PostgresError.self) { try connection.execute("SELEC 1") }
            #expect(syntax?.condition == .syntaxError)
            #expect(syntax?.kind == .server)

            let notNull = #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO parent VALUES (NULL, 'x')")
            }
            #expect(notNull?.condition == .notNullViolation)
            #expect(notNull?.column == "id")
        }
    }

    @Test func parametersAreNeverInterpretedAsSQL() throws {
        try TestDatabase.withConnection { connection in
            try connection.execute("CREATE TABLE names (name text)")
            let hostile = "x'); DROP TABLE names; --"
            try connection.execute("INSERT INTO names VALUES ($1)", [hostile])
            #expect(try connection.query("SELECT name FROM names").scalar(String.self) == hostile)
        }
    }

    @Test func transactionCommitsOnSuccessAndRollsBackOnThrow() throws {
        struct Abort: Error {}
        try TestDatabase.withConnection { connection in
            try connection.execute("CREATE TABLE t (n int)")
            _ = try connection.transaction { try $0.execute("INSERT INTO t VALUES (1)") }
            #expect(throws: Abort.self) {
                try connection.transaction { transaction in
                    try transaction.execute("INSERT INTO t VALUES (2)")
                    throw Abort()
                }
            }
            #expect(throws: PostgresError.self) {
                try connection.transaction { transaction in
                    try transaction.execute("INSERT INTO t VALUES (3)")
                    try transaction.execute("INSERT INTO t VALUES ('not a number')")
                }
            }
            #expect(try connection.query("SELECT array_agg(n ORDER BY n) FROM t").scalar([Int].self) == [1])
            #expect(!connection.isInTransaction)
        }
    }

    @Test func nestedTransactionsAreRefused() throws {
        try TestDatabase.withConnection { connection in
            let error = #expect(throws: PostgresError.self) {
                try connection.transaction { transaction in try transaction.transaction { _ in } }
            }
            #expect(error?.kind == .client)
        }
    }

    @Test func unreachableServerGivesOneLineNamingTheSocket() throws {
        let error = #expect(throws: PostgresError.self) {
            _ = try Connection(conninfo: "host=/tmp/homeward-no-such-dir port=5999 dbname=x")
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("/tmp/homeward-no-such-dir/.s.PGSQL.5999") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test func applicationNameIsVisibleToTheServer() throws {
        try TestDatabase.withMigrated { database in
            let connection = try database.connect(applicationName: "homeward participant add")
            #expect(try connection.query("SELECT current_setting('application_name')").scalar(String.self)
                == "homeward participant add")
        }
    }

    @Test func conninfoURIsAreAccepted() throws {
        try TestDatabase.withMigrated { database in
            let host = ProcessInfo.processInfo.environment["PGHOST"] ?? "/tmp"
            let encodedHost = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
            let connection = try Connection(conninfo: "postgresql:///\(database.name)?host=\(encodedHost)")
            #expect(try connection.query("SELECT current_database()").scalar(String.self) == database.name)
        }
    }
}
