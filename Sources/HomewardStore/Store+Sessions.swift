import Foundation
import Homeward
import Postgres

/// A session as lists present it: with its centre's time zone and its start and end in that zone's wall-clock time.
public struct SessionSummary: Sendable, Equatable, Codable {
    public var session: Session
    public var timeZone: String
    public var localStart: LocalDateTime
    public var localEnd: LocalDateTime
}

/// One session with its people, as `session show` presents it.
public struct SessionDetail: Sendable, Equatable, Codable {
    public var summary: SessionSummary
    public var familyLabel: String?
    /// The session this one replaced, when it was created by a reschedule.
    public var replacesSessionID: Int?
    /// Why the session was booked against a planning rule, and by which login (nil: it obeys them all).
    public var overrideReason: String?
    public var overrideBy: String?
    public var staff: [SessionStaffMember]
    public var participants: [BookedParticipant]
}

/// A staff member holding a session.
public struct SessionStaffMember: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
}

/// A participant booked into a session, with attendance once recorded.
public struct BookedParticipant: Sendable, Equatable, Codable {
    public var caseNumber: String
    public var name: String
    public var attendance: Attendance?
}

/// Which sessions `sessions(_:)` returns; nil fields do not filter.
public struct SessionFilter: Sendable, Equatable {
    public var centreCode: String?
    /// First and last local day (in each session's centre zone), inclusive.
    public var from: LocalDate?
    public var to: LocalDate?
    public var staffCode: String?
    public var caseNumber: String?
    public var status: SessionStatus?

    public init(centreCode: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil, staffCode: String? = nil,
                caseNumber: String? = nil, status: SessionStatus? = nil) {
        self.centreCode = centreCode
        self.from = from
        self.to = to
        self.staffCode = staffCode
        self.caseNumber = caseNumber
        self.status = status
    }
}

extension LocalDateTime: PostgresCodable {
    public var postgresText: String? { description }
    public init(postgresText text: String) throws {
        guard let value = LocalDateTime(text) else { throw PostgresDecodingFailure() }
        self = value
    }
}

extension Store {
    /// The columns `sessionSummary` decodes; the query must alias sessions `s`, centres `c`, rooms `r`.
    private static let sessionColumns = """
        s.id, s.session_type, s.mode, c.code, r.code,
        (SELECT pg.code || '/' || ph.code || '/' || q.code FROM homeward.phase_requirements q
           JOIN homeward.programme_phases ph ON ph.id = q.phase_id JOIN homeward.programmes pg ON pg.id = ph.programme_id
          WHERE q.id = s.requirement_id),
        coalesce((SELECT array_agg(st.code ORDER BY st.code) FROM homeward.session_staff ss
                    JOIN homeward.staff st ON st.id = ss.staff_id WHERE ss.session_id = s.id), '{}'),
        coalesce((SELECT array_agg(p.case_number ORDER BY p.case_number) FROM homeward.session_participants sp
                    JOIN homeward.participants p ON p.id = sp.participant_id WHERE sp.session_id = s.id), '{}'),
        s.starts_at, s.ends_at, s.status, s.cancel_reason, s.cancelled_by, s.replaced_by_session_id, s.family_id,
        c.time_zone,
        to_char(s.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI'),
        to_char(s.ends_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI')
        """

    private static func sessionSummary(_ row: Row) throws -> SessionSummary {
        let session = Session(
            id: try row.decode(0), type: try row.decode(1), mode: try row.decode(2), centreCode: try row.decode(3),
            roomCode: try row.decode(4), requirement: try row.decode(5), staffCodes: try row.decode(6), caseNumbers: try row.decode(7),
            startsAt: try row.decode(8), endsAt: try row.decode(9), status: try row.decode(10), cancelReason: try row.decode(11),
            cancelledBy: try row.decode(12), replacedBySessionID: try row.decode(13), familyID: try row.decode(14))
        return SessionSummary(session: session, timeZone: try row.decode(15), localStart: try row.decode(16), localEnd: try row.decode(17))
    }

