import Homeward
import Postgres

/// A staff member with their weekly availability and leave to come, as `staff show` presents it.
public struct StaffDetail: Sendable, Equatable, Codable {
    public var member: StaffMember
    /// Weekly windows still in force today or starting later.
    public var availability: [StaffAvailability]
    /// Leave that ends today or later.
    public var upcomingLeave: [StaffLeave]
    /// The first day they no longer work for the programme (`staff.left_on`), if recorded.
    public var leavesOn: LocalDate?
}

/// Changes to a staff member; nil and empty fields leave things as they are.
public struct StaffChanges: Sendable {
    public var givenName: String?
    public var familyName: String?
    public var languages: [String]?
    public var weeklyHourLimit: Double?
    public var mayWorkWithChildren: Bool?
    public var active: Bool?
    public var addRoles: [StaffRole]
    public var removeRoles: [StaffRole]
    public var addCentres: [String]
    public var removeCentres: [String]

    public init(givenName: String? = nil, familyName: String? = nil, languages: [String]? = nil, weeklyHourLimit: Double? = nil,
                mayWorkWithChildren: Bool? = nil, active: Bool? = nil, addRoles: [StaffRole] = [], removeRoles: [StaffRole] = [],
                addCentres: [String] = [], removeCentres: [String] = []) {
        self.givenName = givenName
        self.familyName = familyName
        self.languages = languages
        self.weeklyHourLimit = weeklyHourLimit
        self.mayWorkWithChildren = mayWorkWithChildren
        self.active = active
        self.addRoles = addRoles
        self.removeRoles = removeRoles
        self.addCentres = addCentres
        self.removeCentres = removeCentres
    }

    /// True when nothing would change.
    public var isEmpty: Bool {
        givenName == nil && familyName == nil && languages == nil && weeklyHourLimit == nil && mayWorkWithChildren == nil
            && active == nil && addRoles.isEmpty && removeRoles.isEmpty && addCentres.isEmpty && removeCentres.isEmpty
    }
}

extension Store {
    private static let staffColumns = """
        s.code, s.given_name, s.family_name,
        coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM homeward.staff_roles r WHERE r.staff_id = s.id), '{}'),
        coalesce((SELECT array_agg(c.code ORDER BY c.code) FROM homeward.staff_centres sc
                  JOIN homeward.centres c ON c.id = sc.centre_id WHERE sc.staff_id = s.id), '{}'),
        s.languages, s.may_work_with_children, s.weekly_hour_limit, s.active
        """

    private static func staffMember(_ row: Row) throws -> StaffMember {
        StaffMember(
            code: try row.decode(0), givenName: try row.decode(1), familyName: try row.decode(2), roles: try row.decode(3),
            centreCodes: try row.decode(4), languages: try row.decode(5), mayWorkWithChildren: try row.decode(6),
            weeklyHourLimit: try row.decode(7), active: try row.decode(8))
    }

