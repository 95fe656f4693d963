import Foundation
import Homeward
import Postgres

/// What a repair needs to know of a broken session to ask the scheduler for a new place: who, what, where, how long.
struct RepairTarget: Sendable {
    var sessionID: Int
    var sessionType: String
    var mode: String
    var requirementID: Int?
    var staffRole: String?
    var roomKind: String?
    var paediatricOnly: Bool
    var requiresChildClearance: Bool
    var centreCode: String
    var roomCode: String
    var staffCodes: [String]
    var caseNumbers: [String]
    var startsAt: Date
    var endsAt: Date
    /// The session's local day in the planning zone.
    var planningDay: LocalDate
}

/// One session a repair moved: where it was and where it is now.
public struct RepairMove: Sendable, Equatable, Codable {
    public var oldSessionID: Int
    /// Nil on a dry run.
    public var newSessionID: Int?
    public var cause: String
    public var centreCode: String
    public var caseNumbers: [String]
    public var oldStart: LocalDateTime
    public var oldStaff: [String]
    public var oldRoom: String
    public var newStart: LocalDateTime
    public var newStaff: [String]
    public var newRoom: String
}

/// A broken session a repair could not re-place: cancelled, so that its requirement is demand again for the next run.
public struct RepairFailure: Sendable, Equatable, Codable {
    public var sessionID: Int
    public var cause: String
    public var centreCode: String
    public var caseNumbers: [String]
    public var start: LocalDateTime
    public var staff: [String]
    public var room: String
    /// A reason code of the scheduler (`no_common_time`, …) or the store's `no_requirement`.
    public var reason: String
    public var detail: String
}

extension Store {
    /// The booking facts of the given sessions, for the scheduler's demands.
    func repairTargets(_ ids: [Int]) throws -> [RepairTarget] {
        try fetch(
            """
            SELECT s.id, s.session_type, s.mode, s.requirement_id, q.staff_role, q.room_kind, coalesce(q.paediatric_only, false),
                   coalesce(q.requires_child_clearance, false), c.code, r.code,
                   coalesce((SELECT array_agg(st.code ORDER BY st.code) FROM homeward.session_staff ss
                              JOIN homeward.staff st ON st.id = ss.staff_id WHERE ss.session_id = s.id), '{}'),
                   coalesce((SELECT array_agg(p.case_number ORDER BY p.case_number) FROM homeward.session_participants sp
                              JOIN homeward.participants p ON p.id = sp.participant_id WHERE sp.session_id = s.id), '{}'),
                   s.starts_at, s.ends_at, homeward.local_day(s.starts_at)
            FROM homeward.sessions s
            JOIN homeward.centres c ON c.id = s.centre_id JOIN homeward.rooms r ON r.id = s.room_id
            LEFT JOIN homeward.phase_requirements q ON q.id = s.requirement_id
            WHERE s.id = ANY ($1::bigint[])
            ORDER BY s.starts_at, s.id
            """, [ids]
        ) {
            RepairTarget(
                sessionID: try $0.decode(0), sessionType: try $0.decode(1), mode: try $0.decode(2), requirementID: try $0.decode(3),
                staffRole: try $0.decode(4), roomKind: try $0.decode(5), paediatricOnly: try $0.decode(6),
                requiresChildClearance: try $0.decode(7), centreCode: try $0.decode(8), roomCode: try $0.decode(9),
                staffCodes: try $0.decode(10), caseNumbers: try $0.decode(11), startsAt: try $0.decode(12), endsAt: try $0.decode(13),
                planningDay: try $0.decode(14))
        }
    }

    /// The local wall-clock time of an instant at a centre, for reports.
    func localTime(_ instant: Date, centreCode: String) throws -> LocalDateTime {
        try fetchOne(
            "SELECT to_char($1::timestamptz AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI') FROM homeward.centres WHERE code = $2",
            [instant, centreCode], notFound: .notFound(what: "centre with code", identifier: centreCode)) { try $0.decode(0) }
    }

    /// Writes a repair in ONE transaction: each moved session's replacement is booked (same type, requirement, mode,
    /// family and participants, `repair_of_session_id` naming the old one) and the old one marked rescheduled with the
    /// reason `repair: …`; each session that could not be re-placed is cancelled with its reason. The database re-checks
    /// every rule as it writes. Returns the moves with their new ids.
    func saveRepair(
        _ moves: [RepairMove], at instants: [Int: (starts: Date, ends: Date)], _ failures: [RepairFailure], causes: [Int: CancelledBy]
    ) throws -> [RepairMove] {
        try transaction {
            var saved: [RepairMove] = []
            // A replacement may take the slot, room or staff member another broken session still holds until its own
            // move further down: double bookings are checked at commit, once every old session is free.
            try connection.execute(
                """
                SET CONSTRAINTS homeward.sessions_room_no_overlap, homeward.session_staff_no_overlap,
                                homeward.session_participants_no_overlap DEFERRED
                """)
            for move in moves {
                guard let when = instants[move.oldSessionID] else { continue }
                let newID: Int = try sessionWrite(
                    """
                    INSERT INTO homeward.sessions (session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at, family_id,
                                                   repair_of_session_id)
                    SELECT s.session_type, s.requirement_id, s.mode, s.centre_id, r.id, $3, $4, s.family_id, s.id
                    FROM homeward.sessions s JOIN homeward.rooms r ON r.centre_id = s.centre_id AND r.code = $2
                    WHERE s.id = $1 AND s.status = 'planned'
                    RETURNING id
                    """, [move.oldSessionID, move.newRoom, when.starts, when.ends]).scalar()
                let changed = try sessionWrite(
                    """
                    UPDATE homeward.sessions SET status = 'rescheduled', replaced_by_session_id = $2, cancel_reason = $3, cancelled_by = $4
                    WHERE id = $1 AND status = 'planned'
                    """, [move.oldSessionID, newID, "repair: " + move.cause, causes[move.oldSessionID] ?? .other]).affectedRows
                guard changed == 1 else {
                    throw StoreError.database("session \(move.oldSessionID) changed while it was being repaired; nothing was written, run the repair again")
                }
                try staffReplacement(newID, with: move.newStaff, seatingWhoSatIn: move.oldSessionID)
                var done = move
                done.newSessionID = newID
                saved.append(done)
            }
            for failure in failures {
                try sessionWrite(
                    """
                    UPDATE homeward.sessions SET status = 'cancelled', cancel_reason = $2, cancelled_by = $3
                    WHERE id = $1 AND status = 'planned'
                    """, [failure.sessionID, "repair: \(failure.cause); not re-placed: \(failure.detail)", causes[failure.sessionID] ?? .other])
            }
            return saved
        }
    }
}
