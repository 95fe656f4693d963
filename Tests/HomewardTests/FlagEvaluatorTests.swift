import Homeward
import Testing

/// Every flag rule as a pure function, at its boundaries.
@Suite struct FlagEvaluatorTests {
    private let today = LocalDate("2026-10-31")!
    private let policy = FlagPolicy()

    private func evaluate(_ build: (inout FlagInputs) -> Void) -> [FlagFinding] {
        var inputs = FlagInputs(today: today)
        build(&inputs)
        return FlagEvaluator.evaluate(inputs, policy: policy)
    }

    private func enrolment(started: String = "2026-10-03", end: String = "2026-11-28", required: Int = 4, attended: Int = 4,
                           pace: Double? = 1, stalled: Int = 0, projected: String? = "2026-11-28", lastAssessed: String? = nil,
                           due: String = "2026-11-14") -> FlagInputs.EnrolmentRecord {
        FlagInputs.EnrolmentRecord(
            participantID: 1, caseNumber: "KZ-A-0001", programmeCode: "WOMEN", phaseCode: "RESIDENTIAL", phaseStartedOn: LocalDate(started)!,
            plannedPhaseEnd: LocalDate(end)!, requiredToDate: required, attended: attended, pace: pace, stalledRequirements: stalled,
            projectedCompletionOn: projected.flatMap { LocalDate($0) }, lastAssessedOn: lastAssessed.flatMap { LocalDate($0) },
            assessmentDueOn: LocalDate(due)!)
    }

    @Test func severitiesSortWatchConcernUrgentNotAlphabetically() {
        #expect(FlagSeverity.allCases.shuffled().sorted() == [.watch, .concern, .urgent])
        #expect(FlagSeverity.allCases.map(\.rawValue).sorted() == ["concern", "urgent", "watch"], "the words alone sort wrongly")
        #expect(FlagSeverity.watch < .concern && FlagSeverity.concern < .urgent && [FlagSeverity.concern, .urgent, .watch].max() == .urgent)
        #expect(FlagSeverity.allCases.map(\.rank) == [1, 2, 3])
    }

    @Test func attendanceExactlyAtEightyPercentDoesNotFlag() {
        let at80 = evaluate { $0.sessionKinds = [.init(participantID: 1, caseNumber: "A", sessionType: .individualCounselling, attended: 4, counted: 5)] }
        #expect(at80.isEmpty)
        let below = evaluate { $0.sessionKinds = [.init(participantID: 1, caseNumber: "A", sessionType: .individualCounselling, attended: 3, counted: 5,
                                                         cancelledByStaffOrCentre: 4)] }
        #expect(below.count == 1)
        #expect(below.first?.rule == .attendanceBelowThreshold && below.first?.subject == "individual_counselling")
        #expect(below.first?.severity == .watch, "60% is not below the concern tier of 60%")
        #expect(below.first?.inputs["rate"] == .number(0.6) && below.first?.threshold["watch_below"] == .number(0.8))
        #expect(below.first?.inputs["cancelled_by_staff_or_centre_since_phase_start"] == .int(4), "shown, never counted")
        let urgent = evaluate { $0.sessionKinds = [.init(participantID: 1, caseNumber: "A", sessionType: .artTherapy, attended: 2, counted: 6)] }
        #expect(urgent.first?.severity == .urgent)
    }

    @Test func aKindWithFewSessionsFlagsAtWatchAtMost() {
        let few = evaluate { $0.sessionKinds = [.init(participantID: 1, caseNumber: "A", sessionType: .artTherapy, attended: 1, counted: 5)] }
        #expect(few.map(\.severity) == [.watch], "1 of 5 is 20%, but five sessions of one kind are too few to call a concern alone")
        #expect(few.first?.threshold["min_sessions_above_watch"] == .int(6))
        let enough = evaluate { $0.sessionKinds = [.init(participantID: 1, caseNumber: "A", sessionType: .artTherapy, attended: 3, counted: 6)] }
        #expect(enough.map(\.severity) == [.concern], "3 of 6 is 50%")
    }

