import Homeward
import Postgres

/// One line of `participant list`: who, how old today, and where placed today.
public struct ParticipantSummary: Sendable, Equatable, Codable {
    public var caseNumber: String
    public var name: String
    public var birthDate: LocalDate
    /// Age today, computed by `homeward.age_on` (never stored).
    public var age: Int
    public var isChild: Bool
    public var sex: Participant.Sex
    public var languages: [String]
    public var status: Participant.Status
    /// Centre of the placement that contains today, if any.
    public var centreCode: String?
}

/// A participant with everything `participant show` presents.
public struct ParticipantDetail: Sendable, Equatable, Codable {
    /// One enrolment in a programme, read with plain SQL from `homeward.enrolments`.
    public struct Enrolment: Sendable, Equatable, Codable {
        public var programmeCode: String
        public var phaseCode: String
        public var status: String
        public var startedOn: LocalDate
        public var plannedEndOn: LocalDate
        public var endedOn: LocalDate?
    }

    public var participant: Participant
    public var age: Int
    public var isChild: Bool
    public var currentPlacement: Placement?
    /// Every placement, oldest first.
    public var placements: [Placement]
    public var familyLinks: [FamilyLink]
    public var consents: [Consent]
    public var enrolments: [Enrolment]
}

/// Fields of a participant a coordinator may change; nil leaves a field as it is.
public struct ParticipantChanges: Sendable {
    public var givenName: String?
    public var familyName: String?
    public var patronymic: String?
    public var regionOfOrigin: String?
    public var languages: [String]?
    /// Setting anything but `convicted` clears the sentence end date.
    public var legalSituation: Participant.LegalSituation?
    public var sentenceEndsOn: LocalDate?
    public var status: Participant.Status?

    public init(givenName: String? = nil, familyName: String? = nil, patronymic: String? = nil, regionOfOrigin: String? = nil,
                languages: [String]? = nil, legalSituation: Participant.LegalSituation? = nil, sentenceEndsOn: LocalDate? = nil,
                status: Participant.Status? = nil) {
        self.givenName = givenName
        self.familyName = familyName
        self.patronymic = patronymic
        self.regionOfOrigin = regionOfOrigin
        self.languages = languages
        self.legalSituation = legalSituation
        self.sentenceEndsOn = sentenceEndsOn
        self.status = status
    }

    /// True when no field would change.
    public var isEmpty: Bool {
        [givenName, familyName, patronymic, regionOfOrigin].allSatisfy { $0 == nil } && languages == nil
            && legalSituation == nil && sentenceEndsOn == nil && status == nil
    }
}

extension Store {
    private static let participantColumns = """
        p.case_number, p.given_name, p.family_name, p.patronymic, p.birth_date, p.sex, p.languages, p.region_of_origin,
        p.legal_situation, p.sentence_ends_on, p.status, p.returned_on
        """

    private static func participant(_ row: Row) throws -> Participant {
        Participant(
            caseNumber: try row.decode(0), givenName: try row.decode(1), familyName: try row.decode(2), patronymic: try row.decode(3),
            birthDate: try row.decode(4), sex: try row.decode(5), languages: try row.decode(6), regionOfOrigin: try row.decode(7),
            legalSituation: try row.decode(8), sentenceEndsOn: try row.decode(9), status: try row.decode(10), returnedOn: try row.decode(11))
    }

    /// Placement columns: centre code, first day, last day (inclusive, NULL when open-ended), reason.
    private static let placementColumns = "c.code, lower(pl.during), upper(pl.during) - 1, pl.reason"

    private static func placement(_ row: Row) throws -> Placement {
        Placement(centreCode: try row.decode(0), firstDay: try row.decode(1), lastDay: try row.decode(2), reason: try row.decode(3))
    }

