import ArgumentParser
import Homeward
import HomewardStore

/// `homeward staff …`: religious experts, psychologists, teachers… with their roles, centres, hours and leave.
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Add, list, show and change staff members; set their weekly availability and record leave.",
        subcommands: [Add.self, List.self, Show.self, Update.self, AvailabilityCommand.self, LeaveCommand.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a staff member with their roles and centres.",
            discussion: """
                Example:
                  homeward staff add ST-0042 --given-name Dana --family-name Abenova --role psychologist \\
                    --role paediatric-psychologist --centre AKT-RC --languages kk,ru --weekly-hours 36 --children
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Staff code, e.g. ST-0042.") var code: String
        @Option var givenName: String
        @Option var familyName: String
        @Option(help: "A role the staff member may take (repeat for several).") var role: [StaffRole] = []
        @Option(help: "A centre where they work (repeat for several).") var centre: [String] = []
        @Option(help: "Languages they work in, e.g. kk,ru.") var languages: String
        @Option(help: "Most session hours per week the scheduler may give them (up to 60).") var weeklyHours: Double
        @Flag(help: "Cleared to work with children (under 18).") var children = false

        func run() throws {
            let member = try StaffMember(
                code: code, givenName: givenName, familyName: familyName, roles: role, centreCodes: centre,
                languages: ParticipantCommand.languageList(languages), mayWorkWithChildren: children, weeklyHourLimit: weeklyHours
            ).validated()
            try connection.store(for: Self.self).addStaffMember(member)
            Log.info("added staff member \(member.code)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List staff members.",
            discussion: """
                Examples:
                  homeward staff list --centre AKT-RC --role psychologist
                  homeward staff list --language ar --format json
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only staff working at this centre.") var centre: Code?
        @Option(help: "Only staff holding this role.") var role: StaffRole?
        @Option(help: "Only staff working in this language, e.g. ar.") var language: String?

        func run() throws {
            try read.list(for: Self.self) { try $0.staffMembers(centreCode: centre?.value, role: role, language: language?.lowercased()) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a staff member: roles, centres, weekly availability and leave to come.",
            discussion: "Example:\n  homeward staff show ST-0042")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Staff code.") var code: Code

        func run() throws {
            try read.show(for: Self.self, { try $0.staffMember(code: code.value) }) { detail in
                let member = detail.member
                Printer.fields([
                    ("Code", member.code), ("Name", member.fullName), ("Roles", member.roles.map(\.displayName).joined(separator: ", ")),
                    ("Centres", member.centreCodes.joined(separator: ", ")), ("Languages", member.languages.joined(separator: ",")),
                    ("Weekly hours", StaffCommand.hours(member.weeklyHourLimit)),
                    ("Children", member.mayWorkWithChildren ? "cleared" : "not cleared"), ("Active", member.active ? "yes" : "no"),
                    ("Leaves programme on", detail.leavesOn?.description),
                ])
                Printer.heading("Weekly availability")
                Printer.table(["centre", "day", "from", "to", "valid_from", "valid_to"], detail.availability.map(\.cells))
                Printer.heading("Leave to come")
                Printer.table(StaffLeave.columns, detail.upcomingLeave.map(\.cells))
            }
        }
    }

    struct Update: ParsableCommand {
        /// `--active` or `--inactive`.
        enum Activity: String, EnumerableFlag { case active, inactive }

        static let configuration = CommandConfiguration(
            abstract: "Change a staff member's details, roles, centres or status.",
            discussion: """
                Examples:
                  homeward staff update ST-0042 --add-role social-worker --add-centre ATY-CO
                  homeward staff update ST-0042 --inactive --from 2026-12-14

                --inactive --from D records that the person leaves the programme on D (default today): their planned \
                sessions from D on are listed and repaired at once (`homeward schedule repair`: moved to another qualified \
                staff member, or cancelled with the reason when none can take them), and the scheduler gives them none \
                from D on. Once D has come they are also marked inactive. --active undoes a recorded departure.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Staff code.") var code: String
        @Option var givenName: String?
        @Option var familyName: String?
        @Option(help: "Languages, e.g. kk,ru (replaces the list).") var languages: String?
        @Option(help: "Weekly hour limit.") var weeklyHours: Double?
        @Flag(inversion: .prefixedNo, help: "Cleared (or not) to work with children.") var children: Bool?
        @Flag(help: "Whether the person still works for the programme.") var activity: Activity?
        @Option(help: "With --inactive: the first day they no longer work for the programme (default: today).") var from: LocalDate?
        @OptionGroup var settingsFile: SettingsOptions
        @Option(help: "Role to add (repeatable).") var addRole: [StaffRole] = []
        @Option(help: "Role to remove (repeatable).") var removeRole: [StaffRole] = []
        @Option(help: "Centre to add (repeatable).") var addCentre: [Code] = []
        @Option(help: "Centre to remove (repeatable); availability there goes too.") var removeCentre: [Code] = []

        func validate() throws {
            if changes.isEmpty { throw ValidationError("nothing to change: give at least one option such as --add-role") }
            if from != nil, activity != .inactive { throw ValidationError("--from goes with --inactive: the day they leave the programme") }
        }

        var changes: StaffChanges {
            StaffChanges(
                givenName: givenName, familyName: familyName, languages: languages.map(ParticipantCommand.languageList),
                weeklyHourLimit: weeklyHours, mayWorkWithChildren: children, active: activity.map { $0 == .active },
                addRoles: addRole, removeRoles: removeRole, addCentres: addCentre.map { $0.value },
                removeCentres: removeCentre.map { $0.value })
        }

        func run() throws {
            let record = try Rules.code(code, field: "code")
            var changes = changes
            changes.languages = try changes.languages.map { try Rules.languages($0, record: record) }
            let store = try connection.store(for: Self.self)
            switch activity {
            case .inactive:
                // Record the day first, repair what it breaks, and only then mark them inactive (the database refuses
                // that while they still hold planned sessions).
                let today = try store.today()
                let day = from ?? today
                try store.setStaffLeaving(code: record, on: day)
                Log.info("\(record) leaves the programme on \(day)")
                let outcome = try ScheduleCommand.Repair.repair(
                    store: store, request: RepairRequest(from: Swift.max(day, today), days: 62),
                    settings: try settingsFile.load().scheduling, dryRun: false)
                ScheduleCommand.Repair.print(outcome, format: .table)
                if day > today { changes.active = nil }
            case .active:
                try store.setStaffLeaving(code: record, on: nil)
            case nil:
                break
            }
            if !changes.isEmpty { try store.updateStaffMember(code: record, changes) }
            Log.info("updated staff member \(record)")
        }
    }

    struct AvailabilityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "availability",
            abstract: "Weekly hours when a staff member is available at a centre.",
            subcommands: [SetPattern.self])

        struct SetPattern: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Replace a staff member's weekly pattern at one centre (from a date on; earlier windows end the day before).",
                discussion: "Example:\n  homeward staff availability set ST-0042 --centre AKT-RC \"mon-fri 09:00-13:00\" \"tue 14:00-18:00\" --from 2026-01-05")
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: "Staff code.") var code: String
            @Option(help: "Centre code (one where the staff member works).") var centre: String
            @OptionGroup var hours: WeeklyHoursArguments
            @Option(help: "First day the pattern applies (default: today).") var from: LocalDate?

            func validate() throws {
                if hours.hours.isEmpty { throw ValidationError("give at least one window such as \"mon-fri 09:00-13:00\"") }
            }

            func run() throws {
                let record = try Rules.code(code, field: "code")
                let centreCode = try Rules.code(centre, field: "centre", record: record)
                let parsed = try hours.parsed()
                let store = try connection.store(for: Self.self)
                let day = try from ?? store.today()
                try store.setAvailability(staffCode: record, centreCode: centreCode, parsed, from: day)
                Log.info("set \(parsed.count) weekly window(s) for \(record) at \(centreCode) from \(day)")
            }
        }
    }

    struct LeaveCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leave",
            abstract: "Days a staff member is away (holiday, sickness, training).",
            subcommands: [Add.self, List.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record leave; refused when it overlaps leave already recorded. Prints the planned sessions it affects.",
                discussion: "Example:\n  homeward staff leave add ST-0042 --from 2026-03-02 --to 2026-03-13 --kind leave --note \"spring holiday\"")
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: "Staff code.") var code: String
            @Option(help: "First day away.") var from: LocalDate
            @Option(help: "Last day away (inclusive).") var to: LocalDate
            @Option(help: "Why.") var kind: StaffLeave.Kind
            @Option var note: String?

            func run() throws {
                let leave = try StaffLeave(staffCode: code, firstDay: from, lastDay: to, kind: kind, note: note).validated()
                let store = try connection.store(for: Self.self)
                try store.addLeave(leave)
                Log.info("recorded \(kind.displayName) for \(leave.staffCode) from \(from) to \(to)")
                try AffectedSessions.print(store, from: from, days: from.days(until: to) + 1, format: .table)
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a staff member's leave, oldest first.",
                discussion: "Example:\n  homeward staff leave list ST-0042")
            @OptionGroup var read: ReadOptions
            @Argument(help: "Staff code.") var code: Code

            func run() throws { try read.list(for: Self.self) { try $0.leave(staffCode: code.value) } }
        }
    }

    /// `36` rather than `36.0` when the limit is whole.
    static func hours(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension StaffMember: TabularRecord {
    static let columns = ["code", "name", "roles", "centres", "languages", "weekly_hours", "children", "active"]
    var cells: [String?] {
        [code, fullName, roles.map(\.displayName).joined(separator: ","), centreCodes.joined(separator: ","),
         languages.joined(separator: ","), StaffCommand.hours(weeklyHourLimit), mayWorkWithChildren ? "yes" : "no", active ? "yes" : "no"]
    }
}

extension StaffLeave: TabularRecord {
    static let columns = ["from", "to", "kind", "note"]
    var cells: [String?] { [firstDay.description, lastDay.description, kind.displayName, note] }
}

extension StaffAvailability {
    /// Cells for the availability table of `staff show`.
    var cells: [String?] {
        [centreCode, WeeklyHours.weekdayNames[hours.weekday], hours.start.description, hours.end.description,
         validFrom.description, validTo.text]
    }
}
