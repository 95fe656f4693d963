import Foundation
import Homeward
import HomewardStore
import Postgres
import Synchronization

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
        return try withCopy(of: template, body)
    }

    /// Creates a fresh, empty database (no migrations), runs `body`, then drops it.
    ///
    /// The migrated template is built first: the group roles are the cluster's, created by the first migration run
    /// (0005 checks whether each exists, then creates it), so a test migrating its own empty database while the template
    /// was being migrated could lose that race with "role already exists".
    public static func withEmpty<T>(_ body: (TestDatabase) throws -> T) throws -> T {
        _ = try migratedTemplate.get()
        return try withCopy(of: "template0", body)
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

    /// Creates a fresh copy of the database `template` (see `template(_:build:)`), runs `body`, then drops the copy.
    public static func withCopy<T>(of template: String, _ body: (TestDatabase) throws -> T) throws -> T {
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
        dropAtExit(name)
        do {
            // The connection must be closed before the template is cloned: scope it.
            let connection = try Connection(conninfo: "dbname=\(name)", applicationName: "homeward tests")
            try MigrationRunner(migrations: try Migration.load(from: migrationsDirectory)).migrate(connection)
        }
        return name
    }

    /// Builds a template of this test process named `prefix_<pid>`: a migrated database that `build` fills (with SQL or
    /// through the CLI), for `withCopy(of:)` to clone per test. Build it once per process (keep the name in a
    /// `static let`); it is dropped when the process exits.
    public static func template(_ prefix: String, build: (TestDatabase) throws -> Void) throws -> String {
        let name = "\(prefix)_\(ProcessInfo.processInfo.processIdentifier)"
        try withMigrated { database in
            try build(database)
            let maintenance = try maintenanceConnection()
            try maintenance.execute("DROP DATABASE IF EXISTS \(maintenance.quoteIdentifier(name)) WITH (FORCE)")
            try maintenance.execute("CREATE DATABASE \(maintenance.quoteIdentifier(name)) TEMPLATE \(maintenance.quoteIdentifier(database.name))")
            dropAtExit(name)
        }
        return name
    }

    /// Templates to drop when the process exits.
    private static let templates = Mutex<[String]>([])

    private static func dropAtExit(_ name: String) {
        let first = templates.withLock { names in
            names.append(name)
            return names.count == 1
        }
        if first { atexit { TestDatabase.dropTemplates() } }
    }

    private static func dropTemplates() {
        guard let maintenance = try? maintenanceConnection() else { return }
        for name in templates.withLock({ $0 }) {
            _ = try? maintenance.execute("DROP DATABASE IF EXISTS \(maintenance.quoteIdentifier(name)) WITH (FORCE)")
        }
    }
}

extension TestDatabase {
    /// A login name unique to this test (`prefix_1a2b3c4d`), so parallel tests in the one cluster never share a role.
    public static func uniqueLogin(_ prefix: String) -> String {
        "\(prefix)_" + UUID().uuidString.prefix(8).lowercased()
    }

    /// Opens a connection to this database as `login`, optionally with server `options` (`-c homeward.today=2019-06-01`).
    public func connect(as login: String, options: String? = nil) throws -> Connection {
        try Connection(conninfo: "dbname=\(name) user=\(login)" + (options.map { " options='\($0)'" } ?? ""),
                       applicationName: "homeward tests")
    }

    /// Drops a login made for a test, and what it owns here; errors are ignored (the cluster is throwaway).
    public func dropLogin(_ login: String, using admin: Connection) {
        _ = try? admin.execute("DROP OWNED BY \(admin.quoteIdentifier(login))")
        _ = try? admin.execute("DROP ROLE IF EXISTS \(admin.quoteIdentifier(login))")
    }

    /// Runs `body` with a fresh login holding `role` (a coordinator at `centres`), granted as `homeward user grant`
    /// grants it by `admin`, and connected to this database; the login is dropped afterwards.
    public func withLogin<T>(
        _ role: UserRole, centres: [String] = [], prefix: String, using admin: Connection,
        _ body: (_ connection: Connection, _ login: String) throws -> T
    ) throws -> T {
        let login = TestDatabase.uniqueLogin(prefix)
        defer { dropLogin(login, using: admin) }
        try Store(connection: admin).grantUser(login: login, role: role, centreCodes: centres)
        return try body(try connect(as: login), login)
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
