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
            // The read sorts and hashes every enrolment's history once (the behind score, the demand): with the server's
            // default 4 MB those sorts spill to disk (61 MB at 10,000 participants); for this transaction only.
            _ = try connection.query("SELECT set_config('work_mem', $1, true)", [Self.readWorkMem])
            return try readProblem(request, settings: settings)
        }
    }

    /// `work_mem` of the read's transaction: enough for its sorts at 10,000 participants to stay in memory.
    static let readWorkMem = "64MB"

    private func readProblem(_ request: ScheduleRequest, settings: SchedulingSettings) throws -> SchedulingProblem {
        try translatingErrors {
            // Each part is a named SQL function of 0018 (homeward.instance_*); the grid's zone is the planning zone.
            let horizonStart = try connection.query("SELECT homeward.horizon_start($1::date)", [request.from]).scalar(Date.self)
            let grid: [any PostgresEncodable] = [request.from, request.days, request.centreCode, settings.slotMinutes]
            let horizonSlots = request.days * (1440 / settings.slotMinutes)

            // Rooms: open when their centre is open.
            var roomSlots: [String: (centre: String, kind: String, capacity: Int, ranges: [SlotRange])] = [:]
            for row in try connection.query("SELECT * FROM homeward.instance_rooms($1::date, $2::int, $3::text, $4::int)", grid).rows {
                let id: String = try row.decode(0)
                if roomSlots[id] == nil { roomSlots[id] = (try row.decode(1), try row.decode(2), try row.decode(3), []) }
                roomSlots[id]!.ranges.append(SlotRange(start: try row.decode(4), end: try row.decode(5)))
            }
            let rooms = roomSlots.keys.sorted().map { id in
                let entry = roomSlots[id]!
                return SchedulerRoom(id: id, centreId: entry.centre, kind: entry.kind, capacity: entry.capacity, available: entry.ranges)
            }

            // Staff: weekly availability per centre on the horizon's days, minus leave; weekly limits minus what is planned.
            struct StaffRecord { var roles: [String]; var languages: [String]; var children: Bool
                                 var available: [String: [SlotRange]] = [:]; var limits: [WeeklyLimit] = [] }
            var staff: [String: StaffRecord] = [:]
            for row in try connection.query("SELECT * FROM homeward.instance_staff($1::text)", [request.centreCode]).rows {
                staff[try row.decode(0)] = StaffRecord(roles: try row.decode(1), languages: try row.decode(2), children: try row.decode(3))
            }
            for row in try connection.query(
                "SELECT * FROM homeward.instance_staff_windows($1::date, $2::int, $3::text, $4::int)", grid
            ).rows {
                let code: String = try row.decode(0)
                guard staff[code] != nil else { continue }
                staff[code]!.available[try row.decode(1), default: []].append(SlotRange(start: try row.decode(2), end: try row.decode(3)))
            }
            for row in try connection.query(
                "SELECT * FROM homeward.instance_staff_weeks($1::date, $2::int, $3::int)", [request.from, request.days, settings.slotMinutes]
            ).rows {
                let code: String = try row.decode(0)
                guard staff[code] != nil else { continue }
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
                "SELECT * FROM homeward.instance_participants($1::date, $2::int)", [request.from, request.days]
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
                "SELECT * FROM homeward.instance_participant_windows($1::date, $2::int, $3::text, $4::int)", grid
            ).rows {
                let code: String = try row.decode(0)
                guard participants[code] != nil else { continue }
                let range = SlotRange(start: try row.decode(2), end: try row.decode(3))
                if !range.isEmpty { participants[code]!.available[try row.decode(1), default: []].append(range) }
            }
            // How far behind each participant is, read once for everyone: the scheduler serves those furthest behind
            // first when capacity is contested.
            var behind: [String: Double] = [:]
            for row in try connection.query("SELECT * FROM homeward.instance_behind()").rows {
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

            let (demands, gaps) = try demandUnits(request, settings: settings, free: participants.mapValues(\.available),
                                                  horizon: SlotRange(start: 0, end: horizonSlots))
            let existing = try existingSessions(request, settings: settings, horizonSlots: horizonSlots)

            let instance = Instance(
                horizon: Horizon(startISO: PostgresTimestampText.iso(horizonStart), days: request.days, slotMinutes: settings.slotMinutes),
                participants: participantList, staff: staffList, rooms: rooms, demands: demands, existingSessions: existing,
                weights: settings.weights, seed: settings.seed,
                budget: Budget(maxIterations: settings.budgetIterations, maxMilliseconds: settings.budgetMilliseconds))
            return SchedulingProblem(instance: instance, horizonStart: horizonStart, gaps: gaps)
        }
    }

    /// Demand units (homeward.instance_demand): per active enrolment, current-phase requirement and ISO week, required
    /// minus already planned or held.
    ///
    /// A family whose members are never free together at their centre anywhere in the horizon (school shifts that never
    /// overlap) is one known gap a week with one reason naming the members' hours (homeward.family_hours), the same
    /// every week, instead of whatever the search happened to fail on.
    private func demandUnits(_ request: ScheduleRequest, settings: SchedulingSettings, free: [String: [String: [SlotRange]]],
                             horizon: SlotRange) throws -> ([Demand], [KnownGap]) {
        var demands: [Demand] = []
        var noFamily: [KnownGap] = []
        var neverMeets: [String: String?] = [:]
        // Without merge joins for this one query: at 100,000 participants the planner merged the family sessions held
        // onto the need by week alone, comparing 1.8 billion pairs (102 s); hashing both keys takes 35 s, and 10,000
        // participants' demand is read as fast either way. The setting is put back for the rest of the read.
        let mergeJoins = try connection.query("SELECT current_setting('enable_mergejoin')").scalar(String.self)
        _ = try connection.query("SELECT set_config('enable_mergejoin', 'off', true)")
        let rows = try connection.query(
            "SELECT * FROM homeward.instance_demand($1::date, $2::int, $3::text, $4::int, $5::int)",
            [request.from, request.days, request.centreCode, request.freezeDays, settings.slotMinutes]
        ).rows
        _ = try connection.query("SELECT set_config('enable_mergejoin', $1, true)", [mergeJoins])
        for row in rows {
            let modeText: String = try row.decode(5)
            guard let mode = DemandMode(rawValue: modeText) else {
                throw StoreError.database("requirement \(try row.decode(3, as: String.self)): mode \"\(modeText)\" is not one the scheduler knows")
            }
            let caseNumber: String = try row.decode(1)
            let requirementID: Int = try row.decode(2)
            let familyID: Int? = try row.decode(19)
            var members: [String] = [caseNumber]
            func gap(_ reason: String, _ detail: String) throws {
                noFamily.append(KnownGap(caseNumber: caseNumber, requirementID: requirementID, weekStart: try row.decode(13),
                                         sessions: try row.decode(16), reason: reason, detail: detail))
            }
            if mode == .family {
                guard familyID != nil, let family = try row.decode(20, as: [String]?.self), !family.isEmpty else {
                    // A family session needs a family: that is a gap for the coordinator, not a silent skip.
                    try gap("no_family_recorded", "\(caseNumber)'s programme asks for a family session (\(try row.decode(3, as: String.self))) "
                        + "but no family is recorded: add one with `homeward family add`")
                    continue
                }
                members = family
                let centre: String = try row.decode(17)
                let duration = (try row.decode(9, as: Int.self)) / settings.slotMinutes
                let key = "\(familyID!)@\(centre)@\(family.joined(separator: ","))"
                if neverMeets[key] == nil {
                    let away = family.filter { (free[$0]?[centre] ?? []).isEmpty }
                    let common = Self.longestCommonRun(family.map { free[$0]?[centre] ?? [] }, within: horizon)
                    neverMeets[key] = family.count < 2 || common >= duration ? .some(nil)
                        : !away.isEmpty
                            ? "\(away.joined(separator: ", ")) not placed or never free there in the plan); if they left the family, "
                                + "record it with `homeward family leave`"
                            : (try connection.query("SELECT homeward.family_hours($1, $2::date)", [familyID, request.from]).scalar(String?.self)
                                ?? family.joined(separator: ", ")) + "); change a school shift or record the family session by hand with --override"
                }
                if let why = neverMeets[key] ?? nil {
                    try gap("participant_unavailable", "family \(familyID!) can never meet at \(centre): its members are never free together there (\(why)")
                    continue
                }
            }
            let weekStart: LocalDate = try row.decode(13)
            let missing: Int = try row.decode(16)
            // One demand per missing session, all alike but for the id: the row is decoded once, not once per session.
            let unit = Demand(
                id: "", requirementId: String(requirementID),
                sessionType: try row.decode(4), mode: mode, participants: members,
                groupKey: mode == .group ? "R\(requirementID)" : nil,
                groupMin: try row.decode(7), groupMax: try row.decode(8), staffRole: try row.decode(6),
                paediatricOnly: try row.decode(12), requiresChildClearance: try row.decode(11),
                durationSlots: (try row.decode(9, as: Int.self)) / settings.slotMinutes,
                window: SlotRange(start: try row.decode(14), end: try row.decode(15)), weekLabel: weekStart.isoWeek,
                roomKinds: [try row.decode(10)], centreId: try row.decode(17), preferredStaffId: try row.decode(18))
            let prefix = "\(mode == .family ? "F\(familyID!)" : caseNumber)/R\(requirementID)/\(weekStart)/"
            for number in stride(from: 1, through: missing, by: 1) {
                var demand = unit
                demand.id = prefix + String(number)
                demands.append(demand)
            }
        }
        return (demands, noFamily + (try agesOut(request)))
    }

    /// The longest run of slots inside `window` that every list of free ranges covers (0 when one list is empty).
    static func longestCommonRun(_ lists: [[SlotRange]], within window: SlotRange) -> Int {
        var common = [window]
        for list in lists {
            var next: [SlotRange] = []
            for a in common {
                for b in list where a.overlaps(b) {
                    next.append(SlotRange(start: max(a.start, b.start), end: min(a.end, b.end)))
                }
            }
            common = next
            if common.isEmpty { return 0 }
        }
        return common.map(\.count).max() ?? 0
    }

    /// Requirement-weeks a birthday cuts short inside the plan (homeward.instance_ages_out): the age band ends before the
    /// week (or the horizon) does, so the sessions of the rest of the week are reported as `participant_ages_out`
    /// instead of vanishing.
    private func agesOut(_ request: ScheduleRequest) throws -> [KnownGap] {
        try connection.query(
            "SELECT * FROM homeward.instance_ages_out($1::date, $2::int, $3::text, $4::int)",
            [request.from, request.days, request.centreCode, request.freezeDays]
        ).rows.map { row in
            let caseNumber: String = try row.decode(0)
            let until: LocalDate = try row.decode(4)
            let next = try connection.query(
                "SELECT homeward.next_programme(p.id, $2::date) FROM homeward.participants p WHERE p.case_number = $1", [caseNumber, until]
            ).rows.first.flatMap { try $0.decode(0, as: String?.self) }
            let advice = next.map { "enrol them in \($0), the programme for their new age" } ?? "enrol them in the programme for their new age"
            return KnownGap(
                caseNumber: caseNumber, requirementID: try row.decode(1), weekStart: try row.decode(2), sessions: try row.decode(3),
                reason: "participant_ages_out", detail: "\(caseNumber) leaves the age band of \(try row.decode(5, as: String.self)) on \(until) at \(try row.decode(6, as: String.self)): "
                    + advice)
        }
    }

    /// Planned and held sessions overlapping the horizon (homeward.instance_existing): fixed, they block staff, rooms and
    /// participants. Planned group sessions with seats left (homeward.instance_open_seats, 0023) say how many and where,
    /// so newcomers of the same requirement may join them.
    private func existingSessions(_ request: ScheduleRequest, settings: SchedulingSettings, horizonSlots: Int) throws -> [ExistingSession] {
        var seats: [String: (centre: String, open: Int)] = [:]
        for row in try connection.query(
            "SELECT * FROM homeward.instance_open_seats($1::date, $2::int, $3::int)", [request.from, request.days, settings.slotMinutes]
        ).rows {
            seats["S" + String(try row.decode(0, as: Int.self))] = (try row.decode(1), try row.decode(2))
        }
        return try connection.query(
            "SELECT * FROM homeward.instance_existing($1::date, $2::int, $3::int)", [request.from, request.days, settings.slotMinutes]
        ).rows.map { row in
            let start = max(0, try row.decode(4, as: Int.self))
            let end = min(horizonSlots, try row.decode(5, as: Int.self))
            let requirement: String = try row.decode(7)
            let id = "S" + String(try row.decode(0, as: Int.self))
            let room: String = try row.decode(2)
            return ExistingSession(
                id: id, staffIds: try row.decode(1), roomId: room,
                participantIds: try row.decode(3), start: start, durationSlots: max(1, end - start), sessionType: try row.decode(6),
                requirementId: requirement, groupKey: (try row.decode(8, as: String.self)) == "group" && !requirement.isEmpty ? "R\(requirement)" : nil,
                centreId: seats[id]?.centre ?? room.split(separator: "/").first.map(String.init), openSeats: seats[id]?.open)
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
