import Homeward
import Testing

@Suite struct ValidationTests {
    let today = LocalDate("2026-11-25")!

    func participant(_ change: (inout Participant) -> Void = { _ in }) -> Participant {
        var participant = Participant(
            caseNumber: "kz-2019-0417", givenName: "Айгерим", familyName: "Сериккызы", birthDate: LocalDate("1994-05-02")!,
            sex: .female, languages: ["KK", "ru", "kk"], regionOfOrigin: "Atyrau")
        change(&participant)
        return participant
    }

    @Test func aValidParticipantIsNormalised() throws {
        let valid = try participant().validated(today: today)
        #expect(valid.caseNumber == "KZ-2019-0417")
        #expect(valid.languages == ["kk", "ru"])
        #expect(valid.age(on: today) == 32)
        #expect(!valid.isChild(on: today))
    }

    @Test func eachBadFieldIsNamed() {
        let cases: [(Participant, String)] = [
            (participant { $0.caseNumber = "bad number!" }, "case_number"),
            (participant { $0.birthDate = LocalDate("2027-01-01")! }, "birth_date"),
            (participant { $0.languages = [] }, "languages"),
            (participant { $0.languages = ["kaz"] }, "languages"),
            (participant { $0.legalSituation = .convicted }, "sentence_ends_on"),
            (participant { $0.sentenceEndsOn = LocalDate("2030-01-01") }, "sentence_ends_on"),
            (participant { $0.givenName = "  " }, "given_name"),
        ]
        for (candidate, field) in cases {
            #expect(throws: InvalidInput.self) { try candidate.validated(today: today) }
            do { _ = try candidate.validated(today: today) } catch { #expect(error.field == field) }
        }
    }

    @Test func vocabulariesAcceptHyphensAndListChoicesOnError() throws {
        #expect(AttendanceStatus(token: "absent-excused") == .absentExcused)
        #expect(StaffRole(token: "Paediatric_Psychologist") == .paediatricPsychologist)
        let error = #expect(throws: InvalidInput.self) { try StaffRole.parse("imam", field: "role") }
        #expect(error?.reason.contains("religious-expert") == true)
    }

    @Test func weeklyHoursParse() throws {
        let hours = try WeeklyHours.parse("mon-fri 09:00-17:30", field: "hours")
        #expect(hours.count == 5)
        #expect(hours.first?.weekday == 1 && hours.last?.weekday == 5)
        #expect(hours.first?.end.description == "17:30")
        #expect(throws: InvalidInput.self) { try WeeklyHours.parse("fri-mon 09:00-17:00", field: "hours") }
        #expect(throws: InvalidInput.self) { try WeeklyHours.parse("mon 17:00-09:00", field: "hours") }
    }

    @Test func programmeTemplateRulesNameTheRequirement() {
        let template = ProgrammeTemplate(
            code: "TEST", name: "Test", audience: .children, version: 1, description: nil,
            phases: [
                .init(code: "P1", name: "Phase", durationDays: 56, reviewIntervalDays: 14, requirements: [
                    .init(code: "PLAY", sessionType: .paediatricPlayTherapy, staffRole: .psychologist, mode: .group,
                          durationMinutes: 50, sessionsPerWeek: 2, groupMin: 1, groupMax: 6, roomKind: .playRoom, paediatricOnly: true),
                ]),
            ])
        let errors = template.validationErrors()
        #expect(errors.map(\.field).sorted() == ["duration_minutes", "group_min/group_max", "paediatric_only"])
        #expect(errors.allSatisfy { $0.record == "TEST/P1/PLAY" })
    }
}
