import Foundation
import Homeward
import Postgres
import Yams

/// How long a command's database session may wait or run before the server gives up, so nobody stalls: not the nightly
/// behind a coordinator's open transaction, not a coordinator behind the nightly, not everyone behind a forgotten psql.
///
/// Each is a PostgreSQL session setting (`lock_timeout`, `statement_timeout`, `idle_in_transaction_session_timeout`),
/// set when the command connects; zero leaves the server's own setting in force.
public struct SessionTimeouts: Sendable, Equatable {
    /// The longest wait for a row or table lock another session holds, in milliseconds.
    public var lockTimeoutMilliseconds: Int
    /// The longest a single statement may run, in milliseconds.
    public var statementTimeoutMilliseconds: Int
    /// The longest a transaction may sit open and idle, in milliseconds; the server then ends the session.
    public var idleInTransactionMilliseconds: Int

    /// How often a backend busy with a statement (or waiting for a lock) checks that its client is still there
    /// (`client_connection_check_interval`): a client killed mid-statement leaves no backend behind holding its locks,
    /// the scheduler's run lock among them, for longer than this.
    public static let clientCheckMilliseconds = 1_000

    /// Sets the three, the client check, no JIT and at least 32 MB of work memory on `connection` for the rest of its session (one statement, parameterized).
    public func apply(to connection: Connection) throws(PostgresError) {
        func value(_ milliseconds: Int) -> String? { milliseconds > 0 ? "\(milliseconds)ms" : nil }
        try connection.execute(
            """
            SELECT set_config('lock_timeout', coalesce($1, current_setting('lock_timeout')), false),
                   set_config('statement_timeout', coalesce($2, current_setting('statement_timeout')), false),
                   set_config('idle_in_transaction_session_timeout',
                              coalesce($3, current_setting('idle_in_transaction_session_timeout')), false),
                   set_config('client_connection_check_interval', $4, false),
                   -- the nightly's set-based statements run once each: compiling them (JIT) cost up to a second apiece
                   set_config('jit', 'off', false),
                   -- room for their sorts and hashes (a national night's seats, demand and flags) in memory, not on disk
                   set_config('work_mem', (greatest(pg_size_bytes(current_setting('work_mem')), pg_size_bytes('32MB')) / 1024)::text || 'kB', false)
            """,
            [value(lockTimeoutMilliseconds), value(statementTimeoutMilliseconds), value(idleInTransactionMilliseconds),
             "\(Self.clientCheckMilliseconds)ms"])
    }

    /// The setting's YAML names with their values, for messages and validation.
    var named: [(String, Int)] {
        [("lock_timeout", lockTimeoutMilliseconds), ("statement_timeout", statementTimeoutMilliseconds),
         ("idle_in_transaction_session_timeout", idleInTransactionMilliseconds)]
    }
}

/// The `database:` section of the settings file: the session timeouts of interactive commands and of the nightly job.
public struct DatabaseSettings: Sendable, Equatable {
    /// Every command a person runs (and `flags evaluate`, `db status`).
    public var interactive = SessionTimeouts(
        lockTimeoutMilliseconds: 5_000, statementTimeoutMilliseconds: 60_000, idleInTransactionMilliseconds: 60_000)
    /// `homeward nightly` and `homeward schedule generate`: longer reads, but never an endless wait for a lock.
    public var nightly = SessionTimeouts(
        lockTimeoutMilliseconds: 30_000, statementTimeoutMilliseconds: 600_000, idleInTransactionMilliseconds: 300_000)

    public init() {}

    /// `homeward db migrate`: the interactive lock timeout (a migration must not queue behind an open transaction and
    /// block everyone behind it), but no limit on how long a statement or the file may take.
    public var migration: SessionTimeouts {
        SessionTimeouts(lockTimeoutMilliseconds: interactive.lockTimeoutMilliseconds, statementTimeoutMilliseconds: 0,
                        idleInTransactionMilliseconds: 0)
    }

    /// The keys of the section, as a tree for the file's check of unknown keys.
    static var knownKeys: [String: Any] {
        let timeouts = Dictionary(uniqueKeysWithValues: DatabaseSettings().interactive.named.map { ($0.0, NSNull() as Any) })
        return ["interactive": timeouts, "nightly": timeouts]
    }

    /// Reads the section (unknown keys were refused already); each value is a duration such as `5s`, `2min`, `500ms`.
    static func parse(_ section: Node?) -> (DatabaseSettings, [InvalidInput]) {
        var settings = DatabaseSettings()
        var problems: [InvalidInput] = []
        for profile in ["interactive", "nightly"] {
            guard let node = section?[profile] else { continue }
            var timeouts = profile == "interactive" ? settings.interactive : settings.nightly
            for (name, _) in timeouts.named {
                guard let value = node[name], value.null == nil else { continue }
                let text = value.string ?? ""
                guard let milliseconds = Self.milliseconds(text), milliseconds >= 1, milliseconds <= 86_400_000 else {
                    problems.append(InvalidInput(
                        record: value.mark.map { "line \($0.line)" }, field: "database.\(profile).\(name)", value: text,
                        reason: "must be a duration from 1ms to 24h with its unit, such as 5s, 2min or 500ms"))
                    continue
                }
                switch name {
                case "lock_timeout": timeouts.lockTimeoutMilliseconds = milliseconds
                case "statement_timeout": timeouts.statementTimeoutMilliseconds = milliseconds
                default: timeouts.idleInTransactionMilliseconds = milliseconds
                }
            }
            if profile == "interactive" { settings.interactive = timeouts } else { settings.nightly = timeouts }
        }
        return (settings, problems)
    }

    /// `250ms`, `5s`, `2min`, `1h` in milliseconds, or nil (a bare number is refused: PostgreSQL would read milliseconds
    /// where a person may mean seconds).
    static func milliseconds(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces()
        let units: [(String, Int)] = [("ms", 1), ("min", 60_000), ("s", 1_000), ("h", 3_600_000)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let number = Int(String(trimmed.dropLast(suffix.count)).trimmingSpaces()) else { return nil }
            return number.multipliedReportingOverflow(by: factor).overflow ? nil : number * factor
        }
        return nil
    }
}

extension Store {
    /// Sets the session timeouts on this store's connection for the rest of its session.
    public func apply(_ timeouts: SessionTimeouts) throws {
        try translatingErrors { try timeouts.apply(to: connection) }
    }

    /// Something a signal handler may call from any thread to cancel the statement this store is running.
    public func cancelHandle() -> StoreCancelHandle { StoreCancelHandle(handle: connection.cancelHandle()) }
}

/// Cancels the statement a store's connection is running (a libpq cancel request); safe from any thread.
public struct StoreCancelHandle: Sendable {
    let handle: CancelHandle

    /// Sends the cancel request; false when it could not be sent.
    @discardableResult
    public func send() -> Bool { handle.send() }
}
