import Homeward
import Postgres

extension Importer {
    /// Imports staff members with their roles (`psychologist;religious_expert`) and centres (`AKT-RC;ALM-NGO`).
    func importStaff(_ input: ImportRows, dryRun: Bool) throws -> Summary {
        var rows = input
        var keys = PeopleKeys(column: "code", centreColumn: "centres")
        let checked = rows.checkEach { rows, record -> (line: Int, member: StaffMember)? in
            let line = record.line
            let (code, givenName, familyName) = rows.person(record, keys: &keys)
            var roles: [StaffRole] = []
            if rows.value(record, "roles", required: true) != nil {
                for token in rows.list(record, "roles") {
                    if let role = rows.checked(line, { () throws(InvalidInput) in try StaffRole.parse(token, field: "roles") }),
                        !roles.contains(role)
                    {
                        roles.append(role)
                    }
                }
            }
            var centres: [String] = []
            if rows.value(record, "centres", required: true) != nil {
                for token in rows.list(record, "centres") {
                    if let centre = rows.checked(line, { () throws(InvalidInput) in try Rules.code(token, field: "centres") }),
                        !centres.contains(centre)
                    {
                        centres.append(centre)
                        keys.centres.append((line, centre))
                    }
                }
            }
            let languages = rows.languages(record)
            let mayWorkWithChildren = rows.boolean(record, "may_work_with_children") ?? false
            let hours = rows.hours(record, "weekly_hour_limit")
            guard rows.recordIsClean, let code, let givenName, let familyName, let languages, let hours else { return nil }
            let draft = StaffMember(
                code: code, givenName: givenName, familyName: familyName, roles: roles, centreCodes: centres, languages: languages,
                mayWorkWithChildren: mayWorkWithChildren, weeklyHourLimit: hours)
            return rows.checked(line, { () throws(InvalidInput) in try draft.validated() }).map { (line, $0) }
        }

        try report(
            keys, describe: { "staff code \"\($0)\"" }, owner: "a staff member",
            existing: "SELECT code FROM homeward.staff WHERE code = ANY($1::text[])", into: &rows)
        try rows.throwIfProblems()

        let roleCount = checked.reduce(0) { $0 + $1.member.roles.count }
        let centreCount = checked.reduce(0) { $0 + $1.member.centreCodes.count }
        var summary = Summary(
            kind: .staff, file: rows.file, rows: checked.count, related: [("roles", roleCount), ("centre assignments", centreCount)],
            dryRun: dryRun)
        if dryRun { return summary }

        try stage(
            "import_staff",
            columns: ["line int", "code text", "given_name text", "family_name text", "languages text[]",
                      "may_work_with_children boolean", "weekly_hour_limit numeric", "roles text[]", "centre_codes text[]"],
            rows: checked.map { line, m -> [any PostgresEncodable] in
                [line, m.code, m.givenName, m.familyName, m.languages, m.mayWorkWithChildren, m.weeklyHourLimit, m.roles, m.centreCodes]
            })
        let inserted = try store.connection.execute(
            """
            INSERT INTO homeward.staff (code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit)
            SELECT code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit
            FROM import_staff ORDER BY line
            """)
        try expectWritten(inserted, checked.count, what: "staff members", file: rows.file)
        let roles = try store.connection.execute(
            """
            INSERT INTO homeward.staff_roles (staff_id, role)
            SELECT s.id, r.role FROM import_staff i
            JOIN homeward.staff s ON s.code = i.code
            CROSS JOIN LATERAL unnest(i.roles) AS r(role)
            """)
        let centres = try store.connection.execute(
            """
            INSERT INTO homeward.staff_centres (staff_id, centre_id)
            SELECT s.id, c.id FROM import_staff i
            JOIN homeward.staff s ON s.code = i.code
            CROSS JOIN LATERAL unnest(i.centre_codes) AS u(code)
            JOIN homeward.centres c ON c.code = u.code
            """)
        try expectWritten(centres, centreCount, what: "centre assignments", file: rows.file)
        summary.related = [("roles", roles), ("centre assignments", centres)]
        return summary
    }
}

extension ImportRows {
    /// A yes/no column (`true`/`false`, `yes`/`no`, `t`/`f`, `1`/`0`); nil when empty or invalid.
    mutating func boolean(_ record: CSVTable.Record, _ column: String) -> Bool? {
        guard let text = value(record, column, required: false) else { return nil }
        switch text.lowercased() {
        case "true", "t", "yes", "y", "1": return true
        case "false", "f", "no", "n", "0": return false
        default:
            problem(record.line, column, "\"\(text)\" is not yes or no (use true or false)")
            return nil
        }
    }

    /// An hours column such as `30` or `12.5` (at most one decimal, as stored).
    mutating func hours(_ record: CSVTable.Record, _ column: String) -> Double? {
        guard let text = value(record, column, required: true) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let hours = Double(text), parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.count == 1 || parts[1].count == 1, hours > 0, hours <= 60
        else {
            problem(record.line, column, "\"\(text)\" must be a number of hours more than 0 and at most 60, with at most one decimal (e.g. 30 or 12.5)")
            return nil
        }
        return hours
    }
}
