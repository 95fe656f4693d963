import Foundation
import Postgres

/// A nightly that ran all its steps, as `homeward.nightly_completions` keeps it (0035).
public struct NightlyCompletion: Sendable, Equatable {
    public var id: Int
    public var completedAt: Date
    /// The summary line that run printed (or would have printed without --quiet).
    public var summary: String
}

/// Where a nightly started from: the snapshot taken under the lock before it read anything, and the database's clock then.
public struct NightlyStart: Sendable, Equatable {
    var snapshot: String
    var startedAt: Date
}

extension Store {
    /// The last completed nightly when nothing has changed since it ended (`homeward.nightly_unchanged`): the same day
    /// (`homeward.today()`), the same `settings` fingerprint, no write by anyone that its snapshot did not see, and no
    /// session begun or ended since it started. nil: the nightly must do the full work.
    public func nightlyUnchanged(settings: String) throws -> NightlyCompletion? {
        try translatingErrors {
            try connection.query("SELECT completion_id, completed_at, summary FROM homeward.nightly_unchanged($1)", [settings]).rows.first
                .map { NightlyCompletion(id: try $0.decode(0), completedAt: try $0.decode(1), summary: try $0.decode(2)) }
        }
    }

    /// The snapshot a nightly starts from: take it under the lock, before any step reads.
    public func nightlyStart() throws -> NightlyStart {
        try translatingErrors {
            let row = try connection.query("SELECT homeward.nightly_start()::text, homeward.now()").rows[0]
            return NightlyStart(snapshot: try row.decode(0), startedAt: try row.decode(1))
        }
    }

    /// Records that the nightly begun at `start` ran all its steps, unless a connection other than this one and
    /// `ownBackends` (the server processes of the nightly's other connections, `backendPID()`) wrote meanwhile; returns
    /// whether it was recorded (a rerun with nothing new can then end after `nightlyUnchanged`).
    @discardableResult
    public func nightlyCompleted(_ start: NightlyStart, settings: String, summary: String, ownBackends: [Int] = []) throws -> Bool {
        try translatingErrors {
            try connection.query(
                "SELECT homeward.nightly_complete($1::text::pg_snapshot, $2, $3, $4, $5::int[])",
                [start.snapshot, start.startedAt, settings, summary, ownBackends]
            ).scalar(Bool.self)
        }
    }

    /// The server process serving this store's connection (`pg_backend_pid()`), as the change notes record writers.
    public func backendPID() throws -> Int {
        try translatingErrors { try connection.query("SELECT pg_backend_pid()").scalar(Int.self) }
    }

    /// A fingerprint of what the nightly's result depends on outside the database: the settings file's text (nil: the
    /// built-in defaults), the days planned, and the program itself (its size and modification time).
    public static func nightlySettingsFingerprint(settingsFile: String?, days: Int) -> String {
        let text = settingsFile.flatMap { FileManager.default.contents(atPath: $0) } ?? Data()
        var program = ""
        if let path = Bundle.main.executablePath, let attributes = try? FileManager.default.attributesOfItem(atPath: path) {
            program = "\((attributes[.size] as? Int) ?? 0)@\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        return SHA256.hex(Array(text) + Array("\u{0}days=\(days)\u{0}program=\(program)".utf8))
    }
}