    // MARK: Booking

    /// Books a session with its staff and participants in one transaction and returns its id.
    ///
    /// Unknown staff codes and case numbers are reported by name before anything is written; the database then
    /// enforces double-booking, eligibility, clearance, role, centre and capacity rules.
    public func addSession(_ booking: SessionBooking) throws -> Int {
        try explainingDoubleBookings(start: booking.start, minutes: booking.minutes, centreCode: booking.centreCode,
                                     roomCode: booking.roomCode, staffCodes: booking.staffCodes, caseNumbers: booking.caseNumbers) {
            try transaction {
                try requireKnown(staffCodes: booking.staffCodes, caseNumbers: booking.caseNumbers)
                let place = try fetchOne(
                    """
                    SELECT c.id, r.id, rc.code
                    FROM homeward.centres c
                    LEFT JOIN LATERAL (SELECT r.id, r.centre_id FROM homeward.rooms r WHERE r.code = $2
                                       ORDER BY r.centre_id = c.id DESC, r.id LIMIT 1) r ON true
                    LEFT JOIN homeward.centres rc ON rc.id = r.centre_id
                    WHERE c.code = $1
                    """, [booking.centreCode, booking.roomCode],
                    notFound: .notFound(what: "centre with code", identifier: booking.centreCode)
                ) { (centre: try $0.decode(0, as: Int.self), room: try $0.decode(1, as: Int?.self), roomCentre: try $0.decode(2, as: String?.self)) }
                guard let roomID = place.room, let roomCentre = place.roomCentre else {
                    throw StoreError.notFound(what: "room", identifier: "\(booking.centreCode)/\(booking.roomCode)")
                }
                var requirement: (id: Int, mode: SessionMode)?
                if let path = booking.requirement { requirement = try requirementID(path) }
                let mode: SessionMode = booking.familyID != nil ? .family : (requirement?.mode ?? booking.inferredMode)
                let sessionID: Int = try sessionWrite(
                    """
                    INSERT INTO homeward.sessions (session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at, family_id,
                                                   override_reason)
                    SELECT $1, $2, $3, c.id, $4, x.t, x.t + make_interval(mins => $6), $7, $9
                    FROM homeward.centres c CROSS JOIN LATERAL (SELECT $5::timestamp AT TIME ZONE c.time_zone AS t) x
                    WHERE c.id = $8
                    RETURNING id
                    """,
                    [booking.type, requirement?.id, mode, roomID, booking.start, booking.minutes, booking.familyID, place.centre,
                     booking.overrideReason],
                    roomDetail: "room \(booking.roomCode) belongs to centre \(roomCentre), not \(booking.centreCode)"
                ).scalar()
                try sessionWrite(
                    """
                    INSERT INTO homeward.session_staff (session_id, staff_id)
                    SELECT $1, st.id FROM unnest($2::text[]) AS u(code) JOIN homeward.staff st ON st.code = u.code
                    """, [sessionID, booking.staffCodes])
                try sessionWrite(
                    """
                    INSERT INTO homeward.session_participants (session_id, participant_id)
                    SELECT $1, p.id FROM unnest($2::text[]) AS u(case_number) JOIN homeward.participants p ON p.case_number = u.case_number
                    """, [sessionID, booking.caseNumbers])
                return sessionID
            }
        }
    }

