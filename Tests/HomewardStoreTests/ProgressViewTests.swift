import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct ProgressViewTests {
    /// One row of a view as text by column name; NULL columns are left out.
    private func row(_ connection: Connection, _ view: String, _ caseNumber: String) throws -> [String: String] {
        let result = try connection.query("SELECT * FROM homeward.\(view) WHERE case_number = $1", [caseNumber])
        let first = try #require(result.first)
        return Dictionary(uniqueKeysWithValues: result.columns.enumerated().compactMap { column in
            first.text(column.offset).map { (column.element, $0) }
        })
    }

    @Test func requirementProgressCountsRequiredAttendedMissedAndIgnoresStaffCancellations() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-05", attendance: "attended")
            try world.session("KZ-A-0001", day: "2026-10-12", attendance: "late")
            try world.session("KZ-A-0001", day: "2026-10-19", attendance: "absent_unexcused")
            try world.session("KZ-A-0001", day: "2026-10-26", attendance: "absent_excused")
            try world.session("KZ-A-0001", day: "2026-10-29", cancelledBy: "staff")
            try world.session("KZ-A-0001", day: "2026-10-30")
            try world.session("KZ-A-0001", day: "2026-11-02")
            try world.today("2026-10-31")

            let r = try row(connection, "requirement_progress", "KZ-A-0001")
            #expect(r["elapsed_days"] == "28")
            #expect(r["required_to_date"] == "3", "4 weeks at 1 a week, less the session staff cancelled")
            #expect(r["attended"] == "2" && r["missed"] == "1" && r["excused"] == "1")
            #expect(r["cancelled_by_staff_or_centre"] == "1" && r["unrecorded"] == "1" && r["planned"] == "1")
            #expect(r["counted_last_28_days"] == "3", "neither the staff-cancelled session nor the excused absence is in the denominator")
            #expect(r["attendance_rate_last_28_days"] == "0.6667", "2 attended (one late) of 3: the excused absence does not count")
            #expect(r["pace"] == "0.6667")
            #expect(r["projected_completion_on"] == "2026-12-26", "phase start + 56 days × 3 required ÷ 2 attended")

            let e = try row(connection, "enrolment_progress", "KZ-A-0001")
            #expect(e["required_to_date"] == "3" && e["attended"] == "2" && e["pace"] == "0.6667")
            #expect(e["assessment_due_on"] == "2026-10-17")
            #expect(e["centre_code"] == "AKT-RC")
            #expect(e["school_attendance_rate_last_28_days"] == nil)
        }
    }

    @Test func fractionalRatesAndAParticipantEnrolledYesterday() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-C-0001", born: "2016-01-20", programme: "CHILD", enrolled: "2026-10-03")
            try world.participant("KZ-A-0002", enrolled: "2026-10-30")
            try world.session("KZ-C-0001", "ART", day: "2026-10-07", attendance: "attended")
            try world.today("2026-10-31")

            let child = try row(connection, "requirement_progress", "KZ-C-0001")
            #expect(child["required_to_date"] == "2", "0.5 a week over 4 weeks")
            #expect(child["pace"] == "0.5000")
            let newcomer = try row(connection, "requirement_progress", "KZ-A-0002")
            #expect(newcomer["required_to_date"] == "0")
            #expect(newcomer["pace"] == nil && newcomer["projected_completion_on"] == nil)
        }
    }

    @Test func aChildWhoMovedSchoolKeepsOneSchoolRate() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-C-0001", born: "2016-01-20", programme: "CHILD", enrolled: "2026-10-03")
            try SchoolFixture(connection: connection).movedSchool("KZ-C-0001")
            try world.today("2026-10-31")

            let e = try row(connection, "enrolment_progress", "KZ-C-0001")
            #expect(e["school_days_recorded_last_28_days"] == "20", "days at both schools")
            #expect(e["school_attendance_rate_last_28_days"] == "0.9000")
            #expect(e["school_unexcused_days_in_a_row"] == "0")
        }
    }

    @Test func theStoreReadsTheSameNumbersAsTheViews() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.participant("KZ-A-0002", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-05", attendance: "attended")
            try world.session("KZ-A-0002", day: "2026-10-05", attendance: "absent_unexcused")
            try world.today("2026-10-31")
            let store = Store(connection: connection)
            let centre = try store.progress(centreCode: "AKT-RC")
            #expect(centre.map(\.caseNumber) == ["KZ-A-0002", "KZ-A-0001"], "worst first")
            let mine = try #require(try store.progress(caseNumber: "KZ-A-0001").first)
            #expect(mine.pace == 0.25 && mine.requiredToDate == 4 && mine.requirements.map(\.requirementCode) == ["PSY-IND"])
            #expect(throws: StoreError.notFound(what: "participant with case number", identifier: "KZ-NOPE")) {
                try store.progress(caseNumber: "KZ-NOPE")
            }
        }
    }
}

/// A child who moved school mid-month: school S1 until 2026-10-14, then S2; weekdays 2026-10-05 … 2026-10-30 recorded
/// (20 days), all present except two excused absences (18 of 20 = exactly 90%).
struct SchoolFixture {
    let connection: Connection

    func movedSchool(_ caseNumber: String) throws {
        try connection.runScript(
            """
            INSERT INTO homeward.schools (code, name, region) VALUES ('S1', 'School 1', 'Mangystau'), ('S2', 'School 2', 'Mangystau');
            """)
        try connection.execute(
            """
            INSERT INTO homeward.school_enrolments (participant_id, school_id, grade, school_day_starts_at, school_day_ends_at,
                                                    enrolled_from, enrolled_to, status)
            SELECT p.id, s.id, 4, '08:00', '12:00', x.from_day, x.to_day, x.status
            FROM homeward.participants p,
                 (VALUES ('S1', date '2026-09-01', date '2026-10-14', 'transferred'), ('S2', date '2026-10-15', NULL, 'enrolled')) AS x(school, from_day, to_day, status)
            JOIN homeward.schools s ON s.code = x.school
            WHERE p.case_number = $1
            """, [caseNumber])
        try connection.execute(
            """
            INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by)
            SELECT p.id, e.id, d.day::date, CASE WHEN d.day::date IN ('2026-10-08', '2026-10-20') THEN 'absent_excused' ELSE 'present' END, 'teacher'
            FROM homeward.participants p
            CROSS JOIN generate_series(date '2026-10-05', date '2026-10-30', interval '1 day') AS d(day)
            JOIN homeward.school_enrolments e ON e.participant_id = p.id AND d.day::date BETWEEN e.enrolled_from AND coalesce(e.enrolled_to, 'infinity')
            WHERE p.case_number = $1 AND extract(isodow FROM d.day) < 6
            """, [caseNumber])
    }
}
