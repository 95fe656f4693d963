import ArgumentParser
import HomewardStore

/// How to reach the database; shared by every command that needs one.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "libpq conninfo or URI (e.g. 'service=homeward' or postgresql://host/db). Empty: PG* variables, PGSERVICE, .pgpass.",
            valueName: "conninfo"))
    var conninfo: String = ""

    /// Opens the store over a connection labelled with the command's path (`homeward schedule generate`) for
    /// pg_stat_activity and the audit trail; times print in the database's planning zone from then on.
    func store(for command: any ParsableCommand.Type) throws -> Store {
        let store = try Store.open(conninfo: conninfo, applicationName: CommandPath.of(command))
        LocalTime.adopt(from: store)
        return store
    }
}
