import Foundation
import Homeward
import Postgres

/// One participant's adjustment of one requirement (homeward.individual_plans), with its pauses.
public struct IndividualPlan: Sendable, Equatable, Codable {
    public var caseNumber: String
    public var requirement: String
    /// The programme's sessions a week, and the plan's when it changes them.
    public var programmeSessionsPerWeek: Double
    public var sessionsPerWeek: Double?
    public var preferredStaff: String?
    public var preferredLanguage: String?
    public var reason: String?
}

/// A requirement paused for one participant (homeward.plan_pauses): first and last day, why.
public struct PlanPause: Sendable, Equatable, Codable {
    public var id: Int
    public var caseNumber: String
    public var requirement: String
    public var firstDay: LocalDate
    public var lastDay: LocalDate
    public var reason: String
}

/// A one-off time a participant cannot attend (homeward.participant_busy_times), in the centre's local time.
public struct BusyTime: Sendable, Equatable, Codable {
    public var id: Int
    public var caseNumber: String
    public var start: Date
    public var end: Date
    public var kind: BusyKind
    public var note: String?
}

extension Store {
    // MARK: Individual plans

    /// Sets (or changes) a participant's individual plan for one requirement of their programme: only what is given.
    public func setPlan(caseNumber: String, requirement path: RequirementPath, sessionsPerWeek: Double? = nil,
                        preferredStaff: String? = nil, preferredLanguage: String? = nil, reason: String? = nil) throws {
        try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            let requirementID = try requirementID(path).id
            let staffID: Int? = try preferredStaff.map { code in
                try fetchOne("SELECT id FROM homeward.staff WHERE code = $1", [code],
                             notFound: .notFound(what: "staff member with code", identifier: code)) { try $0.decode(0) }
            }
            try connection.execute(
                """
                INSERT INTO homeward.individual_plans (participant_id, requirement_id, sessions_per_week, preferred_staff_id, preferred_language, reason)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (participant_id, requirement_id) DO UPDATE
                SET sessions_per_week = coalesce(EXCLUDED.sessions_per_week, individual_plans.sessions_per_week),
                    preferred_staff_id = coalesce(EXCLUDED.preferred_staff_id, individual_plans.preferred_staff_id),
                    preferred_language = coalesce(EXCLUDED.preferred_language, individual_plans.preferred_language),
                    reason = coalesce(EXCLUDED.reason, individual_plans.reason)
                """, [participantID, requirementID, sessionsPerWeek, staffID, preferredLanguage, reason])
        }
    }

    /// Pauses a requirement for a participant from `firstDay` to `lastDay` (inclusive); returns the pause's id.
    public func pausePlan(caseNumber: String, requirement path: RequirementPath, from firstDay: LocalDate, to lastDay: LocalDate,
                          reason: String) throws -> Int {
        guard firstDay <= lastDay else {
            throw StoreError.invalid(InvalidInput(record: caseNumber, field: "pause-to", value: lastDay.description,
                                                  reason: "is before --pause-from \(firstDay)"))
        }
        return try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            let requirementID = try requirementID(path).id
            return try connection.query(
                """
                INSERT INTO homeward.plan_pauses (participant_id, requirement_id, during, reason)
                VALUES ($1, $2, daterange($3::date, $4::date, '[]'), $5) RETURNING id
                """, [participantID, requirementID, firstDay, lastDay, reason]).scalar(Int.self)
        }
    }

    /// A participant's individual plans, by requirement.
    public func plans(caseNumber: String) throws -> [IndividualPlan] {
        let participantID = try idOfParticipant(caseNumber: caseNumber)
        return try fetch(
            """
            SELECT p.case_number, homeward.requirement_path(q.id), q.sessions_per_week::float8, ip.sessions_per_week::float8,
                   st.code, ip.preferred_language, ip.reason
            FROM homeward.individual_plans ip
            JOIN homeward.participants p ON p.id = ip.participant_id
            JOIN homeward.phase_requirements q ON q.id = ip.requirement_id
            LEFT JOIN homeward.staff st ON st.id = ip.preferred_staff_id
            WHERE ip.participant_id = $1 ORDER BY 2
            """, [participantID]
        ) {
            IndividualPlan(caseNumber: try $0.decode(0), requirement: try $0.decode(1), programmeSessionsPerWeek: try $0.decode(2),
                           sessionsPerWeek: try $0.decode(3), preferredStaff: try $0.decode(4), preferredLanguage: try $0.decode(5),
                           reason: try $0.decode(6))
        }
    }

    /// A participant's pauses, by first day.
    public func planPauses(caseNumber: String) throws -> [PlanPause] {
        let participantID = try idOfParticipant(caseNumber: caseNumber)
        return try fetch(
            """
            SELECT pp.id, p.case_number, homeward.requirement_path(pp.requirement_id), lower(pp.during), upper(pp.during) - 1, pp.reason
            FROM homeward.plan_pauses pp
            JOIN homeward.participants p ON p.id = pp.participant_id
            WHERE pp.participant_id = $1 ORDER BY lower(pp.during), pp.id
            """, [participantID]
        ) {
            PlanPause(id: try $0.decode(0), caseNumber: try $0.decode(1), requirement: try $0.decode(2), firstDay: try $0.decode(3),
                      lastDay: try $0.decode(4), reason: try $0.decode(5))
        }
    }

    /// Removes a participant's individual plan for a requirement (the programme's rate applies again).
    public func removePlan(caseNumber: String, requirement path: RequirementPath) throws {
        try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            let requirementID = try requirementID(path).id
            try write("DELETE FROM homeward.individual_plans WHERE participant_id = $1 AND requirement_id = $2", [participantID, requirementID],
                      notFound: .notFound(what: "individual plan of \(caseNumber) for requirement", identifier: path.description))
        }
    }

    /// Removes one pause of a participant's plan.
    public func removePause(caseNumber: String, id: Int) throws {
        try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            try write("DELETE FROM homeward.plan_pauses WHERE participant_id = $1 AND id = $2", [participantID, id],
                      notFound: .notFound(what: "pause of \(caseNumber) with id", identifier: String(id)))
        }
    }

    // MARK: Busy times

    /// Records a time a participant cannot attend, given in the local time of the centre where they are placed then.
    public func addBusyTime(caseNumber: String, from start: LocalDateTime, to end: LocalDateTime, kind: BusyKind,
                            note: String?) throws -> Int {
        guard start < end else {
            throw StoreError.invalid(InvalidInput(record: caseNumber, field: "to", value: end.description, reason: "is not after --from \(start)"))
        }
        return try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            return try connection.query(
                """
                INSERT INTO homeward.participant_busy_times (participant_id, during, kind, note)
                SELECT $1, tstzrange($2::timestamp AT TIME ZONE z.zone, $3::timestamp AT TIME ZONE z.zone), $4, $5
                FROM (SELECT coalesce((SELECT c.time_zone FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
                                       WHERE pl.participant_id = $1 AND pl.during @> $2::timestamp::date
                                       ORDER BY lower(pl.during) DESC LIMIT 1), homeward.planning_zone()) AS zone) z
                RETURNING id
                """, [participantID, start, end, kind.rawValue, note]).scalar(Int.self)
        }
    }

    /// A participant's busy times from `day` on (all when nil), by start.
    public func busyTimes(caseNumber: String, from day: LocalDate? = nil) throws -> [BusyTime] {
        let participantID = try idOfParticipant(caseNumber: caseNumber)
        return try fetch(
            """
            SELECT b.id, p.case_number, lower(b.during), upper(b.during), b.kind, b.note
            FROM homeward.participant_busy_times b JOIN homeward.participants p ON p.id = b.participant_id
            WHERE b.participant_id = $1 AND ($2::date IS NULL OR upper(b.during) > ($2::date::timestamp AT TIME ZONE homeward.planning_zone()))
            ORDER BY lower(b.during), b.id
            """, [participantID, day]
        ) { row in
            let kind: String = try row.decode(4)
            return BusyTime(id: try row.decode(0), caseNumber: try row.decode(1), start: try row.decode(2), end: try row.decode(3),
                            kind: BusyKind(rawValue: kind) ?? .other, note: try row.decode(5))
        }
    }

    /// Removes one busy time of a participant.
    public func removeBusyTime(caseNumber: String, id: Int) throws {
        try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            try write("DELETE FROM homeward.participant_busy_times WHERE participant_id = $1 AND id = $2", [participantID, id],
                      notFound: .notFound(what: "busy time of \(caseNumber) with id", identifier: String(id)))
        }
    }

    // MARK: Re-admission

    /// Re-admits someone placed nowhere from `day` on (discharged, left) into a centre the login coordinates
    /// (homeward.readmit_participant); returns their previous status and last centre.
    public func readmitParticipant(caseNumber: String, centreCode: String, from day: LocalDate,
                                   reason: String?) throws -> (previousStatus: String, previousCentre: String?) {
        try transaction {
            try fetchOne(
                "SELECT previous_status, previous_centre FROM homeward.readmit_participant($1, $2, $3, $4)",
                [caseNumber, centreCode, day, reason], notFound: .database("readmit_participant returned nothing")
            ) { (try $0.decode(0, as: String.self), try $0.decode(1, as: String?.self)) }
        }
    }

    /// Why a case number names no participant this login can see: unknown, or hidden by row-level security (placed at
    /// another centre, or placed nowhere any more), with what to do (homeward.case_number_known).
    func missingParticipant(_ caseNumber: String) -> StoreError {
        let known = try? connection.query("SELECT placed_at, placed_until, status FROM homeward.case_number_known($1)", [caseNumber]).rows.first
        guard let known, let status = try? known.decode(2, as: String.self) else { return Self.participantNotFound(caseNumber) }
        if let centre = try? known.decode(0, as: String?.self) {
            return .forbidden("participant \(caseNumber) exists but is placed at \(centre), not at a centre you coordinate: "
                + "ask a coordinator of \(centre) to transfer them (homeward participant transfer \(caseNumber) --to YOUR-CENTRE)")
        }
        let until = (try? known.decode(1, as: LocalDate?.self)).flatMap { $0 }.map { " (last placed until \($0))" } ?? ""
        return .forbidden("participant \(caseNumber) exists but is placed nowhere now, status \(status)\(until): "
            + "re-admit them with homeward participant readmit \(caseNumber) --centre CENTRE --from DAY")
    }
}
