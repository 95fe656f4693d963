import Foundation
import Homeward
import Postgres
import WorldGenerator

/// What `homeward demo generate` wrote, and how long each part took.
public struct GeneratedWorld: Sendable, Equatable {
    public var clusters = 0, centres = 0, rooms = 0, staff = 0, participants = 0, families = 0, enrolments = 0
    public var schoolEnrolments = 0, sessions = 0, attendance = 0, schoolAttendance = 0, historyWeeks = 0
    /// (part, milliseconds) in the order they ran.
    public var timings: [(String, Int)] = []

    /// The counts, in the order of the fields: what two runs with one seed agree on.
    public var counts: [Int] {
        [clusters, centres, rooms, staff, participants, families, enrolments, schoolEnrolments, sessions, attendance,
         schoolAttendance, historyWeeks]
    }

    public static func == (lhs: GeneratedWorld, rhs: GeneratedWorld) -> Bool { lhs.counts == rhs.counts }
}

extension Store {
    /// Generates a world of `shape` into an empty, migrated database, as its owner (row-level security and the audit
    /// trail see an administrator's bulk load): programme sync, the template clusters' world by COPY, their history
    /// planned by the scheduler itself over the past weeks and recorded (attendance, school days), then the other
    /// clusters' world by COPY and the templates' history copied to them set-based. The copies touch only their own
    /// cluster's rooms, staff and participants, which agree with the template's in everything the booking rules read,
    /// so the copy is written with triggers off (`session_replication_role = replica`); constraints still hold it.
    public func generateWorld(
        _ shape: WorldShape, catalogue: ProgrammeCatalogue, settings: SchedulingSettings, progress: (String) -> Void = { _ in }
    ) throws -> GeneratedWorld {
        var result = GeneratedWorld()
        var clock = ContinuousClock.now
        func lap(_ part: String) {
            let now = ContinuousClock.now
            result.timings.append((part, Int((now - clock) / .milliseconds(1))))
            clock = now
            progress(part)
        }
        let existing = try translatingErrors {
            try connection.query("SELECT (SELECT count(*) FROM homeward.centres) + (SELECT count(*) FROM homeward.participants) "
                                 + "+ (SELECT count(*) FROM homeward.staff)").scalar(Int.self)
        }
        guard existing == 0 else {
            throw StoreError.invalid(InvalidInput(
                record: "database", field: "centres, staff, participants", value: String(existing),
                reason: "already holds data; generate into a fresh, migrated database"))
        }
        _ = try syncProgrammes(catalogue)
        let today = try self.today()
        let generator = WorldGenerator(shape: shape, today: today)
        let lookups = try Lookups(store: self)

        // The templates' world, then their history by the scheduler.
        let templates = shape.templates
        try transaction { try writeClusters(templates.map(generator.cluster), lookups: lookups) }
        lap("templates")
        let historyDays = shape.historyWeeks * 7
        var from = today.adding(days: -historyDays)
        while from < today {
            let days = min(28, from.days(until: today))
            _ = try ScheduleJob.run(store: self, request: ScheduleRequest(from: from, days: days, freezeDays: 0), settings: settings,
                                    dryRun: false)
            from = from.adding(days: days)
        }
        lap("history scheduled")
        try recordTemplateHistory(generator, today: today)
        lap("history recorded")

        // Every other cluster: its world, then the history of its template, copied.
        let copies = (0..<shape.clusters).filter { !templates.contains($0) }
        for batch in stride(from: 0, to: copies.count, by: 50) {
            try transaction { try writeClusters(copies[batch..<min(batch + 50, copies.count)].map(generator.cluster), lookups: lookups) }
        }
        lap("world copied")
        if !copies.isEmpty { try copyHistory(shape, ids: generator.ids, copies: copies) }
        lap("history copied")
        try translatingErrors {
            // Identity sequences past the ids the generator chose.
            try connection.execute(
                """
                SELECT setval(pg_get_serial_sequence('homeward.centres', 'id'), greatest((SELECT max(id) FROM homeward.centres), 1)),
                       setval(pg_get_serial_sequence('homeward.rooms', 'id'), greatest((SELECT max(id) FROM homeward.rooms), 1)),
                       setval(pg_get_serial_sequence('homeward.staff', 'id'), greatest((SELECT max(id) FROM homeward.staff), 1)),
                       setval(pg_get_serial_sequence('homeward.participants', 'id'), greatest((SELECT max(id) FROM homeward.participants), 1)),
                       setval(pg_get_serial_sequence('homeward.relatives', 'id'), greatest((SELECT max(id) FROM homeward.relatives), 1)),
                       setval(pg_get_serial_sequence('homeward.families', 'id'), greatest((SELECT max(id) FROM homeward.families), 1)),
                       setval(pg_get_serial_sequence('homeward.schools', 'id'), greatest((SELECT max(id) FROM homeward.schools), 1)),
                       setval(pg_get_serial_sequence('homeward.school_enrolments', 'id'), greatest((SELECT max(id) FROM homeward.school_enrolments), 1)),
                       setval(pg_get_serial_sequence('homeward.sessions', 'id'), greatest((SELECT max(id) FROM homeward.sessions), 1))
                """)
            try connection.execute("ANALYZE")
        }
        lap("analysed")

        let counts = try translatingErrors {
            try connection.query(
                """
                SELECT (SELECT count(*) FROM homeward.centres), (SELECT count(*) FROM homeward.rooms), (SELECT count(*) FROM homeward.staff),
                       (SELECT count(*) FROM homeward.participants), (SELECT count(*) FROM homeward.families),
                       (SELECT count(*) FROM homeward.enrolments), (SELECT count(*) FROM homeward.school_enrolments),
                       (SELECT count(*) FROM homeward.sessions), (SELECT count(*) FROM homeward.attendance),
                       (SELECT count(*) FROM homeward.school_attendance)
                """).rows[0]
        }
        result.clusters = shape.clusters
        result.historyWeeks = shape.historyWeeks
        (result.centres, result.rooms, result.staff, result.participants, result.families) =
            (try counts.decode(0), try counts.decode(1), try counts.decode(2), try counts.decode(3), try counts.decode(4))
        (result.enrolments, result.schoolEnrolments, result.sessions, result.attendance, result.schoolAttendance) =
            (try counts.decode(5), try counts.decode(6), try counts.decode(7), try counts.decode(8), try counts.decode(9))
        return result
    }

