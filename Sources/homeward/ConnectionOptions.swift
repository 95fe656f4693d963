import ArgumentParser
import HomewardStore
import Postgres

/// How to reach the database; shared by every command that needs one.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "libpq conninfo or URI (e.g. 'service=homeward' or postgresql://host/db). Empty: PG* variables, PGSERVICE, .pgpass.",
            valueName: "conninfo"))
    var conninfo: String = ""

    /// Opens a connection labelled with the command's path (`homeward schedule generate`) for pg_stat_activity and the audit trail,
    /// with session timeouts (default: `database.interactive` of the shipped settings) and cancelled on SIGINT or SIGTERM.
    func connect(for command: any ParsableCommand.Type, timeouts: SessionTimeouts? = nil) throws -> Connection {
        let timeouts = try timeouts ?? SettingsOptions.load(path: nil).database.interactive
        let connection = try Connection(conninfo: conninfo, applicationName: CommandPath.of(command))
        Interrupts.watch(connection)
        try timeouts.apply(to: connection)
        LocalTime.adopt(from: connection)
        return connection
    }

    /// Opens the store over a connection labelled with the command's path (timeouts as for `connect`).
    func store(for command: any ParsableCommand.Type, timeouts: SessionTimeouts? = nil) throws -> Store {
        try Store(connection: connect(for: command, timeouts: timeouts))
    }
}
