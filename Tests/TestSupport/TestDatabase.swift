import Foundation
import HomewardStore
import Postgres

/// A database of its own for one test, cloned from a migrated template, so tests run in parallel without sharing state.
///
/// The server comes from libpq's environment (`PGHOST`, `PGPORT`, `PGUSER`…), which `make test` sets after starting a
/// throwaway cluster. When it cannot be reached, tests fail with instructions; they never skip.
public struct TestDatabase: Sendable {
    /// The database's name, unique per test.
    public let name: String

    /// A conninfo string that reaches this database.
    public var conninfo: String { "dbname=\(name)" }

    /// Opens a new connection to this database.
    public func connect(applicationName: String? = "homeward tests") throws -> Connection {
        try Connection(conninfo: conninfo, applicationName: applicationName)
    }

    /// Creates a fresh, fully migrated database, runs `body`, then drops it.
    public static func withMigrated<T>(_ body: (TestDatabase) throws -> T) throws -> T {
        let template = try migratedTemplate.get()
        return try withDatabase(template: template, body)
    }

    /// Creates a fresh, empty database (no migrations), runs `body`, then drops it.
    public static func withEmpty<T>(_ body: (TestDatabase) throws -> T) throws -> T {
        try withDatabase(template: "template0", body)
    }

    /// Opens a migrated database and a connection to it for the length of `body`.
    public static func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        try withMigrated { database in try body(try database.connect()) }
    }

    /// The repository's `SQL/migrations`, found from this file's location.
    public static let migrationsDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SQL/migrations")

    /// The repository root, for tests that read `Config/`.
    public static let repositoryRoot: URL = migrationsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    /// The scheduler's advisory lock key (`Store.scheduleLockKey`), for tests that hold it or look for it in `pg_locks`
    /// without importing the store.
    public static let scheduleLockKey = Store.scheduleLockKey

    private static func withDatabase<T>(template: String, _ body: (TestDatabase) throws -> T) throws -> T {
        let name = "hw_test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let maintenance = try maintenanceConnection()
        try maintenance.execute(
            "CREATE DATABASE \(maintenance.quoteIdentifier(name)) TEMPLATE \(maintenance.quoteIdentifier(template))")
        defer { _ = try? maintenance.execute("DROP DATABASE IF EXISTS \(maintenance.quoteIdentifier(name)) WITH (FORCE)") }
        return try body(TestDatabase(name: name))
    }

    /// A connection to the cluster's `postgres` database, or a failure that says how to start a server.
    static func maintenanceConnection() throws -> Connection {
        do {
            return try Connection(conninfo: "dbname=postgres", applicationName: "homeward tests")
        } catch {
            throw TestDatabaseUnavailable(reason: error.description)
        }
    }

    /// Built once per test process: a database with every migration applied, used as CREATE DATABASE's template.
    private static let migratedTemplate: Result<String, TestDatabaseUnavailable> = {
        do { return .success(try makeTemplate()) } catch let error as TestDatabaseUnavailable { return .failure(error) } catch {
            return .failure(TestDatabaseUnavailable(reason: "could not build the migrated template: \(error)"))
        }
    }()

    private static func makeTemplate() throws -> String {
        let name = "hw_template_\(ProcessInfo.processInfo.processIdentifier)"
        let maintenance = try maintenanceConnection()
        try maintenance.execute("DROP DATABASE IF EXISTS \(maintenance.quoteIdentifier(name)) WITH (FORCE)")
        try maintenance.execute("CREATE DATABASE \(maintenance.quoteIdentifier(name)) TEMPLATE template0")
        do {
            // The connection must be closed before the template is cloned: scope it.
            let connection = try Connection(conninfo: "dbname=\(name)", applicationName: "homeward tests")
            try MigrationRunner(migrations: try Migration.load(from: migrationsDirectory)).migrate(connection)
        }
        atexit { TestDatabase.dropTemplate() }
        return name
    }

    private static func dropTemplate() {
        guard case .success(let name) = migratedTemplate, let maintenance = try? maintenanceConnection() else { return }
        _ = try? maintenance.execute("DROP DATABASE IF EXISTS \(maintenance.quoteIdentifier(name)) WITH (FORCE)")
    }
}

/// Raised when the test server cannot be reached: says how to get one instead of skipping.
public struct TestDatabaseUnavailable: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String {
        """
        Tests need a PostgreSQL server and could not reach one: \(reason)
        Run `make test`, which starts a throwaway cluster, or start one yourself:
          Scripts/postgres-local start && eval "$(Scripts/postgres-local env)" && swift test
        """
    }
}
