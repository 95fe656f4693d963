import Homeward
import Postgres

/// How many rows of one kind a sync added, changed, left alone and removed.
public struct SyncCounts: Sendable, Equatable, Codable, CustomStringConvertible {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var removed = 0

    public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0, removed: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.removed = removed
    }

    /// True when the sync wrote nothing of this kind.
    public var isNoOp: Bool { added == 0 && updated == 0 && removed == 0 }

    public var description: String {
        "\(added) added, \(updated) updated, \(unchanged) unchanged" + (removed > 0 ? ", \(removed) removed" : "")
    }
}

/// What `programme sync` did (or, in a dry run, would do).
public struct ProgrammeSyncSummary: Sendable, Equatable, Codable {
    public var programmes = SyncCounts()
    public var phases = SyncCounts()
    public var requirements = SyncCounts()
    public var courses = SyncCounts()
    public var modules = SyncCounts()
    /// Courses whose `centre` names a centre that does not exist yet: stored without a centre.
    public var coursesWithoutCentre: [CourseCentre] = []
    /// Programmes whose content changed while their YAML `version` stayed the same.
    public var versionNotRaised: [String] = []
    /// True when nothing was written (the transaction was rolled back).
    public var dryRun = false

    /// A course and the centre code its YAML names.
    public struct CourseCentre: Sendable, Equatable, Codable {
        public var course: String
        public var centre: String
    }

    /// True when the database already matched the files.
    public var isNoOp: Bool { [programmes, phases, requirements, courses, modules].allSatisfy(\.isNoOp) }

    /// One line for the terminal.
    public var line: String {
        (dryRun ? "dry run, nothing written: " : "")
            + "programmes: \(programmes); phases: \(phases); requirements: \(requirements); courses: \(courses); modules: \(modules)"
    }
}

/// A programme in the list: its size and total planned length.
public struct ProgrammeSummary: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var audience: ProgrammeTemplate.Audience
    public var version: Int
    public var phases: Int
    public var requirements: Int
    /// Sum of the phases' durations.
    public var totalDays: Int
}

