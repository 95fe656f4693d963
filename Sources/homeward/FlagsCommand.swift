import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward flags …`: who is falling behind, why, and who is dealing with it.
struct FlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "Evaluate, list and follow up the flags raised on participants who fall behind.",
        discussion: """
            Rules and thresholds live in the flags: section of \(HomewardSettings.defaultPath). A flag is open until someone \
            acknowledges it (flags ack) and resolved when its condition clears (automatically) or by hand (flags resolve). \
            A condition that returns re-opens the same flag.

            Example:
              homeward flags evaluate && homeward flags list --open --severity urgent
            """,
        subcommands: [Evaluate.self, List.self, Digest.self, Show.self, Ack.self, Resolve.self])

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate every flag rule for every participant (idempotent; run nightly).",
            discussion: """
                Opens flags for new conditions, updates the inputs of open ones, re-opens resolved ones whose condition \
                returned and resolves those whose condition cleared, all in one transaction. Prints a summary on stderr.

                Examples:
                  homeward flags evaluate
                  homeward flags evaluate --quiet --config /etc/homeward/settings.yaml
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var settings: SettingsOptions
        @Flag(help: "Print nothing on success.") var quiet = false

        func run() throws {
            let file = try settings.load()
            let policy = file.flags.policy
            let store = try connection.store(for: Self.self, timeouts: file.database.interactive)
            let summary = try store.evaluateFlags(policy: policy)
            if !quiet {
                Log.info("""
                    flags: \(summary.findings) conditions found; \(summary.opened) opened, \(summary.updated) updated, \
                    \(summary.reopened) re-opened, \(summary.resolved) resolved; open now: \(summary.openUrgent) urgent, \
                    \(summary.openConcern) concern, \(summary.openWatch) watch
                    """)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List flags, most severe first.",
            discussion: """
                Examples:
                  homeward flags list --open
                  homeward flags list --centre AKT-RC --severity urgent --format csv
                  homeward flags list --open --kind not-served
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only participants placed at this centre.") var centre: String?
        @Option(help: "Only this participant (case number).") var participant: String?
        @Option(help: "Only this severity.") var severity: FlagSeverity?
        @Option(help: "Only this kind: falling-behind (the participant disengages) or not-served (the programme fails them).")
        var kind: FlagKind?
        @Flag(help: "Only flags not yet resolved (open or acknowledged).") var open = false

        func run() throws {
            let centreCode = try centre.map { try Rules.code($0, field: "--centre") }
            let caseNumber = try participant.map { try Rules.code($0, field: "--participant") }
            try read.list(for: Self.self) {
                try $0.flags(centreCode: centreCode, caseNumber: caseNumber, severity: severity, unresolvedOnly: open, kind: kind)
            }
        }
    }

    struct Digest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What to read each morning: unresolved flags that are new, re-opened or worse since yesterday, worst first.",
            discussion: """
                Examples:
                  homeward flags digest --centre AKT-RC
                  homeward flags digest --hours 72 --format json
                """)
        @OptionGroup var read: ReadOptions
        @Option(help: "Only participants placed at this centre.") var centre: Code?
        @Option(help: "How far back to look, in hours.") var hours: Int = 24

        func validate() throws {
            if hours < 1 || hours > 24 * 366 { throw ValidationError("--hours must be from 1 to 8784") }
        }

        func run() throws {
            try read.list(for: Self.self) { try $0.flagDigest(centreCode: centre?.value, hours: hours) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show why a flag was raised: rule, threshold, inputs and history.",
            discussion: "Example:\n  homeward flags show 12")
        @OptionGroup var read: ReadOptions
        @Argument(help: "Flag id.") var id: Int

        func run() throws {
            let store = try read.store(for: Self.self)
            let detail = try store.flag(id: id)
            guard read.format == .table else { return Printer.json(detail) }
            let flag = detail.flag
            Printer.fields([
                ("flag", String(flag.id)), ("participant", flag.caseNumber), ("centre", flag.centreCode),
                ("rule", "\(flag.rule.displayName): \(flag.rule.summary)"), ("subject", flag.subject),
                ("severity", flag.severity.displayName), ("status", flag.status.displayName),
                ("opened", DatabaseCommand.Status.timestamp(flag.openedAt)), ("re-opened", "\(flag.reopenCount) times"),
                ("last evaluated", DatabaseCommand.Status.timestamp(flag.lastEvaluatedAt)),
                ("acknowledged", detail.acknowledgedAt.map {
                    "\(DatabaseCommand.Status.timestamp($0)) by \(detail.acknowledgedBy ?? "?"): \(detail.acknowledgeNote ?? "")" }),
                ("resolved", detail.resolvedAt.map {
                    "\(DatabaseCommand.Status.timestamp($0)) by \(detail.resolvedBy ?? "?"): \(detail.resolveReason ?? "")" }),
            ])
            Printer.heading("Threshold")
            Printer.table(["setting", "value"], detail.threshold.sorted { $0.key < $1.key }.map { [$0.key, $0.value.description] })
            Printer.heading("Inputs (what triggered it)")
            Printer.table(["input", "value"], flag.inputs.sorted { $0.key < $1.key }.map { [$0.key, $0.value.description] })
            Printer.heading("History")
            Printer.table(["at", "event", "by", "severity", "note / inputs"], detail.events.map { event in
                [DatabaseCommand.Status.timestamp(event.at), event.event.displayName, event.by, event.severity.displayName,
                 event.note ?? event.inputs.map(FlagsCommand.compact)]
            })
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge a flag: say who is dealing with it and how.",
            discussion: "Example:\n  homeward flags ack 12 --note \"called the family; home visit on Friday\"")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Flag id.") var id: Int
        @Option(help: "What is being done about it.") var note: String
        @Option(help: "Who acknowledges it (default: your database login).") var by: String?

        func validate() throws {
            if note.trimmingSpaces().isEmpty { throw ValidationError("--note must say what is being done about the flag") }
            if let by, by.trimmingSpaces().isEmpty { throw ValidationError("--by must not be empty") }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            try store.acknowledgeFlag(id: id, note: note.trimmingSpaces(), by: by?.trimmingSpaces())
            Log.info("acknowledged flag \(id)")
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve a flag by hand, with a reason.",
            discussion: """
                The flag stays resolved while its condition holds; it re-opens if the condition clears and returns, \
                or grows more severe.

                Example:
                  homeward flags resolve 12 --reason "moved to Almaty; followed by the regional office"
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Flag id.") var id: Int
        @Option(help: "Why the flag is closed.") var reason: String
        @Option(help: "Who resolves it (default: your database login).") var by: String?

        func validate() throws {
            if reason.trimmingSpaces().isEmpty { throw ValidationError("--reason must say why the flag is closed") }
            if let by, by.trimmingSpaces().isEmpty { throw ValidationError("--by must not be empty") }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            try store.resolveFlag(id: id, reason: reason.trimmingSpaces(), by: by?.trimmingSpaces())
            Log.info("resolved flag \(id)")
        }
    }

    /// Inputs on one line: `attended=3 counted=5 rate=0.6`.
    static func compact(_ values: [String: FlagValue]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}


extension FlagSummary: TabularRecord {
    static let columns = ["id", "case_number", "centre", "severity", "status", "rule", "subject", "opened_at", "inputs", "kind"]
    static let narrowColumns = ["id", "case_number", "severity", "status", "rule", "subject"]
    var cells: [String?] {
        [String(id), caseNumber, centreCode, severity.displayName, status.displayName, rule.displayName, subject,
         DatabaseCommand.Status.timestamp(openedAt), FlagsCommand.compact(inputs), kind.displayName]
    }
}

extension FlagDigestEntry: TabularRecord {
    static let columns = ["id", "case_number", "centre", "kind", "severity", "change", "rule", "subject", "changed_at"]
    static let narrowColumns = ["id", "case_number", "severity", "change", "rule", "subject"]
    var cells: [String?] {
        [String(flag.id), flag.caseNumber, flag.centreCode, flag.kind.displayName, flag.severity.displayName,
         change + (severityBefore.map { change == "worse" ? " (was \($0.displayName))" : "" } ?? ""), flag.rule.displayName, flag.subject,
         DatabaseCommand.Status.timestamp(changedAt)]
    }
}

// MARK: - homeward attendance mark-unrecorded

extension AttendanceCommand {
    /// The nightly pass that finds sessions whose attendance paperwork is missing.
    struct MarkUnrecorded: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mark-unrecorded",
            abstract: "Mark past planned sessions still missing attendance after the grace period (nightly).",
            discussion: """
                The grace period defaults to flags.unrecorded_grace_days in \(HomewardSettings.defaultPath) (2 days). \
                Marks clear by themselves once attendance is recorded or the session is marked held or cancelled.

                Examples:
                  homeward attendance mark-unrecorded
                  homeward attendance mark-unrecorded --grace-days 3 --list
                """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var settings: SettingsOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Days after a session before missing attendance counts as unrecorded.") var graceDays: Int?
        @Flag(help: "Print every session currently marked unrecorded.") var list = false

        func validate() throws {
            if let graceDays, !(0...60).contains(graceDays) { throw ValidationError("--grace-days must be 0 to 60") }
        }

        func run() throws {
            let grace = try graceDays ?? settings.load().flags.unrecordedGraceDays
            let store = try connection.store(for: Self.self)
            let marked = try store.markUnrecordedSessions(graceDays: grace)
            let sessions = try store.unrecordedSessions()
            Log.info("\(marked) session\(marked == 1 ? "" : "s") newly marked unrecorded; \(sessions.count) await attendance (grace \(grace) days)")
            if list { Printer.list(sessions, format: output.format) }
        }
    }
}

extension UnrecordedSession: TabularRecord {
    static let columns = ["session", "centre", "starts_at", "kind", "unrecorded_since", "missing"]
    var cells: [String?] {
        [String(sessionID), centreCode, DatabaseCommand.Status.timestamp(startsAt), sessionType.displayName,
         DatabaseCommand.Status.timestamp(unrecordedSince), missing.joined(separator: " ")]
    }
}
