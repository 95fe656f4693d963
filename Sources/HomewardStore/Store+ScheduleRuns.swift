import Foundation
import Homeward
import Postgres
import Scheduler

/// What one scheduler run did, as recorded in `homeward.schedule_runs`.
public struct ScheduleRunSummary: Sendable, Equatable, Codable {
    public var runID: Int?
    public var from: LocalDate
    public var days: Int
    public var demand: Int
    public var placed: Int
    public var unplaced: Int
    public var sessionsCreated: Int
    public var durationMilliseconds: Int
    /// Seats taken in group sessions that already met (newcomers joining them), counted in `placed`.
    public var seatsJoined: Int = 0
    /// Sessions the plan held that the database refused at write time, because of bookings committed meanwhile (dropped,
    /// their demand recorded as `conflict_with_booking`, counted in `unplaced`).
    public var sessionsRefused: Int = 0
    /// Open seats the plan filled that the database refused at write time (counted in `unplaced`).
    public var seatsRefused: Int = 0
    /// Runs that planned again, against fresh supply, the demand of refused sessions and seats (`runID` is the last).
    public var replans: Int = 0
}

extension Store {
    /// The advisory lock only one scheduler run may hold ("HWSC"); tests that hold or look for it use this too.
    public static let scheduleLockKey = 0x4857_5343

    /// Tries to become the only scheduler run; false when another run holds the lock.
    public func tryScheduleLock() throws -> Bool {
        try translatingErrors { try connection.query("SELECT pg_try_advisory_lock($1)", [Self.scheduleLockKey]).scalar(Bool.self) }
    }

    /// Requirements (per participant) that run `runID` left unplaced and the run before it (of that night or an
    /// earlier one, covering the same centres) did not: what is new since then. All of them for a first run.
    ///
    /// `excludingReasons`: leave out demand unplaced for these reasons (the nightly's exit 3 counts only servable demand).
    public func newlyUnplacedRequirements(runID: Int, excludingReasons: Set<String> = []) throws -> Int {
        try fetchOne(
            """
            WITH this AS (SELECT planning_day, started_at, id, centre_id FROM homeward.schedule_runs WHERE id = $1),
            before AS (
                SELECT r.id FROM homeward.schedule_runs r, this t
                WHERE (r.planning_day, r.started_at, r.id) < (t.planning_day, t.started_at, t.id)
                  AND (r.centre_id IS NULL OR r.centre_id IS NOT DISTINCT FROM t.centre_id)
                ORDER BY r.planning_day DESC, r.started_at DESC, r.id DESC LIMIT 1
            )
            SELECT count(DISTINCT (u.participant_id, u.requirement_id))::int FROM homeward.schedule_unplaced u
            WHERE u.schedule_run_id = $1 AND NOT (u.reason = ANY ($2::text[]))
              AND NOT EXISTS (SELECT 1 FROM homeward.schedule_unplaced o JOIN before b ON b.id = o.schedule_run_id
                              WHERE o.participant_id = u.participant_id AND o.requirement_id IS NOT DISTINCT FROM u.requirement_id)
            """, [runID, excludingReasons.sorted()], notFound: .notFound(what: "schedule run", identifier: String(runID))) {
                try $0.decode(0, as: Int.self)
            }
    }

    /// Lets another run start (the lock is also released when the connection closes).
    public func releaseScheduleLock() throws {
        _ = try translatingErrors { try connection.execute("SELECT pg_advisory_unlock($1)", [Self.scheduleLockKey]) }
    }

    /// How many times the write is tried when the server breaks it off for a serialization failure (40001) or a deadlock
    /// (40P01), with a backoff of 50 ms, 100 ms, 200 ms, … between tries.
    public static let scheduleWriteAttempts = 5