    /// Reports every staff code and case number that does not exist, by name, in one error.
    private func requireKnown(staffCodes: [String], caseNumbers: [String]) throws {
        let missing = try fetch(
            """
            SELECT 'staff', u.code FROM unnest($1::text[]) WITH ORDINALITY AS u(code, n)
             WHERE NOT EXISTS (SELECT 1 FROM homeward.staff st WHERE st.code = u.code)
            UNION ALL
            SELECT 'participant', u.code FROM unnest($2::text[]) WITH ORDINALITY AS u(code, n)
             WHERE NOT EXISTS (SELECT 1 FROM homeward.participants p WHERE p.case_number = u.code)
            """, [staffCodes, caseNumbers]
        ) { (kind: try $0.decode(0, as: String.self), code: try $0.decode(1, as: String.self)) }
        let staff = missing.filter { $0.kind == "staff" }.map(\.code)
        let participants = missing.filter { $0.kind == "participant" }.map(\.code)
        if !staff.isEmpty {
            throw StoreError.notFound(what: staff.count == 1 ? "staff member with code" : "staff members with codes",
                                      identifier: staff.joined(separator: ", "))
        }
        if !participants.isEmpty {
            throw StoreError.notFound(what: participants.count == 1 ? "participant with case number" : "participants with case numbers",
                                      identifier: participants.joined(separator: ", "))
        }
    }

    /// The id and mode of a programme requirement named `PROGRAMME/PHASE/REQUIREMENT`.
    func requirementID(_ path: RequirementPath) throws -> (id: Int, mode: SessionMode) {
        try fetchOne(
            """
            SELECT q.id, q.mode FROM homeward.phase_requirements q
            JOIN homeward.programme_phases ph ON ph.id = q.phase_id
            JOIN homeward.programmes pg ON pg.id = ph.programme_id
            WHERE pg.code = $1 AND ph.code = $2 AND q.code = $3
            """, [path.programme, path.phase, path.requirement],
            notFound: .notFound(what: "programme requirement", identifier: path.description)
        ) { (id: try $0.decode(0), mode: try $0.decode(1)) }
    }

    // MARK: Changing status

    /// Cancels a planned session; it no longer blocks its room, staff or participants.
    public func cancelSession(id: Int, reason: String, by: CancelledBy) throws {
        try transaction {
            try requireSession(id: id, status: .planned, toDo: "cancelled")
            try sessionWrite(
                "UPDATE homeward.sessions SET status = 'cancelled', cancel_reason = $2, cancelled_by = $3 WHERE id = $1",
                [id, reason, by])
        }
    }

    /// Marks a planned session that has started as held.
    public func markSessionHeld(id: Int) throws {
        try transaction {
            let startsLocal = try requireSession(id: id, status: .planned, toDo: "marked held")
            let count = try sessionWrite(
                "UPDATE homeward.sessions SET status = 'held' WHERE id = $1 AND starts_at <= homeward.now()", [id]).affectedRows
            guard count == 1 else {
                throw StoreError.invalid(InvalidInput(
                    record: "session \(id)", field: "start", value: startsLocal.description,
                    reason: "is still to come; a session can be marked held once it has started"))
            }
        }
    }

