import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct SchoolingStoreTests {

    /// Enrols the child in the morning shift, 08:00–13:00, Monday to Friday.
    @discardableResult
    private func enrol(_ store: Store, _ caseNumber: String, _ school: String, from: String, grade: Int = 3) throws -> SchoolEnrolmentResult {
        try store.enrolInSchool(caseNumber: caseNumber, schoolCode: school, grade: grade, shift: .morning, startsAt: TimeOfDay("08:00")!,
                                endsAt: TimeOfDay("13:00")!, weekdays: [1, 2, 3, 4, 5], from: day(from))
    }

    private func withSchools<T>(_ body: (Store, Connection) throws -> T) throws -> T {
        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            try store.addSchool(try School.validated(code: "akt-sch-12", name: "School 12", region: "Mangystau", address: nil))
            try store.addSchool(try School.validated(code: "ATY-SCH-4", name: "School 4", region: "Atyrau", address: "Main street 4"))
            try SQLFixtures(connection).participant("KZ-CHILD-1", born: "2017-04-02", sex: "male")
            return try body(store, connection)
        }
    }

    @Test func aChildWhoMovedSchoolHasTwoEnrolmentsTheOldClosedTheDayBefore() throws {
        try withSchools { store, _ in
            #expect(try store.schools().map(\.code) == ["AKT-SCH-12", "ATY-SCH-4"])
            let first = try enrol(store, "KZ-CHILD-1", "AKT-SCH-12", from: "2026-09-01")
            #expect(first.transferredFrom == nil)
            let second = try enrol(store, "KZ-CHILD-1", "ATY-SCH-4", from: "2027-01-11", grade: 3)
            #expect(second.transferredFrom?.id == first.id)

            let enrolments = try store.schoolEnrolments(caseNumber: "KZ-CHILD-1")
            #expect(enrolments.count == 2)
            #expect(enrolments[0].schoolCode == "AKT-SCH-12" && enrolments[0].status == .transferred)
            #expect(enrolments[0].enrolledTo == day("2027-01-10"))
            #expect(enrolments[1].schoolCode == "ATY-SCH-4" && enrolments[1].status == .enrolled && enrolments[1].enrolledTo == nil)
            #expect(enrolments[1].weekdays == [1, 2, 3, 4, 5] && enrolments[1].startsAt == TimeOfDay("08:00"))
            #expect(try store.schoolEnrolments(schoolCode: "ATY-SCH-4").map(\.id) == [second.id])

            // Attendance on each side of the move lands on the right school.
            #expect(try store.recordSchoolAttendance(caseNumber: "KZ-CHILD-1", day: day("2027-01-08"), status: .present, reportedBy: "A. N.") == "AKT-SCH-12")
            #expect(try store.recordSchoolAttendance(caseNumber: "KZ-CHILD-1", day: day("2027-01-11"), status: .absentExcused, reportedBy: "A. N.") == "ATY-SCH-4")
        }
    }

    @Test func aTransferMustStartAfterTheCurrentEnrolmentAndNothingIsWrittenOtherwise() throws {
        try withSchools { store, _ in
            try enrol(store, "KZ-CHILD-1", "AKT-SCH-12", from: "2026-09-01")
            let error = #expect(throws: StoreError.self) {
                try enrol(store, "KZ-CHILD-1", "ATY-SCH-4", from: "2026-09-01")
            }
            #expect(error?.description.contains("AKT-SCH-12") == true)
            let enrolments = try store.schoolEnrolments(caseNumber: "KZ-CHILD-1")
            #expect(enrolments.count == 1 && enrolments[0].status == .enrolled && enrolments[0].enrolledTo == nil)
        }
    }

    @Test func attendanceOnADayOutsideAnyEnrolmentIsRejectedNamingTheChildAndDay() throws {
        try withSchools { store, connection in
            try enrol(store, "KZ-CHILD-1", "AKT-SCH-12", from: "2026-09-01")
            let error = #expect(throws: StoreError.self) {
                try store.recordSchoolAttendance(caseNumber: "KZ-CHILD-1", day: day("2026-08-31"), status: .present, reportedBy: "A. N.")
            }
            #expect(error?.description.contains("KZ-CHILD-1") == true)
            #expect(error?.description.contains("2026-08-31") == true)
            #expect(error?.isInputError == true)

            // The database guards the same rule for any writer.
            let direct = #expect(throws: PostgresError.self) {
                try connection.execute(
                    """
                    INSERT INTO homeward.school_attendance (participant_id, school_enrolment_id, day, status, reported_by)
                    SELECT participant_id, id, '2026-08-31', 'present', 'psql' FROM homeward.school_enrolments
                    """)
            }
            #expect(SyncFixture.isRejected(StoreError(try #require(direct)), by: "school_attendance_within_enrolment"))

            try store.recordSchoolAttendance(caseNumber: "KZ-CHILD-1", day: day("2026-09-02"), status: .present, reportedBy: "A. N.")
            let twice = #expect(throws: StoreError.self) {
                try store.recordSchoolAttendance(caseNumber: "KZ-CHILD-1", day: day("2026-09-02"), status: .absentUnexcused, reportedBy: "A. N.")
            }
            #expect(SyncFixture.isRejected(twice, by: "school_attendance_one_per_day"), "\(String(describing: twice))")
        }
    }

    @Test func inputParsing() throws {
        #expect(try SchoolEnrolment.parseWeekdays("1-5", field: "w") == [1, 2, 3, 4, 5])
        #expect(try SchoolEnrolment.parseWeekdays("mon,wed,fri", field: "w") == [1, 3, 5])
        #expect(try SchoolEnrolment.parseWeekdays("mon-sat", field: "w") == [1, 2, 3, 4, 5, 6])
        #expect(throws: InvalidInput.self) { try SchoolEnrolment.parseWeekdays("5-1", field: "w") }
        #expect(throws: InvalidInput.self) { try SchoolEnrolment.parseHours("13:00-08:00", field: "h") }
        let hours = try SchoolEnrolment.parseHours("08:00-13:00", field: "h")
        #expect(hours.start == TimeOfDay("08:00") && hours.end == TimeOfDay("13:00"))
    }
}
