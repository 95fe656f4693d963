import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward import …`: all-or-nothing CSV imports of participants, staff, school attendance and session attendance.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file: every row is checked first, then all rows are written in one transaction, or none.",
        discussion: """
            Files are UTF-8 CSV (RFC 4180) with a header line; columns may come in any order. Problems are listed one \
            per line with the line number and the column, and nothing is written (exit status 65). A file in another \
            encoding is refused unless --encoding names it; a field holds at most \(CSVTable.maxFieldCharacters) \
            characters, a line at most \(CSVTable.maxLineBytes) bytes, and NUL bytes are refused.

            Examples:
              homeward import participants Config/demo/participants.csv
              homeward import staff staff.csv --dry-run
            """,
        subcommands: [Participants.self, Staff.self, SchoolAttendance.self, Attendance.self])

    /// What every import takes: the file, the database and whether to write.
    struct Options: ParsableArguments {
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The CSV file, or - for standard input.", valueName: "file.csv")) var file: String
        @Flag(help: "Check the file and report problems without writing anything.") var dryRun = false
        @Option(help: "The file's encoding when it is not UTF-8: cp1251 (Cyrillic Windows) or latin1.") var encoding: CSVEncoding = .utf8
        @Option(help: "The field delimiter: , (default), ; (Excel where the comma is the decimal separator) or tab.")
        var delimiter: String = ","

        func validate() throws {
            if file != "-", !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("cannot read \(file): no such file, or no permission to read it")
            }
            if csvDelimiter == nil { throw ValidationError("--delimiter must be , or ; or tab") }
        }

        /// `--delimiter` as the parser takes it (`tab` or `\t` for a tab).
        private var csvDelimiter: Character? {
            let character: Character? = ["tab", "\\t", "\t"].contains(delimiter) ? "\t" : delimiter.count == 1 ? delimiter.first : nil
            return character.flatMap { CSVTable.Options.delimiters.contains($0) ? $0 : nil }
        }

        /// Reads the file (or stdin), imports it and prints the one-line summary on stderr.
        func run(_ kind: Importer.Kind, for command: any ParsableCommand.Type) throws {
            let name = file == "-" ? "stdin" : URL(fileURLWithPath: file).lastPathComponent
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw CommandFailure("cannot read \(file)", status: .failure)
                }
                data = contents
            }
            let store = try connection.store(for: command)
            let summary = try Importer(store: store).importCSV(
                kind, bytes: [UInt8](data), file: name, options: CSVTable.Options(encoding: encoding, delimiter: csvDelimiter ?? ","),
                dryRun: dryRun)
            Log.info(summary.description)
        }
    }

    /// The --help text of one kind: its columns and an example.
    static func discussion(_ kind: Importer.Kind, notes: String, example: String) -> String {
        """
        Columns (any order) — \(kind.columns.sentence).
        \(notes)

        Example:
          \(example)
        """
    }

    struct Participants: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import participants and their first placement.",
            discussion: ImportCommand.discussion(
                .participants,
                notes: """
                    Dates are YYYY-MM-DD; languages are ISO 639-1 codes separated by ; (kk;ru). sex: female or male. \
                    legal_situation (default free): free, under-investigation, in-custody, convicted (then sentence_ends_on \
                    is required). status (default intake): intake, residential-rehabilitation, in-community, in-prison, \
                    completed, withdrawn. centre places the participant there from placed_from (default returned_on).
                    """,
                example: "homeward import participants Config/demo/participants.csv"))
        @OptionGroup var options: Options

        func run() throws { try options.run(.participants, for: Self.self) }
    }

    struct Staff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import staff members with their roles and centres.",
            discussion: ImportCommand.discussion(
                .staff,
                notes: """
                    roles and centres are lists separated by ; (psychologist;religious-expert, AKT-RC;ALM-NGO). \
                    may_work_with_children: true or false (default false; must be true for paediatric psychologists). \
                    weekly_hour_limit: hours, more than 0 and at most 60.
                    """,
                example: "homeward import staff Config/demo/staff.csv --dry-run"))
        @OptionGroup var options: Options

        func run() throws { try options.run(.staff, for: Self.self) }
    }

    struct SchoolAttendance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "school-attendance",
            abstract: "Import children's daily school attendance.",
            discussion: ImportCommand.discussion(
                .schoolAttendance,
                notes: """
                    status: present, absent-excused or absent-unexcused. Each day is filed under the child's school \
                    enrolment current on that day; one row per child per day.
                    """,
                example: "homeward import school-attendance week-48.csv"))
        @OptionGroup var options: Options

        func run() throws { try options.run(.schoolAttendance, for: Self.self) }
    }

    struct Attendance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import attendance of participants at sessions that have taken place.",
            discussion: ImportCommand.discussion(
                .attendance,
                notes: """
                    session_id is the session number; status: attended, late, absent-excused or absent-unexcused. \
                    The participant must be booked into the session, and the session must have started and not be cancelled.
                    """,
                example: "cat attendance.csv | homeward import attendance -"))
        @OptionGroup var options: Options

        func run() throws { try options.run(.attendance, for: Self.self) }
    }
}
