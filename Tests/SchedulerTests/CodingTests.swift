import Foundation
import Testing
import Scheduler

/// The JSON format is public: it must round-trip and read the way the docs say.
@Suite struct CodingTests {
    @Test func instanceRoundTrips() throws {
        let inst = RandomInstances.make(seed: 11, size: .medium)
        let data = try JSONEncoder().encode(inst)
        #expect(try JSONDecoder().decode(Instance.self, from: data) == inst)
    }

    @Test func solutionRoundTrips() throws {
        let inst = RandomInstances.make(seed: 12, size: .medium)
        let s = Fx.solve(inst, iterations: 300)
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(Solution.self, from: data) == s)
    }

    @Test func minimalInstanceDecodesWithDefaults() throws {
        let json = """
        {
          "horizon": {"startISO": "2026-11-30T00:00", "days": 1, "slotMinutes": 15},
          "participants": [{"id": "KZ-0001", "languages": ["kk", "ru"], "ageYears": 9, "sex": "female",
                            "available": {"AKT-RC": [{"start": 56, "end": 72}]}}],
          "staff": [{"id": "S1", "roles": ["paediatric_psychologist"], "languages": ["ru"], "mayWorkWithChildren": true,
                     "available": {"AKT-RC": [{"start": 36, "end": 72}]}}],
          "rooms": [{"id": "R1", "centreId": "AKT-RC", "kind": "counselling", "capacity": 2, "available": [{"start": 32, "end": 80}]}],
          "demands": [{"id": "D1", "requirementId": "psy-1", "sessionType": "child_individual", "participants": ["KZ-0001"],
                       "staffRole": "paediatric_psychologist", "paediatricOnly": true, "durationSlots": 4,
                       "window": {"start": 0, "end": 96}, "roomKinds": ["counselling"], "centreId": "AKT-RC"}]
        }
        """
        let inst = try JSONDecoder().decode(Instance.self, from: Data(json.utf8))
        #expect(inst.participants[0].isChild)
        #expect(inst.participants[0].maxSessionsPerDay == 2)
        #expect(inst.staff[0].isPaediatric)
        #expect(inst.demands[0].mode == .individual)
        let s = Scheduler.solve(inst, budget: .iterations(100))
        #expect(s.violations(of: inst).isEmpty)
        #expect(s.sessions.first.map { SlotRange(start: 56, end: 72).contains($0.slots) } == true)
        let out = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        #expect(out.contains("\"staffId\":\"S1\""))
    }

    @Test func reasonEncodesAsSnakeCase() throws {
        let u = UnplacedDemand(demandId: "D1", participantIds: ["P1"], reason: .noStaffWithLanguage, detail: "x")
        let text = String(decoding: try JSONEncoder().encode(u), as: UTF8.self)
        #expect(text.contains("\"reason\":\"no_staff_with_language\""))
    }

    /// The example in `Instance`'s doc comment, verbatim.
    @Test func documentedExampleDecodesAndSolves() throws {
        let json = """
        {"horizon": {"startISO": "2026-11-30T00:00", "days": 7, "slotMinutes": 15},
         "participants": [{"id": "KZ-0417", "languages": ["kk", "ru"], "ageYears": 6, "sex": "female",
           "maxSessionsPerDay": 1, "maxSessionsPerDayByDay": [1, 1, 1, 2, 2, 2, 2],
           "available": {"AKT-RC": [{"start": 56, "end": 76}]},
           "preferredSlots": [{"start": 60, "end": 68}], "behindScore": 0.4, "linkedParticipants": ["KZ-0416"]}],
         "staff": [{"id": "S-12", "roles": ["paediatric_psychologist"], "languages": ["kk", "ru"],
           "mayWorkWithChildren": true, "weeklyLimits": [{"window": {"start": 0, "end": 672}, "maxSlots": 120}],
           "available": {"AKT-RC": [{"start": 36, "end": 68}]}}],
         "rooms": [{"id": "AKT-PLAY-1", "centreId": "AKT-RC", "kind": "play", "capacity": 6,
           "available": [{"start": 32, "end": 80}]}],
         "demands": [{"id": "D-9001", "requirementId": "child-psy-3", "sessionType": "child_individual",
           "mode": "individual", "participants": ["KZ-0417"], "staffRole": "paediatric_psychologist",
           "paediatricOnly": true, "durationSlots": 3, "window": {"start": 0, "end": 672}, "weekLabel": "2026-W49",
           "roomKinds": ["play", "counselling"], "centreId": "AKT-RC", "preferredStaffId": "S-12", "priority": 2}],
         "existingSessions": [], "weights": {"continuity": 5}, "seed": 1,
         "budget": {"maxIterations": 200000, "maxMilliseconds": 2000}}
        """
        let inst = try JSONDecoder().decode(Instance.self, from: Data(json.utf8))
        #expect(inst.weights.spread == Weights().spread)
        #expect(inst.participants[0].maxSessions(onDay: 2) == 1 && inst.participants[0].maxSessions(onDay: 3) == 2)
        #expect(inst.budget == Budget(maxIterations: 200_000, maxMilliseconds: 2_000))
        let s = Scheduler.solve(inst, budget: .iterations(100))
        #expect(s.violations(of: inst).isEmpty)
        let session = try #require(s.sessions.first)
        #expect(session.staffId == "S-12" && session.roomId == "AKT-PLAY-1")
        #expect(SlotRange(start: 60, end: 68).contains(session.slots))
        #expect(s.score.continuityKept == 1 && s.score.preferredHoursKept == 1)
        #expect(s.stats.stopReason == .allPlaced && s.stats.upperBound == 1)
    }
}
