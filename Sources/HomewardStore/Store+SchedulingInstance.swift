import Foundation
import Homeward
import Postgres
import Scheduler

/// What to plan: the horizon, an optional centre, and the days that must not change.
public struct ScheduleRequest: Sendable, Equatable {
    public var from: LocalDate
    public var days: Int
    public var centreCode: String?
    public var freezeDays: Int

    public init(from: LocalDate, days: Int, centreCode: String? = nil, freezeDays: Int = 0) {
        self.from = from
        self.days = days
        self.centreCode = centreCode
        self.freezeDays = freezeDays
    }
}

/// A scheduling problem read from the database, with what is needed to write its solution back.
public struct SchedulingProblem: Sendable {
    public var instance: Instance
    /// The instant slot 0 starts at.
    public var horizonStart: Date
    /// Demand the store already knows cannot be planned, reported as gaps with their reason: a birthday inside the plan
    /// ends a requirement's age band (`participant_ages_out`), or a family-session requirement has no family
    /// recorded (`no_family_recorded`).
    public var gaps: [KnownGap] = []

    /// How many session units the scheduler is asked to place.
    public var demandCount: Int { instance.demands.count }

    /// The scheduling instance as pretty JSON with sorted keys: reproduces a run without the database.
    public func instanceJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(instance)
    }
}

/// Sessions of one requirement-week that cannot be planned for a reason the store knows before solving.
public struct KnownGap: Sendable, Equatable {
    public var caseNumber: String
    public var requirementID: Int
    public var weekStart: LocalDate
    public var sessions: Int
    /// A reason code of `homeward.schedule_unplaced`: `participant_ages_out` or `no_family_recorded`.
    public var reason: String
    public var detail: String
}

extension Store {
    /// Reads everything the scheduler needs in a handful of set-based queries and converts calendars to slots.
    ///
    /// Demand is each active enrolment's current-phase requirements per ISO week of the horizon, minus the sessions
    /// already planned or held for it that week, so reruns never duplicate. Existing sessions are fixed: the scheduler
    /// only adds to them, which also keeps the freeze window and what is already published untouched.
    public func schedulingProblem(_ request: ScheduleRequest, settings: SchedulingSettings) throws -> SchedulingProblem {
        // One snapshot for every part of the instance: a booking committed halfway through the read is either wholly in
        // it or wholly out of it.
        try transaction {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try readProblem(request, settings: settings)
        }
    }

