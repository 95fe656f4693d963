import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct EnrolmentStoreTests {

    @Test func aPhaseOfAnotherProgrammeIsRejectedByTheDatabase() throws {
        let other = SyncFixture.programme.replacingOccurrences(of: "code: TEST-PROG", with: "code: OTHER-PROG")
        let folder = try TestFiles.folder(["test-prog.yaml": SyncFixture.programme, "other-prog.yaml": other])
        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            _ = try store.syncProgrammes(try ProgrammeCatalogue.load(from: folder))
            try SQLFixtures(connection).participant("KZ-ENR-1")
            // A writer that bypasses the store: the database is the last word.
            let error = #expect(throws: PostgresError.self) {
                try connection.execute(
                    """
                    INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
                    SELECT pa.id, p.id, '2026-01-05', ph.id, '2026-01-05', '2026-06-01'
                    FROM homeward.participants pa, homeward.programmes p, homeward.programme_phases ph
                    JOIN homeward.programmes other ON other.id = ph.programme_id
                    WHERE pa.case_number = 'KZ-ENR-1' AND p.code = 'TEST-PROG' AND other.code = 'OTHER-PROG' AND ph.code = 'INTAKE'
                    """)
            }
            let translated = StoreError(try #require(error))
            #expect(SyncFixture.isRejected(translated, by: "enrolments_phase_in_programme_fk"), "\(translated)")
            #expect(translated.isInputError)
        }
    }

    @Test func advanceGoesThroughEveryPhaseAndThenCompletes() throws {
        try SyncFixture.withSynced { store, connection in
            try SQLFixtures(connection).participant("KZ-ENR-2")
            let id = try store.addEnrolment(caseNumber: "KZ-ENR-2", programmeCode: "TEST-PROG", start: day("2026-01-05"))
            var enrolment = try store.enrolment(id: id).enrolment
            #expect(enrolment.phaseCode == "INTAKE" && enrolment.phaseOrdinal == 1 && enrolment.phaseCount == 3)
            #expect(enrolment.plannedEndOn == day("2026-01-05").adding(days: 14 + 42 + 90))

            #expect(try store.advanceEnrolment(id: id, on: day("2026-01-19")) == .movedTo(phase: "RESIDENTIAL", ordinal: 2))
            #expect(try store.advanceEnrolment(id: id, on: day("2026-03-02")) == .movedTo(phase: "COMMUNITY", ordinal: 3))
            enrolment = try store.enrolment(id: id).enrolment
            #expect(enrolment.phaseStartedOn == day("2026-03-02") && enrolment.status == .active)

            #expect(try store.advanceEnrolment(id: id, on: day("2026-06-01")) == .completed(on: day("2026-06-01")))
            let detail = try store.enrolment(id: id)
            #expect(detail.enrolment.status == .completed && detail.enrolment.endedOn == day("2026-06-01"))
            #expect(detail.phases.map(\.state) == ["done", "done", "done"])

            let error = #expect(throws: StoreError.self) { try store.advanceEnrolment(id: id, on: day("2026-06-02")) }
            #expect(error?.description.contains("only an active enrolment can move to its next phase") == true)
            #expect(error?.isInputError == true)
        }
    }

    @Test func startingInALaterPhasePlansFromThatPhase() throws {
        try SyncFixture.withSynced { store, connection in
            try SQLFixtures(connection).participant("KZ-ENR-3")
            let id = try store.addEnrolment(caseNumber: "KZ-ENR-3", programmeCode: "TEST-PROG", start: day("2026-02-01"), phaseCode: "RESIDENTIAL")
            let enrolment = try store.enrolment(id: id).enrolment
            #expect(enrolment.phaseCode == "RESIDENTIAL")
            #expect(enrolment.plannedEndOn == day("2026-02-01").adding(days: 42 + 90))

            let missing = #expect(throws: StoreError.self) {
                try store.addEnrolment(caseNumber: "KZ-ENR-3", programmeCode: "TEST-PROG", start: day("2026-02-01"), phaseCode: "NOPE")
            }
            #expect(missing?.description.contains("\"NOPE\"") == true)

            let twice = #expect(throws: StoreError.self) {
                try store.addEnrolment(caseNumber: "KZ-ENR-3", programmeCode: "TEST-PROG", start: day("2026-03-01"))
            }
            #expect(SyncFixture.isRejected(twice, by: "enrolments_one_open_per_programme"), "\(String(describing: twice))")
        }
    }

    @Test func pauseResumeAndWithdraw() throws {
        try SyncFixture.withSynced { store, connection in
            try SQLFixtures(connection).participant("KZ-ENR-4")
            let id = try store.addEnrolment(caseNumber: "KZ-ENR-4", programmeCode: "TEST-PROG", start: day("2026-01-05"))
            try store.updateEnrolmentStatus(id: id, to: .paused, on: day("2026-01-10"))
            let paused = #expect(throws: StoreError.self) { try store.advanceEnrolment(id: id, on: day("2026-01-19")) }
            #expect(paused?.description.contains("\"paused\"") == true)

            try store.updateEnrolmentStatus(id: id, to: .active, on: day("2026-01-12"))
            try store.updateEnrolmentStatus(id: id, to: .withdrawn, on: day("2026-01-20"))
            let enrolment = try store.enrolment(id: id).enrolment
            #expect(enrolment.status == .withdrawn && enrolment.endedOn == day("2026-01-20"))
            #expect(try store.enrolments(status: .withdrawn).map(\.id) == [id])

            let reopen = #expect(throws: StoreError.self) { try store.updateEnrolmentStatus(id: id, to: .active, on: day("2026-01-21")) }
            #expect(reopen?.description.contains("closed") == true)
            #expect(throws: StoreError.notFound(what: "enrolment with id", identifier: "999999")) {
                try store.advanceEnrolment(id: 999_999, on: day("2026-01-21"))
            }
        }
    }
}
