import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Requirement progress counts each seat once per (enrolment, counting key) (0040): the same numbers as before for the
/// cases that rewrite could get wrong — seats before the phase start, an individual rate and a pause, both kinds of
/// cancellation, a requirement with no seat, a second enrolment with a requirement outside the age band — and the
/// flag rules read the same sums from their narrow copy as from the view, and the counselling contact its seats.
@Suite struct ProgressCountedOnceTests {
    /// KZ-A-0001 (WOMEN, phase restarted on 2026-10-10, 2 a week by an individual plan, paused 15–18 October) with one
    /// seat of each outcome and one before the phase start; KZ-A-0002 enrolled the day before with no seat; KZ-C-0001,
    /// a child in CHILD with one art therapy seat, also enrolled in MIXED, which asks one thing of adults (M-ADULT) and
    /// one of everyone (M-ALL).
    private func world(_ connection: Connection) throws {
        let world = ProgressFixtures(connection: connection)
        try world.world()
        try world.participant("KZ-A-0001", enrolled: "2026-10-03")
        try world.participant("KZ-A-0002", enrolled: "2026-10-30")
        try world.participant("KZ-C-0001", born: "2016-01-20", programme: "CHILD", enrolled: "2026-10-03")
        try connection.runScript(
            """
            INSERT INTO homeward.programmes (code, name, audience, version) VALUES ('MIXED', 'Mixed', 'mixed', 1);
            INSERT INTO homeward.programme_phases (programme_id, ordinal, code, name, duration_days, review_interval_days)
            SELECT id, 1, 'OPEN', 'Phase', 56, 14 FROM homeward.programmes WHERE code = 'MIXED';
            INSERT INTO homeward.phase_requirements (phase_id, code, session_type, staff_role, mode, duration_minutes, sessions_per_week,
                                                     min_age, max_age, room_kind)
            SELECT ph.id, x.code, x.session_type, 'psychologist', 'individual', 60, 1, x.min_age, NULL, x.room_kind
            FROM homeward.programme_phases ph,
                 (VALUES ('M-ADULT', 'individual_counselling', 18, 'counselling_room'), ('M-ALL', 'art_therapy', NULL, 'play_room'))
                     AS x(code, session_type, min_age, room_kind)
            WHERE ph.code = 'OPEN';
            INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
            SELECT p.id, pg.id, '2026-10-03', ph.id, '2026-10-03', '2026-11-28'
            FROM homeward.participants p, homeward.programmes pg JOIN homeward.programme_phases ph ON ph.programme_id = pg.id
            WHERE p.case_number = 'KZ-C-0001' AND pg.code = 'MIXED';
            """)
        try world.session("KZ-A-0001", day: "2026-10-05", attendance: "attended")
        try world.session("KZ-A-0001", day: "2026-10-12", attendance: "attended")
        try world.session("KZ-A-0001", day: "2026-10-14", attendance: "late")
        try world.session("KZ-A-0001", day: "2026-10-19", attendance: "absent_unexcused")
        try world.session("KZ-A-0001", day: "2026-10-21", attendance: "absent_excused")
        try world.session("KZ-A-0001", day: "2026-10-26", cancelledBy: "participant")
        try world.session("KZ-A-0001", day: "2026-10-27", cancelledBy: "staff")
        try world.session("KZ-A-0001", day: "2026-10-29")
        try world.session("KZ-A-0001", day: "2026-11-02")
        try world.session("KZ-C-0001", "ART", day: "2026-10-07", attendance: "attended")
        try connection.runScript(
            """
            UPDATE homeward.enrolments e SET phase_started_on = '2026-10-10'
            FROM homeward.participants p WHERE p.id = e.participant_id AND p.case_number = 'KZ-A-0001';
            INSERT INTO homeward.individual_plans (participant_id, requirement_id, sessions_per_week, reason)
            SELECT p.id, q.id, 2, 'test' FROM homeward.participants p, homeward.phase_requirements q
            WHERE p.case_number = 'KZ-A-0001' AND q.code = 'PSY-IND';
            INSERT INTO homeward.plan_pauses (participant_id, requirement_id, during, reason)
            SELECT p.id, q.id, daterange('2026-10-15', '2026-10-19'), 'hospital' FROM homeward.participants p, homeward.phase_requirements q
            WHERE p.case_number = 'KZ-A-0001' AND q.code = 'PSY-IND';
            """)
        try world.today("2026-10-31")
    }

    /// The view's rows as (case number, requirement) → column → text; NULL columns are left out.
    private func progress(_ connection: Connection, _ from: String = "homeward.requirement_progress") throws -> [String: [String: String]] {
        let result = try connection.query("SELECT * FROM \(from)")
        var rows: [String: [String: String]] = [:]
        for row in result.rows {
            let columns = Dictionary(uniqueKeysWithValues: result.columns.enumerated().compactMap { column in
                row.text(column.offset).map { (column.element, $0) }
            })
            rows["\(columns["case_number"] ?? "?")/\(columns["requirement_code"] ?? "?")"] = columns
        }
        return rows
    }

