import Foundation
import Postgres

/// Applies `SQL/migrations` to a database: one transaction per file, under an advisory lock so two runners never race,
/// with a checksum per applied file so history is never rewritten silently, and in number order only: a pending file
/// numbered below the latest applied one is refused, so history stays linear.
public struct MigrationRunner {
    /// The advisory lock key all Homeward migration runners share ("HWMG").
    public static let lockKey = 0x4857_4D47

    public let migrations: [Migration]

    public init(migrations: [Migration]) { self.migrations = migrations }

    /// The state of one migration in a database.
    public struct Status: Sendable, Equatable {
        public enum State: Sendable, Equatable {
            case applied(at: Date, by: String)
            case pending
            /// Applied, but the file on disk no longer matches what was applied.
            case changed(at: Date, by: String)
            /// Recorded in the database, absent from this checkout.
            case missingFile(at: Date, by: String)
        }
        public var version: Int
        public var name: String
        public var state: State
    }

    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// Migrations applied by this run, with how long each took.
        public var applied: [(migration: String, seconds: Double)]
        /// Migrations that were already there.
        public var alreadyApplied: Int

        public static func == (lhs: Report, rhs: Report) -> Bool {
            lhs.applied.map(\.migration) == rhs.applied.map(\.migration) && lhs.alreadyApplied == rhs.alreadyApplied
        }
    }

    /// Creates the bookkeeping table if needed. Safe to run concurrently only under the lock.
    private func ensureHistoryTable(_ connection: Connection) throws {
        try connection.runScript(
            """
            CREATE SCHEMA IF NOT EXISTS homeward;
            CREATE TABLE IF NOT EXISTS homeward.schema_migrations (
                version    integer PRIMARY KEY CHECK (version > 0),
                name       text        NOT NULL,
                sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text        NOT NULL DEFAULT session_user
            );
            COMMENT ON TABLE homeward.schema_migrations IS
                'Applied SQL migrations (SQL/migrations/NNNN_name.sql): version, name, SHA-256 of the file as applied, when and by whom.';
            """)
    }

    /// Every known migration, from disk and database, with its state; does not change anything.
    public func status(_ connection: Connection) throws -> [Status] {
        let exists = try connection.query("SELECT to_regclass('homeward.schema_migrations') IS NOT NULL").scalar(Bool.self)
        let recorded = exists ? try appliedRows(connection) : [:]
        var statuses: [Status] = migrations.map { migration in
            guard let row = recorded[migration.version] else {
                return Status(version: migration.version, name: migration.name, state: .pending)
            }
            return Status(
                version: migration.version, name: migration.name,
                state: row.sha256 == migration.checksum
                    ? .applied(at: row.appliedAt, by: row.appliedBy) : .changed(at: row.appliedAt, by: row.appliedBy))
        }
        let known = Set(migrations.map(\.version))
        for (version, row) in recorded where !known.contains(version) {
            statuses.append(Status(version: version, name: row.name, state: .missingFile(at: row.appliedAt, by: row.appliedBy)))
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// Applies every pending migration in order, each in its own transaction; stops at the first failure. Refuses,
    /// before applying anything, a changed or missing applied file and a pending file below the latest applied one.
    ///
    /// Waits for the advisory lock, so a second concurrent runner applies nothing twice: it finds the work done.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> Report {
        try connection.execute("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try ensureHistoryTable(connection)

        let states = try status(connection)
        let changed = states.filter { if case .changed = $0.state { true } else { false } }
        guard changed.isEmpty else {
            throw MigrationError.changedAfterApply(changed.map { migrationFile($0.version) })
        }
        let missing = states.filter { if case .missingFile = $0.state { true } else { false } }
        guard missing.isEmpty else {
            throw MigrationError.missingFiles(missing.map { "\($0.version)_\($0.name)" })
        }

        let pending = Set(states.filter { $0.state == .pending }.map(\.version))
        if let latest = states.filter({ $0.state != .pending }).map(\.version).max() {
            let below = migrations.filter { pending.contains($0.version) && $0.version < latest }
            guard below.isEmpty else {
                throw MigrationError.outOfOrder(pending: below.map(\.fileName), latestApplied: migrationFile(latest))
            }
        }
        var report = Report(applied: [], alreadyApplied: migrations.count - pending.count)
        for migration in migrations where pending.contains(migration.version) {
            let started = Date()
            do {
                try connection.transaction { transaction in
                    // From 0009 on, files run as the NOLOGIN owner (unless they say they need the migrating login, e.g. to
                    // create roles); whatever the file created is then handed to the owner, so no login owns anything.
                    let ownerExists = try transaction.query("SELECT to_regrole('homeward_owner') IS NOT NULL").scalar(Bool.self)
                    let asOwner = migration.runsAsOwner && ownerExists
                    if asOwner { try transaction.execute("SET LOCAL ROLE homeward_owner") }
                    try transaction.runScript(migration.sql)
                    if asOwner { try transaction.execute("RESET ROLE") }
                    if try transaction.query("SELECT to_regprocedure('homeward.hand_over_to_owner()') IS NOT NULL").scalar(Bool.self) {
                        try transaction.execute("SELECT homeward.hand_over_to_owner()")
                    }
                    try transaction.execute(
                        "INSERT INTO homeward.schema_migrations (version, name, sha256) VALUES ($1, $2, $3)",
                        [migration.version, migration.name, migration.checksum])
                }
            } catch let error as PostgresError {
                throw MigrationError.failed(file: migration.fileName, reason: error.description)
            }
            report.applied.append((migration.fileName, Date().timeIntervalSince(started)))
        }
        return report
    }

    private func migrationFile(_ version: Int) -> String {
        migrations.first { $0.version == version }?.fileName ?? String(version)
    }

    private struct AppliedRow { var name: String; var sha256: String; var appliedAt: Date; var appliedBy: String }

    private func appliedRows(_ connection: Connection) throws -> [Int: AppliedRow] {
        var rows: [Int: AppliedRow] = [:]
        for row in try connection.query(
            "SELECT version, name, sha256, applied_at, applied_by FROM homeward.schema_migrations ORDER BY version"
        ).rows {
            rows[try row.decode(0)] = AppliedRow(
                name: try row.decode(1), sha256: try row.decode(2), appliedAt: try row.decode(3), appliedBy: try row.decode(4))
        }
        return rows
    }
}

extension MigrationRunner {
    /// Every known migration with its state, read over the store's connection.
    public func status(_ store: Store) throws -> [Status] { try status(store.connection) }

    /// Applies every pending migration over the store's connection (see `migrate(_:)`).
    @discardableResult
    public func migrate(_ store: Store) throws -> Report { try migrate(store.connection) }
}
