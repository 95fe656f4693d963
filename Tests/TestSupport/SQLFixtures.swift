import Foundation
import Postgres

/// Sets up the world tests need (centres, rooms, staff, participants, requirements) with plain SQL, so a test depends
/// only on the schema, not on the stores or commands it is not about.
public struct SQLFixtures {
    public let connection: Connection

    public init(_ connection: Connection) { self.connection = connection }

    /// Two centres, one participant placed at each from 2019-05-10: KZ-A-0001 (an adult) at SEC-A (Asia/Aqtau),
    /// KZ-B-0001 (a child) at SEC-B (Asia/Almaty). The world of the security, role and export tests.
    public static let twoCentres = """
        INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity) VALUES
            ('SEC-A', 'Centre A', 'rehabilitation_centre', 'Mangystau', 'Aktau', 'Asia/Aqtau', 50),
            ('SEC-B', 'Centre B', 'ngo_day_centre', 'Almaty', 'Almaty', 'Asia/Almaty', 50);
        INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages,
                                           region_of_origin, returned_on) VALUES
            ('KZ-A-0001', 'Aigerim', 'Sadykova', '1994-03-12', 'female', '{kk,ru}', 'Mangystau', '2019-05-10'),
            ('KZ-B-0001', 'Dana', 'Omarova', '2015-01-02', 'female', '{kk}', 'Almaty', '2019-05-10');
        INSERT INTO homeward.participant_placements (participant_id, centre_id, during)
        SELECT p.id, c.id, daterange('2019-05-10', NULL)
        FROM homeward.participants p JOIN homeward.centres c ON c.code = CASE p.case_number WHEN 'KZ-A-0001' THEN 'SEC-A' ELSE 'SEC-B' END;
        """

    /// Adds a centre; the zone decides how local times are read.
    public func centre(_ code: String, timeZone: String = "Asia/Aqtau", kind: String = "rehabilitation_centre") throws {
        try connection.execute(
            """
            INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity)
            VALUES ($1, $1 || ' centre', $2, 'Mangystau', 'Aktau', $3, 100)
            """, [code, kind, timeZone])
    }

    /// Adds a room to a centre.
    public func room(_ centre: String, _ code: String, kind: String = "counselling_room", capacity: Int = 4) throws {
        try connection.execute(
            """
            INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
            SELECT id, $2, 'Room ' || $2, $3, $4 FROM homeward.centres WHERE code = $1
            """, [centre, code, kind, capacity])
    }

    /// Adds a staff member with roles, the centres they work at, and whether they are cleared to work with children.
    public func staff(_ code: String, roles: [String] = ["psychologist"], centres: [String], childClearance: Bool = true) throws {
        try connection.execute(
            """
            INSERT INTO homeward.staff (code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit)
            VALUES ($1, 'Given', 'Family-' || $1, '{kk,ru}', $2, 30)
            """, [code, childClearance])
        try connection.execute(
            """
            INSERT INTO homeward.staff_roles (staff_id, role)
            SELECT s.id, u.role FROM homeward.staff s, unnest($2::text[]) AS u(role) WHERE s.code = $1
            """, [code, roles])
        try connection.execute(
            """
            INSERT INTO homeward.staff_centres (staff_id, centre_id)
            SELECT s.id, c.id FROM homeward.staff s JOIN homeward.centres c ON c.code = ANY ($2::text[]) WHERE s.code = $1
            """, [code, centres])
    }

    /// Adds a participant born on `born` (YYYY-MM-DD).
    public func participant(_ caseNumber: String, born: String = "1990-01-01", sex: String = "female") throws {
        try connection.execute(
            """
            INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
            VALUES ($1, 'Given', 'Family-' || $1, $2::date, $3, '{kk}', 'Atyrau', '2019-05-10')
            """, [caseNumber, born, sex])
    }

