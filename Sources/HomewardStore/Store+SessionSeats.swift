import Foundation
import Homeward
import Postgres
import Scheduler

/// A room or staff member free for an interval of a day, in the centre's local time (homeward.centre_free).
public struct FreeInterval: Sendable, Equatable, Codable {
    /// "room" or "staff".
    public var kind: String
    public var code: String
    public var name: String
    /// Local "HH:MM".
    public var from: String
    /// Local "HH:MM".
    public var to: String
}

extension Store {
    /// Seats `caseNumber` in planned group session `id` that still has room, in one audited transaction; the booking
    /// rules of the database (language, age band, hours, daily limit, enrolment…) decide, unless `overrideReason` is
    /// given for the planning rules (then set on the session, as `session add --override` does).
    public func joinSession(id: Int, caseNumber: String, overrideReason: String? = nil) throws {
        let slot = try transaction { () -> (start: LocalDateTime, minutes: Int, centre: String, room: String) in
            try requireKnown(staffCodes: [], caseNumbers: [caseNumber])
            _ = try requireSession(id: id, status: .planned, toDo: "joined")
            let seats = try fetchOne(
                """
                SELECT s.mode, to_char(s.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI'),
                       (extract(epoch FROM s.ends_at - s.starts_at) / 60)::int, c.code, r.code,
                       o.room_capacity, o.group_max, o.seated, o.open_seats,
                       EXISTS (SELECT 1 FROM homeward.session_participants sp JOIN homeward.participants p ON p.id = sp.participant_id
                               WHERE sp.session_id = s.id AND p.case_number = $2),
                       s.starts_at <= homeward.now()
                FROM homeward.sessions s
                JOIN homeward.centres c ON c.id = s.centre_id
                JOIN homeward.rooms r ON r.id = s.room_id
                LEFT JOIN LATERAL homeward.session_open_seats(ARRAY[s.id]) o ON true
                WHERE s.id = $1
                """, [id, caseNumber], notFound: .notFound(what: "session", identifier: String(id))
            ) { row in
                (mode: try row.decode(0, as: String.self), start: try row.decode(1, as: LocalDateTime.self), minutes: try row.decode(2, as: Int.self),
                 centre: try row.decode(3, as: String.self), room: try row.decode(4, as: String.self),
                 capacity: try row.decode(5, as: Int?.self), groupMax: try row.decode(6, as: Int?.self),
                 seated: try row.decode(7, as: Int?.self), open: try row.decode(8, as: Int?.self), already: try row.decode(9, as: Bool.self),
                 begun: try row.decode(10, as: Bool.self))
            }
            guard seats.mode == "group" else {
                throw StoreError.invalid(InvalidInput(
                    record: "session \(id)", field: "mode", value: seats.mode,
                    reason: "is not a group session; only group sessions take more participants (book another with `session add`)"))
            }
            if seats.begun {
                throw StoreError.invalid(InvalidInput(
                    record: "session \(id)", field: "start", value: seats.start.description,
                    reason: "has begun; only sessions still to come take new participants"))
            }
            if seats.already {
                throw StoreError.invalid(InvalidInput(record: "session \(id)", field: "participant", value: caseNumber, reason: "is already seated in it"))
            }
            guard let open = seats.open, open > 0 else {
                throw StoreError.rejected(
                    rule: "session_full", sentence: "the session is full",
                    detail: "session \(id) seats \(seats.seated ?? 0): room \(seats.room) holds \(seats.capacity ?? 0)"
                        + (seats.groupMax.map { ", its requirement allows at most \($0)" } ?? "")
                        + "; try `homeward session suggest \(caseNumber) --requirement …` for another group")
            }
            return (seats.start, seats.minutes, seats.centre, seats.room)
        }
        try explainingDoubleBookings(start: slot.start, minutes: slot.minutes, centreCode: slot.centre, roomCode: slot.room,
                                     staffCodes: [], caseNumbers: [caseNumber], excluding: id) {
            try transaction {
                _ = try requireSession(id: id, status: .planned, toDo: "joined")
                if let overrideReason {
                    try sessionWrite("UPDATE homeward.sessions SET override_reason = $2 WHERE id = $1", [id, overrideReason])
                }
                try sessionWrite(
                    """
                    INSERT INTO homeward.session_participants (session_id, participant_id)
                    SELECT $1, p.id FROM homeward.participants p WHERE p.case_number = $2
                    """, [id, caseNumber])
            }
        }
    }

    /// Rooms and staff of `centreCode` with their free intervals on `day` (homeward.centre_free), rooms first.
    public func freeIntervals(centreCode: String, day: LocalDate) throws -> [FreeInterval] {
        try requireNamed(centre: centreCode)
        let mine = try fetchOne(
            """
            SELECT homeward.sees_centre(c.id) FROM homeward.centres c WHERE c.code = $1
            """, [centreCode], notFound: Self.centreNotFound(centreCode)) { try $0.decode(0, as: Bool.self) }
        guard mine else { throw StoreError.forbidden("centre \(centreCode) is not one this login coordinates (homeward.user_scopes)") }
        return try fetch(
            """
            SELECT kind, code, name, to_char(free_from, 'HH24:MI'), to_char(free_to, 'HH24:MI')
            FROM homeward.centre_free($1, $2::date)
            """, [centreCode, day]
        ) { row in
            FreeInterval(kind: try row.decode(0), code: try row.decode(1), name: try row.decode(2), from: try row.decode(3), to: try row.decode(4))
        }
    }
}