    private func readProblem(_ request: ScheduleRequest, settings: SchedulingSettings) throws -> SchedulingProblem {
        try translatingErrors {
            // The grid's zone is the database's planning zone (homeward.settings), the same clock every view reads.
            let zone = try planningZone()
            let horizonStart = try connection.query(
                "SELECT ($1::date::timestamp AT TIME ZONE $2::text)", [request.from, zone]
            ).scalar(Date.self)
            let slotSeconds = Double(settings.slotMinutes * 60)
            let common: [any PostgresEncodable] = [request.from, request.days, zone, request.centreCode]
            // $1 from, $2 days, $3 grid zone, $4 centre code or NULL; slot() converts an instant to a slot index.
            let prelude = """
                WITH days AS (
                    SELECT d::date AS day FROM generate_series($1::date, $1::date + ($2::int - 1), interval '1 day') d
                ), horizon AS (
                    SELECT ($1::date::timestamp AT TIME ZONE $3::text) AS start_at,
                           (($1::date + $2::int)::timestamp AT TIME ZONE $3::text) AS end_at
                )
                """
            func slot(_ expression: String, rounding: String) -> String {
                "\(rounding)(extract(epoch FROM (\(expression) - (SELECT start_at FROM horizon))) / \(Int(slotSeconds)))::int"
            }

            // Rooms: open when their centre is open.
            var roomSlots: [String: (centre: String, kind: String, capacity: Int, ranges: [SlotRange])] = [:]
            for row in try connection.query(
                prelude + """
                , open AS (
                    SELECT c.code || '/' || r.code AS room, c.code AS centre, r.kind, r.capacity,
                           ((d.day + h.opens_at) AT TIME ZONE c.time_zone) AS opens,
                           ((d.day + h.closes_at) AT TIME ZONE c.time_zone) AS closes
                    FROM homeward.rooms r JOIN homeward.centres c ON c.id = r.centre_id
                    JOIN days d ON true
                    JOIN homeward.centre_opening_hours h ON h.centre_id = c.id AND h.weekday = extract(isodow FROM d.day)
                    WHERE ($4::text IS NULL OR c.code = $4)
                )
                SELECT room, centre, kind, capacity, \(slot("opens", rounding: "ceil")), \(slot("closes", rounding: "floor"))
                FROM open ORDER BY room, opens
                """, common
            ).rows {
                let id: String = try row.decode(0)
                if roomSlots[id] == nil { roomSlots[id] = (try row.decode(1), try row.decode(2), try row.decode(3), []) }
                var entry = roomSlots[id]!
                entry.ranges.append(SlotRange(start: try row.decode(4), end: try row.decode(5)))
                roomSlots[id] = entry
            }
            let rooms = roomSlots.keys.sorted().map { id in
                let entry = roomSlots[id]!
                return SchedulerRoom(id: id, centreId: entry.centre, kind: entry.kind, capacity: entry.capacity, available: entry.ranges)
            }

            // Staff: weekly availability per centre on the horizon's days, minus leave; weekly limits minus what is planned.
            struct StaffRecord { var roles: [String]; var languages: [String]; var children: Bool; var limitHours: Double
                                 var available: [String: [SlotRange]] = [:]; var limits: [WeeklyLimit] = [] }
            var staff: [String: StaffRecord] = [:]
            for row in try connection.query(
                """
                SELECT st.code, array(SELECT role FROM homeward.staff_roles r WHERE r.staff_id = st.id ORDER BY role),
                       st.languages, st.may_work_with_children, st.weekly_hour_limit::float8
                FROM homeward.staff st
                WHERE st.active AND ($1::text IS NULL OR EXISTS (
                    SELECT 1 FROM homeward.staff_centres sc JOIN homeward.centres c ON c.id = sc.centre_id
                    WHERE sc.staff_id = st.id AND c.code = $1))
                """, [request.centreCode]
            ).rows {
                staff[try row.decode(0)] = StaffRecord(
                    roles: try row.decode(1), languages: try row.decode(2), children: try row.decode(3), limitHours: try row.decode(4))
            }
            for row in try connection.query(
                prelude + """
                , windows AS (
                    SELECT st.code AS staff, c.code AS centre,
                           ((d.day + a.starts_at) AT TIME ZONE c.time_zone) AS opens,
                           ((d.day + a.ends_at) AT TIME ZONE c.time_zone) AS closes
                    FROM homeward.staff_availability a
                    JOIN homeward.staff st ON st.id = a.staff_id AND st.active
                    JOIN homeward.centres c ON c.id = a.centre_id
                    JOIN days d ON extract(isodow FROM d.day) = a.weekday AND a.valid_from <= d.day
                                   AND (a.valid_to IS NULL OR a.valid_to >= d.day)
                    WHERE ($4::text IS NULL OR c.code = $4)
                      AND NOT EXISTS (SELECT 1 FROM homeward.staff_leave l WHERE l.staff_id = st.id AND l.during @> d.day)
                )
                SELECT staff, centre, \(slot("opens", rounding: "ceil")), \(slot("closes", rounding: "floor"))
                FROM windows ORDER BY staff, centre, opens
                """, common
            ).rows {
                let code: String = try row.decode(0)
                guard staff[code] != nil else { continue }
                staff[code]!.available[try row.decode(1), default: []].append(SlotRange(start: try row.decode(2), end: try row.decode(3)))
            }
            for row in try connection.query(
                prelude + """
                , weeks AS (SELECT DISTINCT date_trunc('week', day)::date AS week_start FROM days)
                SELECT st.code,
                       \(slot("(w.week_start::timestamp AT TIME ZONE $3::text)", rounding: "floor")),
                       \(slot("((w.week_start + 7)::timestamp AT TIME ZONE $3::text)", rounding: "floor")),
                       (st.weekly_hour_limit * 60)::float8 AS limit_minutes,
                       coalesce((SELECT sum(extract(epoch FROM (s.ends_at - s.starts_at)) / 60)
                                 FROM homeward.session_staff ss JOIN homeward.sessions s ON s.id = ss.session_id
                                 WHERE ss.staff_id = st.id AND s.occupies
                                   AND s.starts_at >= (w.week_start::timestamp AT TIME ZONE $3::text)
                                   AND s.starts_at < ((w.week_start + 7)::timestamp AT TIME ZONE $3::text)
                                   -- sessions inside the horizon reach the scheduler as existing sessions and count there
                                   AND NOT s.during && tstzrange((SELECT start_at FROM horizon), (SELECT end_at FROM horizon))), 0)::float8 AS planned_minutes
                FROM homeward.staff st CROSS JOIN weeks w
                WHERE st.active
                ORDER BY st.code, w.week_start
                """, Array(common.prefix(3))
            ).rows {
                let code: String = try row.decode(0)
                guard staff[code] != nil else { continue }
                let horizonSlots = request.days * (1440 / settings.slotMinutes)
                let window = SlotRange(start: max(0, try row.decode(1, as: Int.self)), end: min(horizonSlots, try row.decode(2, as: Int.self)))
                // The scheduler counts existing sessions in the horizon itself; only the week's hours outside it are taken off here.
                let remaining = (try row.decode(3, as: Double.self) - row.decode(4, as: Double.self)) / Double(settings.slotMinutes)
                staff[code]!.limits.append(WeeklyLimit(window: window, maxSlots: max(0, Int(remaining.rounded(.down)))))
            }
            let staffList = staff.keys.sorted().map { code in
                let record = staff[code]!
                return Staff(
                    id: code, roles: record.roles, languages: record.languages, mayWorkWithChildren: record.children,
                    weeklyLimits: record.limits, available: record.available)
            }

            // Participants with an active enrolment: where they are placed each day, free when their centre is open,
            // outside its timetable blocks and outside school hours (plus travel).
            // Ages change inside a horizon: the age and daily limit on the first day and, when a birthday falls inside,
            // its day index and the limit from then on (homeward.age_group_on and homeward.max_sessions_per_day decide).
            struct ParticipantRecord { var languages: [String]; var age: Int; var isChild: Bool; var birthdayDay: Int?
                                       var limitBefore: Int; var limitAfter: Int; var sex: Sex; var familyID: String?
                                       var linked: [String]; var available: [String: [SlotRange]] = [:] }
            var participants: [String: ParticipantRecord] = [:]
            for row in try connection.query(
                """
                SELECT p.case_number, p.languages, a.age, homeward.is_child_on(p.birth_date, $1::date),
                       nullif(least(b.day - $1::date, $2::int), $2::int),
                       homeward.max_sessions_per_day(homeward.age_group_on(p.birth_date, $1::date)),
                       homeward.max_sessions_per_day(homeward.age_group_on(p.birth_date, b.day)), p.sex,
                       (SELECT min(fm.family_id)::text FROM homeward.family_members fm WHERE fm.participant_id = p.id),
                       array(SELECT other.case_number FROM homeward.family_links fl
                             JOIN homeward.participants other ON other.id = CASE WHEN fl.participant_id = p.id
                                                                              THEN fl.related_participant_id ELSE fl.participant_id END
                             WHERE (fl.participant_id = p.id AND fl.related_participant_id IS NOT NULL)
                                OR fl.related_participant_id = p.id
                             ORDER BY 1)
                FROM homeward.participants p
                CROSS JOIN LATERAL (SELECT homeward.age_on(p.birth_date, $1::date) AS age) a
                CROSS JOIN LATERAL (SELECT homeward.day_turning(p.birth_date, a.age + 1) AS day) b
                WHERE p.status NOT IN ('completed', 'withdrawn')
                  AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
                """, [request.from, request.days]
            ).rows {
                let code: String = try row.decode(0)
                let sexText: String = try row.decode(7)
                guard let sex = Sex(rawValue: sexText) else {
                    throw StoreError.database("participant \(code): sex \"\(sexText)\" is not one the scheduler knows")
                }
                participants[code] = ParticipantRecord(
                    languages: try row.decode(1), age: try row.decode(2), isChild: try row.decode(3), birthdayDay: try row.decode(4),
                    limitBefore: try row.decode(5), limitAfter: try row.decode(6), sex: sex,
                    familyID: try row.decode(8), linked: try row.decode(9))
            }
            for row in try connection.query(
                prelude + """
                , placed AS (
                    SELECT p.id AS participant_id, p.case_number, d.day, c.id AS centre_id, c.code AS centre, c.time_zone
                    FROM homeward.participants p
                    JOIN homeward.participant_placements pl ON pl.participant_id = p.id
                    JOIN days d ON pl.during @> d.day
                    JOIN homeward.centres c ON c.id = pl.centre_id
                    WHERE p.status NOT IN ('completed', 'withdrawn') AND ($4::text IS NULL OR c.code = $4)
                      AND EXISTS (SELECT 1 FROM homeward.enrolments e WHERE e.participant_id = p.id AND e.status = 'active')
                ), free AS (
                    SELECT pl.case_number, pl.centre, open.m - coalesce(busy.m, '{}'::tstzmultirange) AS m
                    FROM placed pl
                    CROSS JOIN LATERAL (
                        SELECT range_agg(tstzrange((pl.day + h.opens_at) AT TIME ZONE pl.time_zone,
                                                   (pl.day + h.closes_at) AT TIME ZONE pl.time_zone)) AS m
                        FROM homeward.centre_opening_hours h
                        WHERE h.centre_id = pl.centre_id AND h.weekday = extract(isodow FROM pl.day)) open
                    CROSS JOIN LATERAL (
                        SELECT range_agg(x) AS m FROM (
                            SELECT tstzrange((pl.day + b.starts_at) AT TIME ZONE pl.time_zone,
                                             (pl.day + b.ends_at) AT TIME ZONE pl.time_zone) AS x
                            FROM homeward.centre_timetable_blocks b
                            WHERE b.centre_id = pl.centre_id AND b.weekday = extract(isodow FROM pl.day)
                            UNION ALL
                            SELECT tstzrange((pl.day + se.school_day_starts_at) AT TIME ZONE pl.time_zone,
                                             (pl.day + se.school_day_ends_at) AT TIME ZONE pl.time_zone
                                                 + (SELECT homeward.after_school_buffer()))
                            FROM homeward.school_enrolments se
                            WHERE se.participant_id = pl.participant_id AND se.enrolled_from <= pl.day
                              AND (se.enrolled_to IS NULL OR se.enrolled_to >= pl.day)
                              AND extract(isodow FROM pl.day)::smallint = ANY (se.school_weekdays)
                        ) blocked) busy
                )
                SELECT case_number, centre, \(slot("lower(r)", rounding: "ceil")), \(slot("upper(r)", rounding: "floor"))
                FROM free CROSS JOIN LATERAL unnest(free.m) AS r
                ORDER BY case_number, lower(r)
                """, common
            ).rows {
                let code: String = try row.decode(0)
                guard participants[code] != nil else { continue }
                let range = SlotRange(start: try row.decode(2), end: try row.decode(3))
                if !range.isEmpty { participants[code]!.available[try row.decode(1), default: []].append(range) }
            }
            // How far behind each participant is (1 − their slowest enrolment's pace, from the progress view), read once
            // for everyone: the scheduler serves those furthest behind first when capacity is contested.
            var behind: [String: Double] = [:]
            for row in try connection.query(
                """
                SELECT case_number, greatest(0, least(1, 1 - min(pace)))::float8
                FROM homeward.enrolment_progress WHERE pace IS NOT NULL AND required_to_date > 0
                GROUP BY case_number
                """
            ).rows {
                behind[try row.decode(0)] = try row.decode(1)
            }
            let participantList = participants.keys.sorted().map { code in
                let record = participants[code]!
                // Daily limits by age on each day: a child turning 7 or 18 mid-horizon gets the new limit from that day.
                let limits = (0..<request.days).map { day in
                    (record.birthdayDay.map { day >= $0 } ?? false) ? record.limitAfter : record.limitBefore
                }
                var participant = SchedulerParticipant(
                    id: code, languages: record.languages, ageYears: record.age, sex: record.sex,
                    isChild: record.isChild, maxSessionsPerDay: limits.min() ?? record.limitBefore,
                    available: record.available, behindScore: behind[code] ?? 0,
                    familyId: record.familyID, linkedParticipants: record.linked)
                if Set(limits).count > 1 { participant.maxSessionsPerDayByDay = limits }
                return participant
            }

            let (demands, gaps) = try demandUnits(request, settings: settings, prelude: prelude, common: common, slot: slot)
            let existing = try existingSessions(prelude: prelude, common: common, slot: slot, horizonSlots: request.days * (1440 / settings.slotMinutes))

            let instance = Instance(
                horizon: Horizon(startISO: PostgresTimestampText.iso(horizonStart), days: request.days, slotMinutes: settings.slotMinutes),
                participants: participantList, staff: staffList, rooms: rooms, demands: demands, existingSessions: existing,
                weights: settings.weights, seed: settings.seed,
                budget: Budget(maxIterations: settings.budgetIterations, maxMilliseconds: settings.budgetMilliseconds))
            return SchedulingProblem(instance: instance, horizonStart: horizonStart, gaps: gaps)
        }
    }

