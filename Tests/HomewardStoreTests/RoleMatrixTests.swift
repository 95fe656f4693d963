import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// SQL/roles/matrix.txt declares what each role may do with each table and view; logged in as a real login of each
/// role, the server must grant exactly that, cell by cell (SQL/roles/matrix.sql computes a login's cells).
@Suite struct RoleMatrixTests {
    static let roles: [UserRole] = [.admin, .coordinator, .scheduler, .auditor, .oversight]

    /// The declared matrix: object → cells in `roles` order.
    static func declared() throws -> [String: [String]] {
        let text = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("SQL/roles/matrix.txt"), encoding: .utf8)
        var matrix: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 1 + roles.count else { continue }
            matrix[fields[0]] = Array(fields.dropFirst())
        }
        return matrix
    }

    /// matrix.sql, computing the cells of the connected login only, in the column of `role`.
    static func query(asColumnOf role: UserRole) throws -> String {
        let sql = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("SQL/roles/matrix.sql"), encoding: .utf8)
        let groups = "    VALUES ('homeward_admin', 1), ('homeward_coordinator', 2), ('homeward_scheduler', 3), ('homeward_auditor', 4), ('homeward_oversight', 5)"
        guard sql.contains(groups), let column = roles.firstIndex(of: role) else { throw MatrixFileChanged() }
        return sql.replacingOccurrences(of: groups, with: "    VALUES (current_user::text, \(column + 1))")
    }
    struct MatrixFileChanged: Error {}

    @Test func everyRoleHasExactlyTheDeclaredRightsOnEveryTableAndView() throws {
        let declared = try Self.declared()
        #expect(declared.count >= 50)
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            try SecurityTests.seed(admin)
            // Every table and view of the three schemas is declared.
            let objects = try admin.query(
                """
                SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition ORDER BY 1
                """).rows.map { try $0.decode(0, as: String.self) }
            #expect(Set(objects) == Set(declared.keys), "undeclared: \(Set(objects).subtracting(declared.keys)); gone: \(Set(declared.keys).subtracting(objects))")

            for (column, role) in Self.roles.enumerated() {
                try database.withLogin(role, centres: role == .coordinator ? ["SEC-A"] : [], prefix: "matrix_\(role.rawValue)",
                                       using: admin) { connection, login in
                    #expect(try connection.query("SELECT session_user::text").scalar(String.self) == login)
                    let result = try connection.query(try Self.query(asColumnOf: role))
                    var mismatches: [String] = []
                    for row in result.rows {
                        let object: String = try row.decode(0)
                        let granted: String = try row.decode(column + 1)
                        let expected = declared[object]?[column] ?? "?"
                        if granted != expected { mismatches.append("\(object): declared \(expected), granted \(granted)") }
                    }
                    #expect(mismatches.isEmpty, "\(role): \(mismatches)")
                }
            }
        }
    }

    @Test func theReadmeShowsTheDeclaredMatrix() throws {
        let readme = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for (object, cells) in try Self.declared() {
            let line = ([object] + cells).joined(separator: " | ")
            #expect(readme.contains("| \(line) |"), "README lacks the matrix row for \(object)")
        }
    }
}
