import ArgumentParser
import Homeward
import HomewardStore

/// `homeward centre …`: rehabilitation centres, NGO day centres, prisons, community offices.
struct CentreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "centre",
        abstract: "Add, list, show and change centres, their opening hours, timetable and closed days; see a day's free rooms and staff.",
        subcommands: [Add.self, List.self, Show.self, Update.self, Hours.self, Block.self, Close.self, Closures.self, Reopen.self, Free.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a centre.",
            discussion: """
                Examples:
                  homeward centre add AKT-RC --name "Aktau Rehabilitation Centre" --kind rehabilitation-centre \\
                    --region Mangystau --address "14th microdistrict, Aktau" --time-zone Asia/Aqtau --capacity 120 \\
                    --hours "mon-sat 08:00-19:00"
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Centre code, e.g. AKT-RC.") var code: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Kind of centre.") var kind: Centre.Kind
        @Option(help: "Region (oblast).") var region: String
        @Option(help: "Street address.") var address: String
        @Option(help: "IANA time zone, e.g. Asia/Aqtau or Asia/Almaty.") var timeZone: String
        @Option(help: "How many participants it can hold or serve.") var capacity: Int
        @Option(help: "Opening hours, repeatable: \"mon-fri 09:00-18:00\".") var hours: [String] = []

        func run() throws {
            let centre = try Centre.validated(code: code, name: name, kind: kind, region: region, address: address,
                                              timeZone: timeZone, capacity: capacity)
            let openingHours = try hours.flatMap { try WeeklyHours.parse($0, field: "--hours") }
            let store = try connection.store(for: Self.self)
            try store.addCentre(centre, openingHours: openingHours)
            Log.info("added centre \(centre.code)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List centres.",
            discussion: """
                Examples:
                  homeward centre list
                  homeward centre list --kind prison --format csv
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only centres of this kind.") var kind: Centre.Kind?
        @Option(help: "Only centres in this region.") var region: String?

        func run() throws { try read.list(for: Self.self) { try $0.centres(kind: kind, region: region) } }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a centre with its hours, timetable and rooms.",
            discussion: "Example:\n  homeward centre show AKT-RC")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Centre code.") var code: Code

        func run() throws {
            try read.show(for: Self.self, { try $0.centre(code: code.value) }) { detail in
                let centre = detail.centre
                Printer.fields([
                    ("Code", centre.code), ("Name", centre.name), ("Kind", centre.kind.displayName), ("Region", centre.region),
                    ("Address", centre.address), ("Time zone", centre.timeZone), ("Capacity", String(centre.capacity)),
                    ("Placed now", String(detail.participantsPlaced)), ("Staff", String(detail.staffCount)),
                ])
                Printer.heading("Opening hours")
                Printer.table(["day", "opens", "closes"], detail.openingHours.map {
                    [WeeklyHours.weekdayNames[$0.weekday], $0.start.description, $0.end.description]
                })
                if !detail.timetableBlocks.isEmpty {
                    Printer.heading("Timetable blocks (participants unavailable)")
                    Printer.table(["day", "from", "to", "label"], detail.timetableBlocks.map {
                        [WeeklyHours.weekdayNames[$0.hours.weekday], $0.hours.start.description, $0.hours.end.description, $0.label]
                    })
                }
                Printer.heading("Rooms")
                Printer.table(Room.columns, detail.rooms.map(\.cells))
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a centre's details.",
            discussion: "Example:\n  homeward centre update AKT-RC --capacity 150")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Centre code.") var code: Code
        @Option var name: String?
        @Option var kind: Centre.Kind?
        @Option var region: String?
        @Option var address: String?
        @Option(help: "IANA time zone.") var timeZone: String?
        @Option var capacity: Int?

        func validate() throws {
            if let capacity, capacity < 1 { throw ValidationError("--capacity must be at least 1") }
            if [name, region, address, timeZone].allSatisfy({ $0 == nil }), kind == nil, capacity == nil {
                throw ValidationError("nothing to change: give at least one option such as --capacity")
            }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            try store.updateCentre(
                code: code.value, name: name, kind: kind, region: region, address: address, timeZone: timeZone, capacity: capacity)
            Log.info("updated centre \(code.value)")
        }
    }

    struct Hours: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a centre's weekly opening hours.",
            discussion: "Example:\n  homeward centre hours AKT-RC \"mon-fri 08:00-19:00\" \"sat 09:00-14:00\"")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var centre: CentreHoursArguments

        func run() throws {
            let parsed = try centre.hours.parsed()
            let store = try connection.store(for: Self.self)
            try store.transaction { try store.replaceOpeningHours(centreCode: centre.code.value, parsed) }
            Log.info("set \(parsed.count) opening-hour entries for \(centre.code.value)")
        }
    }

    struct Block: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add daily timetable blocks when the centre's participants cannot attend sessions (meals, counts, work).",
            discussion: "Example:\n  homeward centre block KAR-PRISON \"mon-sun 13:00-14:00\" --label lunch")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var centre: CentreHoursArguments
        @Option(help: "What happens then.") var label: String

        func run() throws {
            let parsed = try centre.hours.parsed()
            let store = try connection.store(for: Self.self)
            try store.addTimetableBlocks(centreCode: centre.code.value, parsed, label: label)
        }
    }
}

