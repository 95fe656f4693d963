import Foundation
import Homeward
@testable import HomewardStore
import Postgres
// Only these two: the Scheduler module also has a Participant, Room and Sex of its own.
import enum Scheduler.ReasonCode
import enum Scheduler.StopReason
import TestSupport
import Testing

/// The same words and rules are written down twice — in Swift and in SQL — and these tests read the migrated catalogue
/// to prove both copies still agree: the vocabularies and the CHECK lists, the constraint names and their sentences,
/// the domain's eligibility rule and the database's two (the closed form the scheduler's instance uses, and the
/// session eligibility trigger).
@Suite struct DriftTests {
    // MARK: Vocabularies

    /// The words of a Swift vocabulary, as stored.
    private static func words<V: Vocabulary>(_ type: V.Type) -> Set<String> { Set(V.allCases.map(\.rawValue)) }

    /// Every stored spelling parses back from the spelling users see (hyphens), so the CLI and the CHECK agree too.
    private static func roundTrips<V: Vocabulary>(_ type: V.Type) -> [String] {
        V.allCases.filter { V(token: $0.displayName) != $0 || $0.rawValue != $0.rawValue.lowercased() }.map(\.rawValue)
    }

    /// `StopReason` is not a `Vocabulary` (nor CaseIterable): its cases are listed here, and the exhaustive switch
    /// stops the build when a case is added without being listed.
    private static let stopReasons: [StopReason] = {
        let all: [StopReason] = [.allPlaced, .converged, .iterations, .timeCap]
        func listed(_ reason: StopReason) -> Bool {
            switch reason { case .allPlaced, .converged, .iterations, .timeCap: return true }
        }
        precondition(all.allSatisfy(listed))
        return all
    }()

    /// Reason codes the Store writes into `homeward.schedule_unplaced` itself, not the scheduler: a birthday inside
    /// the week ends the requirement's age band (migration 0007), a family-session requirement has no family (0016), a
    /// placed session was refused at write time because a booking made meanwhile took its place (0026).
    private static let storeOnlyReasonCodes: Set<String> = ["participant_ages_out", "no_family_recorded", "conflict_with_booking"]

    /// Which Swift vocabulary each text column with a CHECK list is, keyed `table.column` in schema homeward.
    private static let vocabularyColumns: [String: Set<String>] = [
        "centres.kind": words(Centre.Kind.self),
        "rooms.kind": words(Room.Kind.self),
        "staff_roles.role": words(StaffRole.self),
        "staff_leave.kind": words(StaffLeave.Kind.self),
        "participants.sex": words(Participant.Sex.self),
        "participants.legal_situation": words(Participant.LegalSituation.self),
        "participants.status": words(Participant.Status.self),
        "consents.kind": words(Consent.Kind.self),
        "family_links.relationship": words(FamilyLink.Relationship.self),
        "programmes.audience": words(ProgrammeTemplate.Audience.self),
        "phase_requirements.session_type": words(SessionType.self),
        "phase_requirements.staff_role": words(StaffRole.self),
        "phase_requirements.mode": words(SessionMode.self),
        "phase_requirements.sex": words(Participant.Sex.self),
        "phase_requirements.room_kind": words(Room.Kind.self),
        "enrolments.status": words(Enrolment.Status.self),
        // A phase ends by moving on, or with the enrolment's closing status.
        "enrolment_phases.outcome": words(Enrolment.Status.self).subtracting(["active", "paused"]).union(["advanced"]),
        "school_enrolments.shift": words(SchoolEnrolment.Shift.self),
        "participant_busy_times.kind": words(BusyKind.self),
        "school_enrolments.status": words(SchoolEnrolment.Status.self),
        "school_attendance.status": words(SchoolAttendance.Status.self),
        "course_enrolments.status": words(CourseEnrolment.Status.self),
        "module_completions.result": words(ModuleCompletion.Result.self),
        "sessions.session_type": words(SessionType.self),
        "sessions.mode": words(SessionMode.self),
        "sessions.status": words(SessionStatus.self),
        "sessions.cancelled_by": words(CancelledBy.self),
        "attendance.status": words(AttendanceStatus.self),
        "assessments.kind": words(Assessment.Kind.self),
        "milestones.kind": words(Milestone.Kind.self),
        "flags.rule": words(FlagRule.self),
        "flags.severity": words(FlagSeverity.self),
        "flags.status": words(FlagStatus.self),
        "flag_events.event": words(FlagEventKind.self),
        "flag_events.severity": words(FlagSeverity.self),
        "schedule_runs.stop_reason": Set(Self.stopReasons.map(\.rawValue)),
        "schedule_unplaced.reason": Set(ReasonCode.allCases.map(\.rawValue)).union(Self.storeOnlyReasonCodes),
    ]