    @Test func severalWarningSignsAtWatchAreOneConcern() {
        func signs(attended: Int, counted: Int, streak: Int, enrolled: String, kinds: Int = 2) -> [FlagFinding] {
            evaluate { inputs in
                // The sessions split over kinds, each too small to flag above watch alone.
                inputs.sessionKinds = (0..<kinds).map { index in
                    .init(participantID: 1, caseNumber: "A", sessionType: index == 0 ? .individualCounselling : .religiousConsultation,
                          attended: attended / kinds + (index == 0 ? attended % kinds : 0), counted: counted / kinds + (index == 0 ? counted % kinds : 0))
                }
                inputs.absenceStreaks = streak < 1 ? [] : [.init(participantID: 1, caseNumber: "A", count: streak, sessionIDs: Array(1...streak),
                                                                firstDay: LocalDate("2026-10-20")!, lastDay: LocalDate("2026-10-27")!)]
                inputs.counselling = [.init(participantID: 1, caseNumber: "A", enrolledSince: LocalDate(enrolled)!, lastContactOn: nil,
                                            missedSinceContact: 1)]
            }
        }
        // 3 of 6 attended over both kinds (one sign), two unexcused in a row (watch), 15 days without counselling (watch).
        let three = signs(attended: 3, counted: 6, streak: 2, enrolled: "2026-10-16")
        let combined = three.first { $0.rule == .severalWarningSigns }
        #expect(combined?.severity == .concern && combined?.subject == "behaviour")
        #expect(combined?.inputs["signs_at_once"] == .int(3))
        #expect(combined?.inputs["signs"] == .list([.text("attendance_all_kinds: concern"), .text("consecutive_unexcused_absences: watch"),
                                                     .text("no_counselling_contact: watch")]))
        #expect(three.filter { $0.rule != .severalWarningSigns }.allSatisfy { $0.severity == .watch }, "no single rule says concern")
        // Two signs only: the rules' own watch flags say it all.
        #expect(!signs(attended: 6, counted: 6, streak: 2, enrolled: "2026-10-16").contains { $0.rule == .severalWarningSigns })
        // Beside a flag already at concern (three in a row), the combination adds nothing.
        #expect(!signs(attended: 3, counted: 6, streak: 3, enrolled: "2026-10-16").contains { $0.rule == .severalWarningSigns })
        // Over fewer than min_sessions_above_watch sessions (2 of 5) the pooled rate is no sign: two signs, nothing.
        #expect(!signs(attended: 2, counted: 5, streak: 2, enrolled: "2026-10-16").contains { $0.rule == .severalWarningSigns })
        // Attendance over all kinds is one sign, however many kinds: four kinds at 0 of 2 (0 of 8 pooled) do not make four signs.
        let kinds = evaluate { inputs in
            inputs.sessionKinds = [SessionType.individualCounselling, .religiousConsultation, .artTherapy, .socialWorkMeeting].map {
                .init(participantID: 1, caseNumber: "A", sessionType: $0, attended: 0, counted: 2)
            }
        }
        #expect(kinds.isEmpty)
    }

    @Test func attendanceNeedsEnoughSessionsToJudge() {
        #expect(evaluate { $0.sessionKinds = [.init(participantID: 1, caseNumber: "A", sessionType: .individualCounselling, attended: 0, counted: 2)] }.isEmpty)
        #expect(evaluate { $0.sessionKinds = [.init(participantID: 1, caseNumber: "A", sessionType: .individualCounselling, attended: 0, counted: 0)] }.isEmpty)
    }

    @Test func twoConsecutiveUnexcusedAbsencesFlag() {
        func streak(_ count: Int) -> [FlagFinding] {
            evaluate { $0.absenceStreaks = [.init(participantID: 1, caseNumber: "A", count: count, sessionIDs: Array(1...max(count, 1)),
                                                  firstDay: LocalDate("2026-10-20")!, lastDay: LocalDate("2026-10-27")!)] }
        }
        #expect(streak(1).isEmpty)
        #expect(streak(2).first?.severity == .watch && streak(2).first?.inputs["absences_in_a_row"] == .int(2))
        #expect(streak(3).first?.severity == .concern)
        #expect(streak(4).first?.severity == .urgent)
    }

    @Test func counsellingContactCountsFromTheLaterOfEnrolmentAndLastContact() {
        func finding(enrolled: String, last: String?, missed: Int = 1) -> FlagFinding? {
            evaluate { $0.counselling = [.init(participantID: 1, caseNumber: "A", enrolledSince: LocalDate(enrolled)!,
                                               lastContactOn: last.flatMap { LocalDate($0) }, missedSinceContact: missed)] }.first
        }
        #expect(finding(enrolled: "2026-10-30", last: nil) == nil, "enrolled yesterday")
        #expect(finding(enrolled: "2026-10-18", last: nil) == nil, "13 days")
        #expect(finding(enrolled: "2026-10-17", last: nil)?.severity == .watch, "14 days")
        #expect(finding(enrolled: "2026-09-01", last: "2026-10-10")?.severity == .concern, "21 days since the last contact")
        #expect(finding(enrolled: "2026-09-01", last: "2026-10-03")?.inputs["days_without_contact"] == .int(28))
        #expect(finding(enrolled: "2026-09-01", last: "2026-10-03", missed: 0) == nil,
                "nobody offered a session since: the programme failed them, they did not fall behind")
    }

    @Test func schoolRateAndUnexcusedDaysInARow() {
        func finding(recorded: Int, present: Int, inARow: Int) -> FlagFinding? {
            evaluate { $0.school = [.init(participantID: 1, caseNumber: "C", daysRecorded: recorded, daysPresent: present, unexcusedInARow: inARow)] }.first
        }
        #expect(finding(recorded: 20, present: 18, inARow: 0) == nil, "exactly 90%")
        #expect(finding(recorded: 20, present: 17, inARow: 0)?.severity == .watch)
        #expect(finding(recorded: 4, present: 1, inARow: 0) == nil, "too few days to judge a rate")
        #expect(finding(recorded: 20, present: 18, inARow: 2) == nil)
        let streak = finding(recorded: 20, present: 18, inARow: 3)
        #expect(streak?.severity == .watch && streak?.inputs["triggered_by"] == .list([.text("unexcused_in_a_row")]))
        #expect(finding(recorded: 20, present: 15, inARow: 3)?.severity == .concern, "the more severe of the two")
    }

    @Test func educationModulesBehindThePace() {
        func finding(passed: Int, expected: Int) -> FlagFinding? {
            evaluate { $0.courses = [.init(participantID: 1, caseNumber: "M", courseCode: "LIT", startedOn: LocalDate("2026-09-01")!, modules: 5,
                                           passed: passed, expected: expected)] }.first
        }
        #expect(finding(passed: 2, expected: 2) == nil)
        #expect(finding(passed: 3, expected: 2) == nil, "ahead")
        #expect(finding(passed: 1, expected: 2)?.severity == .watch)
        #expect(finding(passed: 0, expected: 3)?.severity == .urgent)
        #expect(finding(passed: 1, expected: 2)?.subject == "LIT")
    }

    @Test func requirementUnplacedTwoNightsRunning() {
        func finding(nights: Int) -> FlagFinding? {
            let days = (1...max(nights, 1)).prefix(nights).map { today.adding(days: -$0) }
            return evaluate { $0.unplaced = [.init(participantID: 1, caseNumber: "A", requirement: "WOMEN/RESIDENTIAL/PSY-IND", nights: days,
                                                   runIDs: days.indices.map { 9 - $0 }, sessions: 1, reason: "no_common_time",
                                                   detail: "no common time with a psychologist")] }.first
        }
        #expect(finding(nights: 1) == nil)
        #expect(finding(nights: 2)?.severity == .watch)
        #expect(finding(nights: 2)?.inputs["nights_in_a_row"] == .int(2))
        #expect(finding(nights: 2)?.inputs["nights"] == .list([.text("2026-10-30"), .text("2026-10-29")]))
        #expect(finding(nights: 2)?.inputs["runs"] == .list([.int(9), .int(8)]))
        #expect(finding(nights: 3)?.severity == .concern)
        #expect(finding(nights: 4)?.severity == .urgent)
    }

    /// Provably unplaceable demand (nobody speaks the language) is one standing not-served flag from its first night,
    /// naming what is missing, with the same inputs every night so re-evaluating never changes it.
    @Test func unplaceableDemandIsOneStandingFlag() {
        func finding(nights: Int, reason: String = "no_staff_with_language") -> FlagFinding? {
            let days = (0..<nights).map { today.adding(days: -1 - $0) }
            return evaluate { $0.unplaced = [.init(participantID: 1, caseNumber: "A", requirement: "WOMEN/RESIDENTIAL/PSY-IND", nights: days,
                                                   runIDs: days.indices.map { 9 - $0 }, sessions: 1 + nights, reason: reason,
                                                   detail: "no psychologist speaking ar at AKT-RC")] }.first
        }
        let one = finding(nights: 1)
        #expect(one?.severity == .concern && one?.rule == .requirementUnplaced)
        #expect(one?.inputs["missing"] == .text("no psychologist speaking ar at AKT-RC") && one?.inputs["reason"] == .text("no_staff_with_language"))
        #expect(finding(nights: 4) == one, "the same flag night after night: no nights, runs or counts in it")
        #expect(finding(nights: 0) == nil)
        #expect(finding(nights: 1, reason: "no_common_time") == nil, "capacity is not proof: it counts nights")
        #expect(FlagPolicy.Unplaced.unplaceableReasons.contains("no_family_recorded"))
    }

    @Test func assessmentOverdueFromTheDayAfterItWasDue() {
        #expect(evaluate { $0.enrolments = [enrolment(due: "2026-10-31")] }.filter { $0.rule == .assessmentOverdue }.isEmpty)
        let overdue = evaluate { $0.enrolments = [enrolment(due: "2026-10-30")] }.first { $0.rule == .assessmentOverdue }
        #expect(overdue?.severity == .watch && overdue?.inputs["days_overdue"] == .int(1))
        #expect(evaluate { $0.enrolments = [enrolment(due: "2026-10-01")] }.first { $0.rule == .assessmentOverdue }?.severity == .urgent)
    }

    @Test func forecastFlagsAPhaseThatWillEndLate() {
        func forecast(_ record: FlagInputs.EnrolmentRecord) -> FlagFinding? {
            evaluate { $0.enrolments = [record] }.first { $0.rule == .forecastLateCompletion }
        }
        // An eight-week phase (56 days), half run on 2026-10-31.
        #expect(forecast(enrolment(projected: "2026-12-12")) == nil, "14 days late is not more than the 14-day floor")
        let fifteen = forecast(enrolment(attended: 3, pace: 0.75, projected: "2026-12-13"))
        #expect(fifteen?.severity == .concern, "15 of 56 days late is more than a quarter of the phase")
        #expect(fifteen?.inputs["late_by_days"] == .int(15) && fifteen?.inputs["phase_days"] == .int(56))
        #expect(forecast(enrolment(attended: 2, pace: 0.5, projected: "2027-01-23"))?.severity == .urgent, "56 days late is the whole phase")
        let stalled = forecast(enrolment(attended: 0, pace: 0, stalled: 1, projected: nil))
        #expect(stalled?.severity == .concern, "never completes: concern, with its lateness in words")
        #expect(stalled?.inputs["late_by_days"] == .text("never at this pace"))
        #expect(forecast(enrolment(started: "2026-10-30", required: 0, attended: 0, pace: nil, projected: nil)) == nil, "enrolled yesterday")
        // A 150-day phase, 91 days run: 20 days late is 13% of it.
        #expect(forecast(enrolment(started: "2026-08-01", end: "2026-12-29", attended: 3, pace: 0.9, projected: "2027-01-18"))?.severity
                == .watch)
        // Nothing offered yet: nothing of the participant's own to project (requirement_unplaced reports the demand).
        var neverOffered = enrolment(attended: 0, pace: 0, projected: nil)
        neverOffered.offered = 0
        neverOffered.notOffered = 4
        #expect(forecast(neverOffered) == nil)
        // A five-year sentence four months in is not judged yet (a quarter of the phase must have run), however far the projection.
        #expect(forecast(enrolment(started: "2026-07-01", end: "2031-06-30", attended: 1, pace: 0.2, projected: "2045-01-01")) == nil)
    }

    @Test func oneFindingPerParticipantRuleAndSubject() {
        let findings = evaluate {
            $0.enrolments = [enrolment(due: "2026-10-30"), enrolment(due: "2026-10-01")]
        }.filter { $0.rule == .assessmentOverdue }
        #expect(findings.count == 1 && findings.first?.severity == .urgent, "the most severe of duplicates wins")
    }

    @Test func policyValidationNamesTheSetting() {
        var bad = FlagPolicy()
        bad.attendance.watchBelow = 1.5
        bad.consecutiveAbsences.concernAt = 1
        let fields = bad.validationErrors().map(\.field)
        #expect(fields.contains("flags.attendance.watch_below"))
        #expect(fields.contains("flags.consecutive_absences"))
        var signs = FlagPolicy()
        signs.warningSigns.concernAt = 1
        signs.attendance.minSessionsAboveWatch = 2
        #expect(signs.validationErrors().map(\.field).sorted() == ["flags.attendance.min_sessions_above_watch", "flags.warning_signs.concern_at"])
        #expect(FlagPolicy().validationErrors().isEmpty)
    }
}
