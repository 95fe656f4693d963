import ArgumentParser
import HomewardStore

/// What every command that reads and prints takes: the database (`--db`) and the output format (`--format`).
struct ReadOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    var format: OutputFormat { output.format }

    /// Opens the store over a connection labelled with the command's path.
    func store(for command: any ParsableCommand.Type) throws -> Store { try connection.store(for: command) }

    /// Prints the records `fetch` reads as a table, CSV or a JSON array.
    func list<T: TabularRecord & Encodable>(for command: any ParsableCommand.Type, _ fetch: (Store) throws -> [T]) throws {
        Printer.list(try fetch(store(for: command)), format: format)
    }

    /// Prints the one record `fetch` reads: whole as JSON, otherwise laid out for people by `present`.
    func show<T: Encodable>(for command: any ParsableCommand.Type, _ fetch: (Store) throws -> T, as present: (T) -> Void) throws {
        let record = try fetch(store(for: command))
        if format == .json { return Printer.json(record) }
        present(record)
    }
}