    /// Moves a planned session: creates its replacement with the same staff and participants at `start` (local time of
    /// the centre), optionally in another room of the centre, and marks the old one rescheduled. One transaction.
    ///
    /// `staffCodes` replaces the staff (default: the same people); `overrideReason` lets the new session break a
    /// planning rule, said why (an override of the old session does not carry over).
    public func rescheduleSession(id: Int, start: LocalDateTime, roomCode: String? = nil, staffCodes: [String]? = nil,
                                  reason: String? = nil, by: CancelledBy? = nil, overrideReason: String? = nil) throws -> Int {
        let old = try fetchOne(
            """
            SELECT c.code, r.code, (extract(epoch FROM s.ends_at - s.starts_at) / 60)::int,
                   coalesce((SELECT array_agg(st.code) FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                              WHERE ss.session_id = s.id), '{}'),
                   coalesce((SELECT array_agg(p.case_number) FROM homeward.session_participants sp
                              JOIN homeward.participants p ON p.id = sp.participant_id WHERE sp.session_id = s.id), '{}')
            FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id JOIN homeward.rooms r ON r.id = s.room_id
            WHERE s.id = $1
            """, [id], notFound: .notFound(what: "session", identifier: String(id))
        ) { (centre: try $0.decode(0, as: String.self), room: try $0.decode(1, as: String.self), minutes: try $0.decode(2, as: Int.self),
             staff: try $0.decode(3, as: [String].self), participants: try $0.decode(4, as: [String].self)) }
        let room = roomCode ?? old.room
        let staff = staffCodes ?? old.staff
        return try explainingDoubleBookings(start: start, minutes: old.minutes, centreCode: old.centre, roomCode: room,
                                            staffCodes: staff, caseNumbers: old.participants, excluding: id) {
            try transaction {
                if staffCodes != nil { try requireKnown(staffCodes: staff, caseNumbers: []) }
                try requireSession(id: id, status: .planned, toDo: "rescheduled")
                // The new slot may overlap the old one in the same room: check the room when the transaction commits,
                // after the old session has stopped occupying it.
                try connection.execute("SET CONSTRAINTS homeward.sessions_room_no_overlap DEFERRED")
                let roomID = try fetchOne(
                    """
                    SELECT r.id FROM homeward.rooms r JOIN homeward.sessions s ON s.centre_id = r.centre_id
                    WHERE s.id = $1 AND r.code = $2
                    """, [id, room], notFound: .notFound(what: "room", identifier: "\(old.centre)/\(room)")
                ) { try $0.decode(0, as: Int.self) }
                let newID: Int = try sessionWrite(
                    """
                    INSERT INTO homeward.sessions (session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at, family_id,
                                                   override_reason)
                    SELECT s.session_type, s.requirement_id, s.mode, s.centre_id, $2, x.t, x.t + (s.ends_at - s.starts_at), s.family_id, $4
                    FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
                    CROSS JOIN LATERAL (SELECT $3::timestamp AT TIME ZONE c.time_zone AS t) x
                    WHERE s.id = $1
                    RETURNING id
                    """, [id, roomID, start, overrideReason]).scalar()
                try sessionWrite(
                    """
                    UPDATE homeward.sessions SET status = 'rescheduled', replaced_by_session_id = $2, cancel_reason = $3, cancelled_by = $4
                    WHERE id = $1
                    """, [id, newID, reason, by])
                try sessionWrite(
                    """
                    INSERT INTO homeward.session_staff (session_id, staff_id)
                    SELECT $1, st.id FROM unnest($2::text[]) AS u(code) JOIN homeward.staff st ON st.code = u.code
                    """, [newID, staff])
                try sessionWrite(
                    """
                    INSERT INTO homeward.session_participants (session_id, participant_id)
                    SELECT $2, participant_id FROM homeward.session_participants WHERE session_id = $1
                    """, [id, newID])
                return newID
            }
        }
    }

    /// Locks the session and checks its status; returns its local start for messages.
    @discardableResult
    private func requireSession(id: Int, status expected: SessionStatus, toDo action: String) throws -> LocalDateTime {
        let current = try fetchOne(
            """
            SELECT s.status, to_char(s.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI')
            FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id WHERE s.id = $1 FOR UPDATE OF s
            """, [id], notFound: .notFound(what: "session", identifier: String(id))
        ) { (status: try $0.decode(0, as: SessionStatus.self), start: try $0.decode(1, as: LocalDateTime.self)) }
        guard current.status == expected else {
            throw StoreError.invalid(InvalidInput(
                record: "session \(id)", field: "status", value: current.status.displayName,
                reason: "is not \(expected.displayName); only \(expected.displayName) sessions can be \(action)"))
        }
        return current.start
    }

    // MARK: Reading

