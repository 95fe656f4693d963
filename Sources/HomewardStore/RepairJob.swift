import Foundation
import Homeward
import Scheduler

/// Which sessions to repair: those starting on the local days `from` … `from + days - 1` (never before the database's
/// now), at one centre or all.
public struct RepairRequest: Sendable, Equatable {
    public var from: LocalDate
    public var days: Int
    public var centreCode: String?

    public init(from: LocalDate, days: Int, centreCode: String? = nil) {
        self.from = from
        self.days = days
        self.centreCode = centreCode
    }
}

/// What a repair did (or, on a dry run, would do).
public struct RepairOutcome: Sendable, Equatable, Codable {
    public var moved: [RepairMove]
    public var unrepaired: [RepairFailure]
    public var dryRun: Bool

    /// Sessions found broken.
    public var broken: Int { moved.count + unrepaired.count }
}

/// `homeward schedule repair`: re-places planned sessions a disruption made impossible (leave, sickness, a departure
/// from the programme, a closed room or centre, changed hours, a participant moved), with the scheduler's own engine
/// and as little change as it can.
///
/// The instance is the scheduler's (`Store.schedulingProblem`, which already leaves out leave, departures and
/// closures), with the broken sessions taken out of the fixed ones and each put back as one demand: its participants
/// together, its requirement's role, room kind and length, the old staff member preferred and the old start, staff
/// and room as the previous placement (the engine's minimal-change and continuity terms). First each may only move
/// within its own day, from the database's now on (inside the freeze window too: a sick psychologist cannot hold
/// those); what finds no place there may move within its ISO week. What still finds none is cancelled with the
/// scheduler's reason, so that its requirement is demand again for the next run.
public enum RepairJob {
    /// Runs the repair; holds the scheduler's lock, so it never races `schedule generate`. One transaction writes it all.
    public static func run(store: Store, request: RepairRequest, settings: SchedulingSettings, dryRun: Bool) throws -> RepairOutcome {
        try store.requireNamed(centre: request.centreCode)
        guard try store.tryScheduleLock() else { throw ScheduleJob.Failure.busy }
        defer { try? store.releaseScheduleLock() }
        let broken = try store.brokenSessions(from: request.from, days: request.days, centreCode: request.centreCode)
        guard !broken.isEmpty else { return RepairOutcome(moved: [], unrepaired: [], dryRun: dryRun) }
        let brokenByID = Dictionary(uniqueKeysWithValues: broken.map { ($0.summary.session.id, $0) })
        let targets = try store.repairTargets(broken.map(\.summary.session.id))

        let now = try store.now(), today = try store.today()
        let lastWeekEnd = targets.map { $0.planningDay.startOfWeek.adding(days: 7) }.max() ?? today.adding(days: 1)
        let days = Swift.min(62, Swift.max(1, today.days(until: lastWeekEnd)))
        let problem = try store.schedulingProblem(
            ScheduleRequest(from: today, days: days, centreCode: request.centreCode, freezeDays: 0), settings: settings)
        let plan = Plan(problem: problem, now: now, today: today, days: days)

        var failures: [RepairFailure] = []
        var dayDemands: [Demand] = [], weekDemands: [String: Demand] = [:]
        var targetByDemand: [String: RepairTarget] = [:]
        for target in targets {
            let cause = brokenByID[target.sessionID]?.cause ?? "no longer possible"
            guard let demands = plan.demands(for: target) else {
                failures.append(try failure(target, cause: cause, reason: "no_requirement",
                                            detail: "the session counts toward no requirement, so the scheduler has no rule to re-place it by", store: store))
                continue
            }
            dayDemands.append(demands.day)
            weekDemands[demands.day.id] = demands.week
            targetByDemand[demands.day.id] = target
        }

        // Same day first, then the same week, around what the first pass placed.
        var instance = problem.instance
        // The broken sessions no longer block anyone: instance_existing names them "S<id>".
        let brokenExisting = Set(targets.map { "S\($0.sessionID)" })
        instance.existingSessions.removeAll { brokenExisting.contains($0.id) }
        instance.demands = dayDemands
        // A repair is about changing as little as possible: keeping a session's time, staff and room outweighs every
        // other soft goal (the number placed still comes first).
        let others = instance.weights.continuity + instance.weights.spread + instance.weights.staffBalance
            + instance.weights.preferredHours + instance.weights.linkedClash + instance.weights.groupStability + instance.weights.priority
        instance.weights.minimalChange = Swift.max(instance.weights.minimalChange, 10 * others)
        let sameDay = try solve(instance)
        instance.existingSessions += sameDay.sessions.enumerated().map { index, session in
            ExistingSession(id: "repair-\(index)", staffIds: [session.staffId], roomId: session.roomId,
                            participantIds: session.participantIds, start: session.start, durationSlots: session.durationSlots,
                            sessionType: session.sessionType, requirementId: session.requirementId)
        }
        instance.demands = sameDay.unplaced.compactMap { weekDemands[$0.demandId] }
        let sameWeek = instance.demands.isEmpty ? nil : try solve(instance)

        var moves: [RepairMove] = []
        var instants: [Int: (starts: Date, ends: Date)] = [:]
        for session in sameDay.sessions + (sameWeek?.sessions ?? []) {
            guard let id = session.demandIds.first, let target = targetByDemand[id] else { continue }
            let startsAt = plan.instant(session.start)
            let roomCode = session.roomId.split(separator: "/").last.map(String.init) ?? session.roomId
            moves.append(RepairMove(
                oldSessionID: target.sessionID, cause: brokenByID[target.sessionID]?.cause ?? "no longer possible",
                centreCode: target.centreCode, caseNumbers: target.caseNumbers,
                oldStart: try store.localTime(target.startsAt, centreCode: target.centreCode), oldStaff: target.staffCodes,
                oldRoom: target.roomCode, newStart: try store.localTime(startsAt, centreCode: target.centreCode),
                newStaff: [session.staffId], newRoom: roomCode))
            instants[target.sessionID] = (startsAt, startsAt.addingTimeInterval(target.endsAt.timeIntervalSince(target.startsAt)))
        }
        for unplaced in sameWeek?.unplaced ?? [] {
            guard let target = targetByDemand[unplaced.demandId] else { continue }
            failures.append(try failure(target, cause: brokenByID[target.sessionID]?.cause ?? "no longer possible",
                                        reason: unplaced.reason.rawValue, detail: unplaced.detail, store: store))
        }
        moves.sort { ($0.oldStart.description, $0.oldSessionID) < ($1.oldStart.description, $1.oldSessionID) }
        failures.sort { ($0.start.description, $0.sessionID) < ($1.start.description, $1.sessionID) }
        if dryRun { return RepairOutcome(moved: moves, unrepaired: failures, dryRun: true) }
        let causes = brokenByID.mapValues(\.cancelledBy)
        let saved = try store.saveRepair(moves, at: instants, failures, causes: causes)
        return RepairOutcome(moved: saved, unrepaired: failures, dryRun: false)
    }