    /// Demand units: per active enrolment, current-phase requirement and ISO week, required minus already planned or held.
    private func demandUnits(
        _ request: ScheduleRequest, settings: SchedulingSettings, prelude: String, common: [any PostgresEncodable],
        slot: (String, String) -> String
    ) throws -> ([Demand], [KnownGap]) {
        var demands: [Demand] = []
        var noFamily: [KnownGap] = []
        // Per active enrolment, current-phase requirement and ISO week of the horizon: the window the plan may use and
        // the sessions the week asks for (homeward.sessions_due_in_share). Shared by the demand and the ages-out report.
        let needCTE = """
        , weeks AS (SELECT DISTINCT date_trunc('week', day)::date AS week_start FROM days)
        , need AS (
            SELECT e.id AS enrolment_id, p.id AS participant_id, p.case_number, q.id AS requirement_id, q.code AS requirement_code,
                   q.session_type, q.mode, q.staff_role, q.group_min, q.group_max, q.duration_minutes, q.room_kind,
                   q.requires_child_clearance, q.paediatric_only, w.week_start,
                   -- ages are judged per day: a birthday inside the week ends one age band's window and starts the next
                   greatest(w.week_start, $1::date + $5::int, e.phase_started_on, lower(el.days)) AS window_from,
                   least(w.week_start + 7, $1::date + $2::int, e.phase_started_on + ph.duration_days, upper(el.days)) AS window_to,
                   homeward.sessions_due_in_share(q.sessions_per_week, e.phase_started_on, w.week_start, el.days, $1::date + $2::int) AS required,
                   homeward.sessions_due_in_week(q.sessions_per_week, e.phase_started_on, w.week_start) AS due_in_week,
                   upper(el.days) AS eligible_until,
                   (SELECT min(fm.family_id) FROM homeward.family_members fm WHERE fm.participant_id = p.id) AS family_id
            FROM homeward.enrolments e
            JOIN homeward.participants p ON p.id = e.participant_id AND p.status NOT IN ('completed', 'withdrawn')
            JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
            JOIN homeward.phase_requirements q ON q.phase_id = ph.id
            JOIN weeks w ON w.week_start + 7 > e.phase_started_on AND w.week_start < e.phase_started_on + ph.duration_days
            CROSS JOIN LATERAL (SELECT homeward.eligible_during(p.birth_date, p.sex::text, q.min_age, q.max_age, q.sex::text) AS days) el
            WHERE e.status = 'active'
              AND el.days && daterange(w.week_start, w.week_start + 7)
        )
        """
        let rows = try connection.query(
            prelude + needCTE + """
            , counted AS (
                SELECT n.*,
                       n.required - (SELECT count(*) FROM homeward.sessions s
                                     WHERE homeward.session_counts_for(s.requirement_id, s.mode, n.requirement_id, n.mode)
                                       AND s.occupies
                                       AND s.starts_at >= (n.week_start::timestamp AT TIME ZONE $3::text)
                                       AND s.starts_at < ((n.week_start + 7)::timestamp AT TIME ZONE $3::text)
                                       AND CASE WHEN n.mode = 'family' THEN s.family_id = n.family_id
                                                ELSE EXISTS (SELECT 1 FROM homeward.session_participants sp
                                                             WHERE sp.session_id = s.id AND sp.participant_id = n.participant_id) END
                                    )::int AS missing,
                       (SELECT c.code FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
                        WHERE pl.participant_id = n.participant_id AND pl.during @> n.window_from) AS centre,
                       (SELECT st.code FROM homeward.session_participants sp
                        JOIN homeward.sessions s ON s.id = sp.session_id AND s.status IN ('planned', 'held')
                        JOIN homeward.session_staff ss ON ss.session_id = s.id
                        JOIN homeward.staff st ON st.id = ss.staff_id AND st.active
                        JOIN homeward.staff_roles sr ON sr.staff_id = st.id AND sr.role = n.staff_role
                        WHERE sp.participant_id = n.participant_id
                        ORDER BY s.starts_at DESC LIMIT 1) AS previous_staff,
                       CASE WHEN n.mode = 'family' THEN array(
                           SELECT p2.case_number FROM homeward.family_members fm JOIN homeward.participants p2 ON p2.id = fm.participant_id
                           WHERE fm.family_id = n.family_id ORDER BY p2.case_number) END AS family_members
                FROM need n
                WHERE n.window_from < n.window_to
            )
            -- One family session a week serves every member's family requirement: one demand per family and week,
            -- from the member whose programme asks for the most.
            SELECT DISTINCT ON (CASE WHEN mode = 'family' THEN 'f' || coalesce(family_id::text, case_number) ELSE case_number END,
                                CASE WHEN mode = 'family' THEN 0 ELSE requirement_id END, week_start)
                   enrolment_id, case_number, requirement_id, requirement_code, session_type, mode, staff_role,
                   coalesce(group_min, 2), coalesce(group_max, 8), duration_minutes, room_kind, requires_child_clearance, paediatric_only,
                   week_start, \(slot("(window_from::timestamp AT TIME ZONE $3::text)", "floor")),
                   \(slot("(window_to::timestamp AT TIME ZONE $3::text)", "floor")),
                   missing, centre, previous_staff, family_id, family_members
            FROM counted
            WHERE missing > 0 AND centre IS NOT NULL AND ($4::text IS NULL OR centre = $4)
            ORDER BY CASE WHEN mode = 'family' THEN 'f' || coalesce(family_id::text, case_number) ELSE case_number END,
                     CASE WHEN mode = 'family' THEN 0 ELSE requirement_id END, week_start, missing DESC, requirement_id
            """, common + [request.freezeDays]
        ).rows
        for row in rows {
            let mode = DemandMode(rawValue: try row.decode(5)) ?? .individual
            let caseNumber: String = try row.decode(1)
            let requirementID: Int = try row.decode(2)
            let familyID: Int? = try row.decode(19)
            var members: [String] = [caseNumber]
            if mode == .family {
                guard familyID != nil, let family = try row.decode(20, as: [String]?.self), !family.isEmpty else {
                    // A family session needs a family: that is a gap for the coordinator, not a silent skip.
                    noFamily.append(KnownGap(
                        caseNumber: caseNumber, requirementID: requirementID, weekStart: try row.decode(13), sessions: try row.decode(16),
                        reason: "no_family_recorded",
                        detail: "\(caseNumber)'s programme asks for a family session (\(try row.decode(3, as: String.self))) but no family "
                            + "is recorded: add one with `homeward family add`"))
                    continue
                }
                members = family
            }
            let weekStart: LocalDate = try row.decode(13)
            let missing: Int = try row.decode(16)
            for unit in 0..<missing {
                let owner = mode == .family ? "F\(familyID!)" : caseNumber
                demands.append(Demand(
                    id: "\(owner)/R\(requirementID)/\(weekStart)/\(unit + 1)", requirementId: String(requirementID),
                    sessionType: try row.decode(4), mode: mode, participants: members,
                    groupKey: mode == .group ? "R\(requirementID)" : nil,
                    groupMin: try row.decode(7), groupMax: try row.decode(8), staffRole: try row.decode(6),
                    paediatricOnly: try row.decode(12), requiresChildClearance: try row.decode(11),
                    durationSlots: (try row.decode(9, as: Int.self)) / settings.slotMinutes,
                    window: SlotRange(start: try row.decode(14), end: try row.decode(15)), weekLabel: weekStart.isoWeek,
                    roomKinds: [try row.decode(10)], centreId: try row.decode(17), preferredStaffId: try row.decode(18)))
            }
        }
        return (demands, noFamily + (try agesOut(request, prelude: prelude, needCTE: needCTE, common: common)))
    }