    /// Writes a solution in ONE transaction: the run record, its sessions (staged with COPY, inserted set-based) with their
    /// staff and participants, and the unplaced demand. The database re-checks every hard rule as it inserts (the booking
    /// rules once per batch, at its end).
    ///
    /// The write survives bookings it did not cause: when the set-based insert is refused (a coordinator booked the room,
    /// the staff member or a participant meanwhile, or a rule now counts differently), it is rolled back to a savepoint and
    /// the sessions are written one by one, each under its own savepoint; those the database refuses are dropped and
    /// recorded as unplaced with reason `conflict_with_booking` and the refusal's words, the rest is written. Open seats
    /// are written the same way. A serialization failure or a deadlock retries the whole write against fresh data.
    ///
    /// `beforeCommit` runs inside the transaction once everything is written: what it throws rolls the write back (the
    /// job's independent check of the plan, which runs meanwhile on a thread of its own).
    public func saveSchedule(
        _ problem: SchedulingProblem, _ solution: Solution, request: ScheduleRequest, startedAt: Date, durationMilliseconds: Int,
        beforeCommit: () throws -> Void = {}
    ) throws -> ScheduleRunSummary {
        var attempt = 0
        while true {
            do {
                return try connection.transaction { _ in
                    let summary = try writeSchedule(
                        problem, solution, request: request, startedAt: startedAt, durationMilliseconds: durationMilliseconds)
                    try beforeCommit()
                    return summary
                }
            } catch let error as PostgresError {
                let retryable = error.condition == .serializationFailure || error.condition == .deadlockDetected
                guard retryable, attempt + 1 < Self.scheduleWriteAttempts else { throw StoreError(error) }
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05 * Double(1 << (attempt - 1)))
            }
        }
    }

    /// Refusals one session (or seat) can meet from what others committed meanwhile: integrity rules (exclusion, check,
    /// unique, foreign key: class 23), a raised rule, or a lock wait that timed out behind an uncommitted booking.
    private static func isConflict(_ error: PostgresError) -> Bool {
        guard error.kind == .server, let state = error.sqlState else { return false }
        return state.hasPrefix("23") || state == "P0001" || state == "55P03"
    }

    /// Runs `body` under a savepoint; on a conflict it rolls back to the savepoint and returns the refusal's words.
    private func underSavepoint(_ name: String, _ body: () throws -> Void) throws -> String? {
        try connection.execute("SAVEPOINT \(name)")
        do {
            try body()
            try connection.execute("RELEASE SAVEPOINT \(name)")
            return nil
        } catch let error as PostgresError where Self.isConflict(error) {
            try connection.execute("ROLLBACK TO SAVEPOINT \(name)")
            try connection.execute("RELEASE SAVEPOINT \(name)")
            return StoreError(error).description
        }
    }

    /// Runs the booking-rule check (`homeward.booking_rules_checked`, deferred by the write) now, once, for every session
    /// queued since the last check, so that a refusal is met under the savepoint of what caused it; then defers it again.
    private func checkBookingRules() throws {
        try connection.execute("SET CONSTRAINTS homeward.booking_rules_checked IMMEDIATE")
        try connection.execute("SET CONSTRAINTS homeward.booking_rules_checked DEFERRED")
    }

    /// Whether `instance` is what the last run of the same request left for its rerun (`RerunFingerprint`): the demand it
    /// could not place, against the same supply and sessions, nothing changed since.
    func isRerunOfLastRun(_ instance: Instance, request: ScheduleRequest) throws -> Bool {
        let last = try connection.query(
            """
            SELECT r.rerun_fingerprint FROM homeward.schedule_runs r
            WHERE r.horizon_from = $1 AND r.horizon_days = $2 AND r.freeze_days = $3
              AND r.centre_id IS NOT DISTINCT FROM (SELECT c.id FROM homeward.centres c WHERE c.code = $4)
            ORDER BY r.id DESC LIMIT 1
            """, [request.from, request.days, request.freezeDays, request.centreCode]
        ).rows.first.flatMap { try $0.decode(0, as: Int64?.self) }
        return last == Int64(bitPattern: RerunFingerprint.of(instance))
    }

    /// The write itself, inside the caller's transaction.
    private func writeSchedule(
        _ problem: SchedulingProblem, _ solution: Solution, request: ScheduleRequest, startedAt: Date, durationMilliseconds: Int
    ) throws -> ScheduleRunSummary {
        let slotSeconds = Double(problem.instance.horizon.slotMinutes * 60)
        func instant(_ slot: Int) -> Date { problem.horizonStart.addingTimeInterval(Double(slot) * slotSeconds) }
        let demand = problem.instance.demands.count
        do {
            let scoreJSON = JSON(solution.score)
            let runID = try connection.query(
                """
                INSERT INTO homeward.schedule_runs (started_at, horizon_from, horizon_days, freeze_days, centre_id, demand, placed,
                                                    unplaced, sessions_created, score, duration_ms, seed, iterations, stop_reason, upper_bound,
                                                    rerun_fingerprint)
                VALUES ($1, $2, $3, $4, (SELECT id FROM homeward.centres WHERE code = $5), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                RETURNING id
                """,
                [startedAt, request.from, request.days, request.freezeDays, request.centreCode, demand,
                 demand - solution.unplaced.count, solution.unplaced.count, solution.sessions.count, scoreJSON, durationMilliseconds,
                 Int64(bitPattern: problem.instance.seed), solution.stats.iterations, solution.stats.stopReason.rawValue,
                 solution.stats.upperBound, RerunFingerprint.after(problem.instance, solution).map { Int64(bitPattern: $0) }]
            ).scalar(Int.self)

            // The booking rules are checked once per batch, for all the sessions it touched (`checkBookingRules`), not
            // after each of its statements; COMMIT would check whatever is still queued (0033).
            try connection.execute("SET CONSTRAINTS homeward.booking_rules_checked DEFERRED")
            try connection.execute(
                """
                CREATE TEMP TABLE schedule_staging (
                    k int, session_type text, requirement_id bigint, mode text, centre_code text, room_code text,
                    starts_at timestamptz, ends_at timestamptz, family_id bigint, staff_codes text[], participant_cases text[],
                    -- each staged session's id, drawn as COPY stores it, in the plan's order
                    session_id bigint DEFAULT nextval(pg_get_serial_sequence('homeward.sessions', 'id'))
                ) ON COMMIT DROP
                """)
            let rows = solution.sessions.enumerated().map { index, session -> [any PostgresEncodable] in
                let roomCode = session.roomId.split(separator: "/").last.map(String.init) ?? session.roomId
                let familyID = session.mode == .family
                    ? session.demandIds.first.flatMap { $0.split(separator: "/").first }.flatMap { Int($0.dropFirst()) } : nil
                return [index, session.sessionType, Int(session.requirementId), session.mode.rawValue, session.centreId, roomCode,
                        instant(session.start), instant(session.start + session.durationSlots), familyID, [session.staffId],
                        session.participantIds]
            }
            try connection.copy(
                "COPY schedule_staging (k, session_type, requirement_id, mode, centre_code, room_code, starts_at, ends_at, family_id, staff_codes, participant_cases) FROM STDIN",
                rows: rows)
            // The staged sessions with index `k` (all when nil): the session rows, then their staff, then their seats. Staff
            // and seats carry their session's time and state (its foreign key holds them to the session's; a session the
            // login cannot read gets them from the database's trigger).
            func insertSessions(_ k: Int?) throws {
                let inserted = try connection.execute(
                    """
                    INSERT INTO homeward.sessions (id, session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at,
                                                   family_id, schedule_run_id)
                    OVERRIDING SYSTEM VALUE
                    SELECT g.session_id, g.session_type, g.requirement_id, g.mode, c.id, r.id, g.starts_at, g.ends_at, g.family_id, $1
                    FROM schedule_staging g
                    JOIN homeward.centres c ON c.code = g.centre_code
                    JOIN homeward.rooms r ON r.centre_id = c.id AND r.code = g.room_code
                    WHERE $2::int IS NULL OR g.k = $2
                    """, [runID, k])
                let expected = k == nil ? rows.count : 1
                guard inserted == expected else {
                    throw StoreError.database("scheduler produced \(expected) sessions but only \(inserted) matched known rooms; nothing was written")
                }
                try connection.execute(
                    """
                    INSERT INTO homeward.session_staff (session_id, staff_id, during, occupies)
                    SELECT g.session_id, st.id, s.during, s.occupies FROM schedule_staging g CROSS JOIN LATERAL unnest(g.staff_codes) AS u(code)
                    JOIN homeward.staff st ON st.code = u.code
                    LEFT JOIN homeward.sessions s ON s.id = g.session_id
                    WHERE $1::int IS NULL OR g.k = $1
                    """, [k])
                try connection.execute(
                    """
                    INSERT INTO homeward.session_participants (session_id, participant_id, during, occupies)
                    SELECT g.session_id, p.id, s.during, s.occupies FROM schedule_staging g CROSS JOIN LATERAL unnest(g.participant_cases) AS u(code)
                    JOIN homeward.participants p ON p.case_number = u.code
                    LEFT JOIN homeward.sessions s ON s.id = g.session_id
                    WHERE $1::int IS NULL OR g.k = $1
                    """, [k])
                try checkBookingRules()
            }
            // What the database refused because of what others committed since the instance was read: index -> its words.
            var refusedSessions: [Int: String] = [:]
            if !rows.isEmpty, try underSavepoint("schedule_all", { try insertSessions(nil) }) != nil {
                for index in rows.indices {
                    if let refusal = try underSavepoint("schedule_one", { try insertSessions(index) }) { refusedSessions[index] = refusal }
                }
            }

            // Seats in group sessions that already meet: the newcomers join them, in this transaction, checked by the
            // booking rules and audited like any seat.
            var refusedSeats: [Int: String] = [:]
            if !solution.joins.isEmpty {
                let seats: [[any PostgresEncodable]] = try solution.joins.enumerated().map { index, join in
                    guard join.sessionId.hasPrefix("S"), let id = Int(join.sessionId.dropFirst()) else {
                        throw StoreError.database("scheduler joined unknown session \(join.sessionId); nothing was written")
                    }
                    return [index, id, join.participantId]
                }
                try connection.execute("CREATE TEMP TABLE seat_staging (k int, session_id bigint, case_number text) ON COMMIT DROP")
                try connection.copy("COPY seat_staging FROM STDIN", rows: seats)
                func insertSeats(_ k: Int?) throws {
                    let seated = try connection.execute(
                        """
                        INSERT INTO homeward.session_participants (session_id, participant_id, during, occupies)
                        SELECT j.session_id, p.id, s.during, s.occupies
                        FROM seat_staging j JOIN homeward.participants p ON p.case_number = j.case_number
                        LEFT JOIN homeward.sessions s ON s.id = j.session_id
                        WHERE $1::int IS NULL OR j.k = $1
                        ORDER BY j.session_id, p.id
                        """, [k])
                    let expected = k == nil ? seats.count : 1
                    guard seated == expected else {
                        throw StoreError.database("scheduler filled \(expected) open seats but only \(seated) matched; nothing was written")
                    }
                    try checkBookingRules()
                }
                if try underSavepoint("seats_all", { try insertSeats(nil) }) != nil {
                    for index in seats.indices {
                        if let refusal = try underSavepoint("seats_one", { try insertSeats(index) }) { refusedSeats[index] = refusal }
                    }
                }
            }

            // Unplaced demand, one row per participant, requirement, week and reason: what the scheduler could not place,
            // and what it placed but the database refused because of a booking made meanwhile.
            let demandsByID = Dictionary(problem.instance.demands.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var notWritten: [(demandId: String, participants: [String], reason: String, detail: String)] =
                solution.unplaced.map { ($0.demandId, $0.participantIds, $0.reason.rawValue, $0.detail) }
            for (index, refusal) in refusedSessions.sorted(by: { $0.key < $1.key }) {
                for demandID in solution.sessions[index].demandIds {
                    notWritten.append((demandID, demandsByID[demandID]?.participants ?? solution.sessions[index].participantIds,
                                       Self.conflictReason, "placed, but not written: \(refusal)"))
                }
            }
            for (index, refusal) in refusedSeats.sorted(by: { $0.key < $1.key }) {
                let join = solution.joins[index]
                notWritten.append((join.demandId, [join.participantId], Self.conflictReason, "seat not taken: \(refusal)"))
            }
            var unplacedCounts: [String: (cases: [String], requirement: Int, week: String, reason: String, detail: String, count: Int)] = [:]
            for item in notWritten {
                let parts = item.demandId.split(separator: "/")
                guard parts.count >= 3, let requirement = Int(parts[1].dropFirst()) else { continue }
                let key = "\(item.participants.joined(separator: ","))|\(requirement)|\(parts[2])|\(item.reason)"
                unplacedCounts[key, default: (item.participants, requirement, String(parts[2]), item.reason, item.detail, 0)].count += 1
            }
            var unplacedRows: [[any PostgresEncodable]] = unplacedCounts.keys.sorted().flatMap { key -> [[any PostgresEncodable]] in
                let entry = unplacedCounts[key]!
                return entry.cases.map { [runID, $0, entry.requirement, entry.week, entry.count, entry.reason, entry.detail] }
            }
            // What the store knew could not be planned (a birthday ends an age band, no family recorded): not demand, but
            // gaps the coordinator must act on.
            unplacedRows += problem.gaps.map {
                [runID, $0.caseNumber, $0.requirementID, $0.weekStart.description, $0.sessions, $0.reason, $0.detail]
            }
            if !unplacedRows.isEmpty {
                try connection.execute(
                    "CREATE TEMP TABLE unplaced_staging (run bigint, case_number text, requirement_id bigint, week_start date, sessions int, reason text, detail text) ON COMMIT DROP")
                try connection.copy("COPY unplaced_staging FROM STDIN", rows: unplacedRows)
                try connection.execute(
                    """
                    INSERT INTO homeward.schedule_unplaced (schedule_run_id, participant_id, requirement_id, week_start, sessions, reason, detail)
                    SELECT u.run, p.id, u.requirement_id, u.week_start, sum(u.sessions), u.reason, min(u.detail)
                    FROM unplaced_staging u JOIN homeward.participants p ON p.case_number = u.case_number
                    GROUP BY u.run, p.id, u.requirement_id, u.week_start, u.reason
                    """)
            }
            let unplaced = solution.unplaced.count + refusedSessions.keys.reduce(0) { $0 + solution.sessions[$1].demandIds.count }
                + refusedSeats.count
            let written = solution.sessions.count - refusedSessions.count
            if !refusedSessions.isEmpty || !refusedSeats.isEmpty {
                try connection.execute(
                    // what was refused is planned again: the next run does not read what this one planned
                    "UPDATE homeward.schedule_runs SET placed = $2, unplaced = $3, sessions_created = $4, rerun_fingerprint = NULL WHERE id = $1",
                    [runID, demand - unplaced, unplaced, written])
            }
            return ScheduleRunSummary(
                runID: runID, from: request.from, days: request.days, demand: demand, placed: demand - unplaced, unplaced: unplaced,
                sessionsCreated: written, durationMilliseconds: durationMilliseconds,
                seatsJoined: solution.joins.count - refusedSeats.count, sessionsRefused: refusedSessions.count,
                seatsRefused: refusedSeats.count)
        }
    }

    /// The reason code of demand the scheduler placed but the database refused, because of a booking committed meanwhile.
    public static let conflictReason = "conflict_with_booking"
}