    /// Adds a staff member with their roles and centres, in one transaction.
    public func addStaffMember(_ member: StaffMember) throws {
        try transaction {
            let id = try connection.query(
                """
                INSERT INTO homeward.staff (code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit, active)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """,
                [member.code, member.givenName, member.familyName, member.languages, member.mayWorkWithChildren,
                 member.weeklyHourLimit, member.active]
            ).scalar(Int.self)
            try connection.execute(
                "INSERT INTO homeward.staff_roles (staff_id, role) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                [id, member.roles])
            try assignCentres(staffID: id, member.centreCodes)
        }
    }

    /// Staff members, optionally only those working at a centre, holding a role or speaking a language, by code.
    public func staffMembers(centreCode: String? = nil, role: StaffRole? = nil, language: String? = nil) throws -> [StaffMember] {
        try requireNamed(centre: centreCode)
        return try fetch(
            """
            SELECT \(Self.staffColumns) FROM homeward.staff s
            WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
                                              WHERE sc.staff_id = s.id AND c.code = $1))
              AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM homeward.staff_roles r WHERE r.staff_id = s.id AND r.role = $2))
              AND ($3::text IS NULL OR $3::text = ANY (s.languages))
            ORDER BY s.code
            """, [centreCode, role, language], Self.staffMember)
    }

    /// One staff member with their current and future availability and leave still to come.
    public func staffMember(code: String) throws -> StaffDetail {
        let member = try fetchOne("SELECT \(Self.staffColumns) FROM homeward.staff s WHERE s.code = $1", [code],
                                  notFound: Self.staffNotFound(code), Self.staffMember)
        let availability = try fetch(
            """
            SELECT c.code, a.weekday, a.starts_at, a.ends_at, a.valid_from, a.valid_to
            FROM homeward.staff_availability a
            JOIN homeward.staff s ON s.id = a.staff_id JOIN homeward.centres c ON c.id = a.centre_id
            WHERE s.code = $1 AND (a.valid_to IS NULL OR a.valid_to >= homeward.today())
            ORDER BY a.valid_from, c.code, a.weekday, a.starts_at
            """, [code]
        ) {
            StaffAvailability(
                staffCode: code, centreCode: try $0.decode(0),
                hours: WeeklyHours(weekday: try $0.decode(1), start: try $0.decode(2), end: try $0.decode(3)),
                validFrom: try $0.decode(4), validTo: try $0.decode(5))
        }
        return StaffDetail(member: member, availability: availability, upcomingLeave: try leave(staffCode: code, upcomingOnly: true),
                           leavesOn: try staffLeavingDay(code: code))
    }

    /// Changes a staff member's details, roles, centres and status in one transaction, then re-checks the whole record.
    public func updateStaffMember(code: String, _ changes: StaffChanges) throws {
        try transaction {
            let id = try fetchOne(
                """
                UPDATE homeward.staff SET
                    given_name = coalesce($2, given_name), family_name = coalesce($3, family_name),
                    languages = coalesce($4::text[], languages), weekly_hour_limit = coalesce($5::numeric, weekly_hour_limit),
                    may_work_with_children = coalesce($6::boolean, may_work_with_children), active = coalesce($7::boolean, active)
                WHERE code = $1 RETURNING id
                """,
                [code, changes.givenName, changes.familyName, changes.languages, changes.weeklyHourLimit,
                 changes.mayWorkWithChildren, changes.active],
                notFound: Self.staffNotFound(code)) { try $0.decode(0, as: Int.self) }
            if !changes.removeRoles.isEmpty {
                try connection.execute("DELETE FROM homeward.staff_roles WHERE staff_id = $1 AND role = ANY($2::text[])",
                                       [id, changes.removeRoles])
            }
            if !changes.addRoles.isEmpty {
                try connection.execute(
                    "INSERT INTO homeward.staff_roles (staff_id, role) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                    [id, changes.addRoles])
            }
            if !changes.removeCentres.isEmpty {
                try connection.execute(
                    """
                    DELETE FROM homeward.staff_centres WHERE staff_id = $1
                      AND centre_id IN (SELECT id FROM homeward.centres WHERE code = ANY($2::text[]))
                    """, [id, changes.removeCentres])
            }
            try assignCentres(staffID: id, changes.addCentres)
            let updated = try fetchOne("SELECT \(Self.staffColumns) FROM homeward.staff s WHERE s.id = $1", [id],
                                       notFound: Self.staffNotFound(code), Self.staffMember)
            do throws(InvalidInput) { _ = try updated.validated() } catch { throw StoreError.invalid(error) }
        }
    }

    /// Replaces a staff member's weekly pattern at one centre from `day` on: earlier windows there end the day before,
    /// later ones are dropped. The database refuses centres the staff member does not work at, and overlapping windows.
    public func setAvailability(staffCode: String, centreCode: String, _ hours: [WeeklyHours], from day: LocalDate) throws {
        do { try WeeklyHours.requireNoOverlap(hours, field: "hours", record: staffCode) } catch { throw StoreError.invalid(error) }
        try transaction {
            let staffID = try idOfStaffMember(code: staffCode)
            let centreID = try centreID(code: centreCode)
            try connection.execute(
                "DELETE FROM homeward.staff_availability WHERE staff_id = $1 AND centre_id = $2 AND valid_from >= $3::date",
                [staffID, centreID, day])
            try connection.execute(
                """
                UPDATE homeward.staff_availability SET valid_to = $3::date - 1
                WHERE staff_id = $1 AND centre_id = $2 AND (valid_to IS NULL OR valid_to >= $3::date)
                """, [staffID, centreID, day])
            try requireFreeElsewhere(staffID: staffID, staffCode: staffCode, hours, from: day)
            try connection.execute(
                """
                INSERT INTO homeward.staff_availability (staff_id, centre_id, weekday, starts_at, ends_at, valid_from)
                SELECT $1, $2, w.weekday, w.starts_at, w.ends_at, $3::date
                FROM unnest($4::smallint[], $5::time[], $6::time[]) AS w(weekday, starts_at, ends_at)
                """, [staffID, centreID, day, hours.map(\.weekday), hours.map(\.start), hours.map(\.end)])
        }
    }

    /// Refuses new windows that overlap the staff member's windows still valid on or after `day` (at other centres, once
    /// this centre's are ended), naming the first clash in words instead of the exclusion constraint's key dump.
    private func requireFreeElsewhere(staffID: Int, staffCode: String, _ hours: [WeeklyHours], from day: LocalDate) throws {
        let clash = try fetch(
            """
            SELECT w.weekday, w.starts_at, w.ends_at, c.code, a.weekday, a.starts_at, a.ends_at, a.valid_from, a.valid_to
            FROM unnest($3::smallint[], $4::time[], $5::time[]) AS w(weekday, starts_at, ends_at)
            JOIN homeward.staff_availability a ON a.staff_id = $1 AND a.weekday = w.weekday
             AND (a.valid_to IS NULL OR a.valid_to >= $2::date)
             AND homeward.timerange(a.starts_at, a.ends_at) && homeward.timerange(w.starts_at, w.ends_at)
            JOIN homeward.centres c ON c.id = a.centre_id
            ORDER BY w.weekday, w.starts_at, a.starts_at
            LIMIT 1
            """, [staffID, day, hours.map(\.weekday), hours.map(\.start), hours.map(\.end)]
        ) { row in
            (new: WeeklyHours(weekday: try row.decode(0), start: try row.decode(1), end: try row.decode(2)), centre: try row.decode(3, as: String.self),
             old: WeeklyHours(weekday: try row.decode(4), start: try row.decode(5), end: try row.decode(6)),
             from: try row.decode(7, as: LocalDate.self), to: try row.decode(8, as: LocalDate?.self))
        }.first
        guard let clash else { return }
        let validity = clash.to.map { "from \(clash.from) to \($0)" } ?? "from \(clash.from) on"
        throw StoreError.invalid(InvalidInput(
            record: staffCode, field: "hours", value: clash.new.text,
            reason: "overlaps their availability at \(clash.centre), \(clash.old.text) (\(validity)): nobody can be available in two "
                + "places at once; change that centre's pattern first"))
    }

    /// Records days a staff member is away; the database refuses leave overlapping leave already recorded.
    public func addLeave(_ leave: StaffLeave) throws {
        try write(
            """
            INSERT INTO homeward.staff_leave (staff_id, first_day, last_day, kind, note)
            SELECT id, $2, $3, $4, $5 FROM homeward.staff WHERE code = $1
            """, [leave.staffCode, leave.firstDay, leave.lastDay, leave.kind, leave.note],
            notFound: Self.staffNotFound(leave.staffCode))
    }

    /// A staff member's leave, oldest first; with `upcomingOnly`, only leave ending today or later.
    public func leave(staffCode: String, upcomingOnly: Bool = false) throws -> [StaffLeave] {
        let staffID = try idOfStaffMember(code: staffCode)
        return try fetch(
            """
            SELECT first_day, last_day, kind, note FROM homeward.staff_leave
            WHERE staff_id = $1 AND (NOT $2::boolean OR last_day >= homeward.today())
            ORDER BY first_day
            """, [staffID, upcomingOnly]
        ) { StaffLeave(staffCode: staffCode, firstDay: try $0.decode(0), lastDay: try $0.decode(1), kind: try $0.decode(2), note: try $0.decode(3)) }
    }

    /// The internal id of a staff member, or `notFound`.
    func idOfStaffMember(code: String) throws -> Int {
        try fetchOne("SELECT id FROM homeward.staff WHERE code = $1", [code], notFound: Self.staffNotFound(code)) { try $0.decode(0) }
    }

    static func staffNotFound(_ code: String) -> StoreError { .notFound(what: "staff member with code", identifier: code) }

    /// Adds centres (by code) to a staff member, naming the first unknown code.
    private func assignCentres(staffID: Int, _ centreCodes: [String]) throws {
        guard !centreCodes.isEmpty else { return }
        let missing = try fetch(
            """
            SELECT n.code FROM unnest($1::text[]) WITH ORDINALITY AS n(code, position)
            WHERE NOT EXISTS (SELECT 1 FROM homeward.centres c WHERE c.code = n.code) ORDER BY n.position LIMIT 1
            """, [centreCodes]) { try $0.decode(0, as: String.self) }
        if let first = missing.first { throw StoreError.notFound(what: "centre with code", identifier: first) }
        try translatingErrors {
            _ = try connection.execute(
                """
                INSERT INTO homeward.staff_centres (staff_id, centre_id)
                SELECT $1, c.id FROM homeward.centres c WHERE c.code = ANY($2::text[]) ON CONFLICT DO NOTHING
                """, [staffID, centreCodes])
        }
    }
}
