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
    /// pg_stat_activity and the audit trail, with session timeouts (default: `database.interactive` of the shipped
    /// settings), cancelled on SIGINT or SIGTERM; times print in the database's planning zone from then on.
    func store(for command: any ParsableCommand.Type, timeouts: SessionTimeouts? = nil) throws -> Store {
        let timeouts = try timeouts ?? SettingsOptions.load(path: nil).database.interactive
        let store = try Store.open(conninfo: conninfo, applicationName: CommandPath.of(command))
        Interrupts.watch(store)
        try store.apply(timeouts)
        LocalTime.adopt(from: store)
        return store
    }
}