    /// Adds a participant and, when given, their first placement, in one transaction.
    public func addParticipant(_ participant: Participant, placement: Placement? = nil) throws {
        // One step through homeward.register_arrivals: a coordinator cannot see the person until they are placed, and
        // may place them only at a centre they coordinate.
        if let placement { _ = try centreID(code: placement.centreCode) }
        do {
            try registerArrival(participant, placement: placement)
        } catch let error as StoreError {
            // A case number this login cannot see: say where the person is and how to re-admit them (or whom to ask for a
            // transfer), not only that the number is taken.
            guard case .rejected(let rule, _, _) = error, rule == "participants_case_number_key",
                  (try? fetch("SELECT 1 FROM homeward.participants WHERE case_number = $1", [participant.caseNumber], { _ in 1 }).first) == nil
            else { throw error }
            throw missingParticipant(participant.caseNumber)
        }
    }

    private func registerArrival(_ participant: Participant, placement: Placement?) throws {
        try translatingErrors {
            _ = try connection.query(
                """
                SELECT homeward.register_arrivals(jsonb_build_array(jsonb_build_object(
                    'case_number', $1::text, 'given_name', $2::text, 'family_name', $3::text, 'patronymic', $4::text,
                    'birth_date', $5::date, 'sex', $6::text, 'languages', $7::text[], 'region_of_origin', $8::text,
                    'legal_situation', $9::text, 'sentence_ends_on', $10::date, 'status', $11::text, 'returned_on', $12::date,
                    'centre_code', $13::text, 'placed_from', $14::date, 'placed_to', $15::date, 'reason', $16::text)))
                """,
                [participant.caseNumber, participant.givenName, participant.familyName, participant.patronymic, participant.birthDate,
                 participant.sex, participant.languages, participant.regionOfOrigin, participant.legalSituation,
                 participant.sentenceEndsOn, participant.status, participant.returnedOn,
                 placement?.centreCode, placement?.firstDay, placement?.lastDay, placement?.reason])
        }
    }

    /// Participants with their age and current centre, by case number; each argument given narrows the list: placed at
    /// `centreCode` today, of `status`, with an open (active or paused) enrolment in `programmeCode`, in `ageGroup` today.
    public func participants(
        centreCode: String? = nil, status: Participant.Status? = nil, programmeCode: String? = nil, ageGroup: Participant.AgeGroup? = nil
    ) throws -> [ParticipantSummary] {
        try requireNamed(centre: centreCode)
        let isChild: Bool? = ageGroup.map { $0 == .child }
        return try fetch(
            """
            SELECT p.case_number, concat_ws(' ', p.given_name, p.patronymic, p.family_name), p.birth_date,
                   homeward.age_on(p.birth_date, homeward.today()), homeward.age_on(p.birth_date, homeward.today()) < $5,
                   p.sex, p.languages, p.status, c.code
            FROM homeward.participants p
            LEFT JOIN homeward.participant_placements pl ON pl.participant_id = p.id AND pl.during @> homeward.today()
            LEFT JOIN homeward.centres c ON c.id = pl.centre_id
            WHERE ($1::text IS NULL OR c.code = $1)
              AND ($2::text IS NULL OR p.status = $2)
              AND ($3::text IS NULL OR EXISTS (
                    SELECT 1 FROM homeward.enrolments e JOIN homeward.programmes pr ON pr.id = e.programme_id
                    WHERE e.participant_id = p.id AND pr.code = $3 AND e.status IN ('active', 'paused')))
              AND ($4::boolean IS NULL OR (homeward.age_on(p.birth_date, homeward.today()) < $5) = $4)
            ORDER BY p.case_number
            """,
            [centreCode, status, programmeCode, isChild, Participant.adultAge]
        ) {
            ParticipantSummary(
                caseNumber: try $0.decode(0), name: try $0.decode(1), birthDate: try $0.decode(2), age: try $0.decode(3),
                isChild: try $0.decode(4), sex: try $0.decode(5), languages: try $0.decode(6), status: try $0.decode(7),
                centreCode: try $0.decode(8))
        }
    }