    /// Solves and re-checks the plan against every hard rule, as the nightly run does.
    private static func solve(_ instance: Instance) throws -> Solution {
        let solution = Scheduler.solve(instance)
        let violations = solution.violations(of: instance)
        guard violations.isEmpty else { throw ScheduleJob.Failure.brokeHardRules(violations) }
        return solution
    }

    private static func failure(_ target: RepairTarget, cause: String, reason: String, detail: String, store: Store) throws -> RepairFailure {
        RepairFailure(sessionID: target.sessionID, cause: cause, centreCode: target.centreCode, caseNumbers: target.caseNumbers,
                      start: try store.localTime(target.startsAt, centreCode: target.centreCode), staff: target.staffCodes,
                      room: target.roomCode, reason: reason, detail: detail)
    }

    /// The grid of the instance: slots from the horizon's start, and the first slot not before the database's now.
    private struct Plan {
        var problem: SchedulingProblem
        var now: Date
        var today: LocalDate
        var days: Int

        var slotMinutes: Int { problem.instance.horizon.slotMinutes }
        var slotsPerDay: Int { 1440 / slotMinutes }
        var horizonSlots: Int { days * slotsPerDay }
        var slotSeconds: Double { Double(slotMinutes * 60) }

        func slot(_ instant: Date) -> Double { instant.timeIntervalSince(problem.horizonStart) / slotSeconds }
        func instant(_ slot: Int) -> Date { problem.horizonStart.addingTimeInterval(Double(slot) * slotSeconds) }

        /// The session as a demand that may lie on its own day, and the same demand for its ISO week; nil when it
        /// counts toward no requirement (the scheduler would not know whom to give it).
        func demands(for target: RepairTarget) -> (day: Demand, week: Demand)? {
            guard let requirement = target.requirementID, let role = target.staffRole, let kind = target.roomKind else { return nil }
            let earliest = Int(slot(now).rounded(.up))
            let dayIndex = today.days(until: target.planningDay), weekIndex = today.days(until: target.planningDay.startOfWeek)
            let duration = Int((target.endsAt.timeIntervalSince(target.startsAt) / slotSeconds).rounded(.up))
            let room = "\(target.centreCode)/\(target.roomCode)"
            let day = Demand(
                id: "S\(target.sessionID)", requirementId: String(requirement), sessionType: target.sessionType,
                // a group's members stay together: one demand seating them all, like a family's
                mode: target.mode == "individual" ? .individual : .family, participants: target.caseNumbers,
                staffRole: role, paediatricOnly: target.paediatricOnly, requiresChildClearance: target.requiresChildClearance,
                durationSlots: duration,
                window: SlotRange(start: Swift.max(earliest, dayIndex * slotsPerDay), end: Swift.min(horizonSlots, (dayIndex + 1) * slotsPerDay)),
                weekLabel: target.planningDay.isoWeek, roomKinds: [kind], centreId: target.centreCode,
                preferredStaffId: target.staffCodes.first,
                previous: PreviousPlacement(start: Int(slot(target.startsAt).rounded(.down)), staffId: target.staffCodes.first, roomId: room))
            var week = day
            week.window = SlotRange(start: Swift.max(earliest, weekIndex * slotsPerDay), end: Swift.min(horizonSlots, (weekIndex + 7) * slotsPerDay))
            return (day, week)
        }
    }
}
