import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct ParticipantStoreTests {
    /// A store on a fresh database with two centres, AKT-RC and ATY-CO.
    static func withStore(_ body: (Store) throws -> Void) throws {
        try TestDatabase.withConnection { connection in
            let store = Store(connection: connection)
            for (code, kind) in [("AKT-RC", Centre.Kind.rehabilitationCentre), ("ATY-CO", .communityOffice)] {
                try store.addCentre(Centre(code: code, name: "Centre \(code)", kind: kind, region: "Mangystau", address: "Aktau",
                                           timeZone: "Asia/Aqtau", capacity: 50), openingHours: [])
            }
            try body(store)
        }
    }

    static func aigerim(_ caseNumber: String = "KZ-2019-0417", birthDate: LocalDate = LocalDate("1994-03-12")!) -> Participant {
        Participant(caseNumber: caseNumber, givenName: "Aigerim", familyName: "Sadykova", birthDate: birthDate, sex: .female,
                    languages: ["kk", "ru"], regionOfOrigin: "Atyrau", status: .residentialRehabilitation,
                    returnedOn: LocalDate("2019-05-10")!)
    }


    @Test func addListShowAndUpdateRoundTrip() throws {
        try Self.withStore { store in
            let participant = Self.aigerim()
            try store.addParticipant(participant, placement: Placement(centreCode: "AKT-RC", firstDay: day("2019-05-10")))

            let listed = try #require(try store.participants().first)
            #expect(listed.caseNumber == "KZ-2019-0417")
            #expect(listed.name == "Aigerim Sadykova")
            #expect(listed.centreCode == "AKT-RC")
            #expect(listed.isChild == false)
            #expect(listed.languages == ["kk", "ru"])
            #expect(try store.participants(centreCode: "ATY-CO").isEmpty)
            #expect(try store.participants(status: .residentialRehabilitation).count == 1)
            #expect(try store.participants(ageGroup: .child).isEmpty)

            var detail = try store.participant(caseNumber: "KZ-2019-0417")
            #expect(detail.participant == participant)
            #expect(detail.currentPlacement == Placement(centreCode: "AKT-RC", firstDay: day("2019-05-10"), reason: nil))
            #expect(detail.placements.count == 1)

            try store.updateParticipant(caseNumber: "KZ-2019-0417", ParticipantChanges(
                languages: ["ru"], legalSituation: .convicted, sentenceEndsOn: day("2027-06-30"), status: .inPrison))
            detail = try store.participant(caseNumber: "KZ-2019-0417")
            #expect(detail.participant.languages == ["ru"])
            #expect(detail.participant.legalSituation == .convicted)
            #expect(detail.participant.sentenceEndsOn == day("2027-06-30"))
            #expect(detail.participant.status == .inPrison)

            // Leaving the convicted situation clears the sentence end date.
            try store.updateParticipant(caseNumber: "KZ-2019-0417", ParticipantChanges(legalSituation: .free))
            #expect(try store.participant(caseNumber: "KZ-2019-0417").participant.sentenceEndsOn == nil)
        }
    }

    @Test func aSentenceWithoutConvictionIsRejectedByTheDatabase() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim())
            let error = #expect(throws: StoreError.self) {
                try store.updateParticipant(caseNumber: "KZ-2019-0417", ParticipantChanges(legalSituation: .convicted))
            }
            guard case .rejected(let rule, _, _) = error else { Issue.record("expected a rejection, got \(String(describing: error))"); return }
            #expect(rule == "participants_sentence_only_when_convicted")
        }
    }

    /// A writer in psql gets the CLI's length limits by name, not the name index's size limit in a raw error.
    @Test func overlongTextIsRefusedByTheDatabaseByName() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim())
            for (sql, rule) in [
                ("UPDATE homeward.participants SET given_name = repeat('Ж', 3000)", "participants_given_name_length"),
                ("UPDATE homeward.participants SET region_of_origin = repeat('x', 1000000)", "participants_region_of_origin_length"),
            ] {
                let error = #expect(throws: PostgresError.self) { try store.connection.execute(sql) }
                #expect(error?.constraint == rule, "\(String(describing: error))")
                let translated = StoreError(try #require(error))
                #expect(translated.isInputError && "\(translated)".contains("too long"), "\(translated)")
            }
            let kept = try store.connection.query("SELECT given_name FROM homeward.participants").scalar(String.self)
            #expect(kept == Self.aigerim().givenName)
        }
    }

    @Test func aDuplicateCaseNumberIsRejectedWithItsSentence() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim())
            let error = #expect(throws: StoreError.self) { try store.addParticipant(Self.aigerim()) }
            #expect(error?.description.contains("another participant already has this case number") == true)
            guard case .rejected(let rule, _, _) = error else { Issue.record("expected a rejection"); return }
            #expect(rule == "participants_case_number_key")
        }
    }

    @Test func anUnknownCentreRollsBackTheWholeAdd() throws {
        try Self.withStore { store in
            let error = #expect(throws: StoreError.self) {
                try store.addParticipant(Self.aigerim(), placement: Placement(centreCode: "NOWHERE", firstDay: day("2019-05-10")))
            }
            #expect(error == .notFound(what: "centre with code", identifier: "NOWHERE"))
            let participants = try store.participants()
            #expect(participants.isEmpty)
        }
    }

    @Test func transferClosesTheOldPlacementTheDayBefore() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim(), placement: Placement(centreCode: "AKT-RC", firstDay: day("2019-05-10")))
            try store.transferParticipant(caseNumber: "KZ-2019-0417", to: "ATY-CO", on: day("2019-07-05"), reason: "returned home")
            let detail = try store.participant(caseNumber: "KZ-2019-0417")
            #expect(detail.placements == [
                Placement(centreCode: "AKT-RC", firstDay: day("2019-05-10"), lastDay: day("2019-07-04"), reason: nil),
                Placement(centreCode: "ATY-CO", firstDay: day("2019-07-05"), lastDay: nil, reason: "returned home"),
            ])
            #expect(detail.currentPlacement?.centreCode == "ATY-CO")
        }
    }

    @Test func transferToTheSameCentreIsRefused() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim(), placement: Placement(centreCode: "AKT-RC", firstDay: day("2019-05-10")))
            let error = #expect(throws: StoreError.self) {
                try store.transferParticipant(caseNumber: "KZ-2019-0417", to: "AKT-RC", on: day("2019-07-05"), reason: nil)
            }
            #expect(error?.description.contains("already placed") == true)
            #expect(try store.participant(caseNumber: "KZ-2019-0417").placements.count == 1)
        }
    }

    @Test func anOverlappingPlacementIsRejectedByTheExclusionConstraint() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim(), placement: Placement(centreCode: "AKT-RC", firstDay: day("2019-05-10")))
            // No placement holds 2019-01-01, so a new open-ended one starts there and runs into the existing one.
            let error = #expect(throws: StoreError.self) {
                try store.transferParticipant(caseNumber: "KZ-2019-0417", to: "ATY-CO", on: day("2019-01-01"), reason: nil)
            }
            guard case .rejected(let rule, let sentence, _) = error else { Issue.record("expected a rejection"); return }
            #expect(rule == "participant_placements_no_overlap")
            #expect(sentence == "this participant is already placed somewhere else during these dates")
        }
    }

    @Test func dischargeClosesThePlacementAndSetsTheStatus() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim(), placement: Placement(centreCode: "AKT-RC", firstDay: day("2019-05-10")))
            try store.dischargeParticipant(caseNumber: "KZ-2019-0417", on: day("2019-07-04"), status: .completed, reason: "programme done")
            let detail = try store.participant(caseNumber: "KZ-2019-0417")
            #expect(detail.participant.status == .completed)
            #expect(detail.placements.first?.lastDay == day("2019-07-04"))
            #expect(detail.placements.first?.reason == "discharged: programme done")
            #expect(detail.currentPlacement == nil)
        }
    }

    @Test func ageAndChildhoodAreComputedFromTheBirthDate() throws {
        try Self.withStore { store in
            // Born 17 years and 364 days ago: still a child; born exactly 18 years ago: an adult.
            let almost18 = try store.connection.query("SELECT ((homeward.actual_today() - interval '18 years')::date + 1)::text").scalar(LocalDate.self)
            let just18 = try store.connection.query("SELECT (homeward.actual_today() - interval '18 years')::date::text").scalar(LocalDate.self)
            try store.addParticipant(Self.aigerim("KZ-CHILD", birthDate: almost18))
            try store.addParticipant(Self.aigerim("KZ-ADULT", birthDate: just18))

            let children = try store.participants(ageGroup: .child)
            #expect(children.map(\.caseNumber) == ["KZ-CHILD"])
            #expect(children.first?.age == 17)
            let adults = try store.participants(ageGroup: .adult)
            #expect(adults.map(\.caseNumber) == ["KZ-ADULT"])
            #expect(adults.first?.age == 18)
            let child = try store.participant(caseNumber: "KZ-CHILD")
            #expect(child.isChild && child.age == 17)
        }
    }

    @Test func consentsAreRecordedOncePerKindUntilWithdrawn() throws {
        try Self.withStore { store in
            try store.addParticipant(Self.aigerim())
            let consent = Consent(kind: .dataProcessing, givenBy: "participant", givenOn: day("2019-05-12"))
            try store.recordConsent(caseNumber: "KZ-2019-0417", consent)
            let error = #expect(throws: StoreError.self) { try store.recordConsent(caseNumber: "KZ-2019-0417", consent) }
            guard case .rejected(let rule, _, _) = error else { Issue.record("expected a rejection"); return }
            #expect(rule == "consents_one_current_per_kind")

            try store.withdrawConsent(caseNumber: "KZ-2019-0417", kind: .dataProcessing, on: day("2020-01-15"))
            try store.recordConsent(caseNumber: "KZ-2019-0417", Consent(kind: .dataProcessing, givenBy: "participant", givenOn: day("2020-02-01")))
            let consents = try store.participant(caseNumber: "KZ-2019-0417").consents
            #expect(consents.map(\.withdrawnOn) == [day("2020-01-15"), nil])
            #expect(throws: StoreError.self) {
                try store.withdrawConsent(caseNumber: "KZ-2019-0417", kind: .photo, on: day("2020-01-15"))
            }
        }
    }
}
