import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct FamilyStoreTests {
    /// A store with a mother and her son, both participants.
    static func withFamily(_ body: (Store) throws -> Void) throws {
        try ParticipantStoreTests.withStore { store in
            try store.addParticipant(ParticipantStoreTests.aigerim("KZ-MOTHER"))
            try store.addParticipant(Participant(
                caseNumber: "KZ-SON", givenName: "Arman", familyName: "Sadykov", birthDate: LocalDate("2015-09-01")!, sex: .male,
                languages: ["kk"], regionOfOrigin: "Atyrau", returnedOn: LocalDate("2019-05-10")!))
            try body(store)
        }
    }

    @Test func familiesListTheirMembersAndShowTheirLinks() throws {
        try Self.withFamily { store in
            let grandmother = try store.addRelative(Relative(givenName: "Gulnara", familyName: "Sadykova", region: "Atyrau"))
            try store.addFamilyLink(FamilyLink(caseNumber: "KZ-SON", relativeID: grandmother, relationship: .grandmother,
                                               isGuardian: true, guardianSince: LocalDate("2019-08-01")))
            try store.addFamilyLink(FamilyLink(caseNumber: "KZ-SON", relatedCaseNumber: "KZ-MOTHER", relationship: .mother))
            let id = try store.addFamily(label: "Sadykova household", memberCaseNumbers: ["KZ-MOTHER", "KZ-SON"])

            #expect(try store.families() == [FamilySummary(id: id, label: "Sadykova household", memberCaseNumbers: ["KZ-MOTHER", "KZ-SON"])])
            let family = try store.family(id: id)
            #expect(family.members.map(\.caseNumber) == ["KZ-MOTHER", "KZ-SON"])
            let son = try #require(family.members.last)
            #expect(son.links.map(\.relationship) == [.grandmother, .mother])
            #expect(son.links.first?.name == "Gulnara Sadykova")
            #expect(son.links.first?.isGuardian == true)
            #expect(son.links.last?.relatedCaseNumber == "KZ-MOTHER")
            #expect(try store.participant(caseNumber: "KZ-SON").familyLinks.count == 2)
        }
    }

    @Test func aLinkNamingBothARelativeAndAParticipantIsRejected() throws {
        try Self.withFamily { store in
            let aunt = try store.addRelative(Relative(givenName: "Saule", familyName: "Sadykova"))
            let error = #expect(throws: StoreError.self) {
                try store.addFamilyLink(FamilyLink(caseNumber: "KZ-SON", relativeID: aunt, relatedCaseNumber: "KZ-MOTHER", relationship: .aunt))
            }
            guard case .rejected(let rule, let sentence, _) = error else { Issue.record("expected a rejection"); return }
            #expect(rule == "family_links_exactly_one_person")
            #expect(sentence == "link the participant to either a relative or another participant, not both or neither")
        }
    }

    @Test func aParticipantCannotBeLinkedToThemself() throws {
        try Self.withFamily { store in
            let error = #expect(throws: StoreError.self) {
                try store.addFamilyLink(FamilyLink(caseNumber: "KZ-SON", relatedCaseNumber: "KZ-SON", relationship: .sibling))
            }
            guard case .rejected(let rule, _, _) = error else { Issue.record("expected a rejection"); return }
            #expect(rule == "family_links_not_self")
        }
    }

    @Test func anUnknownMemberNamesTheCaseAndCreatesNoFamily() throws {
        try Self.withFamily { store in
            let error = #expect(throws: StoreError.self) {
                try store.addFamily(label: "Sadykova household", memberCaseNumbers: ["KZ-MOTHER", "KZ-NOBODY"])
            }
            #expect(error == .notFound(what: "participant with case number", identifier: "KZ-NOBODY"))
            let families = try store.families()
            #expect(families.isEmpty)
            #expect(throws: StoreError.notFound(what: "relative with id", identifier: "999")) {
                try store.addFamilyLink(FamilyLink(caseNumber: "KZ-SON", relativeID: 999, relationship: .aunt))
            }
        }
    }
}
