import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward programme …`: programme templates loaded from `Config/programmes/*.yaml`.
struct ProgrammeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programme",
        abstract: "Load programme templates and courses from YAML, list and show programmes.",
        subcommands: [Sync.self, List.self, Show.self])

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every programme template and prison education course from a folder of YAML files.",
            discussion: """
                Every file is checked before anything is written; then programmes, phases, requirements, courses and \
                modules are matched by code and written in one transaction. Running it again changes nothing. \
                A phase, requirement or module removed from the files is deleted only if nothing uses it. \
                The YAML's `version` is stored as written: raise it when you change a template.

                Examples:
                  homeward programme sync
                  homeward programme sync --dir Config/programmes --dry-run
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Folder of programme YAML files (default: Config/programmes of the installation).") var dir: String?
        @Flag(help: "Check the files and show what would change, without writing.") var dryRun = false

        func run() throws {
            guard let folder = dir.map({ URL(fileURLWithPath: $0) }) ?? InstallationPaths.locate("Config/programmes") else {
                throw CommandFailure("cannot find Config/programmes (set HOMEWARD_HOME or pass --dir)", status: .configuration)
            }
            let catalogue: ProgrammeCatalogue
            let summary: ProgrammeSyncSummary
            do {
                catalogue = try ProgrammeCatalogue.load(from: folder)
                summary = try connection.store(for: Self.self).syncProgrammes(catalogue, dryRun: dryRun)
            } catch let error as ProgrammeCatalogueError {
                throw CommandFailure(error.description, status: .dataError)
            }
            for missing in summary.coursesWithoutCentre {
                Log.warning("course \(missing.course): centre \(missing.centre) does not exist yet; stored without a centre (sync again once it is added)")
            }
            for code in summary.versionNotRaised {
                Log.warning("programme \(code) changed but its version was not raised in \(catalogue.file(ofProgramme: code))")
            }
            Printer.write(summary.line + "\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List programmes.",
            discussion: "Examples:\n  homeward programme list\n  homeward programme list --format json")
        @OptionGroup var read: ReadOptions

        func run() throws { try read.list(for: Self.self) { try $0.programmes() } }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a programme: its phases with durations and each phase's weekly requirements.",
            discussion: "Example:\n  homeward programme show WOMEN-RESIDENTIAL")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Programme code.") var code: Code

        func run() throws {
            try read.show(for: Self.self, { try $0.programme(code: code.value) }) { programme in
                Printer.fields([
                    ("Code", programme.code), ("Name", programme.name), ("Audience", programme.audience.displayName),
                    ("Version", String(programme.version)), ("Description", programme.description),
                    ("Length", "\(programme.phases.reduce(0) { $0 + $1.durationDays }) days in \(programme.phases.count) phases"),
                ])
                for (index, phase) in programme.phases.enumerated() {
                    Printer.heading("Phase \(index + 1): \(phase.code), \(phase.name): \(phase.durationDays) days, review every \(phase.reviewIntervalDays) days")
                    Printer.table(
                        ["requirement", "session_type", "staff_role", "mode", "group", "minutes", "per_week", "ages", "sex", "room"],
                        phase.requirements.map { requirement in
                            [requirement.code, requirement.sessionType.displayName, requirement.staffRole.displayName,
                             requirement.mode.displayName,
                             requirement.mode == .group ? "\(requirement.groupMin.text ?? "?")–\(requirement.groupMax.text ?? "?")" : nil,
                             String(requirement.durationMinutes), Self.perWeek(requirement.sessionsPerWeek),
                             requirement.minAge == nil && requirement.maxAge == nil
                                 ? nil : "\(requirement.minAge.text ?? "")–\(requirement.maxAge.text ?? "")",
                             requirement.sex?.displayName, requirement.roomKind.displayName]
                        })
                }
            }
        }

        /// `2`, `0.5`: no trailing zeros.
        static func perWeek(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(value)
        }
    }
}

extension ProgrammeSummary: TabularRecord {
    static let columns = ["code", "name", "audience", "version", "phases", "requirements", "days"]
    var cells: [String?] {
        [code, name, audience.displayName, String(version), String(phases), String(requirements), String(totalDays)]
    }
}
