import ArgumentParser
import Homeward
import HomewardStore

/// `homeward family …`: households booked together for family sessions, relatives and family links.
struct FamilyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "family",
        abstract: "Families for family sessions, relatives who are not participants, and who is related to whom.",
        subcommands: [Add.self, List.self, Show.self, Leave.self, RelativeCommand.self, Link.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a family (a household booked together for family sessions); prints its id.",
            discussion: "Example:\n  homeward family add \"Sadykova household (Atyrau)\" --member KZ-2019-0417 --member KZ-2019-0418")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "How coordinators name the family.") var label: String
        @Option(help: "Case number of a member (repeat for each).") var member: [String] = []

        func validate() throws {
            if member.isEmpty { throw ValidationError("give at least one --member CASE") }
        }

        func run() throws {
            let label = try Rules.required(label, field: "label")
            let members = try member.map { try Rules.code($0, field: "member") }
            let id = try connection.store(for: Self.self).addFamily(label: label, memberCaseNumbers: members)
            Printer.write("\(id)\n")
            Log.info("added family \(id) \"\(label)\" with \(Set(members).count) member(s)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List families and their members.",
            discussion: "Examples:\n  homeward family list\n  homeward family list --format json")
        @OptionGroup var read: ReadOptions

        func run() throws { try read.list(for: Self.self) { try $0.families() } }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a family's members and each member's family links.",
            discussion: "Example:\n  homeward family show 3")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Family id (from family list).") var id: Int

        func run() throws {
            try read.show(for: Self.self, { try $0.family(id: id) }) { detail in
                Printer.fields([("Family", String(detail.id)), ("Label", detail.label), ("Members", String(detail.members.count))])
                for member in detail.members {
                    Printer.heading("\(member.caseNumber)  \(member.name), \(member.age)" + (member.leftOn.map { " (left on \($0))" } ?? ""))
                    Printer.table(["person", "name", "relationship", "guardian"], member.links.map(\.cells))
                }
            }
        }
    }

    struct Leave: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A member leaves a family from a day: family sessions from then on expect only those who remain.",
            discussion: """
                The member's seats in the family's planned sessions from that day are released (a session left with \
                nobody is cancelled), and the scheduler plans the family's sessions without them.

                Example:
                  homeward family leave 3 --participant KZ-2019-0417 --from 2026-12-07 --reason "sentenced, in prison"
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Family id (from family list).") var id: Int
        @Option(help: "Case number of the member who leaves.") var participant: String
        @Option(help: "First day they no longer belong to the family.") var from: LocalDate
        @Option(help: "Why.") var reason: String?

        func run() throws {
            let record = try Rules.code(participant, field: "participant")
            let why = try reason.map { try Rules.required($0, field: "reason", record: record, maxLength: Rules.maxTextLength) }
            let outcome = try connection.store(for: Self.self).leaveFamily(id: id, caseNumber: record, from: from, reason: why)
            Log.info("\(record) left family \(id) from \(from): \(outcome.seats) family-session seat(s) released, "
                + "\(outcome.cancelled) session(s) cancelled")
        }
    }

    struct RelativeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "relative",
            abstract: "Relatives who are not participants (grandmothers, aunts, uncles…).",
            subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a relative; prints the new relative's id on stdout.",
                discussion: "Example:\n  homeward family relative add --given-name Gulnara --family-name Sadykova --phone +77011234567 --region Atyrau")
            @OptionGroup var connection: ConnectionOptions
            @Option var givenName: String
            @Option var familyName: String
            @Option var phone: String?
            @Option(help: "Where the relative lives.") var region: String?
            @Option(help: "Free notes about the family situation.") var notes: String?

            func run() throws {
                let relative = try Relative(givenName: givenName, familyName: familyName, phone: phone, region: region,
                                            relationshipNotes: notes).validated()
                let id = try connection.store(for: Self.self).addRelative(relative)
                Printer.write("\(id)\n")
                Log.info("added relative \(id) \(relative.fullName)")
            }
        }
    }

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say who is related to a participant: a relative (by id) or another participant (by case number).",
            discussion: """
                The relationship is what the linked person is TO the participant: --relationship grandmother means \
                the relative is the participant's grandmother.

                Examples:
                  homeward family link KZ-2019-0418 --relative 12 --relationship grandmother --guardian --guardian-since 2019-08-01
                  homeward family link KZ-2019-0418 --participant KZ-2019-0417 --relationship mother
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var subject: CaseNumberArgument
        @Option(help: "Id of a relative (from family relative add).") var relative: Int?
        @Option(help: "Case number of a related participant.") var participant: String?
        @Option(help: "What the linked person is to the participant.") var relationship: FamilyLink.Relationship
        @Flag(help: "The linked person is the legal guardian.") var guardian = false
        @Option(help: "Day guardianship was granted.") var guardianSince: LocalDate?

        func validate() throws {
            if relative == nil, participant == nil { throw ValidationError("give --relative ID or --participant CASE") }
            if guardianSince != nil, !guardian { throw ValidationError("--guardian-since needs --guardian") }
        }

        func run() throws {
            let record = try subject.code(field: "case_number")
            let link = FamilyLink(
                caseNumber: record, relativeID: relative,
                relatedCaseNumber: try participant.map { try Rules.code($0, field: "participant", record: record) },
                relationship: relationship, isGuardian: guardian, guardianSince: guardianSince)
            // Both --relative and --participant reach the database, which names the rule (family_links_exactly_one_person).
            try connection.store(for: Self.self).addFamilyLink(link)
            Log.info("linked \(record) to \(link.personLabel) (\(relationship.displayName))")
        }
    }
}

extension FamilySummary: TabularRecord {
    static let columns = ["id", "label", "members"]
    var cells: [String?] { [String(id), label, memberCaseNumbers.joined(separator: ",")] }
}