    /// Requirement-weeks a birthday cuts short inside the plan: the age band ends before the week (or the horizon) does,
    /// so the sessions of the rest of the week are reported as `participant_ages_out` instead of vanishing.
    private func agesOut(
        _ request: ScheduleRequest, prelude: String, needCTE: String, common: [any PostgresEncodable]
    ) throws -> [KnownGap] {
        try connection.query(
            prelude + needCTE + """
            SELECT n.case_number, n.requirement_id, n.week_start, n.due_in_week - n.required, n.eligible_until,
                   n.requirement_code, c.code
            FROM need n
            JOIN homeward.participant_placements pl ON pl.participant_id = n.participant_id AND pl.during @> $1::date
            JOIN homeward.centres c ON c.id = pl.centre_id
            WHERE n.eligible_until > greatest(n.week_start, $1::date)
              AND n.eligible_until < least(n.week_start + 7, $1::date + $2::int)
              AND n.due_in_week > n.required
              AND ($4::text IS NULL OR c.code = $4)
            ORDER BY n.case_number, n.requirement_id, n.week_start
            """, common + [request.freezeDays]
        ).rows.map { row in
            let caseNumber: String = try row.decode(0)
            let until: LocalDate = try row.decode(4)
            return KnownGap(
                caseNumber: caseNumber, requirementID: try row.decode(1), weekStart: try row.decode(2), sessions: try row.decode(3),
                reason: "participant_ages_out", detail: "\(caseNumber) leaves the age band of \(try row.decode(5, as: String.self)) on \(until) at \(try row.decode(6, as: String.self)): "
                    + "enrol them in the programme for their new age")
        }
    }

