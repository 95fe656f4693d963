import Homeward
import Postgres

/// A database login that holds a Homeward role, with the centres it coordinates, as `user list` shows it.
public struct UserAccount: Sendable, Equatable, Codable {
    public var login: String
    public var roles: [UserRole]
    /// Codes of the centres whose participants the login sees (coordinators); empty for other roles.
    public var centres: [String]
}

extension Store {
    /// Creates the login when missing, grants it the role's group, and replaces its centre scope — one transaction.
    ///
    /// Needs a login with CREATEROLE (or ADMIN OPTION on the group roles). Logins get no password: authentication is the
    /// cluster's business (pg_hba, certificates, peer).
    public func grantUser(login: String, role: UserRole, centreCodes: [String]) throws {
        let quoted = connection.quoteIdentifier(login)
        try transaction {
            let known = try fetch(
                "SELECT code FROM homeward.centres WHERE code = ANY($1::text[])", [centreCodes]) { try $0.decode(0) as String }
            if let missing = centreCodes.first(where: { !known.contains($0) }) {
                throw StoreError.notFound(what: "centre with code", identifier: missing)
            }
            let exists = try connection.query("SELECT count(*)::int FROM pg_roles WHERE rolname = $1", [login]).scalar(Int.self) > 0
            if !exists { try connection.execute("CREATE ROLE \(quoted) LOGIN") }
            try connection.execute("GRANT \(connection.quoteIdentifier(role.groupRole)) TO \(quoted)")
            try connection.execute(
                """
                INSERT INTO homeward.user_scopes (login, centre_id)
                SELECT $1, c.id FROM homeward.centres c WHERE c.code = ANY($2::text[])
                ON CONFLICT (login, centre_id) DO NOTHING
                """, [login, centreCodes])
        }
    }

    /// Takes a role from a login (all its Homeward roles when `role` is nil) and, for coordinators, its centre scope.
    /// The login itself stays: it is cluster-wide and may be used by other databases.
    public func revokeUser(login: String, role: UserRole?) throws {
        let quoted = connection.quoteIdentifier(login)
        try transaction {
            let exists = try connection.query("SELECT count(*)::int FROM pg_roles WHERE rolname = $1", [login]).scalar(Int.self) > 0
            guard exists else { throw StoreError.notFound(what: "database login", identifier: login) }
            for revoked in role.map({ [$0] }) ?? UserRole.allCases {
                try connection.execute("REVOKE \(connection.quoteIdentifier(revoked.groupRole)) FROM \(quoted)")
            }
            if role == nil || role == .coordinator {
                try connection.execute("DELETE FROM homeward.user_scopes WHERE login = $1", [login])
            }
        }
    }

    /// Every login holding a Homeward role, with its roles and scoped centres, by login.
    public func users() throws -> [UserAccount] {
        try fetch(
            """
            SELECT m.rolname::text,
                   array_agg(DISTINCT substr(g.rolname, 10) ORDER BY substr(g.rolname, 10)),
                   coalesce((SELECT array_agg(c.code ORDER BY c.code) FROM homeward.user_scopes s
                             JOIN homeward.centres c ON c.id = s.centre_id WHERE s.login = m.rolname), '{}')
            FROM pg_auth_members am
            JOIN pg_roles g ON g.oid = am.roleid AND g.rolname = ANY($1::text[])
            JOIN pg_roles m ON m.oid = am.member
            GROUP BY m.rolname
            ORDER BY m.rolname
            """, [UserRole.allCases.map(\.groupRole)]
        ) { row in
            let roles: [String] = try row.decode(1)
            return UserAccount(login: try row.decode(0), roles: roles.compactMap(UserRole.init(rawValue:)), centres: try row.decode(2))
        }
    }
}