    /// Adds a programme requirement `programme/phase/code` (programme and phase are created on first use).
    public func requirement(
        _ programme: String, _ phase: String, _ code: String, sessionType: String = "group_theology_class",
        role: String = "religious_expert", mode: String = "group", groupMin: Int? = 2, groupMax: Int? = 8,
        minAge: Int? = nil, maxAge: Int? = nil, roomKind: String = "group_hall", minutes: Int = 60, perWeek: Double = 1
    ) throws {
        try connection.execute(
            """
            INSERT INTO homeward.programmes (code, name, audience, version) VALUES ($1, $1, 'mixed', 1)
            ON CONFLICT (code) DO NOTHING
            """, [programme])
        try connection.execute(
            """
            INSERT INTO homeward.programme_phases (programme_id, ordinal, code, name, duration_days, review_interval_days)
            SELECT p.id, 1 + (SELECT count(*) FROM homeward.programme_phases x WHERE x.programme_id = p.id), $2, $2, 56, 14
            FROM homeward.programmes p WHERE p.code = $1
            ON CONFLICT (programme_id, code) DO NOTHING
            """, [programme, phase])
        try connection.execute(
            """
            INSERT INTO homeward.phase_requirements (phase_id, code, session_type, staff_role, mode, group_min, group_max,
                                                     duration_minutes, sessions_per_week, min_age, max_age, room_kind)
            SELECT ph.id, $3, $4, $5, $6, $7, $8, $12, $13, $9, $10, $11
            FROM homeward.programme_phases ph JOIN homeward.programmes p ON p.id = ph.programme_id
            WHERE p.code = $1 AND ph.code = $2
            """, [programme, phase, code, sessionType, role, mode, groupMin, groupMax, minAge, maxAge, roomKind, minutes, perWeek])
    }

    /// The usual world of these tests, at the Aktau centre (Asia/Aqtau, UTC+5):
    /// - AKT-RC with rooms C1 (counselling, 2 places) and HALL (group hall, 10); NGO-AST (Asia/Aqtau) with room P1;
    /// - ST-0001 psychologist and religious expert, cleared for children; ST-0002 psychologist, not cleared;
    ///   ST-0003 works only at NGO-AST;
    /// - adults KZ-2019-0417 and KZ-2019-0418, child KZ-2019-0419 (born 2016);
    /// - WOMEN/RESIDENTIAL/THEOLOGY: adults-only (18+) group theology class with a religious expert, `theologyMinutes` long.
    public func standardWorld(theologyMinutes: Int = 60) throws {
        try centre("AKT-RC")
        try room("AKT-RC", "C1", capacity: 2)
        try room("AKT-RC", "HALL", kind: "group_hall", capacity: 10)
        try centre("NGO-AST", kind: "ngo_day_centre")
        try room("NGO-AST", "P1", kind: "play_room")
        try staff("ST-0001", roles: ["psychologist", "religious_expert"], centres: ["AKT-RC"])
        try staff("ST-0002", centres: ["AKT-RC"], childClearance: false)
        try staff("ST-0003", centres: ["NGO-AST"])
        try participant("KZ-2019-0417", born: "1994-03-02")
        try participant("KZ-2019-0418", born: "1990-07-15")
        try participant("KZ-2019-0419", born: "2016-01-20")
        try requirement("WOMEN", "RESIDENTIAL", "THEOLOGY", minAge: 18, minutes: theologyMinutes)
    }
}

extension Connection {
    /// The integer a one-row, one-column query returns (`SELECT count(*) …`, `SELECT max(id) …`).
    public func int(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> Int {
        try query(sql, parameters).scalar(Int.self)
    }

    /// How many rows `homeward.<table>` holds.
    public func rows(in table: String) throws -> Int {
        try int("SELECT count(*) FROM homeward.\(table)")
    }
}

extension TestDatabase {
    /// Plain-SQL fixtures over a new connection to this database.
    public func fixtures() throws -> SQLFixtures { SQLFixtures(try connect()) }
}

/// Temporary files for tests that read a folder (migrations, programme templates, settings).
public enum TestFiles {
    /// A fresh folder under the temporary directory holding `files` (name → text).
    public static func folder(_ files: [String: String], prefix: String = "hw-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }
}
