import Homeward
import Postgres

/// A centre with its hours and rooms, as `centre show` presents it.
public struct CentreDetail: Sendable, Equatable, Codable {
    public var centre: Centre
    public var openingHours: [WeeklyHours]
    /// Daily times participants placed here are not available (meals, counts, work).
    public var timetableBlocks: [TimetableBlock]
    public var rooms: [Room]
    public var participantsPlaced: Int
    public var staffCount: Int
}

/// A daily block on a centre's timetable when its participants cannot attend sessions.
public struct TimetableBlock: Sendable, Equatable, Codable {
    public var hours: WeeklyHours
    public var label: String
}

extension Store {
    private static let centreColumns = "c.code, c.name, c.kind, c.region, c.address, c.time_zone, c.capacity"

    private static func centre(_ row: Row) throws -> Centre {
        Centre(
            code: try row.decode(0), name: try row.decode(1), kind: try row.decode(2), region: try row.decode(3),
            address: try row.decode(4), timeZone: try row.decode(5), capacity: try row.decode(6))
    }

    /// Adds a centre with its weekly opening hours, in one transaction.
    public func addCentre(_ centre: Centre, openingHours: [WeeklyHours]) throws {
        do { try WeeklyHours.requireNoOverlap(openingHours, field: "hours", record: centre.code) } catch { throw StoreError.invalid(error) }
        try transaction {
            try connection.execute(
                """
                INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [centre.code, centre.name, centre.kind, centre.region, centre.address ?? "", centre.timeZone, centre.capacity])
            try replaceOpeningHours(centreCode: centre.code, openingHours)
        }
    }

    /// All centres, optionally of one kind or region, by code.
    public func centres(kind: Centre.Kind? = nil, region: String? = nil) throws -> [Centre] {
        try fetch(
            """
            SELECT \(Self.centreColumns) FROM homeward.centres c
            WHERE ($1::text IS NULL OR c.kind = $1) AND ($2::text IS NULL OR c.region = $2)
            ORDER BY c.code
            """, [kind, region], Self.centre)
    }

    /// One centre with its hours, timetable blocks, rooms and head counts.
    public func centre(code: String) throws -> CentreDetail {
        let notFound = StoreError.notFound(what: "centre with code", identifier: code)
        let centre = try fetchOne(
            "SELECT \(Self.centreColumns) FROM homeward.centres c WHERE c.code = $1", [code], notFound: notFound, Self.centre)
        let hours = try fetch(
            """
            SELECT h.weekday, h.opens_at::text, h.closes_at::text FROM homeward.centre_opening_hours h
            JOIN homeward.centres c ON c.id = h.centre_id WHERE c.code = $1 ORDER BY h.weekday, h.opens_at
            """, [code]
        ) { WeeklyHours(weekday: try $0.decode(0), start: try $0.decode(1), end: try $0.decode(2)) }
        let blocks = try fetch(
            """
            SELECT b.weekday, b.starts_at::text, b.ends_at::text, b.label FROM homeward.centre_timetable_blocks b
            JOIN homeward.centres c ON c.id = b.centre_id WHERE c.code = $1 ORDER BY b.weekday, b.starts_at
            """, [code]
        ) { TimetableBlock(hours: WeeklyHours(weekday: try $0.decode(0), start: try $0.decode(1), end: try $0.decode(2)), label: try $0.decode(3)) }
        let counts = try fetchOne(
            """
            SELECT (SELECT count(*) FROM homeward.participant_placements p
                    WHERE p.centre_id = c.id AND p.during @> homeward.today()),
                   (SELECT count(*) FROM homeward.staff_centres s WHERE s.centre_id = c.id)
            FROM homeward.centres c WHERE c.code = $1
            """, [code], notFound: notFound
        ) { (try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self)) }
        return CentreDetail(
            centre: centre, openingHours: hours, timetableBlocks: blocks, rooms: try rooms(centreCode: code),
            participantsPlaced: counts.0, staffCount: counts.1)
    }

    /// Changes the fields of a centre that are given; nil leaves a field as it is.
    public func updateCentre(
        code: String, name: String? = nil, kind: Centre.Kind? = nil, region: String? = nil, address: String? = nil,
        timeZone: String? = nil, capacity: Int? = nil
    ) throws {
        try write(
            """
            UPDATE homeward.centres SET
                name = coalesce($2, name), kind = coalesce($3, kind), region = coalesce($4, region),
                address = coalesce($5, address), time_zone = coalesce($6, time_zone), capacity = coalesce($7, capacity)
            WHERE code = $1
            """,
            [code, name, kind, region, address, timeZone, capacity],
            notFound: .notFound(what: "centre with code", identifier: code))
    }

    /// Replaces a centre's weekly opening hours.
    public func replaceOpeningHours(centreCode: String, _ hours: [WeeklyHours]) throws {
        do { try WeeklyHours.requireNoOverlap(hours, field: "hours", record: centreCode) } catch { throw StoreError.invalid(error) }
        try translatingErrors {
            let centreID = try centreID(code: centreCode)
            try connection.execute("DELETE FROM homeward.centre_opening_hours WHERE centre_id = $1", [centreID])
            for entry in hours {
                try connection.execute(
                    "INSERT INTO homeward.centre_opening_hours (centre_id, weekday, opens_at, closes_at) VALUES ($1, $2, $3, $4)",
                    [centreID, entry.weekday, entry.start, entry.end])
            }
        }
    }

    /// Adds daily timetable blocks (e.g. a prison's meal times) when the centre's participants cannot attend sessions.
    public func addTimetableBlocks(centreCode: String, _ hours: [WeeklyHours], label: String) throws {
        try transaction {
            let centreID = try centreID(code: centreCode)
            for entry in hours {
                try connection.execute(
                    "INSERT INTO homeward.centre_timetable_blocks (centre_id, weekday, starts_at, ends_at, label) VALUES ($1, $2, $3, $4, $5)",
                    [centreID, entry.weekday, entry.start, entry.end, label])
            }
        }
    }

    /// The internal id of a centre, or `notFound`.
    func centreID(code: String) throws -> Int {
        try fetchOne("SELECT id FROM homeward.centres WHERE code = $1", [code],
                     notFound: .notFound(what: "centre with code", identifier: code)) { try $0.decode(0) }
    }

    // MARK: Rooms

    /// Adds a room to a centre.
    public func addRoom(_ room: Room) throws {
        try write(
            """
            INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
            SELECT id, $2, $3, $4, $5 FROM homeward.centres WHERE code = $1
            """,
            [room.centreCode, room.code, room.name, room.kind, room.capacity],
            notFound: .notFound(what: "centre with code", identifier: room.centreCode))
    }

    /// Rooms, of one centre or all, by centre and code.
    public func rooms(centreCode: String? = nil, kind: Room.Kind? = nil) throws -> [Room] {
        try requireNamed(centre: centreCode)
        return try fetch(
            """
            SELECT c.code, r.code, r.name, r.kind, r.capacity FROM homeward.rooms r JOIN homeward.centres c ON c.id = r.centre_id
            WHERE ($1::text IS NULL OR c.code = $1) AND ($2::text IS NULL OR r.kind = $2)
            ORDER BY c.code, r.code
            """, [centreCode, kind]
        ) { Room(centreCode: try $0.decode(0), code: try $0.decode(1), name: try $0.decode(2), kind: try $0.decode(3), capacity: try $0.decode(4)) }
    }

    /// One room of a centre, or `notFound` naming `CENTRE/ROOM`.
    public func room(centreCode: String, code: String) throws -> Room {
        guard let room = try rooms(centreCode: centreCode).first(where: { $0.code == code }) else {
            throw StoreError.notFound(what: "room", identifier: "\(centreCode)/\(code)")
        }
        return room
    }

    /// Changes a room's name, kind or capacity.
    public func updateRoom(centreCode: String, code: String, name: String?, kind: Room.Kind?, capacity: Int?) throws {
        try write(
            """
            UPDATE homeward.rooms r SET name = coalesce($3, r.name), kind = coalesce($4, r.kind), capacity = coalesce($5, r.capacity)
            FROM homeward.centres c WHERE c.id = r.centre_id AND c.code = $1 AND r.code = $2
            """, [centreCode, code, name, kind, capacity],
            notFound: .notFound(what: "room", identifier: "\(centreCode)/\(code)"))
    }
}
