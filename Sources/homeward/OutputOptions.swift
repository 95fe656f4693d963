import ArgumentParser

/// How results are printed: a table for people, JSON or CSV for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: table (default), json or csv.")
    var format: OutputFormat = .table

    @Flag(help: "Tables: every column in full, however wide (by default a table fits the terminal, or 100 columns).")
    var wide = false

    func validate() throws { TableWidth.wide = wide }
}