    @Test func eachSeatCountsOnceForItsEnrolmentFromThePhaseStart() throws {
        try TestDatabase.withConnection { connection in
            try world(connection)
            let rows = try progress(connection)
            #expect(rows.keys.sorted() == ["KZ-A-0001/PSY-IND", "KZ-A-0002/PSY-IND", "KZ-C-0001/ART", "KZ-C-0001/M-ALL"],
                    "M-ADULT asks nothing of a child: no row")

            let a = try #require(rows["KZ-A-0001/PSY-IND"])
            #expect(a["phase_started_on"] == "2026-10-10" && a["elapsed_days"] == "21" && a["sessions_per_week"] == "2.00")
            #expect(a["required_to_date"] == "3", "2 a week over the 17 days not paused (4), less the session staff cancelled")
            #expect(a["attended"] == "2", "the seat of 5 October, before the phase start, does not count")
            #expect(a["missed"] == "1" && a["excused"] == "1" && a["cancelled_by_participant"] == "1")
            #expect(a["cancelled_by_staff_or_centre"] == "1" && a["unrecorded"] == "1" && a["planned"] == "1")
            #expect(a["counted_last_28_days"] == "4" && a["attended_last_28_days"] == "2" && a["counted_since_phase_start"] == "4")
            #expect(a["attendance_rate_last_28_days"] == "0.5000" && a["pace"] == "0.6667")
            #expect(a["projected_completion_on"] == "2026-12-23", "phase start + ⌈49 days × 3 required ÷ 2 attended⌉")

            let none = try #require(rows["KZ-A-0002/PSY-IND"])
            for column in ["planned", "attended", "missed", "excused", "cancelled_by_participant", "cancelled_by_staff_or_centre",
                           "unrecorded", "counted_last_28_days", "attended_last_28_days", "counted_since_phase_start", "required_to_date"] {
                #expect(none[column] == "0", "no seat: \(column) is 0, not NULL")
            }
            #expect(none["pace"] == nil && none["attendance_rate_last_28_days"] == nil)

            let child = try #require(rows["KZ-C-0001/ART"])
            #expect(child["required_to_date"] == "2" && child["attended"] == "1" && child["counted_last_28_days"] == "1")
            let other = try #require(rows["KZ-C-0001/M-ALL"])
            #expect(other["required_to_date"] == "4" && other["attended"] == "0" && other["counted_last_28_days"] == "0",
                    "the art therapy seat counts for CHILD's requirement only")

            // The caseload read and the roll-up see the same rows.
            let ids = try connection.query("SELECT array_agg(id ORDER BY id) FROM homeward.participants").scalar([Int].self)
            let one = try connection.query("SELECT id FROM homeward.participants WHERE case_number = 'KZ-A-0001'").scalar(Int.self)
            #expect(try progress(connection, "homeward.requirement_progress_for('\(literal(ids))')") == rows)
            #expect(try progress(connection, "homeward.requirement_progress_for('{\(one)}')") == rows.filter { $0.key.hasPrefix("KZ-A-0001/") })
            let enrolments = try connection.query(
                """
                SELECT case_number || '/' || programme_code, requirements, required_to_date, attended, pace::text
                FROM homeward.enrolment_progress ORDER BY 1
                """).rows.map {
                    "\(try $0.decode(0, as: String.self)) \(try $0.decode(1, as: Int.self)) \(try $0.decode(2, as: Int.self)) "
                        + "\(try $0.decode(3, as: Int.self)) \(try $0.decode(4, as: String?.self) ?? "-")"
                }
            #expect(enrolments == ["KZ-A-0001/WOMEN 1 3 2 0.6667", "KZ-A-0002/WOMEN 1 0 0 -", "KZ-C-0001/CHILD 1 2 1 0.5000",
                                   "KZ-C-0001/MIXED 1 4 0 0.0000"])
        }
    }

    @Test func theFlagRulesReadTheViewsSums() throws {
        try TestDatabase.withConnection { connection in
            try world(connection)
            let inputs = try Store(connection: connection).flagInputs(policy: FlagPolicy())
            let kinds = try connection.query(
                """
                SELECT case_number, session_type, sum(attended_last_28_days)::int, sum(counted_last_28_days)::int, sum(missed)::int,
                       sum(excused)::int, sum(cancelled_by_participant)::int, sum(cancelled_by_staff_or_centre)::int
                FROM homeward.requirement_progress GROUP BY 1, 2 ORDER BY 1, 2
                """).rows.map { row in (0..<8).map { row.text($0) ?? "-" }.joined(separator: " ") }
            let read = inputs.sessionKinds.sorted { ($0.caseNumber, $0.sessionType.rawValue) < ($1.caseNumber, $1.sessionType.rawValue) }
                .map { k in
                    [k.caseNumber, k.sessionType.rawValue, "\(k.attended)", "\(k.counted)", "\(k.missed)", "\(k.excused)",
                     "\(k.cancelledByParticipant)", "\(k.cancelledByStaffOrCentre)"].joined(separator: " ")
                }
            #expect(read == kinds)
            #expect(read.first == "KZ-A-0001 individual_counselling 2 4 1 1 1 1")
            let adult = try #require(inputs.enrolments.first { $0.caseNumber == "KZ-A-0001" })
            #expect(adult.requiredToDate == 3 && adult.attended == 2 && adult.offered == 4 && adult.notOffered == 0)
            #expect(adult.phaseStartedOn == LocalDate("2026-10-10") && adult.plannedPhaseEnd == LocalDate("2026-11-28"))

            // The counselling contact, read from attendance and the sessions they cancelled: last contact the late
            // arrival of 14 October; missed since, the unexcused absence and the session they cancelled (not the
            // excused one, the one staff cancelled, the unrecorded one or the one ahead).
            let contact = inputs.counselling.sorted { $0.caseNumber < $1.caseNumber }.map { c in
                "\(c.caseNumber) \(c.enrolledSince) \(c.lastContactOn.map { "\($0)" } ?? "-") \(c.missedSinceContact)"
            }
            #expect(contact == ["KZ-A-0001 2026-10-03 2026-10-14 2", "KZ-A-0002 2026-10-30 - 0", "KZ-C-0001 2026-10-03 2026-10-07 0"])
        }
    }

    private func literal(_ ids: [Int]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }
}
