import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward progress`: who is on pace and who is falling behind, read from the progress views psql users query.
struct ProgressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Show progress of a participant's active enrolments, or of a centre's caseload worst first.",
        discussion: """
            Numbers come from the views homeward.enrolment_progress and homeward.requirement_progress, so psql shows the same. \
            required = sessions due to date (weekly rate × weeks of the phase, less sessions cancelled by staff or the centre); \
            pace = attended ÷ required; rates count attended ÷ (attended + absences + participant cancellations).

            Examples:
              homeward progress KZ-2019-0417
              homeward progress --centre AKT-RC
              homeward progress --centre AKT-RC --format csv
            """)

    @OptionGroup var read: ReadOptions
    @Argument(help: "Participant case number.") var caseNumber: String?
    @Option(help: "Centre code: every participant placed there, worst first.") var centre: String?

    func validate() throws {
        if (caseNumber == nil) == (centre == nil) { throw ValidationError("give either a case number or --centre CODE") }
    }

    func run() throws {
        let store = try read.store(for: Self.self)
        if let centre {
            let records = try store.progress(centreCode: try Rules.code(centre, field: "--centre"))
            Printer.list(records, format: read.format)
            return
        }
        let code = try Rules.code(caseNumber!, field: "case number")
        let records = try store.progress(caseNumber: code)
        guard read.format == .table else { return Printer.list(records, format: read.format) }
        if records.isEmpty { Log.info("\(code) has no active enrolment") }
        for (index, record) in records.enumerated() {
            if index > 0 { Printer.write("\n") }
            Self.show(record)
        }
    }

    /// The detail view of one enrolment: the roll-up, then one row per requirement.
    private static func show(_ progress: EnrolmentProgress) {
        Printer.fields([
            ("participant", progress.caseNumber), ("centre", progress.centreCode),
            ("enrolment", "\(progress.enrolmentID) \(progress.programmeCode) / \(progress.phaseCode)"),
            ("phase", "\(progress.phaseStartedOn) → \(progress.plannedPhaseEnd) (planned end)"),
            ("as of", progress.today.description),
            ("required to date", String(progress.requiredToDate)), ("attended", String(progress.attended)),
            ("missed (unexcused)", String(progress.missed)), ("excused", String(progress.excused)),
            ("cancelled by participant", String(progress.cancelledByParticipant)),
            ("cancelled by staff/centre", String(progress.cancelledByStaffOrCentre)),
            ("unrecorded", String(progress.unrecorded)), ("planned", String(progress.planned)),
            ("rate last 28 days", percent(progress.attendanceRateLast28Days)),
            ("rate since phase start", percent(progress.attendanceRateSincePhaseStart)),
            ("pace", ratio(progress.pace)),
            ("projected completion", progress.projectedCompletionOn?.description
                ?? (progress.stalledRequirements > 0 ? "never at this pace (\(progress.stalledRequirements) requirement(s) stalled)" : nil)),
            ("school rate last 28 days", progress.schoolDaysRecordedLast28Days.map { "\(percent(progress.schoolAttendanceRateLast28Days) ?? "—") of \($0) days" }),
            ("school unexcused in a row", progress.schoolUnexcusedDaysInARow.text),
            ("modules passed / expected", progress.modulesPassed.map { "\($0) / \(progress.modulesExpected ?? 0)" }),
            ("last assessed", progress.lastAssessedOn?.description), ("assessment due", progress.assessmentDueOn.description),
        ])
        Printer.heading("Requirements")
        Printer.table(
            ["requirement", "kind", "per_week", "required", "attended", "missed", "excused", "staff_cancelled", "unrecorded", "planned",
             "rate_28d", "rate_phase", "pace", "projected"],
            progress.requirements.map { r in
                [r.requirementCode, r.sessionType.displayName, number(r.sessionsPerWeek), String(r.requiredToDate), String(r.attended),
                 String(r.missed), String(r.excused), String(r.cancelledByStaffOrCentre), String(r.unrecorded), String(r.planned),
                 percent(r.attendanceRateLast28Days), percent(r.attendanceRateSincePhaseStart), ratio(r.pace), r.projectedCompletionOn.text]
            })
    }

    static func percent(_ rate: Double?) -> String? { rate.map { String(format: "%.1f%%", $0 * 100) } }
    static func ratio(_ value: Double?) -> String? { value.map { String(format: "%.2f", $0) } }
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}

extension EnrolmentProgress: TabularRecord {
    static let columns = ["case_number", "centre", "programme", "phase", "required", "attended", "missed", "excused", "staff_cancelled",
                          "unrecorded", "planned", "rate_28d", "rate_phase", "pace", "projected", "planned_end", "school_rate_28d",
                          "modules", "assessment_due"]
    static let narrowColumns = ["case_number", "phase", "required", "attended", "missed", "rate_28d", "pace", "projected", "planned_end"]
    var cells: [String?] {
        [caseNumber, centreCode, programmeCode, phaseCode, String(requiredToDate), String(attended), String(missed), String(excused),
         String(cancelledByStaffOrCentre), String(unrecorded), String(planned), ProgressCommand.percent(attendanceRateLast28Days),
         ProgressCommand.percent(attendanceRateSincePhaseStart), ProgressCommand.ratio(pace),
         projectedCompletionOn?.description ?? (stalledRequirements > 0 ? "never" : nil), plannedPhaseEnd.description,
         ProgressCommand.percent(schoolAttendanceRateLast28Days), modulesPassed.map { "\($0)/\(modulesExpected ?? 0)" },
         assessmentDueOn.description]
    }
}
