import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Roles that fit the jobs, against a real server with real logins: nobody owns the data, coordinators do their work
/// at their centres and nothing elsewhere, the scheduler reads no names and changes only what its runs made.
@Suite struct RoleTests {
    /// SecurityTests' two centres, plus a room, a psychologist and one planned session at each centre tomorrow (at
    /// SEC-A with KZ-A-0001, at SEC-B with KZ-B-0001), and a grandmother linked to each participant.
    static func seedSessions(_ admin: Connection) throws {
        try admin.runScript(
            """
            INSERT INTO homeward.rooms (centre_id, code, name, kind, capacity)
            SELECT id, 'C1', 'Counselling 1', 'counselling_room', 3 FROM homeward.centres;
            INSERT INTO homeward.staff (code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit)
            VALUES ('ST-A', 'Aigerim', 'Nurlanova', '{kk}', true, 30), ('ST-B', 'Dana', 'Serikova', '{kk}', true, 30);
            INSERT INTO homeward.staff_roles (staff_id, role) SELECT id, 'psychologist' FROM homeward.staff;
            INSERT INTO homeward.staff_centres (staff_id, centre_id)
            SELECT s.id, c.id FROM homeward.staff s JOIN homeward.centres c ON c.code = 'SEC-' || right(s.code, 1);
            INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
            SELECT 'individual_counselling', 'individual', c.id, r.id, t, t + interval '1 hour', 'fixture: history written directly'
            FROM homeward.centres c JOIN homeward.rooms r ON r.centre_id = c.id,
                 LATERAL (SELECT ((homeward.actual_today() + 1) + time '10:00') AT TIME ZONE c.time_zone AS t) x;
            INSERT INTO homeward.session_staff (session_id, staff_id)
            SELECT s.id, st.id FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
            JOIN homeward.staff st ON st.code = 'ST-' || right(c.code, 1);
            INSERT INTO homeward.session_participants (session_id, participant_id)
            SELECT s.id, p.id FROM homeward.sessions s JOIN homeward.centres c ON c.id = s.centre_id
            JOIN homeward.participants p ON p.case_number = 'KZ-' || right(c.code, 1) || '-0001';
            INSERT INTO homeward.relatives (given_name, family_name, region) VALUES ('Gulnar', 'Grandmother-A', 'Mangystau'),
                                                                                   ('Roza', 'Grandmother-B', 'Almaty');
            INSERT INTO homeward.family_links (participant_id, relative_id, relationship, is_guardian)
            SELECT p.id, r.id, 'grandmother', true FROM homeward.participants p
            JOIN homeward.relatives r ON r.family_name = 'Grandmother-' || substr(p.case_number, 4, 1);
            """)
    }

    @Test func noObjectIsOwnedByALoginEveryObjectByTheNologinOwner() throws {
        try TestDatabase.withConnection { connection throws in
            let owned = try connection.query(
                """
                SELECT kind || ' ' || name || ' by ' || owner FROM (
                    SELECT 'schema' AS kind, n.nspname::text AS name, n.nspowner AS owner_oid FROM pg_namespace n
                    WHERE n.nspname IN ('homeward', 'audit', 'oversight')
                    UNION ALL
                    SELECT 'relation', c.oid::regclass::text, c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')
                    UNION ALL
                    SELECT 'function', p.oid::regprocedure::text, p.proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname IN ('homeward', 'audit', 'oversight')
                ) o CROSS JOIN LATERAL (SELECT rolname::text AS owner, rolcanlogin, rolsuper FROM pg_roles WHERE oid = o.owner_oid) r
                WHERE r.owner <> 'homeward_owner' OR r.rolcanlogin OR r.rolsuper
                ORDER BY 1
                """).rows.map { try $0.decode(0, as: String.self) }
            #expect(owned.isEmpty, "\(owned.prefix(10))")
            let owner = try connection.query("SELECT rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'homeward_owner'")
            let row = try #require(owner.rows.first)
            #expect(try row.decode(0, as: Bool.self) == false && row.decode(1, as: Bool.self) == false && row.decode(2, as: Bool.self) == false)
        }
    }

