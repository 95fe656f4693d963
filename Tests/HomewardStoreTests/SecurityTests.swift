import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Logs in as real roles (created per test in the test cluster) and proves the grants, row-level security and audit trail.
@Suite struct SecurityTests {
    /// Two centres, one participant placed at each today: KZ-A-0001 at SEC-A, KZ-B-0001 at SEC-B.
    static func seed(_ connection: Connection) throws { try connection.runScript(SQLFixtures.twoCentres) }

    /// Runs `body` with a migrated, seeded database and a fresh login holding `role`; drops the login afterwards.
    static func withLogin<T>(
        _ role: UserRole, centres: [String] = [], _ body: (TestDatabase, Connection, String) throws -> T
    ) throws -> T {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            try seed(admin)
            return try database.withLogin(role, centres: centres, prefix: "sec_\(role.rawValue)", using: admin) { connection, login in
                try body(database, connection, login)
            }
        }
    }

    static func caseNumbers(_ connection: Connection, _ table: String = "homeward.participants") throws -> [String] {
        try connection.query("SELECT case_number FROM \(table) ORDER BY case_number").rows.map { try $0.decode(0) }
    }

    @Test func aCoordinatorSeesOnlyTheParticipantsOfTheirCentres() throws {
        try Self.withLogin(.coordinator, centres: ["SEC-A"]) { _, coordinator, _ throws in
            #expect(try Self.caseNumbers(coordinator) == ["KZ-A-0001"])
            let placements = try coordinator.query("SELECT count(*)::int FROM homeward.participant_placements").scalar(Int.self)
            #expect(placements == 1)
            // Reference data is not scoped.
            #expect(try coordinator.query("SELECT count(*)::int FROM homeward.centres").scalar(Int.self) == 2)
        }
    }

    @Test func aCoordinatorChangesTheirCentresRowsButCannotWriteAnotherCentres() throws {
        try Self.withLogin(.coordinator, centres: ["SEC-A"]) { _, coordinator, _ throws in
            let own = try coordinator.execute("UPDATE homeward.participants SET status = 'in_community' WHERE case_number = 'KZ-A-0001'")
            #expect(own == 1)
            let other = try coordinator.execute("UPDATE homeward.participants SET status = 'in_community' WHERE case_number = 'KZ-B-0001'")
            #expect(other == 0)
            // Writing a row for a participant of another centre is refused by the policy's WITH CHECK.
            let otherID = try Self.participantID(caseNumber: "KZ-B-0001", coordinator)
            do throws(PostgresError) {
                try coordinator.execute(
                    "INSERT INTO homeward.consents (participant_id, kind, given_by, given_on) VALUES ($1, 'photo', 'participant', '2020-01-01')",
                    [otherID])
                Issue.record("a coordinator wrote a consent for another centre's participant")
            } catch {
                #expect(error.sqlState == "42501")
                #expect(error.message.contains("row-level security"))
            }
        }
    }

    /// The other centre's participant id, read as the superuser (the coordinator cannot see it).
    static func participantID(caseNumber: String, _ connection: Connection) throws -> Int {
        let database = try connection.query("SELECT current_database()").scalar(String.self)
        let admin = try Connection(conninfo: "dbname=\(database)", applicationName: "homeward tests")
        return try admin.query("SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber]).scalar(Int.self)
    }

    @Test func theSchedulerSeesEveryoneButCannotChangeNames() throws {
        try Self.withLogin(.scheduler) { _, scheduler, _ throws in
            #expect(try Self.caseNumbers(scheduler) == ["KZ-A-0001", "KZ-B-0001"])
            do throws(PostgresError) {
                try scheduler.execute("UPDATE homeward.participants SET given_name = 'X' WHERE case_number = 'KZ-A-0001'")
                Issue.record("the scheduler changed a participant's name")
            } catch {
                #expect(error.sqlState == "42501")
            }
            #expect(throws: PostgresError.self) {
                try scheduler.execute("DELETE FROM homeward.participants")
            }
        }
    }

    @Test func nobodyCanUpdateDeleteOrTruncateTheAuditTrail() throws {
        try Self.withLogin(.auditor) { database, auditor, _ in
            let rows = try auditor.query("SELECT count(*)::int FROM audit.changes").scalar(Int.self)
            #expect(rows == 4)  // the seed: centres are not audited; two participants and two placements are
            for statement in ["UPDATE audit.changes SET login = 'someone'", "DELETE FROM audit.changes", "TRUNCATE audit.changes"] {
                #expect(throws: PostgresError.self, "auditor: \(statement)") { try auditor.execute(statement) }
            }
            // Not even the owner (here the superuser) may change it: the trigger refuses.
            let owner = try database.connect()
            for statement in ["UPDATE audit.changes SET login = 'someone'", "DELETE FROM audit.changes", "TRUNCATE audit.changes"] {
                do throws(PostgresError) {
                    try owner.execute(statement)
                    Issue.record("owner could run \(statement)")
                } catch {
                    #expect(error.message.contains("append-only"), "\(error)")
                }
            }
            #expect(try owner.query("SELECT count(*)::int FROM audit.changes").scalar(Int.self) == rows)
            // An auditor reads the trail and nothing of homeward.
            #expect(throws: PostgresError.self) { try auditor.query("SELECT count(*) FROM homeward.participants") }
        }
    }

    @Test func aCLIWriteLeavesAnAuditRowNamingTheLoginAndTheCommand() throws {
        try Self.withLogin(.coordinator, centres: ["SEC-A"]) { database, _, login in
            let update = try CLI.run(["participant", "update", "KZ-A-0001", "--status", "in-community"], database: database,
                                     environment: ["PGUSER": login])
            #expect(update.status == 0, "\(update)")
            let audit = try CLI.run(["audit", "KZ-A-0001", "--format", "json"], database: database)
            #expect(audit.status == 0, "\(audit)")
            let entries = try JSONDecoder().decode([[String: String]].self, from: Data(audit.stdout.utf8)).filter { $0["login"] == login }
            #expect(entries.count == 1, "\(audit.stdout)")
            #expect(entries.first?["application_name"] == "homeward participant update")
            #expect(entries.first?["operation"] == "update")
            #expect(entries.first?["changed"]?.contains("in_community") == true)
            #expect(entries.first?["changed"]?.contains("given_name") == false)
        }
    }

    /// Another centre's participant stays invisible to a coordinator: one clear line, exit 77, and all that is disclosed
    /// is that the case number exists and which centre holds it (whom to ask for a transfer), never a name (0024).
    @Test func anotherCentresParticipantIsInvisibleToACoordinatorsCLI() throws {
        try Self.withLogin(.coordinator, centres: ["SEC-A"]) { database, _, login in
            let consent = try CLI.run(
                ["participant", "consent", "KZ-B-0001", "--kind", "photo", "--given-by", "guardian", "--given-on", "2026-11-01"],
                database: database, environment: ["PGUSER": login])
            #expect(consent.status == 77, "\(consent)")
            #expect(consent.stderr.contains("participant KZ-B-0001 exists but is placed at SEC-B")
                    && consent.stderr.contains("ask a coordinator of SEC-B to transfer them"), "\(consent)")
            let name = try database.connect().query("SELECT given_name || '|' || family_name FROM homeward.participants WHERE case_number = 'KZ-B-0001'")
                .scalar(String.self).split(separator: "|")
            #expect(name.allSatisfy { !consent.stderr.contains($0) }, "\(consent)")
            // A case number nobody has is still simply unknown.
            let unknown = try CLI.run(
                ["participant", "consent", "KZ-X-0404", "--kind", "photo", "--given-by", "guardian", "--given-on", "2026-11-01"],
                database: database, environment: ["PGUSER": login])
            #expect(unknown.status == 65 && unknown.stderr == "homeward: error: no participant with case number \"KZ-X-0404\"\n", "\(unknown)")
        }
    }

    /// A write the login's role may not make gets one clear line and exit 77, not a stack of SQL.
    @Test func theSchedulerRenamingAParticipantIsRefusedWithExit77() throws {
        try Self.withLogin(.scheduler) { database, _, login in
            let rename = try CLI.run(["participant", "update", "KZ-A-0001", "--given-name", "Changed"], database: database,
                                     environment: ["PGUSER": login])
            #expect(rename.status == 77, "\(rename)")
            #expect(rename.stderr.hasPrefix("homeward: error: not allowed for this login: permission denied"), "\(rename)")
            #expect(rename.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func userGrantListAndRevokeManageRolesAndScopes() throws {
        try TestDatabase.withMigrated { database in
            let admin = try database.connect()
            try Self.seed(admin)
            let login = TestDatabase.uniqueLogin("sec_cli")
            defer { database.dropLogin(login, using: admin) }

            let grant = try CLI.run(["user", "grant", login, "--role", "coordinator", "--centre", "sec-a", "--centre", "SEC-B"],
                                    database: database)
            #expect(grant.status == 0, "\(grant)")
            let list = try CLI.run(["user", "list", "--format", "csv"], database: database)
            #expect(list.stdout.contains("\(login),coordinator,SEC-A SEC-B"), "\(list)")

            let missing = try CLI.run(["user", "grant", login, "--role", "coordinator", "--centre", "NOPE"], database: database)
            #expect(missing.status == 65)
            #expect(missing.stderr.contains("no centre with code \"NOPE\""), "\(missing)")

            let noCentre = try CLI.run(["user", "grant", login, "--role", "coordinator"], database: database)
            #expect(noCentre.status != 0)
            #expect(noCentre.stderr.contains("needs at least one --centre"), "\(noCentre)")

            let badRole = try CLI.run(["user", "grant", login, "--role", "superuser"], database: database)
            #expect(badRole.status != 0)

            let badLogin = try CLI.run(["user", "grant", "x\"; DROP TABLE y; --", "--role", "scheduler"], database: database)
            #expect(badLogin.status != 0)

            let revoke = try CLI.run(["user", "revoke", login], database: database)
            #expect(revoke.status == 0, "\(revoke)")
            let after = try CLI.run(["user", "list", "--format", "csv"], database: database)
            #expect(!after.stdout.contains(login), "\(after)")
            #expect(try admin.query("SELECT count(*)::int FROM homeward.user_scopes WHERE login = $1", [login]).scalar(Int.self) == 0)
        }
    }

    @Test func oversightReadsEveryOversightViewAndNothingElse() throws {
        try Self.withLogin(.oversight) { database, oversight, _ throws in
            let admin = try database.connect()
            let views: [String] = try admin.query(
                "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'oversight' ORDER BY 1").rows.map { try $0.decode(0) }
            #expect(views.count >= 4)
            for view in views {
                _ = try oversight.query("SELECT * FROM oversight.\(oversight.quoteIdentifier(view))")
            }
            #expect(try oversight.query("SELECT count(*)::int FROM oversight.participants").scalar(Int.self) == 2)
            for forbidden in ["homeward.participants", "homeward.pseudonym_secret", "homeward.enrolment_progress", "audit.changes"] {
                #expect(throws: PostgresError.self, "\(forbidden)") { try oversight.query("SELECT * FROM \(forbidden) LIMIT 1") }
            }
            // No view exposes a name, case number, birth date or address; and no value equals a case number or name.
            let exposed = try admin.query(
                """
                SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'oversight'
                  AND column_name ~ '(name|case|birth|address|patronymic)'
                """).scalar(Int.self)
            #expect(exposed == 0)
            let leaked = try oversight.query(
                "SELECT count(*)::int FROM oversight.participants p WHERE p::text ~ '(KZ-A-0001|KZ-B-0001|Aigerim|Sadykova|1994-03-12)'")
                .scalar(Int.self)
            #expect(leaked == 0)
            // Pseudonyms are stable and distinct.
            let first: [String] = try oversight.query("SELECT pseudonym FROM oversight.participants ORDER BY 1").rows.map { try $0.decode(0) }
            let second: [String] = try oversight.query("SELECT pseudonym FROM oversight.participants ORDER BY 1").rows.map { try $0.decode(0) }
            #expect(first == second && Set(first).count == 2 && first.allSatisfy { $0.hasPrefix("P-") && $0.count == 12 })
        }
    }

    @Test func everyOversightExampleRunsAsTheOversightRole() throws {
        let statements = try OversightExamples.statements()
        #expect(statements.count >= 12)
        try Self.withLogin(.oversight) { _, oversight, _ throws in
            for statement in statements {
                do throws(PostgresError) {
                    _ = try oversight.query(statement)
                } catch {
                    Issue.record("\(statement)\n→ \(error)")
                }
            }
        }
    }
}