    /// One participant with age, placements, family links, consents and enrolments.
    public func participant(caseNumber: String) throws -> ParticipantDetail {
        let (participant, age, isChild) = try fetchOne(
            """
            SELECT \(Self.participantColumns), homeward.age_on(p.birth_date, homeward.today()),
                   homeward.age_on(p.birth_date, homeward.today()) < $2
            FROM homeward.participants p WHERE p.case_number = $1
            """, [caseNumber, Participant.adultAge], notFound: self.missingParticipant(caseNumber)
        ) { (try Self.participant($0), try $0.decode(12, as: Int.self), try $0.decode(13, as: Bool.self)) }
        let placements = try fetch(
            """
            SELECT \(Self.placementColumns), pl.during @> homeward.today()
            FROM homeward.participant_placements pl
            JOIN homeward.participants p ON p.id = pl.participant_id JOIN homeward.centres c ON c.id = pl.centre_id
            WHERE p.case_number = $1 ORDER BY lower(pl.during)
            """, [caseNumber]
        ) { (try Self.placement($0), try $0.decode(4, as: Bool.self)) }
        let consents = try fetch(
            """
            SELECT k.kind, k.given_by, k.given_on, k.withdrawn_on FROM homeward.consents k
            JOIN homeward.participants p ON p.id = k.participant_id WHERE p.case_number = $1 ORDER BY k.given_on, k.id
            """, [caseNumber]
        ) { Consent(kind: try $0.decode(0), givenBy: try $0.decode(1), givenOn: try $0.decode(2), withdrawnOn: try $0.decode(3)) }
        let enrolments = try fetch(
            """
            SELECT pr.code, ph.code, e.status, e.started_on, e.planned_end_on, e.ended_on
            FROM homeward.enrolments e
            JOIN homeward.participants p ON p.id = e.participant_id
            JOIN homeward.programmes pr ON pr.id = e.programme_id
            JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
            WHERE p.case_number = $1 ORDER BY e.started_on, pr.code
            """, [caseNumber]
        ) {
            ParticipantDetail.Enrolment(
                programmeCode: try $0.decode(0), phaseCode: try $0.decode(1), status: try $0.decode(2), startedOn: try $0.decode(3),
                plannedEndOn: try $0.decode(4), endedOn: try $0.decode(5))
        }
        return ParticipantDetail(
            participant: participant, age: age, isChild: isChild, currentPlacement: placements.first(where: \.1)?.0,
            placements: placements.map(\.0), familyLinks: try familyLinks(caseNumbers: [caseNumber]), consents: consents,
            enrolments: enrolments)
    }

    /// Changes the given fields of a participant; the database checks the legal situation and sentence together.
    public func updateParticipant(caseNumber: String, _ changes: ParticipantChanges) throws {
        try write(
            """
            UPDATE homeward.participants SET
                given_name = coalesce($2, given_name), family_name = coalesce($3, family_name),
                patronymic = coalesce($4, patronymic), region_of_origin = coalesce($5, region_of_origin),
                languages = coalesce($6::text[], languages), legal_situation = coalesce($7, legal_situation),
                sentence_ends_on = CASE WHEN $7::text IS NOT NULL AND $7::text <> 'convicted' THEN NULL
                                        ELSE coalesce($8::date, sentence_ends_on) END,
                status = coalesce($9, status)
            WHERE case_number = $1
            """,
            [caseNumber, changes.givenName, changes.familyName, changes.patronymic, changes.regionOfOrigin, changes.languages,
             changes.legalSituation, changes.sentenceEndsOn, changes.status],
            notFound: self.missingParticipant(caseNumber))
    }