    @Test func everyTableWithParticipantOrSessionDataHasRowLevelSecurity() throws {
        try TestDatabase.withConnection { connection throws in
            // Reference data about centres (rooms, hours, staff rotas) and the scheduler's run log carry no personal data.
            let reference: Set<String> = [
                "homeward.centre_opening_hours", "homeward.centre_timetable_blocks", "homeward.rooms", "homeward.courses",
                "homeward.staff_availability", "homeward.staff_centres", "homeward.schedule_runs", "homeward.user_scopes"]
            let unguarded = try connection.query(
                """
                SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'homeward' AND c.relkind = 'r' AND NOT c.relrowsecurity
                  AND (c.relname IN ('participants', 'sessions', 'relatives', 'families')
                       OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
                                  AND a.attname IN ('participant_id', 'session_id', 'family_id', 'relative_id', 'flag_id',
                                                    'course_enrolment_id', 'centre_id')))
                ORDER BY 1
                """).rows.map { try $0.decode(0, as: String.self) }.filter { !reference.contains($0) }
            #expect(unguarded.isEmpty, "tables with participant or session data but no row-level security: \(unguarded)")
            // The progress views run with the caller's rights, so the tables' policies apply through them.
            let definer = try connection.query(
                """
                SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'homeward' AND c.relkind = 'v' AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)
                """).rows.map { try $0.decode(0, as: String.self) }
            #expect(definer.isEmpty, "views in homeward that bypass row-level security: \(definer)")
        }
    }

    @Test func aCoordinatorSeesChangesAndDeletesOnlyTheSessionsOfTheirCentres() throws {
        try SecurityTests.withLogin(.coordinator, centres: ["SEC-A"]) { database, coordinator, _ throws in
            try Self.seedSessions(try database.connect())
            #expect(try coordinator.int("SELECT count(*)::int FROM homeward.sessions") == 1)
            #expect(try coordinator.int("SELECT count(*)::int FROM homeward.session_staff") == 1)
            let other = "(SELECT id FROM homeward.centres WHERE code = 'SEC-B')"
            #expect(try coordinator.execute("UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'x' WHERE centre_id = \(other)") == 0)
            #expect(try coordinator.execute("DELETE FROM homeward.sessions WHERE centre_id = \(other)") == 0)
            #expect(try coordinator.execute("DELETE FROM homeward.session_staff") == 1)
            let admin = try database.connect()
            #expect(try admin.int("SELECT count(*)::int FROM homeward.sessions WHERE status = 'planned'") == 2)
            #expect(try admin.int("SELECT count(*)::int FROM homeward.session_staff") == 1)
            // Own sessions: cancelling works.
            let own = try coordinator.execute(
                "UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'storm' WHERE status = 'planned'")
            #expect(own == 1)
            // Nor can they add a session at another centre.
            do throws(PostgresError) {
                try coordinator.execute(
                    """
                    INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
                    SELECT 'individual_counselling', 'individual', r.centre_id, r.id, now() + interval '3 days', now() + interval '3 days 1 hour', 'fixture: history written directly'
                    FROM homeward.rooms r WHERE r.centre_id = \(other)
                    """)
                Issue.record("a coordinator added a session at another centre")
            } catch {
                #expect(error.sqlState == "42501", "\(error)")
            }
        }
    }

    @Test func theReceivingCoordinatorSeesATransferFromItsDateOn() throws {
        try SecurityTests.withLogin(.coordinator, centres: ["SEC-B"]) { database, receiving, _ throws in
            // KZ-T-0001 moved from SEC-A to SEC-B today; KZ-T-0002 moves tomorrow.
            try database.connect().runScript(
                """
                INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
                VALUES ('KZ-T-0001', 'Aruzhan', 'Moved', '1991-01-01', 'female', '{kk}', 'Almaty', '2019-05-10'),
                       ('KZ-T-0002', 'Bota', 'Moving', '1992-02-02', 'female', '{kk}', 'Almaty', '2019-05-10');
                INSERT INTO homeward.participant_placements (participant_id, centre_id, during)
                SELECT p.id, c.id, CASE c.code WHEN 'SEC-A' THEN daterange('2019-05-10', homeward.actual_today() + x.shift)
                                               ELSE daterange(homeward.actual_today() + x.shift, NULL) END
                FROM homeward.participants p
                JOIN (VALUES ('KZ-T-0001', 0), ('KZ-T-0002', 1)) AS x(case_number, shift) ON x.case_number = p.case_number
                CROSS JOIN homeward.centres c;
                """)
            #expect(try SecurityTests.caseNumbers(receiving) == ["KZ-B-0001", "KZ-T-0001"])
        }
    }

