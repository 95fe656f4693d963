import Foundation
import Homeward
import Postgres

/// Days a room or a whole centre is closed (renovation, a public holiday), as recorded in `homeward.room_closures`
/// and `homeward.centre_closures`.
public struct Closure: Sendable, Equatable, Codable {
    public var id: Int
    public var centreCode: String
    /// The room closed; nil when the whole centre is.
    public var roomCode: String?
    public var firstDay: LocalDate
    public var lastDay: LocalDate
    public var reason: String
    /// The login that recorded it.
    public var recordedBy: String
}

/// A planned session that a disruption made impossible, with the rules it now breaks
/// (`homeward.sessions_to_repair`).
public struct BrokenSession: Sendable, Equatable, Codable {
    public var summary: SessionSummary
    /// Rule names of `homeward.session_rule_violations`, e.g. `staff_leave`, `room_closed`.
    public var rules: [String]
    /// One sentence per rule, e.g. "staff ST-0042 is away (sick) from 2026-12-02 to 2026-12-04".
    public var details: [String]

    /// The first reason, for a cancellation: `repair: staff ST-0042 is away (sick) …`.
    public var cause: String { details.first ?? rules.first ?? "no longer possible" }

    /// Who the cancellation is put down to: the staff member, the centre, or someone else (never the participant's
    /// attendance).
    public var cancelledBy: CancelledBy {
        if rules.contains(where: { ["staff_leave", "staff_inactive", "staff_availability"].contains($0) }) { return .staff }
        if rules.contains(where: { ["room_closed", "centre_closed", "centre_hours"].contains($0) }) { return .centre }
        return .other
    }
}

extension Store {
    // MARK: Closures

    /// Records that a room of a centre is closed from `first` to `last` (inclusive); returns the closure's id.
    @discardableResult
    public func closeRoom(centreCode: String, roomCode: String, from first: LocalDate, to last: LocalDate, reason: String) throws -> Int {
        try fetchOne(
            """
            INSERT INTO homeward.room_closures (room_id, centre_id, first_day, last_day, reason)
            SELECT r.id, r.centre_id, $3, $4, $5 FROM homeward.rooms r JOIN homeward.centres c ON c.id = r.centre_id
            WHERE c.code = $1 AND r.code = $2
            RETURNING id
            """, [centreCode, roomCode, first, last, reason],
            notFound: .notFound(what: "room", identifier: "\(centreCode)/\(roomCode)")) { try $0.decode(0) }
    }

    /// Records that a centre is closed from `first` to `last` (inclusive), e.g. a public holiday; returns its id.
    @discardableResult
    public func closeCentre(centreCode: String, from first: LocalDate, to last: LocalDate, reason: String) throws -> Int {
        try fetchOne(
            """
            INSERT INTO homeward.centre_closures (centre_id, first_day, last_day, reason)
            SELECT id, $2, $3, $4 FROM homeward.centres WHERE code = $1
            RETURNING id
            """, [centreCode, first, last, reason],
            notFound: .notFound(what: "centre with code", identifier: centreCode)) { try $0.decode(0) }
    }

    /// Closures of rooms (`rooms: true`) or of whole centres, of one centre or all, ending on `endingFrom` or later,
    /// by first day.
    public func closures(rooms: Bool, centreCode: String? = nil, endingFrom: LocalDate? = nil) throws -> [Closure] {
        try requireNamed(centre: centreCode)
        let sql = rooms
            ? """
              SELECT x.id, c.code, r.code, x.first_day, x.last_day, x.reason, x.recorded_by
              FROM homeward.room_closures x JOIN homeward.rooms r ON r.id = x.room_id JOIN homeward.centres c ON c.id = x.centre_id
              WHERE ($1::text IS NULL OR c.code = $1) AND ($2::date IS NULL OR x.last_day >= $2)
              ORDER BY x.first_day, c.code, r.code
              """
            : """
              SELECT x.id, c.code, NULL::text, x.first_day, x.last_day, x.reason, x.recorded_by
              FROM homeward.centre_closures x JOIN homeward.centres c ON c.id = x.centre_id
              WHERE ($1::text IS NULL OR c.code = $1) AND ($2::date IS NULL OR x.last_day >= $2)
              ORDER BY x.first_day, c.code
              """
        return try fetch(sql, [centreCode, endingFrom]) {
            Closure(id: try $0.decode(0), centreCode: try $0.decode(1), roomCode: try $0.decode(2), firstDay: try $0.decode(3),
                    lastDay: try $0.decode(4), reason: try $0.decode(5), recordedBy: try $0.decode(6))
        }
    }

    /// Removes a closure (a room's when `room` is true, else a centre's) by id: the room or centre is open again.
    public func removeClosure(room: Bool, id: Int) throws {
        try write(room ? "DELETE FROM homeward.room_closures WHERE id = $1" : "DELETE FROM homeward.centre_closures WHERE id = $1",
                  [id], notFound: .notFound(what: room ? "room closure" : "centre closure", identifier: String(id)))
    }

    /// Records that a staff member leaves the programme on `day` (`staff.left_on`): from then on they hold no planned
    /// session and the scheduler gives them none. `active` is left alone here; see `deactivateStaffMember`.
    public func setStaffLeaving(code: String, on day: LocalDate?) throws {
        try write("UPDATE homeward.staff SET left_on = $2 WHERE code = $1", [code, day], notFound: Self.staffNotFound(code))
    }

    /// Marks inactive those whose leaving day has come and who hold no planned session still to come
    /// (`homeward.retire_departed_staff`); returns how many.
    @discardableResult
    public func retireDepartedStaff() throws -> Int {
        try translatingErrors { try connection.query("SELECT homeward.retire_departed_staff()").scalar(Int.self) }
    }

    /// The day a staff member leaves (or left) the programme, if recorded.
    public func staffLeavingDay(code: String) throws -> LocalDate? {
        try fetchOne("SELECT left_on FROM homeward.staff WHERE code = $1", [code], notFound: Self.staffNotFound(code)) {
            try $0.decode(0, as: LocalDate?.self)
        }
    }

    // MARK: Sessions a disruption broke

    /// Planned sessions from the database's now on, starting on the local days `from` … `from + days - 1`, that a
    /// disruption made impossible (`homeward.sessions_to_repair`), by start.
    public func brokenSessions(from: LocalDate, days: Int, centreCode: String? = nil) throws -> [BrokenSession] {
        try requireNamed(centre: centreCode)
        return try fetch(
            """
            WITH broken AS (
                SELECT b.session_id, array_agg(b.rule ORDER BY b.rule, b.detail) AS rules,
                       array_agg(b.detail ORDER BY b.rule, b.detail) AS details
                FROM homeward.sessions_to_repair($1::date, $2::int, $3::text) b GROUP BY 1
            )
            SELECT \(Self.sessionColumns), b.rules, b.details
            FROM broken b JOIN homeward.sessions s ON s.id = b.session_id
            JOIN homeward.centres c ON c.id = s.centre_id JOIN homeward.rooms r ON r.id = s.room_id
            ORDER BY s.starts_at, s.id
            """, [from, days, centreCode]
        ) { row in
            BrokenSession(summary: try Self.sessionSummary(row), rules: try row.decode(Self.sessionColumnCount),
                          details: try row.decode(Self.sessionColumnCount + 1))
        }
    }
}