    /// Sessions matching the filter, by start time: one query, staff and participants aggregated in it.
    public func sessions(_ filter: SessionFilter = SessionFilter()) throws -> [SessionSummary] {
        try requireNamed(centre: filter.centreCode, staff: filter.staffCode, caseNumber: filter.caseNumber)
        return try fetch(
            """
            SELECT \(Self.sessionColumns)
            FROM homeward.sessions s
            JOIN homeward.centres c ON c.id = s.centre_id
            JOIN homeward.rooms r ON r.id = s.room_id
            WHERE ($1::text IS NULL OR c.code = $1)
              AND ($2::date IS NULL OR (s.starts_at >= $2::date - interval '1 day'
                                        AND (s.starts_at AT TIME ZONE c.time_zone)::date >= $2::date))
              AND ($3::date IS NULL OR (s.starts_at < $3::date + interval '2 days'
                                        AND (s.starts_at AT TIME ZONE c.time_zone)::date <= $3::date))
              AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                                                WHERE ss.session_id = s.id AND st.code = $4))
              AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM homeward.session_participants sp
                                                JOIN homeward.participants p ON p.id = sp.participant_id
                                                WHERE sp.session_id = s.id AND p.case_number = $5))
              AND ($6::text IS NULL OR s.status = $6)
            ORDER BY s.starts_at, c.code, r.code, s.id
            """,
            [filter.centreCode, filter.from, filter.to, filter.staffCode, filter.caseNumber, filter.status],
            Self.sessionSummary)
    }

    /// One session with its staff, participants, their attendance, and the reschedule links.
    public func session(id: Int) throws -> SessionDetail {
        let notFound = StoreError.notFound(what: "session", identifier: String(id))
        let summary = try fetchOne(
            """
            SELECT \(Self.sessionColumns)
            FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id JOIN homeward.rooms r ON r.id = s.room_id
            WHERE s.id = $1
            """, [id], notFound: notFound, Self.sessionSummary)
        let links = try fetchOne(
            """
            SELECT (SELECT f.label FROM homeward.families f WHERE f.id = s.family_id),
                   (SELECT o.id FROM homeward.sessions o WHERE o.replaced_by_session_id = s.id ORDER BY o.id LIMIT 1),
                   s.override_reason, s.override_by
            FROM homeward.sessions s WHERE s.id = $1
            """, [id], notFound: notFound
        ) { (family: try $0.decode(0, as: String?.self), replaces: try $0.decode(1, as: Int?.self),
             overrideReason: try $0.decode(2, as: String?.self), overrideBy: try $0.decode(3, as: String?.self)) }
        let staff = try fetch(
            """
            SELECT st.code, st.given_name || ' ' || st.family_name FROM homeward.session_staff ss
            JOIN homeward.staff st ON st.id = ss.staff_id WHERE ss.session_id = $1 ORDER BY st.code
            """, [id]
        ) { SessionStaffMember(code: try $0.decode(0), name: try $0.decode(1)) }
        let participants = try fetch(
            """
            SELECT p.case_number, concat_ws(' ', p.given_name, p.patronymic, p.family_name),
                   a.status, a.note, a.recorded_by, a.recorded_at
            FROM homeward.session_participants sp
            JOIN homeward.participants p ON p.id = sp.participant_id
            LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
            WHERE sp.session_id = $1 ORDER BY p.case_number
            """, [id]
        ) { row in
            let caseNumber: String = try row.decode(0)
            var attendance: Attendance?
            if let status = try row.decode(2, as: AttendanceStatus?.self) {
                attendance = Attendance(sessionID: id, caseNumber: caseNumber, status: status, note: try row.decode(3),
                                        recordedBy: try row.decode(4), recordedAt: try row.decode(5))
            }
            return BookedParticipant(caseNumber: caseNumber, name: try row.decode(1), attendance: attendance)
        }
        return SessionDetail(summary: summary, familyLabel: links.family, replacesSessionID: links.replaces,
                             overrideReason: links.overrideReason, overrideBy: links.overrideBy, staff: staff, participants: participants)
    }

    // MARK: Errors in the domain's words

    /// Runs a session write; a trigger rule's own message (which names the staff member, participant or room) becomes
    /// the detail, and a room of another centre is named.
    @discardableResult
    func sessionWrite(_ sql: String, _ parameters: [any PostgresEncodable], roomDetail: String? = nil) throws -> QueryResult {
        do {
            return try connection.query(sql, parameters)
        } catch {
            throw Self.ruleError(error, roomDetail: roomDetail)
        }
    }

