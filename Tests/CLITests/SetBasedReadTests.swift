import Foundation
import Postgres
import TestSupport
import Testing

/// The nightly's set-based reads (0028) give what the one-row-at-a-time rules give: the scheduler's need against
/// homeward.plan_sessions_due_between per row, and the progress counts against a recount that asks
/// homeward.session_counts_for of every seat, on the schedule fixture after a run, with individual plans and pauses.
@Suite struct SetBasedReadTests {
    @Test func theSetBasedNeedAndProgressEqualTheRowByRowRules() throws {
        try ScheduleFixture.withWorld { world in
            let connection = try world.connect()
            let run = try ScheduleFixture.generate(world)
            #expect([0, 3].contains(run.status), "\(run)")
            // Some history: the first day's sessions attended or missed, one cancelled by the centre; a plan at another
            // rate for one woman, pauses for two (one over a weekend and into the week, one inside it).
            try connection.execute(
                """
                UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'power cut'
                WHERE id = (SELECT max(id) FROM homeward.sessions WHERE status = 'planned')
                """)
            try connection.execute(
                """
                INSERT INTO homeward.individual_plans (participant_id, requirement_id, sessions_per_week, reason)
                SELECT e.participant_id, q.id, q.sessions_per_week + 1, 'more support'
                FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id
                JOIN homeward.phase_requirements q ON q.phase_id = e.current_phase_id
                WHERE p.case_number = 'KZ-W-03' AND e.status = 'active' AND q.mode = 'individual'
                """)
            try connection.execute(
                """
                INSERT INTO homeward.plan_pauses (participant_id, requirement_id, during, reason)
                SELECT e.participant_id, q.id, x.during, 'hospital stay'
                FROM homeward.enrolments e JOIN homeward.participants p ON p.id = e.participant_id
                JOIN homeward.phase_requirements q ON q.phase_id = e.current_phase_id
                JOIN (VALUES ('KZ-W-03', daterange('2026-12-05', '2026-12-09')), ('KZ-W-04', daterange('2026-12-15', '2026-12-17'))) x(c, during)
                  ON x.c = p.case_number
                WHERE e.status = 'active' AND q.mode = 'individual'
                """)
            #expect(try connection.int("SELECT count(*)::int FROM homeward.plan_pauses") > 0)

            for from in ["2026-12-07", "2026-12-14", "2026-12-15"] {
                // The need, week by week, against the per-row rule of 0024.
                #expect(try connection.int(
                    """
                    SELECT count(*)::int FROM homeward.instance_need($1::date, 14, 1) n
                    JOIN homeward.enrolments e ON e.id = n.enrolment_id
                    JOIN homeward.phase_requirements q ON q.id = n.requirement_id
                    JOIN homeward.participants p ON p.id = n.participant_id
                    WHERE n.due_in_week IS DISTINCT FROM homeward.plan_sessions_due_between(p.id, q.id, q.sessions_per_week, e.phase_started_on,
                                                                                         daterange(n.week_start, n.week_start + 7))
                       OR n.required IS DISTINCT FROM homeward.plan_sessions_due_between(p.id, q.id, q.sessions_per_week, e.phase_started_on,
                              daterange(n.week_start, least(n.week_start + 7, $1::date + 14))
                              * homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text))
                    """, [from]) == 0, "need from \(from)")
            }
            #expect(try connection.int("SELECT count(*)::int FROM homeward.instance_need('2026-12-07', 14, 0)") > 0)

            // Progress, for every requirement row, against a recount seat by seat with session_counts_for's OR, on a day
            // inside the fixture's pinned horizon (whatever the machine's date: make test-dates runs this months later).
            try connection.execute("SET homeward.today = '2026-12-10'")
            let mismatches = try connection.int(
                """
                SELECT count(*)::int FROM homeward.requirement_progress r
                JOIN homeward.phase_requirements q ON q.id = r.requirement_id
                CROSS JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE k.occupies AND a.status IN ('attended', 'late') AND k.day <= r.today)::int AS attended,
                           count(*) FILTER (WHERE k.status = 'planned' AND a.status IS NULL AND k.day >= r.today)::int AS planned,
                           count(*) FILTER (WHERE k.status = 'cancelled' AND k.cancelled_by IN ('staff', 'centre') AND k.day <= r.today)::int AS by_centre
                    FROM homeward.session_participants sp
                    JOIN homeward.sessions s ON s.id = sp.session_id AND homeward.session_counts_for(s.requirement_id, s.mode, q.id, q.mode)
                    JOIN homeward.centres c ON c.id = s.centre_id
                    CROSS JOIN LATERAL (SELECT (s.starts_at AT TIME ZONE c.time_zone)::date AS day, s.status, s.occupies, s.cancelled_by) k
                    LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
                    WHERE sp.participant_id = r.participant_id AND k.day >= r.phase_started_on) x
                WHERE (r.attended, r.planned, r.cancelled_by_staff_or_centre) IS DISTINCT FROM (x.attended, x.planned, x.by_centre)
                   OR r.required_to_date IS DISTINCT FROM greatest(0, homeward.plan_sessions_due_to_date(r.participant_id, q.id, q.sessions_per_week,
                                                                      r.phase_started_on, r.phase_started_on + r.elapsed_days) - x.by_centre)
                """)
            #expect(mismatches == 0)
            #expect(try connection.int("SELECT count(*)::int FROM homeward.requirement_progress WHERE planned > 0") > 0)
            // A filter on the centre gives that centre's rows of the whole view.
            #expect(try connection.int("SELECT count(*)::int FROM homeward.requirement_progress WHERE centre_code = 'AKT-RC'")
                    == connection.int("SELECT count(*)::int FROM (SELECT * FROM homeward.requirement_progress OFFSET 0) r WHERE r.centre_code = 'AKT-RC'"))
        }
    }
}
