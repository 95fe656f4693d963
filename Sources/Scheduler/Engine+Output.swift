/// Turns the search state into the public `Solution`: sessions sorted by time, unplaced demands with reasons.
extension Engine {
    /// The plan as it stands, scored from scratch.
    func solution(stats: SolveStats) -> Solution {
        var out: [PlacedSession] = []
        for x in sessions where x.alive {
            let ds = x.demands.sorted { instance.demands[$0].id < instance.demands[$1].id }
            let first = instance.demands[ds[0]]
            let parts = ds.flatMap { instance.demands[$0].participants }
            out.append(PlacedSession(
                demandIds: ds.map { instance.demands[$0].id }, participantIds: parts, staffId: sIds[x.staff],
                roomId: rIds[x.room], centreId: first.centreId, start: x.start, durationSlots: x.dur,
                sessionType: first.sessionType, requirementId: first.requirementId, mode: first.mode,
                language: x.lang >= 0 ? languages[x.lang] : ""))
        }
        out.sort(by: PlacedSession.inPlanOrder)
        var unplaced: [UnplacedDemand] = []
        var seen = Set<String>()
        for d in dem.indices where dSession[d] < 0 {
            let demand = instance.demands[d]
            guard seen.insert(demand.id).inserted else { continue }
            if dem[d].staticReason == .invalidDemand && dem[d].staticDetail.hasPrefix("demand id") { continue }
            let (code, detail) = diagnose(d)
            unplaced.append(UnplacedDemand(demandId: demand.id, participantIds: demand.participants, reason: code, detail: detail))
        }
        unplaced.sort { $0.demandId < $1.demandId }
        var solution = Solution(sessions: out, unplaced: unplaced, score: Score(), stats: stats)
        solution.score = Score.evaluate(solution, in: instance)
        return solution
    }
}
