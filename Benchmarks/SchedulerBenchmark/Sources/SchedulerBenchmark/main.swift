import Foundation
import Scheduler

/// Times the scheduler on a generated programme (or a JSON instance) and prints one summary line per run.
/// Usage: SchedulerBenchmark [participants …] [--days 14] [--ms 2000] [--iterations N] [--seed 1]
///        [--staffing 1.1] [--rooms 1.0] [--no-groups] [--shape standard|groups|families|school|languages|leave]
///        [--instance in.json] [--dump-instance out.json] [--dump-solution out.json]
///        SchedulerBenchmark --instance in.json --check plan.json   (the independent checker on any plan: ours or CP-SAT's)
var sizes: [Int] = []
var days = 14, ms = 2_000, iterations = 1_000_000, seed: UInt64 = 1
var staffing = 1.1, roomSupply = 1.0, noGroups = false, shape = ScenarioGenerator.Shape.standard
var instancePath: String?, dumpInstance: String?, dumpSolution: String?, checkPath: String?
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--days": days = Int(args.next()!)!
    case "--ms": ms = Int(args.next()!)!
    case "--iterations": iterations = Int(args.next()!)!
    case "--seed": seed = UInt64(args.next()!)!
    case "--staffing": staffing = Double(args.next()!)!
    case "--rooms": roomSupply = Double(args.next()!)!
    case "--no-groups": noGroups = true
    case "--shape":
        let name = args.next()!
        guard let s = ScenarioGenerator.Shape(rawValue: name) else { fatalError("unknown shape \(name)") }
        shape = s
    case "--check": checkPath = args.next()!
    case "--instance": instancePath = args.next()!
    case "--dump-instance": dumpInstance = args.next()!
    case "--dump-solution": dumpSolution = args.next()!
    default: sizes.append(Int(a)!)
    }
}
if sizes.isEmpty && instancePath == nil { sizes = [2_000] }

@MainActor func run(_ inst: Instance, label: String) throws {
    if let path = dumpInstance {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try enc.encode(inst).write(to: URL(fileURLWithPath: path))
    }
    let clock = ContinuousClock()
    let t0 = clock.now
    let s = Scheduler.solve(inst, budget: Budget(maxIterations: iterations, maxMilliseconds: ms))
    let solveTime = clock.now - t0
    let t1 = clock.now
    let v = s.violations(of: inst)
    let checkTime = clock.now - t1
    var reasons: [String: Int] = [:]
    for u in s.unplaced { reasons[u.reason.rawValue, default: 0] += 1 }
    let reasonText = reasons.keys.sorted().map { "\($0)=\(reasons[$0]!)" }.joined(separator: " ")
    print("\(label): participants=\(inst.participants.count) staff=\(inst.staff.count) rooms=\(inst.rooms.count) demands=\(inst.demands.count)")
    print("  placed=\(s.score.placed) (\(String(format: "%.1f", 100 * Double(s.score.placed) / Double(max(1, inst.demands.count))))%) construction=\(s.stats.constructionPlaced) sessions=\(s.score.sessions) violations=\(v.count)")
    print("  constructionMs=\(s.stats.constructionMs) totalMs=\(s.stats.totalMs) iterations=\(s.stats.iterations) improvements=\(s.stats.improvements) restarts=\(s.stats.restarts) byTime=\(s.stats.stoppedByTime) stop=\(s.stats.stopReason.rawValue) upperBound=\(s.stats.upperBound) wall=\(solveTime) check=\(checkTime)")
    print("  soft=\(String(format: "%.1f", s.score.soft)) continuity=\(s.score.continuityKept)/\(s.score.continuityRequested) sameDay=\(s.score.sameDayRepeats) preferred=\(s.score.preferredHoursKept) linkedClashes=\(s.score.linkedClashes)")
    print("  unplaced: \(reasonText)")
    if let path = dumpSolution {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try enc.encode(s).write(to: URL(fileURLWithPath: path))
    }
}

/// Checks a plan written by anyone (this scheduler's --dump-solution, or exact_cpsat.py) with the scheduler's independent
/// checker, `Solution.violations(of:)`: demands not in a session are taken as reported unplaced. Prints one line:
/// `checked placed=N violations=M`, then each violation.
func check(_ inst: Instance, planAt path: String) throws {
    var plan = try JSONDecoder().decode(Solution.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    let served = Set(plan.sessions.flatMap(\.demandIds) + plan.joins.map(\.demandId))
    let reported = Set(plan.unplaced.map(\.demandId))
    for d in inst.demands where !served.contains(d.id) && !reported.contains(d.id) {
        plan.unplaced.append(UnplacedDemand(demandId: d.id, participantIds: d.participants, reason: .displacedByHigherPriority, detail: ""))
    }
    let v = plan.violations(of: inst)
    print("checked placed=\(served.count) violations=\(v.count)")
    for x in v.prefix(20) { print("  \(x.code.rawValue): \(x.detail)") }
}

if let path = instancePath, let planPath = checkPath {
    let inst = try JSONDecoder().decode(Instance.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    try check(inst, planAt: planPath)
    exit(0)
}
if let path = instancePath {
    let inst = try JSONDecoder().decode(Instance.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    try run(inst, label: path)
}
for n in sizes {
    let clock = ContinuousClock()
    let t0 = clock.now
    var inst = ScenarioGenerator(participants: n, days: days, seed: seed, staffing: staffing, roomSupply: roomSupply,
                                 shape: shape).make()
    if noGroups { inst.demands.removeAll { $0.mode == .group } }
    print("generated \(n) participants in \(clock.now - t0)")
    try run(inst, label: "scenario n=\(n) days=\(days) seed=\(seed) shape=\(shape.rawValue)")
}
