import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// Progress read for a caseload (0034's `…_progress_for(ids)`) gives the population's rows for it, under the caller's
/// rights; and flag evaluation keeps its time once per run without changing what a flag says or when it was last looked at.
@Suite struct CaseloadCostTests {
    /// Two participants at AKT-RC, one moved to NGO-AST, one whose placement ended (no centre today), each with history.
    private func world(_ connection: Connection) throws {
        let world = ProgressFixtures(connection: connection)
        try world.world()
        for (number, caseNumber) in ["KZ-A-0001", "KZ-A-0002", "KZ-B-0001", "KZ-X-0001"].enumerated() {
            try world.participant(caseNumber, enrolled: "2026-10-03")
            try world.session(caseNumber, day: "2026-10-05", attendance: number % 2 == 0 ? "attended" : "absent_unexcused")
            try world.session(caseNumber, day: "2026-10-12", attendance: "attended")
            try world.session(caseNumber, day: "2026-11-02")
        }
        try connection.execute(
            """
            UPDATE homeward.participant_placements pl SET centre_id = (SELECT id FROM homeward.centres WHERE code = 'NGO-AST')
            FROM homeward.participants p WHERE p.id = pl.participant_id AND p.case_number = 'KZ-B-0001'
            """)
        try connection.execute(
            """
            UPDATE homeward.participant_placements pl SET during = daterange('2026-09-01', '2026-10-20')
            FROM homeward.participants p WHERE p.id = pl.participant_id AND p.case_number = 'KZ-X-0001'
            """)
        try world.today("2026-10-31")
    }

    /// Rows of `query` as text, sorted: compared whole.
    private func rows(_ connection: Connection, _ query: String, _ parameters: [any PostgresEncodable] = []) throws -> [String] {
        try connection.query("SELECT x::text FROM (\(query)) x ORDER BY 1", parameters).rows.map { try $0.decode(0, as: String.self) }
    }

    private func ids(_ connection: Connection, _ caseNumbers: [String]) throws -> [Int] {
        try connection.query("SELECT id FROM homeward.participants WHERE case_number = ANY ($1) ORDER BY id", [caseNumbers]).rows
            .map { try $0.decode(0, as: Int.self) }
    }