extension Store {
    /// Writes the catalogue in one transaction: programmes, phases and requirements, courses and modules, matched by code.
    ///
    /// Phases, requirements and modules missing from the files are deleted only when nothing refers to them;
    /// otherwise the sync fails with `ProgrammeCatalogueError` naming what still uses them, and nothing is written.
    /// With `dryRun` everything is computed and then rolled back.
    public func syncProgrammes(_ catalogue: ProgrammeCatalogue, dryRun: Bool = false) throws -> ProgrammeSyncSummary {
        struct DryRunRollback: Error { var summary: ProgrammeSyncSummary }
        do {
            return try transaction {
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext('homeward programme sync'))")
                var summary = ProgrammeSyncSummary()
                try syncProgrammeRows(catalogue, into: &summary)
                try syncCourseRows(catalogue, into: &summary)
                if dryRun { throw DryRunRollback(summary: summary) }
                return summary
            }
        } catch let rollback as DryRunRollback {
            var summary = rollback.summary
            summary.dryRun = true
            return summary
        }
    }

    // MARK: Programmes, phases, requirements

    private func syncProgrammeRows(_ catalogue: ProgrammeCatalogue, into summary: inout ProgrammeSyncSummary) throws {
        let templates = catalogue.programmes.map(\.template)
        guard !templates.isEmpty else { return }
        let phases = templates.flatMap { template in
            template.phases.enumerated().map { (programme: template.code, ordinal: $0.offset + 1, phase: $0.element) }
        }
        let requirements = templates.flatMap { template in
            template.phases.flatMap { phase in phase.requirements.map { (programme: template.code, phase: phase.code, requirement: $0) } }
        }
        let storedVersions = Dictionary(uniqueKeysWithValues: try fetch(
            "SELECT code, version FROM homeward.programmes WHERE code = ANY($1::text[])", [templates.map(\.code)]
        ) { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int.self)) })
        var touched = Set<String>()

        // Rows the files no longer list: refuse while something uses them, else delete.
        let removed = try fetch(
            """
            WITH wanted_phases AS (SELECT * FROM unnest($1::text[], $2::text[]) AS w(programme, phase)),
                 wanted_requirements AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]) AS w(programme, phase, requirement))
            SELECT 'phase', ph.id, p.code, p.code || '/' || ph.code, ph.code,
                   (SELECT array_agg(e.id ORDER BY e.id) FROM homeward.enrolments e WHERE e.current_phase_id = ph.id)
            FROM homeward.programme_phases ph JOIN homeward.programmes p ON p.id = ph.programme_id
            WHERE p.code IN (SELECT programme FROM wanted_phases)
              AND NOT EXISTS (SELECT 1 FROM wanted_phases w WHERE w.programme = p.code AND w.phase = ph.code)
            UNION ALL
            SELECT 'requirement', q.id, p.code, p.code || '/' || ph.code || '/' || q.code, q.code,
                   (SELECT array_agg(s.id ORDER BY s.id) FROM homeward.sessions s WHERE s.requirement_id = q.id)
            FROM homeward.phase_requirements q
            JOIN homeward.programme_phases ph ON ph.id = q.phase_id
            JOIN homeward.programmes p ON p.id = ph.programme_id
            WHERE p.code IN (SELECT programme FROM wanted_phases)
              AND NOT EXISTS (SELECT 1 FROM wanted_requirements w
                              WHERE w.programme = p.code AND w.phase = ph.code AND w.requirement = q.code)
            ORDER BY 4
            """,
            [phases.map(\.programme), phases.map(\.phase.code),
             requirements.map(\.programme), requirements.map(\.phase), requirements.map(\.requirement.code)]
        ) { RemovedRow(kind: try $0.decode(0), id: try $0.decode(1), owner: try $0.decode(2), path: try $0.decode(3),
                       code: try $0.decode(4), users: try $0.decode(5, as: [Int]?.self) ?? []) }
        let inUse = removed.filter { !$0.users.isEmpty }.map { row in
            let users = row.kind == "phase" ? "enrolment" : "session"
            return CatalogueProblem(
                file: catalogue.file(ofProgramme: row.owner), record: row.path, field: row.kind == "phase" ? "phases" : "requirements",
                value: row.code,
                reason: "was removed from the file but \(row.users.count) \(users)\(row.users.count == 1 ? "" : "s") still use\(row.users.count == 1 ? "s" : "") it "
                    + "(\(users) id\(row.users.count == 1 ? "" : "s") \(row.users.prefix(10).map(String.init).joined(separator: ", "))"
                    + "\(row.users.count > 10 ? ", …" : "")); keep it in the file or move them first")
        }
        guard inUse.isEmpty else { throw ProgrammeCatalogueError(problems: inUse) }
        let removedRequirements = removed.filter { $0.kind == "requirement" }
        let removedPhases = removed.filter { $0.kind == "phase" }
        try connection.execute("DELETE FROM homeward.phase_requirements WHERE id = ANY($1::bigint[])", [removedRequirements.map(\.id)])
        try connection.execute("DELETE FROM homeward.programme_phases WHERE id = ANY($1::bigint[])", [removedPhases.map(\.id)])
        summary.requirements.removed = removedRequirements.count
        summary.phases.removed = removedPhases.count
        touched.formUnion(removed.map(\.owner))

        // Programmes by code; the YAML's version is stored as written.
        let programmeRows = try fetch(
            """
            INSERT INTO homeward.programmes AS p (code, name, description, audience, version)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
            ON CONFLICT (code) DO UPDATE SET
                name = EXCLUDED.name, description = EXCLUDED.description, audience = EXCLUDED.audience,
                version = EXCLUDED.version, synced_at = homeward.now()
            WHERE (p.name, p.description, p.audience, p.version)
                  IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.audience, EXCLUDED.version)
            RETURNING p.code, p.xmax = 0
            """,
            [templates.map(\.code), templates.map(\.name), templates.map(\.description), templates.map(\.audience),
             templates.map(\.version)], Self.touchedRow)
        summary.programmes = Self.counts(programmeRows, total: templates.count)
        touched.formUnion(programmeRows.filter { !$0.inserted }.map(\.owner))

        // Phases by (programme, code), ordinal = position. Phases that move are first parked out of the way,
        // so that swapping two phases never collides on the (programme, ordinal) key.
        let phaseCodes = phases.map(\.phase.code), phaseProgrammes = phases.map(\.programme), ordinals = phases.map(\.ordinal)
        try connection.execute(
            """
            UPDATE homeward.programme_phases ph SET ordinal = ph.ordinal + 100000
            FROM homeward.programmes p, unnest($1::text[], $2::text[], $3::int[]) AS w(programme, code, ordinal)
            WHERE p.id = ph.programme_id AND p.code = w.programme AND ph.code = w.code AND ph.ordinal <> w.ordinal
            """, [phaseProgrammes, phaseCodes, ordinals])
        let phaseRows = try fetch(
            """
            INSERT INTO homeward.programme_phases AS ph (programme_id, ordinal, code, name, duration_days, review_interval_days)
            SELECT p.id, w.ordinal, w.code, w.name, w.duration_days, w.review_interval_days
            FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::int[])
                 AS w(programme, ordinal, code, name, duration_days, review_interval_days)
            JOIN homeward.programmes p ON p.code = w.programme
            ON CONFLICT (programme_id, code) DO UPDATE SET
                ordinal = EXCLUDED.ordinal, name = EXCLUDED.name, duration_days = EXCLUDED.duration_days,
                review_interval_days = EXCLUDED.review_interval_days
            WHERE (ph.ordinal, ph.name, ph.duration_days, ph.review_interval_days)
                  IS DISTINCT FROM (EXCLUDED.ordinal, EXCLUDED.name, EXCLUDED.duration_days, EXCLUDED.review_interval_days)
            RETURNING (SELECT p.code FROM homeward.programmes p WHERE p.id = ph.programme_id), ph.xmax = 0
            """,
            [phaseProgrammes, ordinals, phaseCodes, phases.map(\.phase.name), phases.map(\.phase.durationDays),
             phases.map(\.phase.reviewIntervalDays)], Self.touchedRow)
        summary.phases = Self.counts(phaseRows, total: phases.count, removed: summary.phases.removed)
        touched.formUnion(phaseRows.map(\.owner))

        // Requirements by (phase, code).
        let reqs = requirements.map(\.requirement)
        let requirementRows = try fetch(
            """
            INSERT INTO homeward.phase_requirements AS q (
                phase_id, code, session_type, staff_role, mode, group_min, group_max, duration_minutes, sessions_per_week,
                min_age, max_age, sex, room_kind, requires_child_clearance, paediatric_only)
            SELECT ph.id, w.code, w.session_type, w.staff_role, w.mode, w.group_min, w.group_max, w.duration_minutes,
                   w.sessions_per_week, w.min_age, w.max_age, w.sex, w.room_kind, w.requires_child_clearance, w.paediatric_only
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[],
                        $10::numeric[], $11::int[], $12::int[], $13::text[], $14::text[], $15::boolean[], $16::boolean[])
                 AS w(programme, phase, code, session_type, staff_role, mode, group_min, group_max, duration_minutes,
                      sessions_per_week, min_age, max_age, sex, room_kind, requires_child_clearance, paediatric_only)
            JOIN homeward.programmes p ON p.code = w.programme
            JOIN homeward.programme_phases ph ON ph.programme_id = p.id AND ph.code = w.phase
            ON CONFLICT (phase_id, code) DO UPDATE SET
                session_type = EXCLUDED.session_type, staff_role = EXCLUDED.staff_role, mode = EXCLUDED.mode,
                group_min = EXCLUDED.group_min, group_max = EXCLUDED.group_max, duration_minutes = EXCLUDED.duration_minutes,
                sessions_per_week = EXCLUDED.sessions_per_week, min_age = EXCLUDED.min_age, max_age = EXCLUDED.max_age,
                sex = EXCLUDED.sex, room_kind = EXCLUDED.room_kind, requires_child_clearance = EXCLUDED.requires_child_clearance,
                paediatric_only = EXCLUDED.paediatric_only
            WHERE (q.session_type, q.staff_role, q.mode, q.group_min, q.group_max, q.duration_minutes, q.sessions_per_week,
                   q.min_age, q.max_age, q.sex, q.room_kind, q.requires_child_clearance, q.paediatric_only)
                  IS DISTINCT FROM
                  (EXCLUDED.session_type, EXCLUDED.staff_role, EXCLUDED.mode, EXCLUDED.group_min, EXCLUDED.group_max,
                   EXCLUDED.duration_minutes, EXCLUDED.sessions_per_week, EXCLUDED.min_age, EXCLUDED.max_age, EXCLUDED.sex,
                   EXCLUDED.room_kind, EXCLUDED.requires_child_clearance, EXCLUDED.paediatric_only)
            RETURNING (SELECT p.code FROM homeward.programme_phases ph JOIN homeward.programmes p ON p.id = ph.programme_id
                       WHERE ph.id = q.phase_id), q.xmax = 0
            """,
            [requirements.map(\.programme), requirements.map(\.phase), reqs.map(\.code), reqs.map(\.sessionType),
             reqs.map(\.staffRole), reqs.map(\.mode), reqs.map(\.groupMin), reqs.map(\.groupMax), reqs.map(\.durationMinutes),
             reqs.map(\.sessionsPerWeek), reqs.map(\.minAge), reqs.map(\.maxAge), reqs.map(\.sex), reqs.map(\.roomKind),
             reqs.map(\.requiresChildClearance), reqs.map(\.paediatricOnly)], Self.touchedRow)
        summary.requirements = Self.counts(requirementRows, total: requirements.count, removed: summary.requirements.removed)
        touched.formUnion(requirementRows.map(\.owner))

        summary.versionNotRaised = templates.filter { touched.contains($0.code) && storedVersions[$0.code] == $0.version }.map(\.code)
    }

    // MARK: Courses and modules

    private func syncCourseRows(_ catalogue: ProgrammeCatalogue, into summary: inout ProgrammeSyncSummary) throws {
        let courses = catalogue.courses.map(\.template)
        guard !courses.isEmpty else { return }
        let modules = courses.flatMap { course in
            course.modules.enumerated().map { (course: course.code, ordinal: $0.offset + 1, module: $0.element) }
        }
        summary.coursesWithoutCentre = try fetch(
            """
            SELECT w.course, w.centre FROM unnest($1::text[], $2::text[]) AS w(course, centre)
            WHERE w.centre IS NOT NULL AND NOT EXISTS (SELECT 1 FROM homeward.centres c WHERE c.code = w.centre)
            ORDER BY w.course
            """, [courses.map(\.code), courses.map(\.centre)]
        ) { ProgrammeSyncSummary.CourseCentre(course: try $0.decode(0), centre: try $0.decode(1)) }

        let removed = try fetch(
            """
            WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[]) AS w(course, module))
            SELECT 'module', m.id, c.code, c.code || '/' || m.code, m.code,
                   (SELECT array_agg(mc.id ORDER BY mc.id) FROM homeward.module_completions mc WHERE mc.module_id = m.id)
            FROM homeward.course_modules m JOIN homeward.courses c ON c.id = m.course_id
            WHERE c.code IN (SELECT course FROM wanted)
              AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.course = c.code AND w.module = m.code)
            ORDER BY 4
            """, [modules.map(\.course), modules.map(\.module.code)]
        ) { RemovedRow(kind: try $0.decode(0), id: try $0.decode(1), owner: try $0.decode(2), path: try $0.decode(3),
                       code: try $0.decode(4), users: try $0.decode(5, as: [Int]?.self) ?? []) }
        let inUse = removed.filter { !$0.users.isEmpty }.map { row in
            CatalogueProblem(
                file: catalogue.file(ofCourse: row.owner), record: row.path, field: "modules", value: row.code,
                reason: "was removed from the file but \(row.users.count) module result\(row.users.count == 1 ? "" : "s") refer to it "
                    + "(ids \(row.users.prefix(10).map(String.init).joined(separator: ", "))\(row.users.count > 10 ? ", …" : "")); keep it in the file")
        }
        guard inUse.isEmpty else { throw ProgrammeCatalogueError(problems: inUse) }
        try connection.execute("DELETE FROM homeward.course_modules WHERE id = ANY($1::bigint[])", [removed.map(\.id)])

        let courseRows = try fetch(
            """
            INSERT INTO homeward.courses AS c (code, name, description, centre_id)
            SELECT w.code, w.name, w.description, (SELECT x.id FROM homeward.centres x WHERE x.code = w.centre)
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w(code, name, description, centre)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, centre_id = EXCLUDED.centre_id
            WHERE (c.name, c.description, c.centre_id) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.centre_id)
            RETURNING c.code, c.xmax = 0
            """,
            [courses.map(\.code), courses.map(\.name), courses.map(\.description), courses.map(\.centre)], Self.touchedRow)
        summary.courses = Self.counts(courseRows, total: courses.count)

        let moduleCourses = modules.map(\.course), moduleCodes = modules.map(\.module.code), ordinals = modules.map(\.ordinal)
        try connection.execute(
            """
            UPDATE homeward.course_modules m SET ordinal = m.ordinal + 100000
            FROM homeward.courses c, unnest($1::text[], $2::text[], $3::int[]) AS w(course, code, ordinal)
            WHERE c.id = m.course_id AND c.code = w.course AND m.code = w.code AND m.ordinal <> w.ordinal
            """, [moduleCourses, moduleCodes, ordinals])
        let moduleRows = try fetch(
            """
            INSERT INTO homeward.course_modules AS m (course_id, ordinal, code, title, expected_weeks)
            SELECT c.id, w.ordinal, w.code, w.title, w.expected_weeks
            FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[]) AS w(course, ordinal, code, title, expected_weeks)
            JOIN homeward.courses c ON c.code = w.course
            ON CONFLICT (course_id, code) DO UPDATE SET
                ordinal = EXCLUDED.ordinal, title = EXCLUDED.title, expected_weeks = EXCLUDED.expected_weeks
            WHERE (m.ordinal, m.title, m.expected_weeks) IS DISTINCT FROM (EXCLUDED.ordinal, EXCLUDED.title, EXCLUDED.expected_weeks)
            RETURNING (SELECT c.code FROM homeward.courses c WHERE c.id = m.course_id), m.xmax = 0
            """,
            [moduleCourses, ordinals, moduleCodes, modules.map(\.module.title), modules.map(\.module.expectedWeeks)], Self.touchedRow)
        summary.modules = Self.counts(moduleRows, total: modules.count, removed: removed.count)
    }

    /// A row the files no longer list, with the ids of what still refers to it.
    private struct RemovedRow {
        var kind: String
        var id: Int
        /// Programme or course code.
        var owner: String
        var path: String
        var code: String
        var users: [Int]
    }

    /// A row an upsert wrote: its programme or course code, and whether it was new.
    private struct TouchedRow {
        var owner: String
        var inserted: Bool
    }

    private static func touchedRow(_ row: Row) throws -> TouchedRow {
        TouchedRow(owner: try row.decode(0), inserted: try row.decode(1))
    }

    private static func counts(_ rows: [TouchedRow], total: Int, removed: Int = 0) -> SyncCounts {
        let added = rows.filter(\.inserted).count
        let updated = rows.count - added
        return SyncCounts(added: added, updated: updated, unchanged: total - rows.count, removed: removed)
    }

    // MARK: Reading programmes

    /// Every programme with its number of phases and requirements and its total planned length, by code.
    public func programmes() throws -> [ProgrammeSummary] {
        try fetch(
            """
            SELECT p.code, p.name, p.audience, p.version,
                   (SELECT count(*) FROM homeward.programme_phases ph WHERE ph.programme_id = p.id),
                   (SELECT count(*) FROM homeward.phase_requirements q JOIN homeward.programme_phases ph ON ph.id = q.phase_id
                    WHERE ph.programme_id = p.id),
                   coalesce((SELECT sum(ph.duration_days) FROM homeward.programme_phases ph WHERE ph.programme_id = p.id), 0)
            FROM homeward.programmes p ORDER BY p.code
            """
        ) {
            ProgrammeSummary(code: try $0.decode(0), name: try $0.decode(1), audience: try $0.decode(2), version: try $0.decode(3),
                             phases: try $0.decode(4), requirements: try $0.decode(5), totalDays: try $0.decode(6))
        }
    }

    /// One programme as stored, in the template's shape: phases in order with their weekly requirements.
    public func programme(code: String) throws -> ProgrammeTemplate {
        var template = try fetchOne(
            "SELECT code, name, audience, version, description FROM homeward.programmes WHERE code = $1", [code],
            notFound: .notFound(what: "programme with code", identifier: code)
        ) {
            ProgrammeTemplate(code: try $0.decode(0), name: try $0.decode(1), audience: try $0.decode(2), version: try $0.decode(3),
                              description: try $0.decode(4), phases: [])
        }
        template.phases = try fetch(
            """
            SELECT ph.code, ph.name, ph.duration_days, ph.review_interval_days FROM homeward.programme_phases ph
            JOIN homeward.programmes p ON p.id = ph.programme_id WHERE p.code = $1 ORDER BY ph.ordinal
            """, [code]
        ) { ProgrammeTemplate.Phase(code: try $0.decode(0), name: try $0.decode(1), durationDays: try $0.decode(2),
                                    reviewIntervalDays: try $0.decode(3), requirements: []) }
        let requirements = try fetch(
            """
            SELECT ph.code, q.code, q.session_type, q.staff_role, q.mode, q.duration_minutes, q.sessions_per_week, q.group_min,
                   q.group_max, q.min_age, q.max_age, q.sex, q.room_kind, q.requires_child_clearance, q.paediatric_only
            FROM homeward.phase_requirements q JOIN homeward.programme_phases ph ON ph.id = q.phase_id
            JOIN homeward.programmes p ON p.id = ph.programme_id WHERE p.code = $1 ORDER BY ph.ordinal, q.code
            """, [code]
        ) { row in
            (phase: try row.decode(0, as: String.self), requirement: ProgrammeTemplate.Requirement(
                code: try row.decode(1), sessionType: try row.decode(2), staffRole: try row.decode(3), mode: try row.decode(4),
                durationMinutes: try row.decode(5), sessionsPerWeek: try row.decode(6), groupMin: try row.decode(7),
                groupMax: try row.decode(8), minAge: try row.decode(9), maxAge: try row.decode(10), sex: try row.decode(11),
                roomKind: try row.decode(12), requiresChildClearance: try row.decode(13), paediatricOnly: try row.decode(14)))
        }
        for index in template.phases.indices {
            template.phases[index].requirements = requirements.filter { $0.phase == template.phases[index].code }.map(\.requirement)
        }
        return template
    }
}