    /// Moves a participant to another centre on `day`: the placement holding that day ends the day before, a new one opens.
    ///
    /// Refused when the participant is already placed at that centre on that day. A school enrolment running on past the
    /// day at a school outside the new centre's region ends the day before (status left), unless `keepSchool`.
    @discardableResult
    public func transferParticipant(caseNumber: String, to centreCode: String, on day: LocalDate, reason: String?,
                                    keepSchool: Bool = false) throws -> LifeEventOutcome {
        try transaction {
            var outcome = LifeEventOutcome()
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            let centreID = try centreID(code: centreCode)
            let current = try fetch(
                """
                SELECT pl.id, pl.centre_id, lower(pl.during) FROM homeward.participant_placements pl
                WHERE pl.participant_id = $1 AND pl.during @> $2::date FOR UPDATE
                """, [participantID, day]
            ) { (id: try $0.decode(0, as: Int.self), centreID: try $0.decode(1, as: Int.self), firstDay: try $0.decode(2, as: LocalDate.self)) }
            if let current = current.first {
                guard current.centreID != centreID else {
                    throw StoreError.invalid(InvalidInput(
                        record: caseNumber, field: "to", value: centreCode, reason: "is where the participant is already placed on \(day)"))
                }
                guard current.firstDay < day else {
                    throw StoreError.invalid(InvalidInput(
                        record: caseNumber, field: "on", value: day.description,
                        reason: "is the first day of the current placement; transfer on a later day"))
                }
                try connection.execute(
                    "UPDATE homeward.participant_placements SET during = daterange(lower(during), $2::date) WHERE id = $1",
                    [current.id, day])
                // The plan follows: nothing stays booked at the old centre from the transfer day on.
                outcome.release(try releasePlannedSessions(participantID, from: day, centreID: current.centreID,
                                                               reason: "transferred to \(centreCode)"))
            }
            if !keepSchool {
                outcome.schoolsLeft = try fetch(
                    """
                    UPDATE homeward.school_enrolments se SET enrolled_to = $2::date - 1, status = 'left'
                    FROM homeward.schools sc, homeward.centres c
                    WHERE se.participant_id = $1 AND se.status = 'enrolled' AND se.enrolled_from < $2::date
                      AND (se.enrolled_to IS NULL OR se.enrolled_to >= $2::date)
                      AND sc.id = se.school_id AND c.id = $3 AND sc.region IS DISTINCT FROM c.region
                    RETURNING sc.code
                    """, [participantID, day, centreID]) { try $0.decode(0, as: String.self) }.sorted()
            }
            try insertPlacement(caseNumber: caseNumber, Placement(centreCode: centreCode, firstDay: day, reason: reason))
            return outcome
        }
    }

