import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct StaffStoreTests {

    static func dana(centres: [String] = ["AKT-RC"]) -> StaffMember {
        StaffMember(code: "ST-0042", givenName: "Dana", familyName: "Abenova", roles: [.paediatricPsychologist, .psychologist],
                    centreCodes: centres, languages: ["kk", "ru"], mayWorkWithChildren: true, weeklyHourLimit: 36)
    }

    @Test func addListShowAndUpdateRoundTrip() throws {
        try ParticipantStoreTests.withStore { store in
            try store.addStaffMember(Self.dana())
            #expect(try store.staffMembers() == [Self.dana()])
            #expect(try store.staffMembers(centreCode: "AKT-RC", role: .psychologist, language: "kk").map(\.code) == ["ST-0042"])
            #expect(try store.staffMembers(centreCode: "ATY-CO").isEmpty)
            #expect(try store.staffMembers(role: .lawyer).isEmpty)
            #expect(try store.staffMembers(language: "ar").isEmpty)

            try store.updateStaffMember(code: "ST-0042", StaffChanges(
                languages: ["kk", "ru", "ar"], weeklyHourLimit: 20.5, active: false, addRoles: [.socialWorker],
                removeRoles: [.psychologist], addCentres: ["ATY-CO"], removeCentres: ["AKT-RC"]))
            let member = try store.staffMember(code: "ST-0042").member
            #expect(member.roles == [.paediatricPsychologist, .socialWorker])
            #expect(member.centreCodes == ["ATY-CO"])
            #expect(member.languages == ["kk", "ru", "ar"])
            #expect(member.weeklyHourLimit == 20.5)
            #expect(member.active == false)
        }
    }

    @Test func anUnknownCentreRollsBackTheWholeAdd() throws {
        try ParticipantStoreTests.withStore { store in
            let error = #expect(throws: StoreError.self) { try store.addStaffMember(Self.dana(centres: ["AKT-RC", "NOWHERE"])) }
            #expect(error == .notFound(what: "centre with code", identifier: "NOWHERE"))
            let members = try store.staffMembers()
            #expect(members.isEmpty)
        }
    }

    @Test func anUpdateThatBreaksTheRecordIsRolledBack() throws {
        try ParticipantStoreTests.withStore { store in
            try store.addStaffMember(Self.dana())
            let error = #expect(throws: StoreError.self) {
                try store.updateStaffMember(code: "ST-0042", StaffChanges(removeRoles: [.psychologist, .paediatricPsychologist]))
            }
            #expect(error?.description.contains("needs at least one role") == true)
            #expect(try store.staffMember(code: "ST-0042").member.roles.count == 2)
        }
    }

    @Test func overlappingLeaveIsRejected() throws {
        try ParticipantStoreTests.withStore { store in
            try store.addStaffMember(Self.dana())
            try store.addLeave(StaffLeave(staffCode: "ST-0042", firstDay: day("2030-03-02"), lastDay: day("2030-03-13"), kind: .leave))
            let error = #expect(throws: StoreError.self) {
                try store.addLeave(StaffLeave(staffCode: "ST-0042", firstDay: day("2030-03-13"), lastDay: day("2030-03-20"), kind: .sick))
            }
            guard case .rejected(let rule, let sentence, _) = error else { Issue.record("expected a rejection"); return }
            #expect(rule == "staff_leave_no_overlap")
            #expect(sentence == "this staff member already has leave recorded on some of these days")
            try store.addLeave(StaffLeave(staffCode: "ST-0042", firstDay: day("2030-03-14"), lastDay: day("2030-03-14"), kind: .training))
            #expect(try store.leave(staffCode: "ST-0042").map(\.kind) == [.leave, .training])
            #expect(try store.staffMember(code: "ST-0042").upcomingLeave.count == 2)
        }
    }

    @Test func availabilityAtACentreWhereTheStaffMemberDoesNotWorkIsRejected() throws {
        try ParticipantStoreTests.withStore { store in
            try store.addStaffMember(Self.dana())
            let hours = try WeeklyHours.parse("mon-fri 09:00-13:00", field: "hours")
            let error = #expect(throws: StoreError.self) {
                try store.setAvailability(staffCode: "ST-0042", centreCode: "ATY-CO", hours, from: day("2030-01-07"))
            }
            guard case .rejected(let rule, let sentence, _) = error else { Issue.record("expected a rejection"); return }
            #expect(rule == "staff_availability_works_at_centre_fk")
            #expect(sentence == "this staff member does not work at that centre, so cannot be available there")
        }
    }

    @Test func settingAvailabilityReplacesThePatternFromThatDay() throws {
        try ParticipantStoreTests.withStore { store in
            try store.addStaffMember(Self.dana())
            try store.setAvailability(staffCode: "ST-0042", centreCode: "AKT-RC",
                                      try WeeklyHours.parse("mon-fri 09:00-13:00", field: "hours"), from: day("2030-01-07"))
            try store.setAvailability(staffCode: "ST-0042", centreCode: "AKT-RC",
                                      try WeeklyHours.parse("tue 14:00-18:00", field: "hours"), from: day("2030-02-04"))
            let availability = try store.staffMember(code: "ST-0042").availability
            #expect(availability.count == 6)
            #expect(availability.filter { $0.validFrom == day("2030-01-07") }.allSatisfy { $0.validTo == day("2030-02-03") })
            let latest = try #require(availability.last)
            #expect(latest.hours == WeeklyHours(weekday: 2, start: TimeOfDay("14:00")!, end: TimeOfDay("18:00")!))
            #expect(latest.validTo == nil)

            // Setting again from the same day replaces rather than stacks.
            try store.setAvailability(staffCode: "ST-0042", centreCode: "AKT-RC",
                                      try WeeklyHours.parse("wed 14:00-18:00", field: "hours"), from: day("2030-02-04"))
            #expect(try store.staffMember(code: "ST-0042").availability.filter { $0.validTo == nil }.map(\.hours.weekday) == [3])
        }
    }
}