    /// Translates a server error, keeping the specifics a trigger rule put in its message.
    static func ruleError(_ error: PostgresError, roomDetail: String? = nil) -> StoreError {
        let translated = StoreError(error)
        guard case .rejected(let rule, let sentence, let detail) = translated else { return translated }
        if rule == "sessions_room_in_centre_fk", let roomDetail {
            return .rejected(rule: rule, sentence: sentence, detail: roomDetail)
        }
        if detail == nil, error.message.hasPrefix(rule + ": ") {
            return .rejected(rule: rule, sentence: sentence, detail: String(error.message.dropFirst(rule.count + 2)))
        }
        return translated
    }

    /// Runs `body`; when it fails on a double-booking, names who or what is already booked and in which session.
    private func explainingDoubleBookings<T>(
        start: LocalDateTime, minutes: Int, centreCode: String, roomCode: String, staffCodes: [String], caseNumbers: [String],
        excluding: Int? = nil, _ body: () throws -> T
    ) throws -> T {
        do {
            return try body()
        } catch StoreError.rejected(let rule, let sentence, let detail)
                    where ["sessions_room_no_overlap", "session_staff_no_overlap", "session_participants_no_overlap"].contains(rule) {
            let clashes = (try? doubleBookings(start: start, minutes: minutes, centreCode: centreCode, roomCode: roomCode,
                                              staffCodes: staffCodes, caseNumbers: caseNumbers, excluding: excluding)) ?? []
            throw StoreError.rejected(rule: rule, sentence: sentence, detail: clashes.isEmpty ? detail : clashes.joined(separator: "; "))
        }
    }

    /// Who or what is already booked (planned or held) at a local time slot: "staff member ST-0001 is in session 12, …".
    func doubleBookings(
        start: LocalDateTime, minutes: Int, centreCode: String, roomCode: String, staffCodes: [String], caseNumbers: [String],
        excluding: Int? = nil
    ) throws -> [String] {
        try fetch(
            """
            WITH wanted AS (
                SELECT tstzrange(x.t, x.t + make_interval(mins => $2), '[)') AS during
                FROM homeward.centres c CROSS JOIN LATERAL (SELECT $1::timestamp AT TIME ZONE c.time_zone AS t) x
                WHERE c.code = $3),
            clash AS (
                SELECT 1 AS ord, 'room ' || $3 || '/' || rm.code AS who, s.id
                FROM wanted w, homeward.sessions s
                JOIN homeward.rooms rm ON rm.id = s.room_id JOIN homeward.centres rc ON rc.id = rm.centre_id
                WHERE s.occupies AND s.during && w.during AND rm.code = $4 AND rc.code = $3
                UNION ALL
                SELECT 2, 'staff member ' || st.code, ss.session_id
                FROM wanted w, homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                WHERE ss.occupies AND ss.during && w.during AND st.code = ANY ($5::text[])
                UNION ALL
                SELECT 3, 'participant ' || p.case_number, sp.session_id
                FROM wanted w, homeward.session_participants sp JOIN homeward.participants p ON p.id = sp.participant_id
                WHERE sp.occupies AND sp.during && w.during AND p.case_number = ANY ($6::text[]))
            SELECT k.who || ' is already in session ' || s.id || ' ('
                   || to_char(s.starts_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD HH24:MI') || '–'
                   || to_char(s.ends_at AT TIME ZONE c.time_zone, 'HH24:MI') || ' at ' || c.code || '/' || r.code || ')'
            FROM clash k
            JOIN homeward.sessions s ON s.id = k.id
            JOIN homeward.centres c ON c.id = s.centre_id
            JOIN homeward.rooms r ON r.id = s.room_id
            WHERE s.id IS DISTINCT FROM $7::bigint
            ORDER BY k.ord, k.who, s.id
            """, [start, minutes, centreCode, roomCode, staffCodes, caseNumbers, excluding]
        ) { try $0.decode(0) }
    }
}