    /// Frees a participant from their planned sessions from `day` on (`homeward.release_planned_sessions`).
    private func releasePlannedSessions(_ participantID: Int, from day: LocalDate, centreID: Int?, reason: String) throws -> (Int, Int) {
        let row = try fetchOne(
            "SELECT cancelled, seats_released FROM homeward.release_planned_sessions($1, $2, $3, $4)",
            [participantID, day, centreID, reason], notFound: .database("release_planned_sessions returned nothing")
        ) { (try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self)) }
        return row
    }

    /// Ends the placement holding `day` (the participant's last day there) and sets the final status, in one transaction.
    @discardableResult
    public func dischargeParticipant(caseNumber: String, on day: LocalDate, status: Participant.Status, reason: String?) throws -> LifeEventOutcome {
        try transaction {
            var outcome = LifeEventOutcome()
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            try connection.execute("UPDATE homeward.participants SET status = $2 WHERE id = $1", [participantID, status])
            // The plan and the case follow: no session after the last day, enrolments closed with the outcome, flags resolved.
            let why = "discharged (\(status.rawValue))" + (reason.map { ": \($0)" } ?? "")
            outcome.release(try releasePlannedSessions(participantID, from: day.adding(days: 1), centreID: nil, reason: why))
            if status == .completed || status == .withdrawn {
                let closed = try fetchOne(
                    "SELECT enrolments_closed, flags_resolved FROM homeward.close_case($1, $2, $3, $4)",
                    [participantID, day, status.rawValue, why], notFound: .database("close_case returned nothing")
                ) { (try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self)) }
                outcome.enrolmentsClosed = closed.0
                outcome.flagsResolved = closed.1
            }
            // The placement ends last: a coordinator whose centre it was no longer sees the person once it ends before today,
            // and the status, sessions and enrolments above would not have been changed.
            try connection.execute(
                """
                UPDATE homeward.participant_placements
                SET during = daterange(lower(during), $2::date + 1),
                    reason = CASE WHEN $3::text IS NULL THEN reason ELSE concat_ws('; ', reason, 'discharged: ' || $3::text) END
                WHERE participant_id = $1 AND during @> $2::date
                """, [participantID, day, reason])
            return outcome
        }
    }

    /// Records a consent for a participant; at most one of each kind may be in force.
    public func recordConsent(caseNumber: String, _ consent: Consent) throws {
        try write(
            """
            INSERT INTO homeward.consents (participant_id, kind, given_by, given_on, withdrawn_on)
            SELECT id, $2, $3, $4, $5 FROM homeward.participants WHERE case_number = $1
            """, [caseNumber, consent.kind, consent.givenBy, consent.givenOn, consent.withdrawnOn],
            notFound: self.missingParticipant(caseNumber))
    }

    /// Withdraws the consent of that kind in force for a participant, from `day`.
    public func withdrawConsent(caseNumber: String, kind: Consent.Kind, on day: LocalDate) throws {
        try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            try write(
                "UPDATE homeward.consents SET withdrawn_on = $3 WHERE participant_id = $1 AND kind = $2 AND withdrawn_on IS NULL",
                [participantID, kind, day],
                notFound: .notFound(what: "consent in force of kind", identifier: "\(kind.displayName)\" for \"\(caseNumber)"))
        }
    }

    /// The internal id of a participant, or `notFound`.
    func idOfParticipant(caseNumber: String) throws -> Int {
        guard let id = try fetch("SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber], { try $0.decode(0, as: Int.self) }).first
        else { throw missingParticipant(caseNumber) }
        return id
    }

    static func participantNotFound(_ caseNumber: String) -> StoreError {
        .notFound(what: "participant with case number", identifier: caseNumber)
    }

    /// Inserts one placement for a participant at a centre (both looked up by code).
    private func insertPlacement(caseNumber: String, _ placement: Placement) throws {
        let participantID = try idOfParticipant(caseNumber: caseNumber)
        let centreID = try centreID(code: placement.centreCode)
        try translatingErrors {
            _ = try connection.execute(
                """
                INSERT INTO homeward.participant_placements (participant_id, centre_id, during, reason)
                VALUES ($1, $2, daterange($3::date, $4::date + 1), $5)
                """, [participantID, centreID, placement.firstDay, placement.lastDay, placement.reason])
        }
    }
}

/// What a life event (transfer, discharge) changed besides the placement, for the command to say.
public struct LifeEventOutcome: Sendable, Equatable {
    public var sessionsCancelled = 0
    public var seatsReleased = 0
    public var enrolmentsClosed = 0
    public var flagsResolved = 0
    /// Schools whose enrolment ended because the new centre is in another region (a transfer).
    public var schoolsLeft: [String] = []

    public init() {}

    mutating func release(_ released: (Int, Int)) {
        sessionsCancelled += released.0
        seatsReleased += released.1
    }

    /// "6 planned sessions cancelled, 1 group seat released, 1 enrolment closed, 3 flags resolved" (only what happened).
    public var summary: String {
        let parts = [(sessionsCancelled, "planned session", "cancelled"), (seatsReleased, "group seat", "released"),
                     (enrolmentsClosed, "enrolment", "closed"), (flagsResolved, "flag", "resolved")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s") \($0.2)" }
            + (schoolsLeft.isEmpty ? [] : ["school enrolment ended at \(schoolsLeft.joined(separator: ", ")) (another region)"])
        return parts.isEmpty ? "no planned session affected" : parts.joined(separator: ", ")
    }
}