    @Test func aCoordinatorRegistersArrivalsAtTheirCentresOnly() throws {
        try SecurityTests.withLogin(.coordinator, centres: ["SEC-A"]) { database, coordinator, login throws in
            let store = Store(connection: coordinator)
            let today = try TestClock.today(coordinator)
            let arrival = Participant(
                caseNumber: "KZ-A-0002", givenName: "Madina", familyName: "Omarova", birthDate: LocalDate("1995-04-04")!,
                sex: .female, languages: ["kk"], regionOfOrigin: "Atyrau", returnedOn: today.adding(days: -3))
            try store.addParticipant(arrival, placement: Placement(centreCode: "SEC-A", firstDay: today))
            #expect(try SecurityTests.caseNumbers(coordinator) == ["KZ-A-0001", "KZ-A-0002"])

            let elsewhere = Participant(
                caseNumber: "KZ-B-0002", givenName: "Aliya", familyName: "Bekova", birthDate: LocalDate("1993-01-01")!,
                sex: .female, languages: ["kk"], regionOfOrigin: "Almaty", returnedOn: today.adding(days: -3))
            let refused = #expect(throws: StoreError.self) {
                try store.addParticipant(elsewhere, placement: Placement(centreCode: "SEC-B", firstDay: today))
            }
            #expect(refused?.description.contains("arrivals_at_own_centres") == true, "\(String(describing: refused))")
            let admin = try database.connect()
            #expect(try admin.int("SELECT count(*)::int FROM homeward.participants WHERE case_number = 'KZ-B-0002'") == 0)
            // The audit trail names the coordinator's login, not the owner that wrote the rows.
            let audited = try admin.query(
                "SELECT login::text FROM audit.changes WHERE table_name = 'homeward.participants' AND changed -> 'case_number' ->> 'new' = 'KZ-A-0002'")
            #expect(try audited.rows.map { try $0.decode(0, as: String.self) } == [login])
        }
    }

    @Test func aCoordinatorSeesTheRelativesAndFamiliesOfTheirOwnParticipantsOnly() throws {
        try SecurityTests.withLogin(.coordinator, centres: ["SEC-A"]) { database, coordinator, _ throws in
            try Self.seedSessions(try database.connect())
            let names = try coordinator.query("SELECT family_name FROM homeward.relatives ORDER BY 1").rows.map { try $0.decode(0, as: String.self) }
            #expect(names == ["Grandmother-A"])
            #expect(try coordinator.execute("UPDATE homeward.relatives SET phone = '000' WHERE family_name = 'Grandmother-B'") == 0)
            // A relative they register is theirs to see and link before it is linked to anyone.
            let id = try coordinator.query(
                "INSERT INTO homeward.relatives (given_name, family_name) VALUES ('Saule', 'Aunt-A') RETURNING id").scalar(Int.self)
            #expect(id > 0)
            #expect(try coordinator.int("SELECT count(*)::int FROM homeward.relatives") == 2)
        }
    }

    @Test func theSchedulerReadsNoNamesAndChangesOnlyWhatItsRunsCreated() throws {
        try SecurityTests.withLogin(.scheduler) { database, scheduler, _ throws in
            try Self.seedSessions(try database.connect())
            #expect(try scheduler.int("SELECT count(*)::int FROM homeward.participants") == 2)
            #expect(try scheduler.query("SELECT case_number, birth_date, sex, languages FROM homeward.participants").count == 2)
            for forbidden in ["SELECT given_name FROM homeward.participants", "SELECT * FROM homeward.participants",
                              "SELECT family_name FROM homeward.relatives"] {
                #expect(throws: PostgresError.self, "\(forbidden)") { try scheduler.query(forbidden) }
            }
            // Sessions booked by hand are not the scheduler's to cancel, unless a repair does it and says so (0022).
            #expect(throws: PostgresError.self) {
                try scheduler.execute("UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'x'")
            }
            #expect(try scheduler.execute(
                "UPDATE homeward.sessions SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = 'repair: room closed'") > 0)
            // Nor may it add a session outside a recorded run.
            #expect(throws: PostgresError.self) {
                try scheduler.execute(
                    """
                    INSERT INTO homeward.sessions (session_type, mode, centre_id, room_id, starts_at, ends_at, override_reason)
                    SELECT 'individual_counselling', 'individual', r.centre_id, r.id, now() + interval '3 days', now() + interval '3 days 1 hour', 'fixture: history written directly'
                    FROM homeward.rooms r LIMIT 1
                    """)
            }
        }
    }

    @Test func noDailyLoginCanSwitchOffTheAuditTrail() throws {
        for role in [UserRole.admin, .coordinator, .scheduler, .auditor] {
            try SecurityTests.withLogin(role, centres: role == .coordinator ? ["SEC-A"] : []) { _, login, _ throws in
                #expect(throws: PostgresError.self, "\(role)") { try login.execute("ALTER TABLE audit.changes DISABLE TRIGGER USER") }
                #expect(throws: PostgresError.self, "\(role)") { try login.execute("ALTER TABLE homeward.participants DISABLE ROW LEVEL SECURITY") }
                #expect(throws: PostgresError.self, "\(role)") { try login.execute("SET ROLE homeward_owner") }
            }
        }
    }
}
