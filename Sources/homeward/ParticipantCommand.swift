import ArgumentParser
import Homeward
import HomewardStore

/// `homeward participant …`: returned women, children and men, their placements and consents.
struct ParticipantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant",
        abstract: "Add, list, show and change participants; transfer, discharge, re-admit; plans, busy times, consents, last contact.",
        subcommands: [Add.self, List.self, Show.self, Update.self, Transfer.self, Discharge.self, Readmit.self, PlanCommand.self,
                      BusyCommand.self, ConsentCommand.self, Export.self, LastContact.self])

    /// Splits `kk,ru` into language codes (checked by `Rules.languages` later).
    static func languageList(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a participant, optionally placing them at a centre.",
            discussion: """
                With --centre, the first placement is created in the same transaction.

                Example:
                  homeward participant add KZ-2019-0417 --given-name Aigerim --family-name Sadykova --birth-date 1994-03-12 \\
                    --sex female --languages kk,ru --region Atyrau --returned-on 2019-05-10 \\
                    --status residential-rehabilitation --centre AKT-RC --placed-from 2019-05-10
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Case number, e.g. KZ-2019-0417.") var caseNumber: String
        @Option var givenName: String
        @Option var familyName: String
        @Option var patronymic: String?
        @Option(help: "Date of birth (YYYY-MM-DD).") var birthDate: LocalDate
        @Option var sex: Participant.Sex
        @Option(help: "Languages spoken, preferred first, e.g. kk,ru.") var languages: String
        @Option(help: "Region of origin (where the participant will return).") var region: String
        @Option(help: "Date of repatriation.") var returnedOn: LocalDate
        @Option var legalSituation: Participant.LegalSituation = .free
        @Option(help: "Expected release date (convicted participants only).") var sentenceEndsOn: LocalDate?
        @Option var status: Participant.Status = .intake
        @Option(help: "Centre of the first placement.") var centre: String?
        @Option(help: "First day of that placement (default: the return date).") var placedFrom: LocalDate?

        func validate() throws {
            if placedFrom != nil, centre == nil { throw ValidationError("--placed-from needs --centre") }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            let participant = try Participant(
                caseNumber: caseNumber, givenName: givenName, familyName: familyName, patronymic: patronymic, birthDate: birthDate,
                sex: sex, languages: ParticipantCommand.languageList(languages), regionOfOrigin: region, legalSituation: legalSituation,
                sentenceEndsOn: sentenceEndsOn, status: status, returnedOn: returnedOn
            ).validated(today: store.today())
            let placement = try centre.map {
                Placement(centreCode: try Rules.code($0, field: "centre"), firstDay: placedFrom ?? returnedOn, reason: "first placement")
            }
            try store.addParticipant(participant, placement: placement)
            Log.info("added participant \(participant.caseNumber)" + (placement.map { " placed at \($0.centreCode)" } ?? ""))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List participants with their age today and current centre.",
            discussion: """
                Examples:
                  homeward participant list --centre AKT-RC --child
                  homeward participant list --programme WOMEN-RESIDENTIAL --format json
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only participants placed at this centre today.") var centre: Code?
        @Option(help: "Only participants with this status.") var status: Participant.Status?
        @Option(help: "Only participants with an open enrolment in this programme.") var programme: Code?
        @Flag(help: "Only children (under 18 today).") var child = false
        @Flag(help: "Only adults (18 or older today).") var adult = false

        func validate() throws {
            if child && adult { throw ValidationError("give --child or --adult, not both") }
        }

        func run() throws {
            try read.list(for: Self.self) {
                try $0.participants(centreCode: centre?.value, status: status, programmeCode: programme?.value,
                                    ageGroup: child ? .child : adult ? .adult : nil)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a participant: details, age, placements, family links, consents and enrolments.",
            discussion: "Example:\n  homeward participant show KZ-2019-0417")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Case number.") var caseNumber: Code

        func run() throws {
            try read.show(for: Self.self, { try $0.participant(caseNumber: caseNumber.value) }) { detail in
                let p = detail.participant
                Printer.fields([
                    ("Case", p.caseNumber), ("Name", p.fullName), ("Born", p.birthDate.description),
                    ("Age", "\(detail.age) (\(detail.isChild ? "child" : "adult"))"), ("Sex", p.sex.displayName),
                    ("Languages", p.languages.joined(separator: ",")), ("Region", p.regionOfOrigin),
                    ("Legal situation", p.legalSituation.displayName), ("Sentence ends", p.sentenceEndsOn.text),
                    ("Status", p.status.displayName), ("Returned", p.returnedOn.text),
                    ("Current centre", detail.currentPlacement?.centreCode),
                ])
                Printer.heading("Placements")
                Printer.table(["centre", "from", "to", "reason"], detail.placements.map {
                    [$0.centreCode, $0.firstDay.description, $0.lastDay.text ?? "(current)", $0.reason]
                })
                Printer.heading("Family links")
                Printer.table(["person", "name", "relationship", "guardian"], detail.familyLinks.map(\.cells))
                Printer.heading("Consents")
                Printer.table(["kind", "given_by", "given_on", "withdrawn_on"], detail.consents.map {
                    [$0.kind.displayName, $0.givenBy, $0.givenOn.description, $0.withdrawnOn.text]
                })
                if !detail.enrolments.isEmpty {
                    Printer.heading("Enrolments")
                    Printer.table(["programme", "phase", "status", "started", "planned_end", "ended"], detail.enrolments.map {
                        [$0.programmeCode, $0.phaseCode, $0.status, $0.startedOn.description, $0.plannedEndOn.description, $0.endedOn.text]
                    })
                }
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a participant's details, status or legal situation.",
            discussion: """
                Setting a legal situation other than convicted clears the sentence end date.

                Examples:
                  homeward participant update KZ-2019-0417 --status in-community
                  homeward participant update KZ-2018-0031 --legal-situation convicted --sentence-ends-on 2027-06-30
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option var givenName: String?
        @Option var familyName: String?
        @Option var patronymic: String?
        @Option(help: "Region of origin.") var region: String?
        @Option(help: "Languages, e.g. kk,ru (replaces the list).") var languages: String?
        @Option var legalSituation: Participant.LegalSituation?
        @Option var sentenceEndsOn: LocalDate?
        @Option var status: Participant.Status?

        func validate() throws {
            if changes.isEmpty { throw ValidationError("nothing to change: give at least one option such as --status") }
        }

        var changes: ParticipantChanges {
            ParticipantChanges(
                givenName: givenName, familyName: familyName, patronymic: patronymic, regionOfOrigin: region,
                languages: languages.map(ParticipantCommand.languageList), legalSituation: legalSituation,
                sentenceEndsOn: sentenceEndsOn, status: status)
        }

        func run() throws {
            let record = try participant.code(field: "case_number")
            var changes = changes
            changes.givenName = try givenName.map { try Rules.required($0, field: "given_name", record: record) }
            changes.familyName = try familyName.map { try Rules.required($0, field: "family_name", record: record) }
            changes.languages = try changes.languages.map { try Rules.languages($0, record: record) }
            try connection.store(for: Self.self).updateParticipant(caseNumber: record, changes)
            Log.info("updated participant \(record)")
        }
    }

    /// What a transfer and a discharge both take: whose placement changes, from which day, and why.
    struct PlacementChange: ParsableArguments {
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "The day it takes effect: the first day at the new centre (transfer), the last day there (discharge).")
        var on: LocalDate
        @Option(help: "Why, noted on the placement.") var reason: String?
    }

    struct Transfer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a participant to another centre: the current placement ends the day before, a new one starts.",
            discussion: "Example:\n  homeward participant transfer KZ-2019-0417 --to ATY-CO --on 2019-07-05 --reason \"returned home\"")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: PlacementChange
        @Option(help: "Centre code of the new placement.") var to: String
        @Flag(help: "Keep a school enrolment in another region than the new centre's (by default it ends the day before).")
        var keepSchool = false

        func run() throws {
            let record = try change.participant.code(field: "case_number")
            let centre = try Rules.code(to, field: "to", record: record)
            let outcome = try connection.store(for: Self.self)
                .transferParticipant(caseNumber: record, to: centre, on: change.on, reason: change.reason, keepSchool: keepSchool)
            Log.info("transferred \(record) to \(centre) from \(change.on): \(outcome.summary)")
        }
    }

    struct Discharge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a participant's programme: close the placement (DATE is the last day there) and set the status.",
            discussion: "Example:\n  homeward participant discharge KZ-2019-0417 --on 2020-03-01 --status completed")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: PlacementChange
        @Option(help: "completed or withdrawn.") var status: Participant.Status

        func validate() throws {
            guard status == .completed || status == .withdrawn else {
                throw ValidationError("--status must be completed or withdrawn when discharging")
            }
        }

        func run() throws {
            let record = try change.participant.code(field: "case_number")
            let outcome = try connection.store(for: Self.self)
                .dischargeParticipant(caseNumber: record, on: change.on, status: status, reason: change.reason)
            Log.info("discharged \(record) on \(change.on) (\(status.displayName)): \(outcome.summary)")
        }
    }

    struct ConsentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consent",
            abstract: "Record or withdraw a participant's consent.",
            discussion: """
                Examples:
                  homeward participant consent KZ-2019-0417 --kind data-processing --given-by participant --given-on 2019-05-12
                  homeward participant consent KZ-2019-0417 --kind photo --withdraw --on 2020-01-15
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var participant: CaseNumberArgument
        @Option(help: "What the consent covers.") var kind: Consent.Kind
        @Option(help: "Who signed: \"participant\" or the guardian's full name.") var givenBy: String?
        @Option(help: "Day it was signed.") var givenOn: LocalDate?
        @Flag(help: "Withdraw the consent in force instead of recording one.") var withdraw = false
        @Option(help: "Day of withdrawal (default: today).") var on: LocalDate?

        func validate() throws {
            if withdraw {
                if givenBy != nil || givenOn != nil { throw ValidationError("--withdraw takes --on, not --given-by or --given-on") }
            } else if givenBy == nil || givenOn == nil {
                throw ValidationError("give --given-by and --given-on (or --withdraw)")
            }
        }

        func run() throws {
            let record = try participant.code(field: "case_number")
            let store = try connection.store(for: Self.self)
            if withdraw {
                let day = try on ?? store.today()
                try store.withdrawConsent(caseNumber: record, kind: kind, on: day)
                Log.info("withdrew \(kind.displayName) consent of \(record) on \(day)")
            } else if let givenBy, let givenOn {
                try store.recordConsent(caseNumber: record, try Consent(kind: kind, givenBy: givenBy, givenOn: givenOn).validated())
                Log.info("recorded \(kind.displayName) consent of \(record)")
            }
        }
    }
}

extension ParticipantSummary: TabularRecord {
    static let columns = ["case", "name", "age", "sex", "languages", "status", "centre"]
    var cells: [String?] {
        [caseNumber, name, String(age), sex.displayName, languages.joined(separator: ","), status.displayName, centreCode]
    }
}

extension FamilyLink {
    /// Cells for the family-link tables of `participant show` and `family show`.
    var cells: [String?] {
        [personLabel, name, relationship.displayName,
         isGuardian ? "yes" + (guardianSince.map { " (since \($0))" } ?? "") : "no"]
    }
}
