import ArgumentParser
import Homeward
import HomewardStore

/// `homeward room …`: rooms in a centre (counselling rooms, classrooms, group halls, family and play rooms).
struct RoomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "room",
        abstract: "Add, list, show and change rooms; close them for a period.",
        subcommands: [Add.self, List.self, Show.self, Update.self, Close.self, Closures.self, Reopen.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a room to a centre.",
            discussion: "Example:\n  homeward room add AKT-RC C1 --name \"Counselling 1\" --kind counselling-room --capacity 3")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Centre code.") var centre: String
        @Argument(help: "Room code, unique in the centre.") var code: String
        @Option var name: String
        @Option var kind: Room.Kind
        @Option(help: "How many participants fit.") var capacity: Int

        func run() throws {
            let room = Room(centreCode: try Rules.code(centre, field: "centre"), code: try Rules.code(code, field: "code"),
                            name: try Rules.required(name, field: "name"), kind: kind, capacity: capacity)
            guard capacity >= 1 else { throw InvalidInput(record: room.code, field: "capacity", value: String(capacity), reason: "must be at least 1") }
            try connection.store(for: Self.self).addRoom(room)
            Log.info("added room \(room.centreCode)/\(room.code)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List rooms.",
            discussion: "Examples:\n  homeward room list --centre AKT-RC\n  homeward room list --kind group-hall --format json")
        @OptionGroup var read: ReadOptions
        @Option(help: "Only rooms of this centre.") var centre: Code?
        @Option(help: "Only rooms of this kind.") var kind: Room.Kind?

        func run() throws { try read.list(for: Self.self) { try $0.rooms(centreCode: centre?.value, kind: kind) } }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one room.", discussion: "Example:\n  homeward room show AKT-RC C1")
        @OptionGroup var read: ReadOptions
        @OptionGroup var room: RoomArguments

        func run() throws {
            try read.show(for: Self.self, { try $0.room(centreCode: room.centre.value, code: room.code.value) }) { shown in
                Printer.fields([("Centre", shown.centreCode), ("Code", shown.code), ("Name", shown.name),
                                ("Kind", shown.kind.displayName), ("Capacity", String(shown.capacity))])
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a room.", discussion: "Example:\n  homeward room update AKT-RC HALL --capacity 14")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var room: RoomArguments
        @Option var name: String?
        @Option var kind: Room.Kind?
        @Option var capacity: Int?

        func validate() throws {
            if name == nil, kind == nil, capacity == nil { throw ValidationError("nothing to change: give --name, --kind or --capacity") }
            if let capacity, capacity < 1 { throw ValidationError("--capacity must be at least 1") }
        }

        func run() throws {
            try connection.store(for: Self.self).updateRoom(
                centreCode: room.centre.value, code: room.code.value, name: name, kind: kind, capacity: capacity)
            Log.info("updated room \(room.path)")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a room for a period (renovation): nothing is planned in it then; prints the planned sessions affected.",
            discussion: """
                The sessions already planned there are listed; `homeward schedule repair` (and tonight's nightly) moves them.

                Example:
                  homeward room close AKT-RC C1 --from 2026-12-07 --to 2026-12-18 --reason renovation
                """)
        @OptionGroup var read: ReadOptions
        @OptionGroup var room: RoomArguments
        @Option(help: "First day closed.") var from: LocalDate
        @Option(help: "Last day closed (inclusive).") var to: LocalDate
        @Option(help: "Why, e.g. renovation.") var reason: String

        func validate() throws {
            if to < from { throw ValidationError("--to \(to) is before --from \(from)") }
        }

        func run() throws {
            let store = try read.store(for: Self.self)
            try store.closeRoom(centreCode: room.centre.value, roomCode: room.code.value, from: from, to: to,
                                reason: try Rules.required(reason, field: "reason"))
            Log.info("closed room \(room.path) from \(from) to \(to)")
            try AffectedSessions.print(store, from: from, days: from.days(until: to) + 1, centreCodes: [room.centre.value], format: read.format)
        }
    }

    struct Closures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List room closures that end today or later (--all: every one).",
            discussion: "Examples:\n  homeward room closures --centre AKT-RC\n  homeward room closures --all --format csv")
        @OptionGroup var read: ReadOptions
        @Option(help: "Only rooms of this centre.") var centre: Code?
        @Flag(help: "Past closures too.") var all = false

        func run() throws {
            try read.list(for: Self.self) { try $0.closures(rooms: true, centreCode: centre?.value, endingFrom: all ? nil : $0.today()) }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a room closure (by the id `room closures` shows): the room can be planned again.",
            discussion: "Example:\n  homeward room reopen 3")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Closure id.") var id: Int

        func run() throws {
            try connection.store(for: Self.self).removeClosure(room: true, id: id)
            Log.info("removed room closure \(id)")
        }
    }
}