    /// Planned and held sessions overlapping the horizon: fixed, they block staff, rooms and participants.
    private func existingSessions(
        prelude: String, common: [any PostgresEncodable], slot: (String, String) -> String, horizonSlots: Int
    ) throws -> [ExistingSession] {
        try connection.query(
            prelude + """
            SELECT s.id::text,
                   array(SELECT st.code FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                         WHERE ss.session_id = s.id ORDER BY 1),
                   c.code || '/' || r.code,
                   array(SELECT p.case_number FROM homeward.session_participants sp JOIN homeward.participants p ON p.id = sp.participant_id
                         WHERE sp.session_id = s.id ORDER BY 1),
                   \(slot("s.starts_at", "floor")), \(slot("s.ends_at", "ceil")),
                   s.session_type, coalesce(s.requirement_id::text, ''), s.mode
            FROM homeward.sessions s
            JOIN homeward.rooms r ON r.id = s.room_id JOIN homeward.centres c ON c.id = s.centre_id
            WHERE s.occupies AND s.during && tstzrange((SELECT start_at FROM horizon), (SELECT end_at FROM horizon))
            ORDER BY s.id
            """, Array(common.prefix(3))
        ).rows.map { row in
            let start = max(0, try row.decode(4, as: Int.self))
            let end = min(horizonSlots, try row.decode(5, as: Int.self))
            let requirement: String = try row.decode(7)
            return ExistingSession(
                id: "S" + (try row.decode(0, as: String.self)), staffIds: try row.decode(1), roomId: try row.decode(2),
                participantIds: try row.decode(3), start: start, durationSlots: max(1, end - start), sessionType: try row.decode(6),
                requirementId: requirement, groupKey: (try row.decode(8, as: String.self)) == "group" && !requirement.isEmpty ? "R\(requirement)" : nil)
        }
    }
}

/// ISO-8601 text of an instant, for the instance's human-readable horizon start.
enum PostgresTimestampText {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
