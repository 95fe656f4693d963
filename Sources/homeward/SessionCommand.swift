import ArgumentParser
import Homeward
import HomewardStore

/// `homeward session …`: book, list, show, cancel, reschedule sessions and mark them held.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Book, list, show, cancel and reschedule sessions; mark them held; join groups; suggest options.",
        discussion: """
            Times are typed and shown in the local time of the session's centre. A room, a staff member or a participant \
            can never be in two planned or held sessions at once; the database refuses double bookings.

            Example:
              homeward session list --centre AKT-RC --from 2026-12-01 --to 2026-12-07
            """,
        subcommands: [Add.self, List.self, Show.self, Cancel.self, Reschedule.self, Held.self, Join.self, Suggest.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Book a session with its staff and participants; prints the new session id.",
            discussion: """
                The mode follows from what is given: family with --family, group with several participants, \
                otherwise individual (a --requirement's own mode wins when no family is named).

                Examples:
                  homeward session add --type individual-counselling \\
                    --centre AKT-RC --room C1 --start "2026-12-01 10:00" --minutes 60 \\
                    --staff ST-0001 --participant KZ-2019-0417
                  homeward session add --type group-theology-class \\
                    --centre AKT-RC --room HALL --start "2026-12-02 15:00" --minutes 90 \\
                    --staff ST-0007 --participant KZ-2019-0417 --participant KZ-2019-0418 \\
                    --requirement WOMEN-RESIDENTIAL/RESIDENTIAL/THEOLOGY-GROUP
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Kind of session.") var type: SessionType
        @Option(help: "Centre code, e.g. AKT-RC.") var centre: String
        @Option(help: "Room code in that centre.") var room: String
        @Option(help: "Local start in the centre's time zone: \"YYYY-MM-DD HH:MM\".") var start: String
        @Option(help: "Length in minutes.") var minutes: Int
        @Option(help: "Staff code, repeatable.") var staff: [String] = []
        @Option(help: "Participant case number, repeatable.") var participant: [String] = []
        @Option(help: "Programme requirement fulfilled: PROGRAMME/PHASE/REQUIREMENT.") var requirement: String?
        @Option(help: "Family id, for a family session.") var family: Int?
        @Option(help: ArgumentHelp(
            "Book it although it breaks a planning rule (language, hours, availability, placement, school, daily limit, family, enrolment, past); say why. Audited, shown by session show.",
            valueName: "reason")) var override: String?

        func validate() throws {
            if let override, override.trimmingSpaces().isEmpty { throw ValidationError("--override needs a reason") }
            guard LocalDateTime(start) != nil else {
                throw ValidationError("--start \"\(start)\" is not a local date and time; write it like \"2026-12-01 10:00\"")
            }
            guard (5...480).contains(minutes) else { throw ValidationError("--minutes must be between 5 and 480") }
            if staff.isEmpty { throw ValidationError("give at least one --staff code") }
            if participant.isEmpty { throw ValidationError("give at least one --participant case number") }
        }

        func run() throws {
            let booking = try SessionBooking(
                type: type, centreCode: centre, roomCode: room, start: LocalDateTime.parse(start, field: "--start"), minutes: minutes,
                staffCodes: staff, caseNumbers: participant,
                requirement: try requirement.map { text throws(InvalidInput) in try RequirementPath.parse(text, field: "--requirement") },
                familyID: family, overrideReason: override
            ).validated()
            let store = try connection.store(for: Self.self)
            let id = try store.addSession(booking)
            Printer.write("\(id)\n")
            Log.info("booked session \(id): \(booking.type.displayName) at \(booking.centreCode)/\(booking.roomCode), \(booking.start) local"
                + (override == nil ? "" : ", overriding the planning rules"))
            for warning in try store.softWarnings(sessionIDs: [id]) { Log.warning("\(warning) (a soft rule: booked anyway)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sessions, in each centre's local time.",
            discussion: """
                Examples:
                  homeward session list --centre AKT-RC --from 2026-12-01 --to 2026-12-07
                  homeward session list --staff ST-0001 --status planned --format csv
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only sessions at this centre.") var centre: Code?
        @Option(help: "First local day (YYYY-MM-DD).") var from: LocalDate?
        @Option(help: "Last local day (YYYY-MM-DD), inclusive.") var to: LocalDate?
        @Option(help: "Only sessions held by this staff member.") var staff: Code?
        @Option(help: "Only sessions of this participant (case number).") var participant: Code?
        @Option(help: "Only sessions with this status.") var status: SessionStatus?

        func validate() throws {
            if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
        }

        func run() throws {
            let filter = SessionFilter(centreCode: centre?.value, from: from, to: to, staffCode: staff?.value,
                                       caseNumber: participant?.value, status: status)
            try read.list(for: Self.self) { try $0.sessions(filter) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a session with its staff, participants and attendance.",
            discussion: "Example:\n  homeward session show 42")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Session id.") var id: Int

        func run() throws {
            try read.show(for: Self.self, { try $0.session(id: id) }) { detail in
                let summary = detail.summary, session = summary.session
                Printer.fields([
                    ("Session", String(session.id)), ("Type", session.type.displayName), ("Mode", session.mode.displayName),
                    ("Status", session.status.displayName), ("Centre", session.centreCode), ("Room", session.roomCode),
                    ("Starts", "\(summary.localStart) (\(summary.timeZone))"), ("Ends", "\(summary.localEnd) (\(summary.timeZone))"),
                    ("Minutes", String(session.minutes)), ("Requirement", session.requirement),
                    ("Family", session.familyID.map { id in detail.familyLabel.map { "\($0) (\(id))" } ?? String(id) }),
                    ("Cancelled by", session.cancelledBy?.displayName), ("Reason", session.cancelReason),
                    ("Replaced by", session.replacedBySessionID.text), ("Replaces", detail.replacesSessionID.text),
                    ("Override", detail.overrideReason.map { reason in detail.overrideBy.map { "\(reason) (by \($0))" } ?? reason }),
                ])
                Printer.heading("Staff")
                Printer.table(["code", "name"], detail.staff.map { [$0.code, $0.name] })
                Printer.heading("Participants and attendance")
                Printer.table(["case_number", "name", "attendance", "note", "recorded_by"], detail.participants.map {
                    [$0.caseNumber, $0.name, $0.attendance?.status.displayName ?? "not recorded", $0.attendance?.note, $0.attendance?.recordedBy]
                })
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a planned session; its room, staff and participants are free again.",
            discussion: "Example:\n  homeward session cancel 42 --reason \"psychologist ill\" --by staff")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Session id.") var id: Int
        @Option(help: "Why it will not take place.") var reason: String
        @Option(help: "Who cancelled.") var by: CancelledBy

        func validate() throws {
            if reason.trimmingSpaces().isEmpty { throw ValidationError("--reason must say why the session is cancelled") }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            try store.cancelSession(id: id, reason: reason.trimmingSpaces(), by: by)
            Log.info("cancelled session \(id)")
        }
    }

    struct Reschedule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a planned session: books the replacement with the same people and prints its id.",
            discussion: """
                The old session is marked rescheduled and points to the new one; both happen in one transaction.

                Examples:
                  homeward session reschedule 42 --start "2026-12-03 11:00"
                  homeward session reschedule 42 --start "2026-12-03 11:00" --room C2 \\
                    --reason "room flooded" --by centre
                  homeward session reschedule 42 --start "2026-12-03 11:00" --staff ST-0002 \\
                    --reason "psychologist ill" --by staff
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Session id.") var id: Int
        @Option(help: "New local start in the centre's time zone: \"YYYY-MM-DD HH:MM\".") var start: String
        @Option(help: "New room in the same centre (default: the same room).") var room: String?
        @Option(help: "Why it moved.") var reason: String?
        @Option(help: "Who asked for the move.") var by: CancelledBy?
        @Option(help: "New staff code, repeatable (default: the same staff).") var staff: [String] = []
        @Option(help: ArgumentHelp("Book the new time although it breaks a planning rule; say why (audited).", valueName: "reason"))
        var override: String?

        func validate() throws {
            guard LocalDateTime(start) != nil else {
                throw ValidationError("--start \"\(start)\" is not a local date and time; write it like \"2026-12-03 11:00\"")
            }
            if let override, override.trimmingSpaces().isEmpty { throw ValidationError("--override needs a reason") }
        }

        func run() throws {
            let newStart = try LocalDateTime.parse(start, field: "--start")
            let roomCode = try room.map { code throws(InvalidInput) in try Rules.code(code, field: "--room") }
            let store = try connection.store(for: Self.self)
            let staffCodes = try staff.isEmpty ? nil : staff.map { code throws(InvalidInput) in try Rules.code(code, field: "--staff") }
            let newID = try store.rescheduleSession(id: id, start: newStart, roomCode: roomCode, staffCodes: staffCodes,
                                                    reason: reason.flatMap { $0.trimmingSpaces().isEmpty ? nil : $0 }, by: by,
                                                    overrideReason: override)
            Printer.write("\(newID)\n")
            Log.info("session \(id) rescheduled to \(newStart) local as session \(newID)")
            for warning in try store.softWarnings(sessionIDs: [newID]) { Log.warning("\(warning) (a soft rule: booked anyway)") }
        }
    }

    struct Held: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a planned session that has started as held.",
            discussion: "Example:\n  homeward session held 42")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Session id.") var id: Int

        func run() throws {
            try connection.store(for: Self.self).markSessionHeld(id: id)
            Log.info("session \(id) marked held")
        }
    }
}

extension SessionSummary: TabularRecord {
    static let columns = ["id", "starts", "ends", "centre", "room", "type", "mode", "status", "staff", "participants"]
    static let narrowColumns = ["id", "starts", "ends", "room", "type", "status", "staff", "participants"]
    var cells: [String?] {
        [String(session.id), localStart.description, localEnd.date == localStart.date ? localEnd.time.description : localEnd.description, session.centreCode, session.roomCode,
         session.type.displayName, session.mode.displayName, session.status.displayName,
         session.staffCodes.joined(separator: ","), session.caseNumbers.joined(separator: ",")]
    }
}
