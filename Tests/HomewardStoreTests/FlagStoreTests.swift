import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Every flag rule against a hand-built history: opens exactly when the threshold is crossed, carries its inputs,
/// never duplicates, resolves when the condition clears and re-opens the same record when it returns.
@Suite struct FlagStoreTests {
    private func withWorld(_ body: (Store, ProgressFixtures) throws -> Void) throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.today("2026-10-31")
            try body(Store(connection: connection), world)
        }
    }

    private func flags(_ store: Store, _ caseNumber: String, _ rule: FlagRule) throws -> [FlagSummary] {
        try store.flags(caseNumber: caseNumber).filter { $0.rule == rule }
    }

    /// Open → evaluated again (no duplicate, no event) → cleared (resolved) → returned (re-opened, same id).
    private func expectLifecycle(
        _ store: Store, _ caseNumber: String, _ rule: FlagRule, subject: String, severity: FlagSeverity, inputs: [String: FlagValue],
        clear: () throws -> Void, bringBack: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        _ = try store.evaluateFlags(policy: FlagPolicy())
        let opened = try flags(store, caseNumber, rule)
        try #require(opened.count == 1, "expected one \(rule) flag, got \(opened)", sourceLocation: sourceLocation)
        let flag = opened[0]
        #expect(flag.subject == subject && flag.status == .open && flag.severity == severity, "\(flag)", sourceLocation: sourceLocation)
        for (key, value) in inputs {
            #expect(flag.inputs[key] == value, "input \(key): \(String(describing: flag.inputs[key])) ≠ \(value)", sourceLocation: sourceLocation)
        }
        let eventsBefore = try store.flag(id: flag.id).events.count

        let again = try store.evaluateFlags(policy: FlagPolicy())
        #expect(again.opened == 0 && again.updated == 0 && again.reopened == 0 && again.resolved == 0, "\(again)", sourceLocation: sourceLocation)
        #expect(try flags(store, caseNumber, rule).map(\.id) == [flag.id], sourceLocation: sourceLocation)
        #expect(try store.flag(id: flag.id).events.count == eventsBefore, sourceLocation: sourceLocation)

        try clear()
        _ = try store.evaluateFlags(policy: FlagPolicy())
        let cleared = try store.flag(id: flag.id)
        #expect(cleared.flag.status == .resolved && cleared.resolvedAutomatically == true && cleared.resolveReason == "condition cleared",
                sourceLocation: sourceLocation)

        try bringBack()
        _ = try store.evaluateFlags(policy: FlagPolicy())
        let back = try flags(store, caseNumber, rule)
        #expect(back.map(\.id) == [flag.id], "re-opens as the same record", sourceLocation: sourceLocation)
        #expect(back.first?.status == .open && back.first?.reopenCount == 1, sourceLocation: sourceLocation)
        #expect(try store.flag(id: flag.id).events.map(\.event) == [.opened, .resolved, .reopened], sourceLocation: sourceLocation)
    }

    @Test func attendanceBelowThresholdPerSessionKind() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            var sessions: [Int] = []
            for day in ["2026-10-06", "2026-10-13", "2026-10-20", "2026-10-27"] {
                sessions.append(try world.session("KZ-A-0001", day: day, attendance: "attended"))
            }
            try world.session("KZ-A-0001", day: "2026-10-28", attendance: "absent_unexcused")
            try world.session("KZ-A-0001", day: "2026-10-29", attendance: "absent_excused")
            try world.session("KZ-A-0001", day: "2026-10-30", cancelledBy: "staff")
            try world.session("KZ-A-0001", day: "2026-10-30", cancelledBy: "centre")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .attendanceBelowThreshold).isEmpty,
                    "4 of 5 is exactly 80%; the excused absence and sessions cancelled by staff or the centre do not count")

            try world.setAttendance(sessions[3], "absent_unexcused")
            try expectLifecycle(
                store, "KZ-A-0001", .attendanceBelowThreshold, subject: "individual_counselling", severity: .watch,
                inputs: ["rate": .number(0.6), "attended": .int(3), "counted": .int(5), "cancelled_by_staff_or_centre_since_phase_start": .int(2),
                         "excused_since_phase_start": .int(1)],
                clear: { try world.setAttendance(sessions[3], "late") },
                bringBack: { try world.setAttendance(sessions[3], "absent_unexcused") })
        }
    }

    @Test func consecutiveUnexcusedAbsences() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-20", attendance: "attended")
            let first = try world.session("KZ-A-0001", day: "2026-10-27", attendance: "absent_unexcused")
            try world.session("KZ-A-0001", day: "2026-10-28", cancelledBy: "staff")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .consecutiveUnexcusedAbsences).isEmpty, "one absence is not a streak")

            let second = try world.session("KZ-A-0001", day: "2026-10-29", attendance: "absent_unexcused")
            try expectLifecycle(
                store, "KZ-A-0001", .consecutiveUnexcusedAbsences, subject: "sessions", severity: .watch,
                inputs: ["absences_in_a_row": .int(2), "sessions": .list([.int(first), .int(second)]), "last_day": .text("2026-10-29")],
                clear: { try world.session("KZ-A-0001", day: "2026-10-30", attendance: "attended") },
                bringBack: {
                    try world.session("KZ-A-0001", day: "2026-10-31", attendance: "absent_unexcused")
                    try world.session("KZ-A-0001", day: "2026-10-31", attendance: "absent_unexcused")
                })
        }
    }

    @Test func noCounsellingContact() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.participant("KZ-A-0002", enrolled: "2026-10-30")
            try world.session("KZ-A-0001", day: "2026-10-10", attendance: "attended")
            try world.today("2026-10-24")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .noCounsellingContact).isEmpty, "14 days, but no session was offered since")
            try world.session("KZ-A-0001", day: "2026-10-17", attendance: "absent_excused")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .noCounsellingContact).isEmpty, "an excused absence is not falling behind")
            try world.session("KZ-A-0001", day: "2026-10-20", attendance: "absent_unexcused")
            try world.today("2026-10-23")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .noCounsellingContact).isEmpty, "13 days")
            try world.today("2026-10-24")
            try expectLifecycle(
                store, "KZ-A-0001", .noCounsellingContact, subject: "counselling", severity: .watch,
                inputs: ["days_without_contact": .int(14), "last_contact_on": .text("2026-10-10"), "missed_since_contact": .int(1)],
                clear: {
                    try world.session("KZ-A-0001", day: "2026-10-25", attendance: "late")
                    try world.today("2026-10-26")
                },
                bringBack: {
                    try world.session("KZ-A-0001", day: "2026-11-01", attendance: "absent_unexcused")
                    try world.today("2026-11-08")
                })
            #expect(try store.flags(caseNumber: "KZ-A-0002").isEmpty, "enrolled on 30 October: nothing is due yet")
        }
    }

    /// Three signs, none above watch alone (the bug: a participant drifting away on every front at once stayed at watch):
    /// two unexcused absences in a row, 18 days without counselling, 4 of 6 attended. One concern flag says it, with them.
    @Test func severalWarningSignsAtOnce() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            for day in ["2026-10-05", "2026-10-07", "2026-10-10", "2026-10-13"] {
                try world.session("KZ-A-0001", day: day, attendance: "attended")
            }
            try world.session("KZ-A-0001", day: "2026-10-27", attendance: "absent_unexcused")
            try world.session("KZ-A-0001", day: "2026-10-29", attendance: "absent_unexcused")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            let single = try store.flags(caseNumber: "KZ-A-0001").filter { FlagPolicy.WarningSigns.signs.contains($0.rule) }
            #expect(Set(single.map(\.rule)) == [.attendanceBelowThreshold, .consecutiveUnexcusedAbsences, .noCounsellingContact])
            #expect(single.allSatisfy { $0.severity == .watch }, "4 of 6, two in a row and 18 days are each a watch alone")
            var mistaken = 0
            try expectLifecycle(
                store, "KZ-A-0001", .severalWarningSigns, subject: "behaviour", severity: .concern,
                inputs: ["signs_at_once": .int(3), "attendance_all_kinds": .text("4 of 6"),
                         "signs": .list([.text("attendance_all_kinds: watch"), .text("consecutive_unexcused_absences: watch"),
                                         .text("no_counselling_contact: watch")])],
                clear: { mistaken = try world.session("KZ-A-0001", day: "2026-10-30", attendance: "attended") },
                bringBack: {
                    // That session was recorded on the wrong participant: removed, the three signs are back.
                    try store.connection.execute("DELETE FROM homeward.attendance WHERE session_id = $1", [mistaken])
                    try store.connection.execute("DELETE FROM homeward.session_participants WHERE session_id = $1", [mistaken])
                    try store.connection.execute("DELETE FROM homeward.sessions WHERE id = $1", [mistaken])
                })
            #expect(try store.flags(caseNumber: "KZ-A-0001").contains { $0.rule == .severalWarningSigns && $0.kind == .fallingBehind })
        }
    }

    /// The pooled attendance rate is a sign only over as many sessions as one kind needs to flag above watch (6): a noise
    /// participant with 3 of 5 attended, the last two unexcused and 15 days since counselling has two signs, not three
    /// (the demo's false positive KZ-2026-0057 on 2026-12-02).
    @Test func fewSessionsAreNoAttendanceSign() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            for day in ["2026-10-07", "2026-10-13", "2026-10-16"] {
                try world.session("KZ-A-0001", day: day, attendance: "attended")
            }
            try world.session("KZ-A-0001", day: "2026-10-29", attendance: "absent_unexcused")
            try world.session("KZ-A-0001", day: "2026-10-30", attendance: "absent_unexcused")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            let found = try store.flags(caseNumber: "KZ-A-0001")
            #expect(Set(found.map(\.rule)).isSuperset(of: [.attendanceBelowThreshold, .consecutiveUnexcusedAbsences, .noCounsellingContact]),
                    "\(found.map(\.rule))")
            #expect(!found.contains { $0.rule == .severalWarningSigns }, "3 of 5 is no sign: two signs only")
            #expect(found.filter { FlagPolicy.WarningSigns.signs.contains($0.rule) }.allSatisfy { $0.severity == .watch })
        }
    }

    /// The morning digest lists what is new or worse since yesterday, and what did not change stays out.
    @Test func theDigestHoldsWhatIsNewOrWorse() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-10", attendance: "attended")
            try world.session("KZ-A-0001", day: "2026-10-17", attendance: "absent_unexcused")
            try world.today("2026-10-24")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            let opened = try #require(try flags(store, "KZ-A-0001", .noCounsellingContact).first)
            #expect(try store.flagDigest(centreCode: nil, hours: 24).first { $0.flag.id == opened.id }?.change == "new")
            #expect(try store.flags(kind: .notServed).allSatisfy { [.requirementUnplaced, .assessmentOverdue].contains($0.rule) })
            #expect(try store.flags(kind: .fallingBehind).allSatisfy { ![.requirementUnplaced, .assessmentOverdue].contains($0.rule) })
            #expect(!(try store.flags(kind: .fallingBehind).isEmpty))

            // Two days later nothing changed: it is not in the digest; then it grows worse, and is.
            try store.connection.execute("UPDATE homeward.flag_events SET at = at - interval '2 days'")
            #expect(try store.flagDigest(centreCode: nil, hours: 24).isEmpty)
            try world.today("2026-10-31")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            let worse = try #require(try store.flagDigest(centreCode: nil, hours: 24).first { $0.flag.id == opened.id })
            #expect(worse.change == "worse" && worse.severityBefore == .watch && worse.flag.severity == .concern, "\(worse)")
            #expect(worse.flag.kind == .fallingBehind)
        }
    }

    @Test func schoolAttendanceSpansAMoveAndCountsUnexcusedDaysInARow() throws {
        try withWorld { store, world in
            try world.participant("KZ-C-0001", born: "2016-01-20", programme: "CHILD", enrolled: "2026-10-03")
            try SchoolFixture(connection: store.connection).movedSchool("KZ-C-0001")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-C-0001", .schoolAttendance).isEmpty, "18 of 20 days present, the other two excused")

            func setDays(_ status: String) throws {
                try store.connection.execute(
                    "UPDATE homeward.school_attendance SET status = $1 WHERE day IN ('2026-10-28', '2026-10-29', '2026-10-30')", [status])
            }
            try setDays("absent_unexcused")
            try expectLifecycle(
                // The two excused days leave the count: 15 present of 18.
                store, "KZ-C-0001", .schoolAttendance, subject: "school", severity: .watch,
                inputs: ["rate": .number(0.8333), "days_recorded": .int(18), "unexcused_in_a_row": .int(3),
                         "triggered_by": .list([.text("rate"), .text("unexcused_in_a_row")])],
                clear: { try setDays("present") }, bringBack: { try setDays("absent_unexcused") })
        }
    }

    @Test func educationModuleOverdue() throws {
        try withWorld { store, world in
            try world.participant("KZ-M-0001", born: "1985-01-01", enrolled: "2026-10-03")
            try store.connection.runScript(
                """
                INSERT INTO homeward.courses (code, name) VALUES ('LIT', 'Literacy');
                INSERT INTO homeward.course_modules (course_id, ordinal, code, title, expected_weeks)
                SELECT c.id, m.ordinal, m.code, m.code, m.weeks FROM homeward.courses c,
                       (VALUES (1, 'M1', 2), (2, 'M2', 2), (3, 'M3', 4)) AS m(ordinal, code, weeks);
                INSERT INTO homeward.course_enrolments (participant_id, course_id, started_on)
                SELECT p.id, c.id, '2026-10-03' FROM homeward.participants p, homeward.courses c WHERE p.case_number = 'KZ-M-0001';
                """)
            func pass(_ module: String, on day: String) throws {
                try store.connection.execute(
                    """
                    INSERT INTO homeward.module_completions (course_enrolment_id, module_id, completed_on, result)
                    SELECT e.id, m.id, $2::date, 'passed' FROM homeward.course_enrolments e JOIN homeward.course_modules m ON m.course_id = e.course_id
                    WHERE m.code = $1
                    """, [module, day])
            }
            try pass("M1", on: "2026-10-16")
            try world.today("2026-10-30")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-M-0001", .educationModuleOverdue).isEmpty, "M2 is due on 31 October")
            try world.today("2026-10-31")
            try expectLifecycle(
                store, "KZ-M-0001", .educationModuleOverdue, subject: "LIT", severity: .watch,
                inputs: ["passed": .int(1), "expected": .int(2), "behind": .int(1), "overdue_since": .text("2026-10-31")],
                clear: { try pass("M2", on: "2026-10-31") }, bringBack: { try world.today("2026-11-28") })
        }
    }

    @Test func requirementUnplacedTwoNightsRunning() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            /// A run planned on the reference day (homeward.today(), the column's default), as the nightly job writes it.
            func run(unplaced: Bool) throws {
                let id = try store.connection.query(
                    """
                    INSERT INTO homeward.schedule_runs (started_at, horizon_from, horizon_days, freeze_days, demand, placed, unplaced,
                                                        sessions_created, duration_ms)
                    VALUES (homeward.now(), homeward.today(), 14, 1, 2, 1, 1, 1, 10) RETURNING id
                    """).scalar(Int.self)
                if unplaced {
                    try store.connection.execute(
                        """
                        INSERT INTO homeward.schedule_unplaced (schedule_run_id, participant_id, requirement_id, week_start, sessions, reason, detail)
                        SELECT $1, p.id, q.id, '2026-11-02', 1, 'no_common_time', 'no common time with a psychologist'
                        FROM homeward.participants p, homeward.phase_requirements q WHERE p.case_number = 'KZ-A-0001' AND q.code = 'PSY-IND'
                        """, [id])
                }
            }
            func night(_ day: String, runs: [Bool]) throws {
                try world.today(day)
                for unplaced in runs { try run(unplaced: unplaced) }
            }
            // Four runs on one night are one night; tonight's runs count from tomorrow.
            try night("2026-10-28", runs: [true, true, true, true])
            try world.today("2026-10-29")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .requirementUnplaced).isEmpty, "one night is not two running")
            try night("2026-10-29", runs: [true, true])
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .requirementUnplaced).isEmpty, "tonight's runs count from tomorrow")
            try world.today("2026-10-30")
            try expectLifecycle(
                store, "KZ-A-0001", .requirementUnplaced, subject: "WOMEN/RESIDENTIAL/PSY-IND", severity: .watch,
                inputs: ["nights_in_a_row": .int(2), "nights": .list([.text("2026-10-29"), .text("2026-10-28")]),
                         "reason": .text("no_common_time")],
                // The night's last run placed it: the night does not count, however many runs before it did not.
                clear: { try night("2026-10-30", runs: [true, false]); try world.today("2026-10-31") },
                bringBack: { try night("2026-10-31", runs: [true]); try night("2026-11-01", runs: [false, true]); try world.today("2026-11-02") })
        }
    }

    /// Nobody speaks the language: one standing not-served flag from the first night, acknowledged, quiet night after
    /// night (no event, still acknowledged) until what is missing changes; resolved once the demand is placed.
    @Test func unplaceableDemandIsOneStandingAcknowledgeableFlag() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            func night(_ day: String, unplaced detail: String?) throws {
                try world.today(day)
                let id = try store.connection.query(
                    """
                    INSERT INTO homeward.schedule_runs (started_at, horizon_from, horizon_days, freeze_days, demand, placed, unplaced,
                                                        sessions_created, duration_ms)
                    VALUES (homeward.now(), homeward.today(), 14, 1, 2, 1, 1, 1, 10) RETURNING id
                    """).scalar(Int.self)
                if let detail {
                    try store.connection.execute(
                        """
                        INSERT INTO homeward.schedule_unplaced (schedule_run_id, participant_id, requirement_id, week_start, sessions, reason, detail)
                        SELECT $1, p.id, q.id, '2026-11-02', 1, 'no_staff_with_language', $2
                        FROM homeward.participants p, homeward.phase_requirements q WHERE p.case_number = 'KZ-A-0001' AND q.code = 'PSY-IND'
                        """, [id, detail])
                }
            }
            func events() throws -> Int {
                try store.connection.query("SELECT count(*)::int FROM homeward.flag_events e JOIN homeward.flags f ON f.id = e.flag_id WHERE f.rule = 'requirement_unplaced'").scalar(Int.self)
            }
            try night("2026-10-27", unplaced: "no psychologist speaking ar")
            try world.today("2026-10-28")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            let flag = try #require(try flags(store, "KZ-A-0001", .requirementUnplaced).first)
            #expect(flag.severity == .concern && flag.kind == .notServed && flag.inputs["missing"] == .text("no psychologist speaking ar"))
            try store.acknowledgeFlag(id: flag.id, note: "recruiting an Arabic-speaking psychologist")
            let quiet = try events()
            for day in ["2026-10-28", "2026-10-29", "2026-10-30"] {
                try night(day, unplaced: "no psychologist speaking ar")
                try world.today(LocalDate(day)!.adding(days: 1).description)
                _ = try store.evaluateFlags(policy: FlagPolicy())
            }
            let still = try #require(try flags(store, "KZ-A-0001", .requirementUnplaced).first)
            #expect(still.id == flag.id && still.status == .acknowledged && still.severity == .concern, "\(still)")
            #expect(try events() == quiet, "quiet while nothing changes")
            // Something changed: what is missing reads differently.
            try night("2026-10-31", unplaced: "no psychologist speaking ar at the new centre")
            try world.today("2026-11-01")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try events() > quiet)
            #expect(try flags(store, "KZ-A-0001", .requirementUnplaced).first?.inputs["missing"] == .text("no psychologist speaking ar at the new centre"))
            // Placed: resolved.
            try night("2026-11-01", unplaced: nil)
            try world.today("2026-11-02")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try store.flags(caseNumber: "KZ-A-0001").allSatisfy { $0.rule != .requirementUnplaced || $0.status == .resolved })
        }
    }

    @Test func assessmentOverdue() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.today("2026-10-17")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .assessmentOverdue).isEmpty, "due today is not overdue")
            try world.today("2026-10-18")
            try expectLifecycle(
                store, "KZ-A-0001", .assessmentOverdue, subject: "WOMEN", severity: .watch,
                inputs: ["due_on": .text("2026-10-17"), "days_overdue": .int(1), "last_assessed_on": .null],
                clear: {
                    try store.connection.execute(
                        """
                        INSERT INTO homeward.assessments (participant_id, staff_id, assessed_on, kind, summary)
                        SELECT p.id, s.id, '2026-10-18', 'psychological', 'stable' FROM homeward.participants p, homeward.staff s
                        WHERE p.case_number = 'KZ-A-0001'
                        """)
                },
                bringBack: { try world.today("2026-11-02") })
        }
    }

    @Test func forecastLateCompletion() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.participant("KZ-A-0002", enrolled: "2026-10-30")
            for day in ["2026-10-06", "2026-10-13", "2026-10-20"] { try world.session("KZ-A-0001", day: day, attendance: "attended") }
            let fourth = try world.session("KZ-A-0001", day: "2026-10-27", attendance: "attended")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .forecastLateCompletion).isEmpty, "on pace")

            // An excused absence is not the participant's shortfall: 3 attended of 3 offered is on pace.
            try world.setAttendance(fourth, "absent_excused")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .forecastLateCompletion).isEmpty, "excused: on pace")
            // Missed without excuse: 3 of 4 offered projects 56 × 4/3 days, 19 late.
            try world.setAttendance(fourth, "absent_unexcused")
            try expectLifecycle(
                store, "KZ-A-0001", .forecastLateCompletion, subject: "WOMEN", severity: .concern,
                inputs: ["planned_phase_end": .text("2026-11-28"), "projected_completion_on": .text("2026-12-17"), "late_by_days": .int(19),
                         "phase_days": .int(56), "pace": .number(0.75), "offered": .int(4), "never_offered": .int(0)],
                clear: { try world.setAttendance(fourth, "attended") },
                bringBack: { try world.setAttendance(fourth, "absent_unexcused") })
            #expect(try store.flags(caseNumber: "KZ-A-0002").isEmpty, "enrolled yesterday: no flag of any rule")
        }
    }

    /// Sessions nobody offered are the programme's failing: one session attended of four due projects on time.
    @Test func forecastIgnoresSessionsNeverOffered() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-06", attendance: "attended")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try flags(store, "KZ-A-0001", .forecastLateCompletion).isEmpty, "1 of 1 offered: on pace, 3 never offered")
            let progress = try store.flagInputs(policy: FlagPolicy()).enrolments.first { $0.caseNumber == "KZ-A-0001" }
            #expect(progress?.offered == 1 && progress?.notOffered == 3 && progress?.requiredToDate == 4, "\(String(describing: progress))")
        }
    }

    @Test func acknowledgingAndResolvingByHand() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.today("2026-10-18")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            let flag = try #require(try flags(store, "KZ-A-0001", .assessmentOverdue).first)

            try store.acknowledgeFlag(id: flag.id, note: "booked for Monday", by: "coordinator-1")
            var detail = try store.flag(id: flag.id)
            #expect(detail.flag.status == .acknowledged && detail.acknowledgedBy == "coordinator-1" && detail.acknowledgeNote == "booked for Monday")

            try store.resolveFlag(id: flag.id, reason: "assessed on paper; entry follows", by: "coordinator-1")
            detail = try store.flag(id: flag.id)
            #expect(detail.flag.status == .resolved && detail.resolvedAutomatically == false)
            #expect(detail.events.map(\.event) == [.opened, .acknowledged, .resolved])

            // Still overdue, same severity: the hand resolution stands; once it grows more severe, it re-opens.
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try store.flag(id: flag.id).flag.status == .resolved)
            try world.today("2026-10-31")
            _ = try store.evaluateFlags(policy: FlagPolicy())
            let reopened = try store.flag(id: flag.id)
            #expect(reopened.flag.status == .open && reopened.flag.severity == .concern && reopened.flag.reopenCount == 1)

            try store.resolveFlag(id: flag.id, reason: "done", by: nil)
            #expect(throws: StoreError.self) { try store.acknowledgeFlag(id: flag.id, note: "too late") }
            #expect(throws: StoreError.notFound(what: "flag with id", identifier: "999999")) { try store.resolveFlag(id: 999_999, reason: "x") }
        }
    }

    @Test func theShippedSettingsAreTheDefaultsAndTyposAreRefused() throws {
        let shipped = try FlagSettings.load(from: TestDatabase.repositoryRoot.appendingPathComponent("Config/homeward.yaml"))
        #expect(shipped == FlagSettings())
        let partial = try FlagSettings.parse(yaml: "flags:\n  unrecorded_grace_days: 3\n  attendance:\n    watch_below: 0.75\n")
        #expect(partial.unrecordedGraceDays == 3 && partial.policy.attendance.watchBelow == 0.75 && partial.policy.attendance.concernBelow == 0.6)
        let typo = #expect(throws: FlagSettingsError.self) { try FlagSettings.parse(yaml: "flags:\n  school:\n    watch_belo: 0.8\n") }
        #expect(typo?.problems.map(\.field) == ["flags.school.watch_belo"])
        let tiers = #expect(throws: FlagSettingsError.self) {
            try FlagSettings.parse(yaml: "flags:\n  consecutive_absences:\n    watch_at: 5\n")
        }
        #expect(tiers?.problems.map(\.field) == ["flags.consecutive_absences"])
    }

    @Test func unrecordedSessionsAreMarkedAfterTheGracePeriodAndClearThemselves() throws {
        try withWorld { store, world in
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            let old = try world.session("KZ-A-0001", day: "2026-10-27")
            let recent = try world.session("KZ-A-0001", day: "2026-10-29")
            let cancelled = try world.session("KZ-A-0001", day: "2026-10-26")
            try store.connection.execute("UPDATE homeward.sessions SET status = 'held' WHERE id = $1", [cancelled])

            #expect(try store.markUnrecordedSessions(graceDays: 2) == 1, "27 October is past the grace period, 29 October is not")
            #expect(try store.unrecordedSessions().map(\.sessionID) == [old])
            #expect(try store.unrecordedSessions().first?.missing == ["KZ-A-0001"])
            #expect(try store.markUnrecordedSessions(graceDays: 2) == 0, "idempotent")
            #expect(try store.markUnrecordedSessions(graceDays: 1) == 1)

            try store.recordAttendance(sessionID: old, caseNumber: "KZ-A-0001", status: .attended)
            try store.markSessionHeld(id: recent)
            #expect(try store.unrecordedSessions().isEmpty, "recording attendance and marking held clear the marks")
            #expect(throws: StoreError.self) { try store.markUnrecordedSessions(graceDays: -1) }
        }
    }
}
