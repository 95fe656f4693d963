import Foundation
import Postgres
import TestSupport
import Testing

/// Booking, listing, cancelling and rescheduling sessions through the real `homeward` binary.
@Suite struct SessionCommandTests {
    /// The world these tests book into, set up with plain SQL (`SQLFixtures.standardWorld`): AKT-RC (Asia/Aqtau, UTC+5)
    /// with rooms C1 (2 places) and HALL (10); NGO-AST with room P1; ST-0001 psychologist and religious expert cleared
    /// for children; ST-0002 psychologist not cleared; adults KZ-2019-0417 and KZ-2019-0418, child KZ-2019-0419;
    /// WOMEN/RESIDENTIAL/THEOLOGY is an adults-only group of 90 minutes.
    private func withWorld(_ body: (TestDatabase) throws -> Void) throws {
        try TestDatabase.withMigrated { database in
            try database.fixtures().standardWorld(theologyMinutes: 90)
            try body(database)
        }
    }

    /// Books a session and returns its id (the only thing printed on stdout).
    private func book(
        _ database: TestDatabase, start: String = "2026-12-01 10:00", minutes: Int = 60, room: String = "C1",
        staff: [String] = ["ST-0001"], participants: [String] = ["KZ-2019-0417"], type: String = "individual-counselling",
        extra: [String] = [], override: String? = "fixture: booking mechanics, not the planning rules"
    ) throws -> CLI.Outcome {
        // A pinned day, long past on a later clock, in a world without availability: these tests are about booking
        // mechanics and the rules that guard people, which no override lifts.
        var arguments = ["session", "add", "--type", type, "--centre", "AKT-RC", "--room", room, "--start", start, "--minutes", String(minutes)]
        if let override { arguments += ["--override", override] }
        for code in staff { arguments += ["--staff", code] }
        for number in participants { arguments += ["--participant", number] }
        return try CLI.run(arguments + extra, database: database)
    }

    private func id(_ outcome: CLI.Outcome) throws -> Int {
        try #require(outcome.status == 0, "\(outcome)")
        return try #require(Int(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(outcome)")
    }

    private func sessionCount(_ database: TestDatabase) throws -> Int {
        try database.connect().query("SELECT count(*) FROM homeward.sessions WHERE occupies").scalar(Int.self)
    }

    @Test func aDoubleBookedPsychologistIsRejectedAndTheFirstSessionStays() throws {
        try withWorld { database in
            let first = try id(try book(database))
            let second = try book(database, start: "2026-12-01 10:30", room: "HALL", participants: ["KZ-2019-0418"])
            #expect(second.status == 65, "\(second)")
            #expect(second.stderr.contains("this staff member already has a session at that time"))
            #expect(second.stderr.contains("staff member ST-0001 is already in session \(first) (2026-12-01 10:00–11:00 at AKT-RC/C1)"))
            #expect(second.stdout.isEmpty)
            let list = try CLI.run(["session", "list", "--format", "csv"], database: database)
            #expect(list.stdout.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").first } == ["\(first)"])
        }
    }

    @Test func aDoubleBookedRoomIsRejected() throws {
        try withWorld { database in
            let first = try id(try book(database))
            let clash = try book(database, start: "2026-12-01 10:45", staff: ["ST-0002"], participants: ["KZ-2019-0418"])
            #expect(clash.status == 65, "\(clash)")
            #expect(clash.stderr.contains("this room is already booked for another session at that time"))
            #expect(clash.stderr.contains("room AKT-RC/C1 is already in session \(first)"))
            #expect(try sessionCount(database) == 1)
        }
    }

    @Test func aDoubleBookedParticipantIsRejected() throws {
        try withWorld { database in
            let first = try id(try book(database))
            let clash = try book(database, start: "2026-12-01 10:59", room: "HALL", staff: ["ST-0002"])
            #expect(clash.status == 65, "\(clash)")
            #expect(clash.stderr.contains("this participant already has a session at that time"))
            #expect(clash.stderr.contains("participant KZ-2019-0417 is already in session \(first)"))
            #expect(try sessionCount(database) == 1)
        }
    }

