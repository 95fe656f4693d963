import ArgumentParser
import Foundation
import Homeward
import HomewardStore
import WorldGenerator

/// `homeward demo …`: generated worlds for measuring at size.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a world in the demo's proportions, for benchmarks at national scale.",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill an empty, migrated database with a generated world and weeks of history, deterministically from a seed.",
            discussion: """
                The world is the demo's replicated: clusters of three centres (residential, NGO day centre, prison) with \
                about 120 participants and 37 staff each, rooms, opening hours and blocks, staff availability, families, \
                enrolments, schools and the prison course. Rows are written with COPY. The history is what the nightly \
                would have left: the past weeks of one template cluster per size are planned by the scheduler itself and \
                their attendance (and school days) recorded, then copied set-based to every other cluster, whose rooms, \
                staff and participants agree with the template's in everything the booking rules read.

                Run it as the database owner or a superuser (as the demo's setup does): it writes past row-level security \
                and copies the history with triggers off. The database must be migrated and hold no centres, staff or \
                participants. --centres is rounded to whole clusters of three; --staff to a whole number per cluster.

                Examples:
                  homeward demo generate --participants 1000 --seed bench-1
                  homeward demo generate --participants 10000 --history-weeks 4 --seed 7
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var settingsFile: SettingsOptions
        @Option(help: "Participants in the world.") var participants: Int
        @Option(help: "Staff (default: the demo's 37 per 120 participants).") var staff: Int?
        @Option(help: "Centres (default: three per 120 participants).") var centres: Int?
        @Option(help: "Weeks of history before today.") var historyWeeks: Int = 4
        @Option(help: "Seed: a number or any text; the same seed gives the same world.") var seed: String
        @Option(help: "Folder of programme YAML files (default: Config/programmes of the installation).") var programmes: String?

        func validate() throws {
            guard (10...1_000_000).contains(participants) else { throw ValidationError("--participants must be between 10 and 1000000") }
            guard (0...52).contains(historyWeeks) else { throw ValidationError("--history-weeks must be between 0 and 52") }
            if let staff, staff < 1 { throw ValidationError("--staff must be at least 1") }
            if let centres, centres < 1 { throw ValidationError("--centres must be at least 1") }
        }

        func run() throws {
            let settings = try settingsFile.load()
            guard let folder = programmes.map({ URL(fileURLWithPath: $0) }) ?? InstallationPaths.locate("Config/programmes") else {
                throw CommandFailure("cannot find Config/programmes (set HOMEWARD_HOME or pass --programmes)", status: .configuration)
            }
            let catalogue: ProgrammeCatalogue
            do { catalogue = try ProgrammeCatalogue.load(from: folder) } catch { throw CommandFailure(error.description, status: .dataError) }
            let shape = WorldShape(participants: participants, staff: staff, centres: centres, historyWeeks: historyWeeks,
                                   seed: WorldShape.seed(seed))
            // The nightly's lock timeout; no limit on a statement (a copy at 100k participants runs for minutes).
            var timeouts = settings.database.nightly
            timeouts.statementTimeoutMilliseconds = 0
            timeouts.idleInTransactionMilliseconds = 0
            let store = try connection.store(for: Self.self, timeouts: timeouts)
            let world = try store.generateWorld(shape, catalogue: catalogue, settings: settings.scheduling) { part in
                if Log.isInteractive { Log.info(part) }
            }
            print("generated \(world.clusters) cluster(s): \(world.centres) centres, \(world.rooms) rooms, \(world.staff) staff, "
                  + "\(world.participants) participants, \(world.families) families, \(world.enrolments) enrolments, "
                  + "\(world.schoolEnrolments) school enrolments; \(world.historyWeeks) week(s) of history: \(world.sessions) sessions, "
                  + "\(world.attendance) attendance and \(world.schoolAttendance) school attendance rows")
            Log.info("timings: " + world.timings.map { "\($0.0.replacingOccurrences(of: " ", with: "_"))=\($0.1)ms" }.joined(separator: " "))
        }
    }
}
