import Foundation
import Postgres
import TestSupport
import Testing

/// Ages change inside a horizon: children who turn 7, 13 and 18 during the fixture's two weeks (2026-12-07 … 12-20).
@Suite struct BirthdayScheduleTests {
    /// Three children at AKT-RC in their residential phase since 2026-11-16:
    /// KZ-B-07 turns 7 on Thursday 2026-12-10 (CHILDREN-UNDER-7), KZ-B-13 turns 13 on Wednesday 2026-12-09 (CHILDREN-7-12),
    /// KZ-B-18 turns 18 on Tuesday 2026-12-15 (CHILDREN-13-17, and WOMEN-RESIDENTIAL, which admits her from that day).
    static let births = [("KZ-B-07", "2019-12-10", "male"), ("KZ-B-13", "2013-12-09", "female"), ("KZ-B-18", "2008-12-15", "female")]
    static let enrolments = [("KZ-B-07", "CHILDREN-UNDER-7"), ("KZ-B-13", "CHILDREN-7-12"), ("KZ-B-18", "CHILDREN-13-17"),
                             ("KZ-B-18", "WOMEN-RESIDENTIAL")]

    static func addChildren(_ world: ScheduleFixture.World) throws {
        let connection = try world.connect()
        for (caseNumber, born, sex) in Self.births {
            try connection.execute(
                """
                INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin,
                                                   status, returned_on)
                VALUES ($1, 'Child', 'Birthday', $2::date, $3, '{kk,ru}', 'Atyrau', 'residential_rehabilitation', '2026-11-10')
                """, [caseNumber, born, sex])
            try connection.execute(
                """
                INSERT INTO homeward.participant_placements (participant_id, centre_id, during, reason)
                SELECT p.id, c.id, daterange('2026-11-16', '2027-01-11'), 'residential phase'
                FROM homeward.participants p, homeward.centres c WHERE p.case_number = $1 AND c.code = 'AKT-RC'
                """, [caseNumber])
        }
        for (caseNumber, programme) in Self.enrolments {
            let added = try world.cli(["enrolment", "add", caseNumber, "--programme", programme, "--start", "2026-11-16"])
            try #require(added.status == 0, "\(added)")
        }
    }

    @Test func birthdaysInsideTheHorizonNeverAbortTheNightAndNobodyIsSeatedOutsideTheirAgeBand() throws {
        try ScheduleFixture.withWorld { world throws in
            try Self.addChildren(world)
            let run = try ScheduleFixture.generate(world)
            #expect(run.status == 0 || run.status == 3, "\(run)")
            let connection = try world.connect()

            // Every session seats each participant inside its requirement's age band on the session's local day.
            let outside = try connection.query(
                """
                SELECT count(*)::int
                FROM homeward.sessions s
                JOIN homeward.centres c ON c.id = s.centre_id
                JOIN homeward.session_participants sp ON sp.session_id = s.id
                JOIN homeward.participants p ON p.id = sp.participant_id
                JOIN homeward.phase_requirements q ON q.id = s.requirement_id
                CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, (s.starts_at AT TIME ZONE c.time_zone)::date) AS age) a
                WHERE (q.min_age IS NOT NULL AND a.age < q.min_age) OR (q.max_age IS NOT NULL AND a.age > q.max_age)
                """).scalar(Int.self)
            #expect(outside == 0)

            func days(_ caseNumber: String, _ programme: String) throws -> [String] {
                try connection.query(
                    """
                    SELECT DISTINCT ((s.starts_at AT TIME ZONE c.time_zone)::date)::text
                    FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
                    JOIN homeward.session_participants sp ON sp.session_id = s.id
                    JOIN homeward.participants p ON p.id = sp.participant_id
                    JOIN homeward.phase_requirements q ON q.id = s.requirement_id
                    JOIN homeward.programme_phases ph ON ph.id = q.phase_id JOIN homeward.programmes pg ON pg.id = ph.programme_id
                    WHERE p.case_number = $1 AND pg.code = $2 AND s.mode <> 'family' ORDER BY 1
                    """, [caseNumber, programme]
                ).rows.map { try $0.decode(0) }
            }
            // The 12-year-old has 7–12 sessions only before Wednesday; the 17-year-old women's sessions only from Tuesday
            // 2026-12-15, and her 13–17 sessions only before.
            let thirteen = try days("KZ-B-13", "CHILDREN-7-12")
            #expect(!thirteen.isEmpty && thirteen.allSatisfy { $0 < "2026-12-09" }, "\(thirteen)")
            let adult = try days("KZ-B-18", "WOMEN-RESIDENTIAL")
            #expect(!adult.isEmpty && adult.allSatisfy { $0 >= "2026-12-15" }, "\(adult)")
            #expect(try days("KZ-B-18", "CHILDREN-13-17").allSatisfy { $0 < "2026-12-15" })
            #expect(try days("KZ-B-07", "CHILDREN-UNDER-7").allSatisfy { $0 < "2026-12-10" })

            // Under 7 a child sees one professional a day at most: the limit holds per day, by the age on that day.
            let busiest = try connection.query(
                """
                SELECT coalesce(max(n), 0)::int FROM (
                    SELECT count(*) AS n FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
                    JOIN homeward.session_participants sp ON sp.session_id = s.id
                    JOIN homeward.participants p ON p.id = sp.participant_id
                    WHERE p.case_number = 'KZ-B-07' AND (s.starts_at AT TIME ZONE c.time_zone)::date < '2026-12-10'
                    GROUP BY (s.starts_at AT TIME ZONE c.time_zone)::date) d
                """).scalar(Int.self)
            #expect(busiest <= 1)

            // The requirements a birthday ends are not silently dropped: schedule gaps names them.
            let gaps = try world.cli(["schedule", "gaps", "--format", "csv"])
            #expect(gaps.status == 0, "\(gaps)")
            let agedOut = gaps.stdout.split(separator: "\n").filter { $0.contains("participant_ages_out") }
            #expect(agedOut.contains { $0.contains("KZ-B-13") && $0.contains("CHILDREN-7-12") && $0.contains("2026-W50") }, "\(gaps.stdout)")
            #expect(agedOut.contains { $0.contains("KZ-B-07") && $0.contains("CHILDREN-UNDER-7") }, "\(gaps.stdout)")
            #expect(agedOut.contains { $0.contains("KZ-B-18") && $0.contains("CHILDREN-13-17") && $0.contains("2026-W51") }, "\(gaps.stdout)")

            #expect(try ScheduleFixture.violations(connection) == [])
        }
    }

    @Test func aRerunAfterTheBirthdaysAddsNothingAndStillExitsCleanly() throws {
        try ScheduleFixture.withWorld { world throws in
            try Self.addChildren(world)
            let first = try ScheduleFixture.generate(world)
            #expect(first.status == 0 || first.status == 3, "\(first)")
            let second = try ScheduleFixture.generate(world)
            #expect(second.status == 0 || second.status == 3, "\(second)")
            #expect(second.stdout.contains(", 0 sessions created"), "\(second)")
        }
    }
}
