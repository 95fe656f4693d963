import Foundation
import Postgres

/// The hot standby of the test cluster, reached through the libpq service `homeward-oversight` (`PGSERVICEFILE`, which
/// `Scripts/postgres-local env` exports once `Scripts/postgres-local standby` runs; `make test` starts it). When it
/// cannot be reached, tests fail with instructions; they never skip.
public enum Standby {
    /// The service oversight staff connect with: `psql service=homeward-oversight`.
    public static let service = "homeward-oversight"

    /// Opens a connection to `database` on the standby, as `login` (the cluster's superuser when nil).
    public static func connect(database: String, as login: String? = nil) throws -> Connection {
        let conninfo = "service=\(service) dbname=\(database)" + (login.map { " user=\($0)" } ?? " user=postgres")
        do {
            return try Connection(conninfo: conninfo, applicationName: "homeward tests")
        } catch {
            throw StandbyUnavailable(reason: error.description)
        }
    }

    /// Waits until the standby has replayed everything committed on the primary so far (the test's database included),
    /// or fails after `timeout` seconds. The primary runs with synchronous_commit off, and a walsender only sends
    /// flushed WAL: one synchronous commit flushes everything before it.
    public static func waitForReplay(timeout: Double = 60) throws {
        let primary = try TestDatabase.maintenanceConnection()
        let target = try primary.query("SELECT pg_current_wal_insert_lsn()::text").scalar(String.self)
        try primary.transaction { connection in
            try connection.execute("SET LOCAL synchronous_commit = on")
            _ = try connection.query("SELECT pg_current_xact_id()")
        }
        let standby = try connect(database: "postgres")
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let replayed = try standby.query(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", [target]).scalar(Bool.self)
            if replayed { return }
            guard Date() < deadline else {
                let at = try standby.query("SELECT pg_last_wal_replay_lsn()::text").scalar(String?.self) ?? "nothing"
                throw StandbyUnavailable(reason: "the standby replayed up to \(at), not \(target), within \(timeout) s")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}

/// Raised when the standby cannot be reached or does not catch up: says how to get one instead of skipping.
public struct StandbyUnavailable: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String {
        """
        Tests need the cluster's hot standby (service \(Standby.service)) and could not use it: \(reason)
        Run `make test`, which starts one, or start it yourself:
          Scripts/postgres-local standby && eval "$(Scripts/postgres-local env)" && swift test
        """
    }
}