extension Centre: TabularRecord {
    static let columns = ["code", "name", "kind", "region", "time_zone", "capacity"]
    var cells: [String?] { [code, name, kind.displayName, region, timeZone, String(capacity)] }
}

extension Room: TabularRecord {
    static let columns = ["centre", "code", "name", "kind", "capacity"]
    var cells: [String?] { [centreCode, code, name, kind.displayName, String(capacity)] }
}

extension CentreCommand {
    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close centres for a day or days (a public holiday): nothing is planned there; prints the sessions affected.",
            discussion: """
                A centre's closed days are its holiday calendar (`homeward centre closures`). Several centres close in one \
                transaction (all or none). The sessions already planned on those days are listed; `homeward schedule \
                repair` (and tonight's nightly) moves them.

                Examples:
                  homeward centre close AKT-RC --on 2026-12-16 --reason "Independence Day"
                  homeward centre close AKT-RC ALM-NGO --on 2026-12-16 --to 2026-12-17 --reason "Independence Day"
                """)
        @OptionGroup var read: ReadOptions
        @Argument(help: "Centre codes (one or more).") var codes: [Code]
        @Option(help: "(First) day closed.") var on: LocalDate
        @Option(help: "Last day closed (inclusive; default: --on).") var to: LocalDate?
        @Option(help: "Why, e.g. \"Independence Day\".") var reason: String

        func validate() throws {
            if codes.isEmpty { throw ValidationError("give at least one centre code") }
            if let to, to < on { throw ValidationError("--to \(to) is before --on \(on)") }
        }

        func run() throws {
            let store = try read.store(for: Self.self)
            let last = to ?? on, why = try Rules.required(reason, field: "reason")
            let centres = codes.map(\.value)
            try store.transaction { for centre in centres { try store.closeCentre(centreCode: centre, from: on, to: last, reason: why) } }
            Log.info("closed \(centres.joined(separator: ", ")) from \(on) to \(last)")
            try AffectedSessions.print(store, from: on, days: on.days(until: last) + 1, centreCodes: centres, format: read.format)
        }
    }

    struct Closures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The holiday calendar: centre closures that end today or later (--all: every one).",
            discussion: "Examples:\n  homeward centre closures\n  homeward centre closures --centre AKT-RC --all --format json")
        @OptionGroup var read: ReadOptions
        @Option(help: "Only this centre.") var centre: Code?
        @Flag(help: "Past closures too.") var all = false

        func run() throws {
            try read.list(for: Self.self) { try $0.closures(rooms: false, centreCode: centre?.value, endingFrom: all ? nil : $0.today()) }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a centre closure (by the id `centre closures` shows): the centre can be planned again those days.",
            discussion: "Example:\n  homeward centre reopen 2")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Closure id.") var id: Int

        func run() throws {
            try connection.store(for: Self.self).removeClosure(room: false, id: id)
            Log.info("removed centre closure \(id)")
        }
    }

    /// `homeward centre free CENTRE --day D`: rooms and staff with their free intervals that day (homeward.centre_free).
    struct Free: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the rooms and staff of a centre with their free intervals on a day, in the centre's local time.",
            discussion: """
                A room is free when the centre is open and no planned or held session uses it; a staff member when they \
                work there that day (availability inside opening hours, not on leave) and hold no session anywhere. \
                psql users: SELECT * FROM homeward.centre_free('AKT-RC', '2026-12-02').

                Example:
                  homeward centre free AKT-RC --day 2026-12-02
                """)
        @OptionGroup var read: ReadOptions
        @Argument(help: "Centre code, e.g. AKT-RC.") var code: Code
        @Option(help: "Local day (YYYY-MM-DD).") var day: LocalDate

        func run() throws {
            try read.list(for: Self.self) { try $0.freeIntervals(centreCode: code.value, day: day) }
        }
    }
}

extension FreeInterval: TabularRecord {
    static let columns = ["kind", "code", "name", "free_from", "free_to"]
    var cells: [String?] { [kind, code, name, from, to] }
}
