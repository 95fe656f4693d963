import Foundation
import Postgres

/// Sets up the world sessions need (centres, rooms, staff, participants, requirements) with plain SQL,
/// so the session tests depend only on the schema, not on other stores.
struct SessionFixtures {
    let connection: Connection

    /// Adds a centre; the zone decides how local times are read.
    func centre(_ code: String, timeZone: String = "Asia/Aqtau", kind: String = "rehabilitation_centre") throws {
        try connection.execute(
            """
            INSERT INTO homeward.centres (code, name, kind, region, address, time_zone, capacity)
            VALUES ($1, $1 || ' centre', $2, 'Mangystau', 'Aktau', $3, 100)
            """, [code, kind, timeZone])
    }

    /// Adds a room to a centre.
    func room(_ centre: String, _ code: String, kind: String = "counselling_room", capacity: Int = 4) throws {
        try connection.execute(
            """
            INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
            SELECT id, $2, 'Room ' || $2, $3, $4 FROM homeward.centres WHERE code = $1
            """, [centre, code, kind, capacity])
    }

    /// Adds a staff member with roles, the centres they work at, and whether they are cleared to work with children.
    func staff(_ code: String, roles: [String] = ["psychologist"], centres: [String], childClearance: Bool = true) throws {
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
    func participant(_ caseNumber: String, born: String, sex: String = "female") throws {
        try connection.execute(
            """
            INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
            VALUES ($1, 'Given', 'Family-' || $1, $2::date, $3, '{kk}', 'Atyrau', '2019-05-10')
            """, [caseNumber, born, sex])
    }

    /// Adds a programme requirement `programme/phase/code` (programme and phase are created on first use).
    func requirement(
        _ programme: String, _ phase: String, _ code: String, sessionType: String = "group_theology_class",
        role: String = "religious_expert", mode: String = "group", groupMin: Int? = 2, groupMax: Int? = 8,
        minAge: Int? = nil, maxAge: Int? = nil, roomKind: String = "group_hall"
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
            SELECT ph.id, $3, $4, $5, $6, $7, $8, 60, 1, $9, $10, $11
            FROM homeward.programme_phases ph JOIN homeward.programmes p ON p.id = ph.programme_id
            WHERE p.code = $1 AND ph.code = $2
            """, [programme, phase, code, sessionType, role, mode, groupMin, groupMax, minAge, maxAge, roomKind])
    }

    /// The usual world of these tests, at the Aktau centre (Asia/Aqtau, UTC+5):
    /// - AKT-RC with rooms C1 (counselling, 2 places) and HALL (group hall, 10); NGO-AST (Asia/Aqtau) with room P1;
    /// - ST-0001 psychologist and religious expert, cleared for children; ST-0002 psychologist, not cleared;
    ///   ST-0003 works only at NGO-AST;
    /// - adults KZ-2019-0417 and KZ-2019-0418, child KZ-2019-0419 (born 2016);
    /// - WOMEN/RESIDENTIAL/THEOLOGY: adults-only (18+) group theology class with a religious expert.
    func standardWorld() throws {
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
        try requirement("WOMEN", "RESIDENTIAL", "THEOLOGY", minAge: 18)
    }
}