    /// Ids of what programme sync wrote: phases (with the planned days from each to the end) and courses.
    struct Lookups {
        var phases: [String: (programme: Int, phase: Int, remainingDays: Int)] = [:]
        var courses: [String: Int] = [:]

        init(store: Store) throws {
            for row in try store.connection.query(
                """
                SELECT pr.code || '/' || ph.code, pr.id, ph.id,
                       (SELECT sum(r.duration_days) FROM homeward.programme_phases r WHERE r.programme_id = pr.id AND r.ordinal >= ph.ordinal)
                FROM homeward.programmes pr JOIN homeward.programme_phases ph ON ph.programme_id = pr.id
                """).rows {
                phases[try row.decode(0)] = (try row.decode(1), try row.decode(2), try row.decode(3))
            }
            for row in try store.connection.query("SELECT code, id FROM homeward.courses").rows {
                courses[try row.decode(0)] = try row.decode(1)
            }
        }
    }

    /// Writes clusters' world rows with COPY, table by table.
    private func writeClusters(_ clusters: [ClusterWorld], lookups: Lookups) throws {
        func copy(_ sql: String, _ rows: (ClusterWorld) -> [[any PostgresEncodable]]) throws {
            try translatingErrors { _ = try connection.copy(sql, rows: clusters.lazy.flatMap(rows)) }
        }
        try copy("COPY homeward.centres (id, code, name, kind, region, address, time_zone, capacity) FROM STDIN") {
            $0.centres.map { [$0.id, $0.code, $0.name, $0.kind, $0.region, $0.address, $0.timeZone, $0.capacity] }
        }
        try copy("COPY homeward.centre_opening_hours (centre_id, weekday, opens_at, closes_at) FROM STDIN") {
            $0.hours.map { [$0.centreID, $0.weekday, $0.opens, $0.closes] }
        }
        try copy("COPY homeward.centre_timetable_blocks (centre_id, weekday, starts_at, ends_at, label) FROM STDIN") {
            $0.blocks.map { [$0.centreID, $0.weekday, $0.starts, $0.ends, $0.label] }
        }
        try copy("COPY homeward.rooms (id, centre_id, code, name, kind, capacity) FROM STDIN") {
            $0.rooms.map { [$0.id, $0.centreID, $0.code, $0.name, $0.kind, $0.capacity] }
        }
        try copy("COPY homeward.staff (id, code, given_name, family_name, languages, may_work_with_children, weekly_hour_limit) FROM STDIN") {
            $0.staff.map { [$0.id, $0.code, $0.givenName, $0.familyName, $0.languages, $0.mayWorkWithChildren, $0.weeklyHourLimit] }
        }
        try copy("COPY homeward.staff_roles (staff_id, role) FROM STDIN") { world in
            world.staff.flatMap { member in member.roles.map { [member.id, $0] } }
        }
        try copy("COPY homeward.staff_centres (staff_id, centre_id) FROM STDIN") { world in
            world.staff.flatMap { member in member.centreIDs.map { [member.id, $0] } }
        }
        try copy("COPY homeward.staff_availability (staff_id, centre_id, weekday, starts_at, ends_at, valid_from) FROM STDIN") {
            $0.availability.map { [$0.staffID, $0.centreID, $0.weekday, $0.starts, $0.ends, $0.validFrom.description] }
        }
        try copy(
            """
            COPY homeward.participants (id, case_number, given_name, family_name, patronymic, birth_date, sex, languages,
                region_of_origin, legal_situation, sentence_ends_on, status, returned_on) FROM STDIN
            """) {
            $0.participants.map {
                [$0.id, $0.caseNumber, $0.givenName, $0.familyName, $0.patronymic, $0.birthDate.description, $0.sex, $0.languages,
                 $0.region, $0.legalSituation, $0.sentenceEndsOn?.description, $0.status, $0.returnedOn.description]
            }
        }
        try copy("COPY homeward.participant_placements (participant_id, centre_id, during, reason) FROM STDIN") {
            $0.participants.map { [$0.id, $0.centreID, "[\($0.placedFrom),)", "placed on return"] }
        }
        try copy("COPY homeward.relatives (id, given_name, family_name, region) FROM STDIN") {
            $0.relatives.map { [$0.id, $0.givenName, $0.familyName, $0.region] }
        }
        try copy("COPY homeward.families (id, label) FROM STDIN") { $0.families.map { [$0.id, $0.label] } }
        try copy("COPY homeward.family_members (family_id, participant_id) FROM STDIN") { world in
            world.families.flatMap { family in family.members.map { [family.id, $0] } }
        }
        try copy("COPY homeward.family_links (participant_id, relative_id, related_participant_id, relationship, is_guardian) FROM STDIN") {
            $0.links.map { [$0.participantID, $0.relativeID, $0.relatedParticipantID, $0.relationship, true] }
        }
        try copy(
            """
            COPY homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
            FROM STDIN
            """) {
            $0.enrolments.map {
                let phase = lookups.phases["\($0.programme)/\($0.phase)"]!
                return [$0.participantID, phase.programme, $0.start.description, phase.phase, $0.start.description,
                        $0.start.adding(days: phase.remainingDays).description]
            }
        }
        try copy("COPY homeward.schools (id, code, name, region, address) FROM STDIN") {
            $0.schools.map { [$0.id, $0.code, $0.name, $0.region, $0.address] }
        }
        try copy(
            """
            COPY homeward.school_enrolments (id, participant_id, school_id, grade, shift, school_day_starts_at, school_day_ends_at,
                enrolled_from) FROM STDIN
            """) {
            $0.schoolEnrolments.map { [$0.id, $0.participantID, $0.schoolID, $0.grade, "morning", "08:00", "13:00", $0.from.description] }
        }
        try copy("COPY homeward.course_enrolments (participant_id, course_id, started_on) FROM STDIN") {
            $0.courseEnrolments.map { [$0.participantID, lookups.courses[$0.course]!, $0.start.description] }
        }
    }

