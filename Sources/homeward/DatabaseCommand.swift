import ArgumentParser
import Foundation
import HomewardStore

/// `homeward db …`: schema migrations.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Apply and inspect the database schema migrations.",
        subcommands: [Migrate.self, Status.self]
    )

    /// Finds and reads `SQL/migrations`, or explains where it looked.
    static func loadMigrations(_ directory: String?) throws -> [Migration] {
        guard let url = directory.map({ URL(fileURLWithPath: $0) }) ?? InstallationPaths.locate("SQL/migrations") else {
            throw CommandFailure(
                "cannot find SQL/migrations: run from the Homeward checkout, set HOMEWARD_HOME, or pass --migrations DIR",
                status: .configuration)
        }
        return try Migration.load(from: url)
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations, each in its own transaction.",
            discussion: """
                Takes an advisory lock, so two runs never apply the same file twice; refuses to run when an \
                already-applied file has changed (fix mistakes with a new migration).

                Examples:
                  homeward db migrate
                  homeward db migrate --db 'service=homeward' --quiet
                """)

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Folder of NNNN_name.sql files (default: SQL/migrations of this installation).")
        var migrations: String?
        @OptionGroup var settingsFile: SettingsOptions
        @Flag(help: "Print nothing on success.") var quiet = false

        func run() throws {
            let runner = MigrationRunner(migrations: try DatabaseCommand.loadMigrations(migrations))
            let file = try settingsFile.load()
            let settings = file.scheduling
            let store = try connection.store(for: Self.self, timeouts: file.database.migration)
            let report = try runner.migrate(store)
            // The one clock and the limits every check must share live in the database: views, rules and commands read them there.
            let changed = try store.applySettings(settings)
            guard !quiet else { return }
            for (file, seconds) in report.applied {
                print("applied \(file) (\(String(format: "%.2f", seconds)) s)")
            }
            if !changed.isEmpty { print("settings written to the database: \(changed.joined(separator: ", "))") }
            print("\(report.applied.count) applied, \(report.alreadyApplied) already applied: \(store.endpoint)")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List migrations: applied (when, by whom), pending, changed or missing.",
            discussion: """
                Exits with status 78 when a migration is pending, changed or missing, so scripts can check readiness.

                Examples:
                  homeward db status
                  homeward db status --format json
                """)

        @OptionGroup var read: ReadOptions
        @Option(help: "Folder of NNNN_name.sql files (default: SQL/migrations of this installation).")
        var migrations: String?

        func run() throws {
            let runner = MigrationRunner(migrations: try DatabaseCommand.loadMigrations(migrations))
            let statuses = try runner.status(read.store(for: Self.self))
            var table = TextTable(columns: ["version", "name", "state", "applied_at", "applied_by"])
            for status in statuses {
                let version = String(format: "%04d", status.version)
                switch status.state {
                case .applied(let at, let by): table.append([version, status.name, "applied", Self.timestamp(at), by])
                case .pending: table.append([version, status.name, "pending", nil, nil])
                case .changed(let at, let by): table.append([version, status.name, "CHANGED since applied", Self.timestamp(at), by])
                case .missingFile(let at, let by): table.append([version, status.name, "applied, file missing", Self.timestamp(at), by])
                }
            }
            table.print(read.format)
            if statuses.contains(where: { !$0.isApplied }) {
                throw ExitCode(ExitStatus.configuration.rawValue)
            }
        }

        /// A moment as people read it: local time in the planning zone, with its offset.
        static func timestamp(_ date: Date) -> String { LocalTime.text(date) }
    }
}

extension MigrationRunner.Status {
    /// Applied and unchanged.
    var isApplied: Bool { if case .applied = state { true } else { false } }
}
