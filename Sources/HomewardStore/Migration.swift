import Foundation

/// One numbered SQL file from `SQL/migrations`, e.g. `0002_domain.sql`.
public struct Migration: Sendable, Equatable {
    /// The number before the underscore; migrations apply in this order.
    public var version: Int
    /// The words after the underscore, e.g. `domain`.
    public var name: String
    /// The file's SQL, run as one transaction.
    public var sql: String
    /// SHA-256 of the file's bytes, recorded when applied so later edits are caught.
    public var checksum: String { SHA256.hex(sql.utf8) }

    /// Files from 0009 on run as `homeward_owner` (created by 0008); a file whose text holds
    /// `-- homeward: run as the migrating login` (to create roles, say) runs as the login instead.
    public var runsAsOwner: Bool { version > 8 && !sql.contains("-- homeward: run as the migrating login") }

    /// The file name this migration comes from.
    public var fileName: String {
        let number = String(version)
        return String(repeating: "0", count: max(0, 4 - number.count)) + number + "_" + name + ".sql"
    }

    /// Reads every `NNNN_name.sql` in `directory`, ordered by version; rejects duplicate versions and stray names.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.directoryUnreadable(directory.path)
        }
        var migrations: [Migration] = []
        for file in names.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]),
                stem[..<underscore].count == 4
            else {
                throw MigrationError.badFileName(file)
            }
            let name = String(stem[stem.index(after: underscore)...])
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            if let clash = migrations.first(where: { $0.version == version }) {
                throw MigrationError.duplicateVersion(version, clash.fileName, file)
            }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}

/// What can stop migrations from running, in words a DBA can act on.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case directoryUnreadable(String)
    case badFileName(String)
    case duplicateVersion(Int, String, String)
    /// Applied files whose content changed since: history must not be rewritten; add a new migration instead.
    case changedAfterApply([String])
    /// Versions recorded in the database with no file on disk (an older checkout?).
    case missingFiles([String])
    /// Pending files numbered below the latest applied one: applying them would fork the history (another checkout
    /// already went past that number), so they are refused until renumbered.
    case outOfOrder(pending: [String], latestApplied: String)
    case failed(file: String, reason: String)

    public var description: String {
        switch self {
        case .directoryUnreadable(let path):
            return "cannot read migrations directory \(path)"
        case .badFileName(let file):
            return "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version, let first, let second):
            return "migration version \(version) is used twice: \(first) and \(second)"
        case .changedAfterApply(let files):
            return "refusing to migrate: already-applied migration(s) changed since they were applied: "
                + files.joined(separator: ", ")
                + ". Restore the original file(s) and put the change in a new migration."
        case .missingFiles(let files):
            return "refusing to migrate: the database has migration(s) this checkout does not have: "
                + files.joined(separator: ", ") + ". Is this an older version of Homeward?"
        case .outOfOrder(let pending, let latest):
            return "refusing to migrate: " + pending.joined(separator: ", ") + (pending.count == 1 ? " is" : " are")
                + " numbered below \(latest), which is already applied; migrations apply in number order only, so history "
                + "cannot fork. Give the file(s) numbers above \(latest.prefix(4)) (nothing was applied)."
        case .failed(let file, let reason):
            return "migration \(file) failed and was rolled back: \(reason)"
        }
    }
}