    @Test func aCancelledSessionDoesNotBlockTheSlot() throws {
        try withWorld { database in
            let first = try id(try book(database))
            let cancel = try CLI.run(["session", "cancel", String(first), "--reason", "psychologist ill", "--by", "staff"], database: database)
            #expect(cancel.status == 0, "\(cancel)")
            let second = try id(try book(database))
            #expect(second != first)
            let show = try CLI.run(["session", "show", String(first)], database: database)
            #expect(show.stdout.contains("cancelled") && show.stdout.contains("psychologist ill"), "\(show)")

            let again = try CLI.run(["session", "cancel", String(first), "--reason", "again", "--by", "centre"], database: database)
            #expect(again.status == 65)
            #expect(again.stderr.contains("only planned sessions can be cancelled"))
        }
    }

    @Test func aChildInAnAdultsOnlyGroupIsRejected() throws {
        try withWorld { database in
            let outcome = try book(database, minutes: 90, room: "HALL", participants: ["KZ-2019-0417", "KZ-2019-0419"],
                                   type: "group-theology-class", extra: ["--requirement", "women/residential/theology"])
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("does not fit this session"))
            #expect(outcome.stderr.contains("KZ-2019-0419"))
            #expect(outcome.stderr.contains("session_participants_eligibility"))
            #expect(try sessionCount(database) == 0)
        }
    }

    @Test func staffWithoutChildClearanceCannotSeeAChild() throws {
        try withWorld { database in
            let outcome = try book(database, staff: ["ST-0002"], participants: ["KZ-2019-0419"])
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("this staff member is not cleared to work with children, and the session includes a child (or requires clearance)"))
            #expect(outcome.stderr.contains("staff ST-0002 is not cleared to work with children"))
            #expect(try sessionCount(database) == 0)
        }
    }

    @Test func aRoomOfAnotherCentreIsRejected() throws {
        try withWorld { database in
            let outcome = try book(database, room: "P1")
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("this room does not belong to the chosen centre"))
            #expect(outcome.stderr.contains("room P1 belongs to centre NGO-AST, not AKT-RC"))
        }
    }

    @Test func unknownStaffAndParticipantsAreNamed() throws {
        try withWorld { database in
            let outcome = try book(database, staff: ["ST-0001", "st-0404"], participants: ["KZ-2019-0417"])
            #expect(outcome.status == 65, "\(outcome)")
            #expect(outcome.stderr.contains("no staff member with code \"ST-0404\""))
            let badStart = try book(database, start: "01/12/2026 10:00")
            #expect(badStart.status == 64)
            #expect(badStart.stderr.contains("2026-12-01 10:00"))
        }
    }

    @Test func attendanceForAParticipantNotInTheSessionIsRejected() throws {
        try withWorld { database in
            let past = try id(try book(database, start: "2026-11-20 10:00"))
            let ok = try CLI.run(["attendance", "record", String(past), "--participant", "KZ-2019-0417", "--status", "late",
                                  "--note", "bus"], database: database)
            #expect(ok.status == 0, "\(ok)")
            let stranger = try CLI.run(["attendance", "record", String(past), "--participant", "KZ-2019-0418", "--status", "attended"],
                                       database: database)
            #expect(stranger.status == 65, "\(stranger)")
            #expect(stranger.stderr.contains("this participant is not booked into this session (or attendance was already recorded for the booking being removed)"))
            #expect(stranger.stderr.contains("participant KZ-2019-0418 is not booked into session \(past)"))

            let list = try CLI.run(["attendance", "list", "--session", String(past), "--format", "csv"], database: database)
            let rows = list.stdout.split(separator: "\r\n")
            #expect(rows.count == 2, "\(list)")
            #expect(rows.last?.hasPrefix("\(past),KZ-2019-0417,late,bus,") == true)
            let show = try CLI.run(["session", "show", String(past)], database: database)
            #expect(show.stdout.contains("late"), "\(show)")
        }
    }

    @Test func rescheduleLinksOldToNewAndFreesTheOldSlot() throws {
        try withWorld { database in
            let old = try id(try book(database))
            let moved = try CLI.run(["session", "reschedule", String(old), "--start", "2026-12-02 15:00", "--room", "hall",
                                    "--override", "fixture: booking mechanics",
                                     "--reason", "family visit", "--by", "participant"], database: database)
            let new = try id(moved)
            let oldShow = try CLI.run(["session", "show", String(old), "--format", "json"], database: database)
            #expect(oldShow.stdout.contains("\"replaced_by_session_id\" : \(new)"), "\(oldShow)")
            #expect(oldShow.stdout.contains("\"status\" : \"rescheduled\""))
            let newShow = try CLI.run(["session", "show", String(new)], database: database)
            #expect(newShow.stdout.contains("Replaces:") && newShow.stdout.contains("2026-12-02 15:00 (Asia/Aqtau)"), "\(newShow)")
            #expect(newShow.stdout.contains("ST-0001") && newShow.stdout.contains("KZ-2019-0417"))
            // The old slot is free again for the same people and room.
            _ = try id(try book(database))
        }
    }

    @Test func listShowsLocalTimesInTheCentresZone() throws {
        try withWorld { database in
            let first = try id(try book(database, staff: ["ST-0001", "ST-0002"]))
            let group = try id(try book(database, start: "2026-12-03 15:30", minutes: 90, room: "HALL",
                                        participants: ["KZ-2019-0417", "KZ-2019-0418"], type: "group-counselling"))
            // 10:00 in Aqtau (UTC+5) is stored as 05:00 UTC.
            let utc = try database.connect().query(
                "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') FROM homeward.sessions WHERE id = $1", [first]).scalar(String.self)
            #expect(utc == "05:00")
            let list = try CLI.run(["session", "list", "--centre", "akt-rc", "--from", "2026-12-01", "--to", "2026-12-03",
                                    "--format", "csv"], database: database)
            #expect(list.status == 0, "\(list)")
            let rows = list.stdout.split(separator: "\r\n").map(String.init)
            #expect(rows == [
                "id,starts,ends,centre,room,type,mode,status,staff,participants",
                "\(first),2026-12-01 10:00,11:00,AKT-RC,C1,individual-counselling,individual,planned,\"ST-0001,ST-0002\",KZ-2019-0417",
                "\(group),2026-12-03 15:30,17:00,AKT-RC,HALL,group-counselling,group,planned,ST-0001,\"KZ-2019-0417,KZ-2019-0418\"",
            ])
            let mine = try CLI.run(["session", "list", "--participant", "KZ-2019-0418", "--format", "csv"], database: database)
            #expect(mine.stdout.split(separator: "\r\n").count == 2)
        }
    }

    @Test func everySessionCommandHasHelpWithAnExample() throws {
        for command in ["session", "attendance", "assessment", "milestone", "session add", "session list", "session show", "session cancel", "session reschedule", "session held",
                        "attendance record", "attendance list", "assessment add", "assessment list", "milestone add", "milestone list"] {
            let help = try CLI.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0, "\(command): \(help)")
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
        }
    }

    @Test func assessmentsAndMilestonesAreRecordedAndListed() throws {
        try withWorld { database in
            let added = try CLI.run(["assessment", "add", "kz-2019-0417", "--staff", "st-0001", "--on", "2026-11-20", "--kind",
                                     "psychological", "--summary", "Sleeping better", "--score", "14", "--level", "moderate"],
                                    database: database)
            #expect(added.status == 0, "\(added)")
            let list = try CLI.run(["assessment", "list", "KZ-2019-0417", "--format", "csv"], database: database)
            #expect(list.stdout.contains("KZ-2019-0417,2026-11-20,psychological,ST-0001,14,moderate,Sleeping better"), "\(list)")
            let unknownStaff = try CLI.run(["assessment", "add", "KZ-2019-0417", "--staff", "ST-0404", "--on", "2026-11-20",
                                            "--kind", "social", "--summary", "x"], database: database)
            #expect(unknownStaff.status == 65)
            #expect(unknownStaff.stderr.contains("no staff member with code \"ST-0404\""))

            let milestone = try CLI.run(["milestone", "add", "KZ-2019-0419", "--kind", "birth-certificate-issued", "--on", "2026-11-02"],
                                        database: database)
            #expect(milestone.status == 0, "\(milestone)")
            let twice = try CLI.run(["milestone", "add", "KZ-2019-0419", "--kind", "birth-certificate-issued", "--on", "2026-11-02"],
                                    database: database)
            #expect(twice.status == 65)
            #expect(twice.stderr.contains("this milestone is already recorded for this participant on that day"))
            let milestones = try CLI.run(["milestone", "list", "--format", "csv"], database: database)
            #expect(milestones.stdout.contains("KZ-2019-0419,2026-11-02,birth-certificate-issued"), "\(milestones)")
        }
    }
}