    @Test func aCaseloadReadsThePopulationsRowsForIt() throws {
        try TestDatabase.withConnection { connection in
            try world(connection)
            let everyone = try rows(connection, "SELECT * FROM homeward.requirement_progress")
            #expect(try everyone.count == 4 && everyone == (try rows(connection, "SELECT * FROM homeward.requirement_progress_for(NULL)")))
            #expect(try rows(connection, "SELECT * FROM homeward.enrolment_progress").count == 4)
            #expect(try rows(connection, "SELECT centre_code FROM homeward.enrolment_progress").sorted()
                    == ["()", "(AKT-RC)", "(AKT-RC)", "(NGO-AST)"].sorted())
            for view in ["requirement_progress", "enrolment_progress"] {
                for centre in ["AKT-RC", "NGO-AST"] {
                    let population = try rows(connection, "SELECT * FROM homeward.\(view) WHERE centre_code = $1", [centre])
                    let all = try ids(connection, ["KZ-A-0001", "KZ-A-0002", "KZ-B-0001", "KZ-X-0001"])
                    #expect(!population.isEmpty)
                    #expect(try rows(connection, "SELECT * FROM homeward.\(view)_for($1) WHERE centre_code = $2", [all, centre]) == population,
                            "\(view) at \(centre)")
                }
                let one = try ids(connection, ["KZ-A-0002"])
                #expect(try rows(connection, "SELECT * FROM homeward.\(view)_for($1)", [one])
                        == (try rows(connection, "SELECT * FROM homeward.\(view) WHERE case_number = 'KZ-A-0002'")))
                #expect(try rows(connection, "SELECT * FROM homeward.\(view)_for('{}')").isEmpty)
            }

            // The store's centre read: the centre's rows of the views, worst first, nobody else's.
            let store = Store(connection: connection)
            let akt = try store.progress(centreCode: "AKT-RC")
            #expect(akt.map(\.caseNumber) == ["KZ-A-0002", "KZ-A-0001"])
            #expect(akt.allSatisfy { $0.centreCode == "AKT-RC" && $0.requirements.count == 1 })
            #expect(try store.progress(centreCode: "NGO-AST").map(\.caseNumber) == ["KZ-B-0001"])
            let moved = try #require(try store.progress(centreCode: "NGO-AST").first)
            #expect(moved == (try store.progress(caseNumber: "KZ-B-0001").first))
            #expect(moved.attended == 2 && moved.missed == 0 && moved.planned == 1)
            // Placed nowhere today: in no centre's caseload, still read by case number.
            #expect(try store.progress(caseNumber: "KZ-X-0001").map(\.centreCode) == [nil])
        }
    }

    @Test func aCoordinatorReadsOnlyTheirCentresProgress() throws {
        try TestDatabase.withMigrated { database in
            let owner = try database.connect()
            try world(owner)
            let all = try ids(owner, ["KZ-A-0001", "KZ-A-0002", "KZ-B-0001", "KZ-X-0001"])
            try database.withLogin(.coordinator, centres: ["AKT-RC"], prefix: "caseload_coord", using: owner) { coordinator, _ in
                try ProgressFixtures(connection: coordinator).today("2026-10-31")
                for view in ["requirement_progress", "enrolment_progress"] {
                    let seen = try rows(coordinator, "SELECT case_number FROM homeward.\(view)_for($1)", [all])
                    #expect(seen == ["(KZ-A-0001)", "(KZ-A-0002)"], "\(view)")
                    #expect(try rows(coordinator, "SELECT * FROM homeward.\(view)_for(NULL)")
                            == (try rows(coordinator, "SELECT * FROM homeward.\(view)")))
                }
                let store = Store(connection: coordinator)
                #expect(try store.progress(centreCode: "AKT-RC").map(\.caseNumber) == ["KZ-A-0002", "KZ-A-0001"])
                #expect(try store.progress(centreCode: "NGO-AST").isEmpty, "another centre's caseload is not theirs to read")
            }
        }
    }

    @Test func anEvaluationWritesNoFlagItDoesNotChange() throws {
        try TestDatabase.withConnection { connection in
            let world = ProgressFixtures(connection: connection)
            try world.world()
            try world.participant("KZ-A-0001", enrolled: "2026-10-03")
            try world.session("KZ-A-0001", day: "2026-10-10", attendance: "attended")
            try world.session("KZ-A-0001", day: "2026-10-17", attendance: "absent_excused")
            try world.session("KZ-A-0001", day: "2026-10-20", attendance: "absent_unexcused")
            try world.today("2026-10-24")
            let store = Store(connection: connection)
            func state() throws -> [String] {
                try rows(connection, "SELECT participant_id, rule, subject, severity, status, condition_holds FROM homeward.flags")
            }
            func versions() throws -> [String] { try rows(connection, "SELECT id, xmin::text FROM homeward.flags") }
            func latest() throws -> Date {
                try connection.query("SELECT max(evaluated_at) FROM homeward.flag_evaluations").scalar(Date.self)
            }

            let first = try store.evaluateFlags(policy: FlagPolicy())
            #expect(first.opened > 0)
            let opened = try state(), written = try versions(), firstAt = try latest()
            #expect(try store.flags().allSatisfy { $0.lastEvaluatedAt == firstAt })

            let second = try store.evaluateFlags(policy: FlagPolicy())
            #expect(second.opened == 0 && second.updated == 0 && second.reopened == 0 && second.resolved == 0)
            #expect(try state() == opened)
            #expect(try versions() == written, "no flag row is rewritten by an evaluation that changes nothing")
            let secondAt = try latest()
            #expect(secondAt > firstAt)
            #expect(try store.flags().allSatisfy { $0.lastEvaluatedAt == secondAt }, "the latest evaluation looked at every flag that holds")
            #expect(try connection.query("SELECT count(*)::int FROM homeward.flag_evaluations").scalar(Int.self) == 2)

            // The condition clears: the flag resolves at that evaluation, and later ones leave its time as it was.
            try world.session("KZ-A-0001", day: "2026-10-25", attendance: "late")
            try world.today("2026-10-26")
            let third = try store.evaluateFlags(policy: FlagPolicy())
            #expect(third.resolved > 0)
            let thirdAt = try latest()
            let resolved = try store.flags().filter { $0.status == .resolved }
            #expect(!resolved.isEmpty && resolved.allSatisfy { $0.lastEvaluatedAt == thirdAt })
            _ = try store.evaluateFlags(policy: FlagPolicy())
            #expect(try latest() > thirdAt)
            for flag in resolved {
                #expect(try store.flag(id: flag.id).flag.lastEvaluatedAt == thirdAt, "a cleared flag keeps the time its condition was seen to clear")
            }
        }
    }
}