    /// Names the catalogue holds that need no sentence, each with why; a rule, not a list of names.
    private static let noSentenceNeeded: [(reason: String, sql: String)] = [
        (
            "a primary key on one generated identity column: the database picks the id, so no input can collide with it",
            """
            SELECT c.conname::text FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.connamespace = 'homeward'::regnamespace AND c.contype = 'p' AND cardinality(c.conkey) = 1 AND a.attidentity <> ''
            """
        ),
        (
            "the migration runner's own bookkeeping (homeward.schema_migrations): written only by `homeward db migrate`, "
                + "never by a coordinator's change, and its errors are reported in the server's words",
            """
            SELECT c.conname::text FROM pg_constraint c
            WHERE c.connamespace = 'homeward'::regnamespace AND c.conrelid = 'homeward.schema_migrations'::regclass
            """
        ),
        (
            "a constraint trigger (0033's homeward.booking_rules_checked): it never refuses in its own name; the check it "
                + "runs raises the booking rules, each with its own sentence",
            """
            SELECT c.conname::text FROM pg_constraint c WHERE c.connamespace = 'homeward'::regnamespace AND c.contype = 't'
            """
        ),
    ]

    @Test func theSwiftVocabulariesTheCheckListsAndTheSentencesAgree() throws {
        try TestDatabase.withConnection { connection throws in
            // Every CHECK of the form `column IN ('a', 'b', …)`, optionally `column IS NULL OR column IN (…)`, as the
            // server prints it: `((column = ANY (ARRAY['a'::text, 'b'::text])))`.
            let lists = try connection.query(
                """
                SELECT t.relname::text AS table_name, m[2] AS column_name, c.conname::text AS constraint_name,
                       array(SELECT w[1] FROM regexp_matches(m[3], '''([^'']*)''::text', 'g') w) AS words
                FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid
                CROSS JOIN LATERAL regexp_match(pg_get_constraintdef(c.oid),
                    '^CHECK \\(+(?:([a-z_]+) IS NULL\\) OR \\()?([a-z_]+) = ANY \\(ARRAY\\[((?:''[^'']*''::text(?:, )?)+)\\]\\)\\)+$') m
                WHERE c.connamespace = 'homeward'::regnamespace AND c.contype = 'c' AND m IS NOT NULL
                  AND (m[1] IS NULL OR m[1] = m[2])
                ORDER BY 1, 2
                """
            ).rows.map { row throws in
                (column: try row.decode(0, as: String.self) + "." + (try row.decode(1, as: String.self)),
                 constraint: try row.decode(2, as: String.self), words: Set(try row.decode(3, as: [String].self)))
            }
            let found = Dictionary(lists.map { ($0.column, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(lists.count == found.count, "two CHECK lists on one column: \(lists.map(\.column))")
            #expect(lists.count >= 30, "the catalogue query found only \(lists.count) CHECK lists: has pg_get_constraintdef's format changed?")

            let unmapped = Set(found.keys).subtracting(Self.vocabularyColumns.keys)
            #expect(unmapped.isEmpty, "CHECK lists with no Swift vocabulary (add the enum, or map it here): \(unmapped.sorted())")
            let vanished = Set(Self.vocabularyColumns.keys).subtracting(found.keys)
            #expect(vanished.isEmpty, "Swift vocabularies whose CHECK list is gone from the catalogue: \(vanished.sorted())")

            var compared = 0
            for (column, swift) in Self.vocabularyColumns.sorted(by: { $0.key < $1.key }) {
                guard let sql = found[column] else { continue }
                compared += 1
                #expect(sql.words == swift, """
                    \(column) (\(sql.constraint)): only in SQL \(sql.words.subtracting(swift).sorted()), \
                    only in Swift \(swift.subtracting(sql.words).sorted())
                    """)
            }
            #expect(compared == Self.vocabularyColumns.count)

            // The reason codes precisely: the scheduler's, plus exactly the Store's own, and no overlap.
            let scheduler = Set(ReasonCode.allCases.map(\.rawValue))
            #expect(scheduler.isDisjoint(with: Self.storeOnlyReasonCodes), "a Store-only reason code is now a scheduler ReasonCode")
            if let sql = found["schedule_unplaced.reason"]?.words {
                #expect(sql.subtracting(scheduler) == Self.storeOnlyReasonCodes, "SQL reason codes beyond the scheduler's")
                #expect(scheduler.isSubset(of: sql), "scheduler reason codes the CHECK refuses: \(scheduler.subtracting(sql).sorted())")
            }

            // Raw values are what users type, too: lower case, underscores, parsed back from the hyphenated spelling.
            let badSpellings = [
                Self.roundTrips(SessionType.self), Self.roundTrips(StaffRole.self), Self.roundTrips(SessionMode.self), Self.roundTrips(SessionStatus.self),
                Self.roundTrips(CancelledBy.self), Self.roundTrips(AttendanceStatus.self), Self.roundTrips(Centre.Kind.self), Self.roundTrips(Room.Kind.self),
                Self.roundTrips(Participant.Sex.self), Self.roundTrips(Participant.LegalSituation.self), Self.roundTrips(Participant.Status.self),
                Self.roundTrips(ProgrammeTemplate.Audience.self), Self.roundTrips(Enrolment.Status.self), Self.roundTrips(SchoolEnrolment.Shift.self),
                Self.roundTrips(SchoolEnrolment.Status.self), Self.roundTrips(SchoolAttendance.Status.self), Self.roundTrips(CourseEnrolment.Status.self),
                Self.roundTrips(ModuleCompletion.Result.self), Self.roundTrips(Assessment.Kind.self), Self.roundTrips(Milestone.Kind.self),
                Self.roundTrips(Consent.Kind.self), Self.roundTrips(FamilyLink.Relationship.self), Self.roundTrips(StaffLeave.Kind.self),
                Self.roundTrips(FlagRule.self), Self.roundTrips(FlagSeverity.self), Self.roundTrips(FlagStatus.self), Self.roundTrips(FlagEventKind.self),
                Self.roundTrips(UserRole.self),
            ].flatMap { $0 }
            #expect(badSpellings.isEmpty, "raw values that do not survive the CLI spelling: \(badSpellings)")

            // User roles: one NOLOGIN group role per UserRole; homeward_owner (0008) owns the objects and is nobody's role.
            let groupRoles = Set(try connection.query(
                "SELECT rolname::text FROM pg_roles WHERE rolname LIKE 'homeward\\_%' AND NOT rolcanlogin AND rolname <> 'homeward_owner'"
            ).rows.map { try $0.decode(0, as: String.self) })
            let userRoles = Set(UserRole.allCases.map(\.groupRole))
            #expect(groupRoles == userRoles, "only in SQL \(groupRoles.subtracting(userRoles).sorted()), only in Swift \(userRoles.subtracting(groupRoles).sorted())")

            // Sentences: every named constraint, every unique index that is not a constraint (its name is what a
            // violation reports) and every rule a function raises as CONSTRAINT = 'name'.
            let named = try connection.query(
                """
                SELECT c.conname::text, 'constraint' FROM pg_constraint c WHERE c.connamespace = 'homeward'::regnamespace
                UNION
                SELECT ic.relname::text, 'unique index' FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                WHERE ic.relnamespace = 'homeward'::regnamespace AND i.indisunique
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                UNION
                SELECT m[1], 'raised rule' FROM pg_proc p
                CROSS JOIN LATERAL regexp_matches(p.prosrc, 'CONSTRAINT\\s*=\\s*''([A-Za-z0-9_]+)''', 'g') m
                WHERE p.pronamespace::regnamespace::text IN ('homeward', 'audit', 'oversight')
                ORDER BY 1
                """
            ).rows.map { (name: try $0.decode(0, as: String.self), kind: try $0.decode(1, as: String.self)) }
            var exempt = Set<String>()
            for entry in Self.noSentenceNeeded {
                let names = try connection.query(entry.sql).rows.map { try $0.decode(0, as: String.self) }
                #expect(!names.isEmpty, "allowlist rule matches nothing any more: \(entry.reason)")
                exempt.formUnion(names)
            }
            #expect(named.count(where: { $0.kind == "raised rule" }) >= 10, "found too few raised rules: has the RAISE … CONSTRAINT style changed?")
            let missing = named.filter { ConstraintMessages.sentence(for: $0.name) == nil && !exempt.contains($0.name) }
            #expect(missing.isEmpty, "no sentence in ConstraintMessages for: \(missing.map { "\($0.name) (\($0.kind))" })")
            let stale = Set(ConstraintMessages.sentences.keys).subtracting(named.map(\.name))
            #expect(stale.isEmpty, "sentences for rules the migrated database does not have: \(stale.sorted())")
            let blank = ConstraintMessages.sentences.filter { $0.value.trimmingSpaces().isEmpty }.keys
            #expect(blank.isEmpty, "empty sentences: \(blank.sorted())")
            print("DriftTests: \(compared) CHECK lists compared with Swift vocabularies; \(named.count) catalogue names, "
                + "\(exempt.count) exempt, \(named.count - exempt.count) with sentences; \(userRoles.count) user roles")
        }
    }

    // MARK: Eligibility

    /// The session eligibility trigger's own predicates, verbatim from homeward.check_session_rules (0002): `p.age` is
    /// `homeward.age_on(birth_date, local_day)`, `q` the requirement. The query below uses them as they are written there.
    private static let triggerPredicates = [
        "(q.req_sex IS NOT NULL AND p.sex <> q.req_sex)",
        "(q.min_age IS NOT NULL AND p.age < q.min_age)",
        "(q.max_age IS NOT NULL AND p.age > q.max_age)",
    ]
    private static let triggerAge = "homeward.age_on(p1.birth_date, k.local_day) AS age"

    private static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func theDomainAndTheDatabaseAgreeOnEligibility() throws {
        let catalogue = try ProgrammeCatalogue.load(from: TestDatabase.repositoryRoot.appendingPathComponent("Config/programmes"))
        var requirements: [String: ProgrammeTemplate.Requirement] = [:]
        for entry in catalogue.programmes {
            for phase in entry.template.phases {
                for requirement in phase.requirements { requirements["\(entry.template.code)/\(phase.code)/\(requirement.code)"] = requirement }
            }
        }
        #expect(requirements.count >= 10, "expected the shipped programmes' requirements, found \(requirements.count)")
        #expect(requirements.values.contains { $0.minAge != nil || $0.maxAge != nil }, "no shipped requirement has an age band")
        #expect(requirements.values.contains { $0.sex != nil }, "no shipped requirement has a sex")

        try TestDatabase.withConnection { connection throws in
            _ = try Store(connection: connection).syncProgrammes(catalogue)

            // The trigger still says what this test says it says.
            let source = try connection.query(
                "SELECT string_agg(prosrc, ' ') FROM pg_proc WHERE pronamespace = 'homeward'::regnamespace AND proname = 'check_session_rules'"
            ).scalar(String?.self).map(Self.collapsed) ?? ""
            for predicate in Self.triggerPredicates + [Self.triggerAge] {
                #expect(source.contains(predicate), "homeward.check_session_rules no longer contains \(predicate): update this test's copy")
            }

            // Every requirement × ages 0…70 × both sexes × two days (1 March of a common year, 29 February) × two
            // births that are that age on the day (the birthday was the day itself or earlier; the next birthday is
            // tomorrow): the day is inside eligible_during exactly when the trigger would admit the person.
            let rows = try connection.query(
                """
                WITH requirement AS (
                    SELECT pg.code || '/' || ph.code || '/' || r.code AS path, r.min_age, r.max_age, r.sex AS req_sex
                    FROM homeward.phase_requirements r
                    JOIN homeward.programme_phases ph ON ph.id = r.phase_id
                    JOIN homeward.programmes pg ON pg.id = ph.programme_id
                ), person AS (
                    SELECT d.day, n.nominal, s.sex, v.variant, b.birth_date, homeward.age_on(b.birth_date, d.day) AS age
                    FROM (VALUES (date '2031-03-01'), (date '2028-02-29')) d(day)
                    CROSS JOIN generate_series(0, 70) n(nominal)
                    CROSS JOIN (VALUES ('female'), ('male')) s(sex)
                    CROSS JOIN (VALUES ('birthday on or before the day'), ('next birthday tomorrow')) v(variant)
                    CROSS JOIN LATERAL (SELECT CASE v.variant
                        WHEN 'birthday on or before the day' THEN (d.day - make_interval(years => n.nominal))::date
                        ELSE (d.day + 1 - make_interval(years => n.nominal + 1))::date END AS birth_date) b
                )
                SELECT q.path, p.nominal, p.sex, p.day::text, p.birth_date::text, p.age,
                       p.day <@ homeward.eligible_during(p.birth_date, p.sex, q.min_age, q.max_age, q.req_sex) AS by_range,
                       NOT (\(Self.triggerPredicates.joined(separator: " OR "))) AS by_trigger
                FROM requirement q CROSS JOIN person p
                ORDER BY 1, 2, 3, 4, 5
                """
            ).rows
            var sqlPaths = Set<String>()
            var checked = 0, admitted = 0
            var disagreements: [String] = []
            for row in rows {
                let path = try row.decode(0, as: String.self)
                let age = try row.decode(1, as: Int.self)
                let sex = try #require(Participant.Sex(rawValue: try row.decode(2, as: String.self)))
                let day = try #require(LocalDate(try row.decode(3, as: String.self)))
                let birth = try #require(LocalDate(try row.decode(4, as: String.self)))
                let ageOnDay = try row.decode(5, as: Int.self)
                let byRange = try row.decode(6, as: Bool.self)
                let byTrigger = try row.decode(7, as: Bool.self)
                sqlPaths.insert(path)
                guard let requirement = requirements[path] else { continue }
                checked += 1
                let byDomain = requirement.admits(age: age, sex: sex)
                if byDomain { admitted += 1 }
                let domainAge = birth.age(on: day)
                if ageOnDay != age || domainAge != age || byRange != byDomain || byTrigger != byDomain {
                    disagreements.append(
                        "\(path) born \(birth), \(sex.rawValue), on \(day): age \(age), age_on \(ageOnDay), LocalDate.age \(domainAge); "
                            + "domain \(byDomain), eligible_during \(byRange), trigger \(byTrigger)")
                }
            }
            #expect(sqlPaths == Set(requirements.keys), "synced requirements differ from the catalogue's")
            #expect(checked == requirements.count * 71 * 2 * 2 * 2)
            #expect(admitted > 0 && admitted < checked, "the cases admitted nobody or everybody: \(admitted) of \(checked)")
            #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, e.g. \(disagreements.prefix(10))")

            // A 29 February birthday: the domain and homeward.age_on count the new year from 1 March in common years.
            let leap = try connection.query(
                """
                SELECT b.birth::date::text, d.day::text, homeward.age_on(b.birth::date, d.day)
                FROM generate_series(date '1956-02-29', date '2028-02-29', interval '4 years') b(birth)
                CROSS JOIN generate_series(1956, 2100) y(year)
                CROSS JOIN LATERAL (VALUES (make_date(y.year, 2, 28)), (make_date(y.year, 3, 1))) d(day)
                WHERE d.day >= b.birth::date
                """
            ).rows
            var leapDisagreements: [String] = []
            for row in leap {
                let birth = try #require(LocalDate(try row.decode(0, as: String.self)))
                let day = try #require(LocalDate(try row.decode(1, as: String.self)))
                let sql = try row.decode(2, as: Int.self)
                if birth.age(on: day) != sql { leapDisagreements.append("born \(birth) on \(day): Swift \(birth.age(on: day)), SQL \(sql)") }
            }
            #expect(leap.count > 1000)
            #expect(leapDisagreements.isEmpty, "\(leapDisagreements.prefix(10))")
            print("DriftTests: \(checked) eligibility cases (\(requirements.count) requirements × 71 ages × 2 sexes × 2 days × 2 births), "
                + "\(admitted) admitted, \(disagreements.count) disagreements; \(leap.count) leap-day ages compared")
        }
    }
}
