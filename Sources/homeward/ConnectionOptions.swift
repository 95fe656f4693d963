import ArgumentParser
import Postgres

/// How to reach the database; shared by every command that needs one.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "libpq conninfo or URI (e.g. 'service=homeward' or postgresql://host/db). Empty: PG* variables, PGSERVICE, .pgpass.",
            valueName: "conninfo"))
    var conninfo: String = ""

    /// Opens a connection labelled `homeward <command>` for pg_stat_activity and the audit trail.
    func connect(for command: String) throws -> Connection {
        let connection = try Connection(conninfo: conninfo, applicationName: "homeward \(command)")
        LocalTime.adopt(from: connection)
        return connection
    }
}
