import ArgumentParser
import Foundation
import Homeward

/// The `homeward` admin CLI: parse, call the store or the scheduler, print.
@main
struct HomewardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "homeward",
        abstract: "Schedule and track the rehabilitation programme of people returned from conflict zones.",
        discussion: """
            Homeward connects to PostgreSQL through libpq, so it honours what psql users already have:
            PGHOST, PGDATABASE, PGUSER, PGSERVICE (pg_service.conf), ~/.pgpass, conninfo strings and URIs, SSL modes. \
            Pass --db to give a conninfo or URI explicitly.

            Examples:
              homeward db migrate
              PGSERVICE=homeward homeward db status --format json
            """,
        subcommands: [
            DatabaseCommand.self, CentreCommand.self, RoomCommand.self,
            ParticipantCommand.self, FamilyCommand.self, StaffCommand.self,
            ImportCommand.self,
            ProgrammeCommand.self, EnrolmentCommand.self, SchoolCommand.self, CourseCommand.self,
            SessionCommand.self, AttendanceCommand.self, AssessmentCommand.self, MilestoneCommand.self,
            ScheduleCommand.self, NightlyCommand.self,
            ProgressCommand.self, FlagsCommand.self,
            UserCommand.self, AuditCommand.self, DemoCommand.self,
        ]
    )

    /// Runs the command; errors become one line on stderr and a meaningful exit status (see `ExitStatus`).
    static func main() {
        Interrupts.install()
        do {
            var command = try parseAsRoot()
            try command.run()
            Interrupts.completed()
            StandardStreams.finish()
        } catch let failure as CommandFailure {
            Interrupts.exitIfInterrupted()
            Log.error(failure.message)
            Foundation.exit(failure.status.rawValue)
        } catch {
            // ExitCode is a finished command's own status (3: demand left unplaced); anything else failed.
            if error is ExitCode { Interrupts.completed() } else { Interrupts.exitIfInterrupted() }
            if let failure = CommandFailure(error) {
                Log.error(failure.message)
                Foundation.exit(failure.status.rawValue)
            }
            if let date = DateArgument.refused {
                Log.error("\(message(for: error)): \(date) \(LocalDate.outOfRangeReason)")
                Foundation.exit(ExitStatus.dataError.rawValue)
            }
            if error is ExitCode { StandardStreams.finish() }
            exit(withError: error)
        }
    }
}