/// One way to book a participant's requirement by hand, in the store's words (`homeward session suggest`).
public struct SessionOption: Sendable, Equatable, Codable {
    /// 1 is the best.
    public var rank: Int
    /// Local start at the centre.
    public var start: LocalDateTime
    public var minutes: Int
    public var centreCode: String
    /// Room code in the centre.
    public var roomCode: String?
    public var staffCodes: [String]
    /// The existing group session to join (`session join`), nil for a new session (`session add`).
    public var joinsSession: Int?
    /// The scheduler's soft score of the option (higher is better).
    public var score: Double
}

/// What `session suggest` found for a participant's requirement in a week.
public struct SessionSuggestions: Sendable, Equatable, Codable {
    public var caseNumber: String
    public var requirement: RequirementPath
    public var week: String
    public var sessionType: SessionType
    public var mode: SessionMode
    /// Feasible options, best first (at most the limit asked for).
    public var options: [SessionOption]
    /// How many feasible options there were in all.
    public var feasible: Int
    /// Candidates the hard rules refused, per reason, most first.
    public var refusals: [Refusal]

    /// A reason and how many candidates it refused.
    public struct Refusal: Sendable, Equatable, Codable {
        public var reason: String
        public var count: Int
    }
}

extension Store {
    /// The best `limit` options to book `caseNumber`'s `requirement` in the week starting `weekStart` (from now on):
    /// the scheduler's own instance and engine (`Scheduler.suggest`), so an option obeys the rules the nightly obeys and
    /// is ranked by its soft score. Refused with a clear error when nothing of the requirement is due that week.
    public func suggestSessions(
        caseNumber: String, requirement: RequirementPath, weekStart: LocalDate, limit: Int, settings: SchedulingSettings
    ) throws -> SessionSuggestions {
        try requireKnown(staffCodes: [], caseNumbers: [caseNumber])
        let (requirementID, mode) = try requirementID(requirement)
        let today = try self.today()
        let from = max(weekStart, today)
        let days = from.days(until: weekStart.adding(days: 7))
        guard days > 0 else {
            throw StoreError.invalid(InvalidInput(field: "--week", value: weekStart.isoWeek, reason: "is over; suggestions are for this week or later"))
        }
        let problem = try schedulingProblem(ScheduleRequest(from: from, days: days, freezeDays: 0), settings: settings)
        let instance = problem.instance
        guard var demand = instance.demands.first(where: { $0.requirementId == String(requirementID) && $0.participants.contains(caseNumber) }) else {
            let gap = problem.gaps.first { $0.caseNumber == caseNumber && $0.requirementID == requirementID }
            throw StoreError.invalid(InvalidInput(
                record: caseNumber, field: "--requirement", value: requirement.description,
                reason: gap.map { "cannot be planned in week \(weekStart.isoWeek): \($0.detail)" }
                    ?? "has nothing due in week \(weekStart.isoWeek): its sessions are all planned or held, or it is not in the current phase of an active enrolment"))
        }
        // Only what still lies ahead can be booked.
        let slotSeconds = Double(instance.horizon.slotMinutes * 60)
        let nowSlot = Int((try now().timeIntervalSince(problem.horizonStart) / slotSeconds).rounded(.up))
        demand.window.start = Swift.max(demand.window.start, nowSlot)
        let suggestion = Scheduler.suggest(demand, in: instance, limit: limit)
        let locals: [LocalDateTime] = try fetch(
            """
            SELECT to_char(($1::timestamptz + make_interval(mins => u.m)) AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI')
            FROM unnest($2::int[]) WITH ORDINALITY AS u(m, k), homeward.centres c
            WHERE c.code = $3 ORDER BY u.k
            """, [problem.horizonStart, suggestion.options.map { $0.start * instance.horizon.slotMinutes }, demand.centreId]
        ) { try $0.decode(0) }
        let options = suggestion.options.enumerated().map { k, o in
            SessionOption(
                rank: k + 1, start: locals[k], minutes: o.durationSlots * instance.horizon.slotMinutes, centreCode: demand.centreId,
                roomCode: o.roomId.map { String($0.split(separator: "/").last ?? Substring($0)) }, staffCodes: o.staffIds,
                joinsSession: o.joinsSessionId.flatMap { Int($0.dropFirst()) }, score: (o.score * 1000).rounded() / 1000)
        }
        guard let sessionType = SessionType(rawValue: demand.sessionType) else {
            throw StoreError.database("requirement \(requirement): session type \"\(demand.sessionType)\" is not one Homeward knows")
        }
        let refusals = suggestion.refusals.map { SessionSuggestions.Refusal(reason: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.reason) < ($0.count, $1.reason) }
        return SessionSuggestions(
            caseNumber: caseNumber, requirement: requirement, week: weekStart.isoWeek,
            sessionType: sessionType, mode: mode,
            options: options, feasible: suggestion.feasible, refusals: refusals)
    }
}