    /// Attendance of every seat in the templates' past sessions, and their schoolchildren's school days, by COPY.
    private func recordTemplateHistory(_ generator: WorldGenerator, today: LocalDate) throws {
        try transaction {
            let seats = try connection.query(
                """
                SELECT sp.session_id, sp.participant_id FROM homeward.session_participants sp
                JOIN homeward.sessions s ON s.id = sp.session_id
                WHERE s.occupies AND s.starts_at < homeward.now()
                ORDER BY sp.session_id, sp.participant_id
                """).rows.map { (try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self)) }
            _ = try connection.copy(
                "COPY homeward.attendance (session_id, participant_id, status, recorded_by) FROM STDIN",
                rows: seats.lazy.map { [$0.0, $0.1, generator.attendanceStatus(session: $0.0, participant: $0.1), "generator"] })
            let first = today.adding(days: -generator.shape.historyWeeks * 7)
            let enrolments = try connection.query(
                "SELECT id, participant_id, enrolled_from::text FROM homeward.school_enrolments ORDER BY id"
            ).rows.map { (try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self), try $0.decode(2, as: LocalDate.self)) }
            let days = (0..<first.days(until: today)).map { first.adding(days: $0) }.filter { $0.weekday <= 5 }
            _ = try connection.copy(
                "COPY homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by) FROM STDIN",
                rows: enrolments.lazy.flatMap { enrolment in
                    days.lazy.filter { $0 >= enrolment.2 }.map { day -> [any PostgresEncodable] in
                        [enrolment.1, enrolment.0, day.description, generator.schoolStatus(participant: enrolment.1, day: day), "school"]
                    }
                })
        }
    }

    /// Copies the templates' history to every other cluster, set-based: ids shift by the cluster's strides, sessions by
    /// a multiple of the highest template session id.
    private func copyHistory(_ shape: WorldShape, ids: WorldIDs, copies: [Int]) throws {
        try transaction {
            let highest = try connection.query("SELECT coalesce(max(id), 0) FROM homeward.sessions").scalar(Int.self)
            // Per copy: its template, and how far each kind of id shifts from the template's.
            try connection.execute(
                """
                CREATE TEMP TABLE generate_copies (k int PRIMARY KEY, t int NOT NULL, sessions bigint NOT NULL, centres bigint NOT NULL,
                    rooms bigint NOT NULL, staff bigint NOT NULL, people bigint NOT NULL) ON COMMIT DROP
                """)
            _ = try connection.copy(
                "COPY generate_copies (k, t, sessions, centres, rooms, staff, people) FROM STDIN",
                rows: copies.map { k -> [any PostgresEncodable] in
                    let shift = k - shape.template(ofCluster: k)
                    return [k, shape.template(ofCluster: k), k * highest, shift * WorldIDs.centres, shift * WorldIDs.rooms,
                            shift * ids.staff, shift * ids.participants]
                })
            // The template of each session there is (all are the templates'), by its centre.
            try connection.execute("CREATE TEMP TABLE generate_templates (session_id bigint PRIMARY KEY, t int NOT NULL) ON COMMIT DROP")
            try connection.execute("INSERT INTO generate_templates SELECT id, (centre_id - 1) / $1 FROM homeward.sessions", [WorldIDs.centres])
            try connection.execute("ANALYZE generate_copies")
            try connection.execute("ANALYZE generate_templates")
            try connection.execute("SET LOCAL session_replication_role = replica")
            let template = "JOIN generate_templates g ON g.session_id = s.id JOIN generate_copies c ON c.t = g.t"
            try connection.execute(
                """
                INSERT INTO homeward.sessions (id, session_type, requirement_id, mode, centre_id, room_id, starts_at, ends_at, status,
                    cancel_reason, cancelled_by, replaced_by_session_id, family_id, schedule_run_id, created_at, updated_at,
                    override_reason, override_by, repair_of_session_id) OVERRIDING SYSTEM VALUE
                SELECT s.id + c.sessions, s.session_type, s.requirement_id, s.mode, s.centre_id + c.centres, s.room_id + c.rooms,
                       s.starts_at, s.ends_at, s.status, s.cancel_reason, s.cancelled_by, s.replaced_by_session_id + c.sessions,
                       s.family_id + c.people, s.schedule_run_id, s.created_at, s.updated_at, s.override_reason, s.override_by,
                       s.repair_of_session_id + c.sessions
                FROM homeward.sessions s \(template)
                """)
            try connection.execute(
                """
                INSERT INTO homeward.session_staff (session_id, staff_id, during, occupies)
                SELECT x.session_id + c.sessions, x.staff_id + c.staff, x.during, x.occupies
                FROM homeward.session_staff x JOIN homeward.sessions s ON s.id = x.session_id \(template)
                """)
            try connection.execute(
                """
                INSERT INTO homeward.session_participants (session_id, participant_id, during, occupies)
                SELECT x.session_id + c.sessions, x.participant_id + c.people, x.during, x.occupies
                FROM homeward.session_participants x JOIN homeward.sessions s ON s.id = x.session_id \(template)
                """)
            try connection.execute(
                """
                INSERT INTO homeward.attendance (session_id, participant_id, status, note, recorded_by, recorded_at)
                SELECT x.session_id + c.sessions, x.participant_id + c.people, x.status, x.note, x.recorded_by, x.recorded_at
                FROM homeward.attendance x JOIN homeward.sessions s ON s.id = x.session_id \(template)
                """)
            try connection.execute(
                """
                INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by, reported_at)
                SELECT x.participant_id + c.people, x.school_enrolment_id + c.people, x.day, x.status, x.reported_by, x.reported_at
                FROM homeward.school_attendance x JOIN generate_copies c ON c.t = (x.participant_id - 1) / $1
                """, [ids.participants])
            try connection.execute("SET LOCAL session_replication_role = DEFAULT")
        }
    }
}
