import Foundation
import Homeward
import Postgres

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
                               WHERE sp.session_id = s.id AND p.case_number = $2)
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
                 seated: try row.decode(7, as: Int?.self), open: try row.decode(8, as: Int?.self), already: try row.decode(9, as: Bool.self))
            }
            guard seats.mode == "group" else {
                throw StoreError.invalid(InvalidInput(
                    record: "session \(id)", field: "mode", value: seats.mode,
                    reason: "is not a group session; only group sessions take more participants (book another with `session add`)"))
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
            SELECT NOT pg_has_role(session_user, 'homeward_coordinator', 'MEMBER')
                OR EXISTS (SELECT 1 FROM homeward.centres c WHERE c.code = $1 AND c.id IN (SELECT homeward.visible_centre_ids()))
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
