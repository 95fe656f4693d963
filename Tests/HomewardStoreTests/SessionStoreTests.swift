import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct SessionStoreTests {
    /// A booking at AKT-RC, C1, on 1 December 2026 local time, unless told otherwise.
    private func booking(
        _ start: String = "2026-12-01 10:00", minutes: Int = 60, room: String = "C1", staff: [String] = ["ST-0001"],
        participants: [String] = ["KZ-2019-0417"], type: SessionType = .individualCounselling, requirement: String? = nil,
        overrideReason: String? = "fixture: booking mechanics, not the planning rules"
    ) -> SessionBooking {
        // These tests pin the day (2026-12-01, long past on a later clock) and a small world without availability or
        // opening hours: they are about booking mechanics and the rules that guard people, which no override lifts.
        SessionBooking(
            type: type, centreCode: "AKT-RC", roomCode: room, start: LocalDateTime(start)!, minutes: minutes, staffCodes: staff,
            caseNumbers: participants, requirement: requirement.map { try! RequirementPath.parse($0, field: "requirement") },
            overrideReason: overrideReason)
    }

    /// The rule a rejected write names, or nil.
    private func rule(of error: StoreError?) -> String? {
        if case .rejected(let rule, _, _) = error { return rule }
        return nil
    }

    @Test func aBookingStoresTheLocalTimeOfTheCentreAndItsPeople() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let id = try store.addSession(booking(staff: ["ST-0001", "ST-0002"]))

            let detail = try store.session(id: id)
            #expect(detail.summary.localStart.description == "2026-12-01 10:00")
            #expect(detail.summary.localEnd.description == "2026-12-01 11:00")
            #expect(detail.summary.timeZone == "Asia/Aqtau")
            // Aqtau is UTC+5: 10:00 local is 05:00 UTC.
            #expect(detail.summary.session.startsAt == Date(timeIntervalSince1970: 1_796_101_200))
            #expect(detail.summary.session.mode == .individual)
            #expect(detail.summary.session.staffCodes == ["ST-0001", "ST-0002"])
            #expect(detail.participants.map(\.caseNumber) == ["KZ-2019-0417"])
            #expect(detail.participants.first?.attendance == nil)
        }
    }

    @Test func unknownStaffAndCaseNumbersAreNamedAndNothingIsWritten() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let staffError = #expect(throws: StoreError.self) {
                try store.addSession(booking(staff: ["ST-0001", "ST-9998", "ST-9999"]))
            }
            #expect(staffError == .notFound(what: "staff members with codes", identifier: "ST-9998, ST-9999"))
            let caseError = #expect(throws: StoreError.self) {
                try store.addSession(booking(participants: ["KZ-0000-0000"]))
            }
            #expect(caseError == .notFound(what: "participant with case number", identifier: "KZ-0000-0000"))
            #expect(try connection.query("SELECT count(*) FROM homeward.sessions").scalar(Int.self) == 0)
        }
    }

    @Test func aDoubleBookedStaffMemberIsRejectedNamingTheOtherSession() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let first = try store.addSession(booking())
            let error = #expect(throws: StoreError.self) {
                try store.addSession(booking("2026-12-01 10:30", room: "HALL", participants: ["KZ-2019-0418"]))
            }
            #expect(rule(of: error) == "session_staff_no_overlap")
            #expect(error?.description.contains("staff member ST-0001 is already in session \(first) (2026-12-01 10:00–11:00 at AKT-RC/C1)") == true)
            #expect(try store.sessions().map(\.session.id) == [first])
        }
    }

    @Test func aSessionWithTwoParticipantsIsAGroupAndGroupSizeFollowsTheRequirement() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let id = try store.addSession(booking(room: "HALL", participants: ["KZ-2019-0417", "KZ-2019-0418"], type: .groupCounselling))
            #expect(try store.session(id: id).summary.session.mode == .group)
        }
    }

    @Test func aChildInAnAdultsOnlyGroupIsRejected() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let error = #expect(throws: StoreError.self) {
                try store.addSession(booking(room: "HALL", participants: ["KZ-2019-0417", "KZ-2019-0419"], type: .groupTheologyClass,
                                             requirement: "WOMEN/RESIDENTIAL/THEOLOGY"))
            }
            #expect(rule(of: error) == "session_participants_eligibility")
            #expect(error?.description.contains("KZ-2019-0419") == true)
            // Two adults are fine.
            let id = try store.addSession(booking(room: "HALL", participants: ["KZ-2019-0417", "KZ-2019-0418"], type: .groupTheologyClass,
                                                  requirement: "WOMEN/RESIDENTIAL/THEOLOGY"))
            #expect(try store.session(id: id).summary.session.requirement == "WOMEN/RESIDENTIAL/THEOLOGY")
        }
    }

    @Test func theRoomMustBeInTheSessionsCentre() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let error = #expect(throws: StoreError.self) { try Store(connection: connection).addSession(booking(room: "P1")) }
            #expect(rule(of: error) == "sessions_room_in_centre_fk")
            #expect(error?.description.contains("room P1 belongs to centre NGO-AST, not AKT-RC") == true)
        }
    }

    @Test func moreParticipantsThanTheRoomHoldsIsRejected() throws {
        try TestDatabase.withConnection { connection in
            let world = SQLFixtures(connection)
            try world.standardWorld()
            try world.participant("KZ-2019-0420", born: "1985-01-01")
            let error = #expect(throws: StoreError.self) {
                try Store(connection: connection).addSession(
                    booking(participants: ["KZ-2019-0417", "KZ-2019-0418", "KZ-2019-0420"], type: .groupCounselling))
            }
            #expect(rule(of: error) == "sessions_room_capacity")
        }
    }

    @Test func cancelFreesTheSlotAndOnlyPlannedSessionsCanBeCancelled() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let first = try store.addSession(booking())
            try store.cancelSession(id: first, reason: "psychologist ill", by: .staff)
            let second = try store.addSession(booking())
            #expect(try store.sessions(SessionFilter(status: .planned)).map(\.session.id) == [second])
            let cancelled = try store.session(id: first).summary.session
            #expect(cancelled.status == .cancelled && cancelled.cancelledBy == .staff && cancelled.cancelReason == "psychologist ill")

            let again = #expect(throws: StoreError.self) { try store.cancelSession(id: first, reason: "twice", by: .other) }
            #expect(again?.description.contains("only planned sessions can be cancelled") == true)
            #expect(throws: StoreError.notFound(what: "session", identifier: "999999")) {
                try store.cancelSession(id: 999_999, reason: "x", by: .other)
            }
        }
    }

    @Test func rescheduleLinksOldToNewKeepsThePeopleAndFreesTheOldSlot() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let old = try store.addSession(booking(staff: ["ST-0001", "ST-0002"]))
            // Overlaps the old slot in the same room: allowed, because the old one stops occupying it.
            let new = try store.rescheduleSession(id: old, start: LocalDateTime("2026-12-01 10:30")!, reason: "family visit", by: .participant,
                                                  overrideReason: "fixture: booking mechanics")

            let oldSession = try store.session(id: old).summary.session
            #expect(oldSession.status == .rescheduled)
            #expect(oldSession.replacedBySessionID == new)
            let newDetail = try store.session(id: new)
            #expect(newDetail.replacesSessionID == old)
            #expect(newDetail.summary.localStart.description == "2026-12-01 10:30")
            #expect(newDetail.summary.localEnd.description == "2026-12-01 11:30")
            #expect(newDetail.summary.session.staffCodes == ["ST-0001", "ST-0002"])
            #expect(newDetail.summary.session.caseNumbers == ["KZ-2019-0417"])
            #expect(newDetail.summary.session.roomCode == "C1")
            // The new slot is taken; the old one (10:00–10:30) is free again for the same people and room.
            let clash = #expect(throws: StoreError.self) { try store.addSession(booking()) }
            #expect(rule(of: clash) == "sessions_room_no_overlap")
            _ = try store.addSession(booking("2026-12-01 09:00", minutes: 90))
        }
    }

    @Test func rescheduleIntoATakenSlotIsRejectedAndChangesNothing() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let blocking = try store.addSession(booking("2026-12-02 10:00", staff: ["ST-0002"], participants: ["KZ-2019-0418"]))
            let moving = try store.addSession(booking())
            let error = #expect(throws: StoreError.self) {
                try store.rescheduleSession(id: moving, start: LocalDateTime("2026-12-02 10:15")!, overrideReason: "fixture: booking mechanics")
            }
            #expect(rule(of: error) == "sessions_room_no_overlap")
            #expect(error?.description.contains("room AKT-RC/C1 is already in session \(blocking)") == true)
            #expect(try store.session(id: moving).summary.session.status == .planned)
            #expect(try store.sessions().count == 2)
        }
    }

    @Test func listFiltersByLocalDayStaffParticipantAndStatus() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            // 00:30 local on 2 December is still 1 December in UTC: the local day decides.
            let early = try store.addSession(booking("2026-12-02 00:30"))
            let late = try store.addSession(booking("2026-12-03 15:00", staff: ["ST-0002"], participants: ["KZ-2019-0418"]))
            let day = LocalDate("2026-12-02")!
            #expect(try store.sessions(SessionFilter(from: day, to: day)).map(\.session.id) == [early])
            #expect(try store.sessions(SessionFilter(centreCode: "AKT-RC", staffCode: "ST-0002")).map(\.session.id) == [late])
            #expect(try store.sessions(SessionFilter(caseNumber: "KZ-2019-0417")).map(\.session.id) == [early])
            #expect(try store.sessions(SessionFilter(status: .held)).isEmpty)
        }
    }

    @Test func heldOnlyOnceTheSessionHasStarted() throws {
        try TestDatabase.withConnection { connection in
            try SQLFixtures(connection).standardWorld()
            let store = Store(connection: connection)
            let future = try store.addSession(booking(TestClock.localTime(connection, days: 30)))
            let error = #expect(throws: StoreError.self) { try store.markSessionHeld(id: future) }
            #expect(error?.description.contains("is still to come") == true)
            let past = try store.addSession(booking(TestClock.localTime(connection, days: -11)))
            try store.markSessionHeld(id: past)
            #expect(try store.session(id: past).summary.session.status == .held)
        }
    }
}
