import Homeward
import Postgres

/// A family as `family list` shows it: its id, label and members' case numbers.
public struct FamilySummary: Sendable, Equatable, Codable {
    public var id: Int
    public var label: String
    public var memberCaseNumbers: [String]

    public init(id: Int, label: String, memberCaseNumbers: [String]) {
        self.id = id
        self.label = label
        self.memberCaseNumbers = memberCaseNumbers
    }
}

/// A family with its members and each member's family links, as `family show` presents it.
public struct FamilyDetail: Sendable, Equatable, Codable {
    /// One participant in the family, with the people linked to them.
    public struct Member: Sendable, Equatable, Codable {
        public var caseNumber: String
        public var name: String
        public var age: Int
        public var links: [FamilyLink]
        /// First day the member no longer belongs to the family, when they left.
        public var leftOn: LocalDate?
    }

    public var id: Int
    public var label: String
    public var members: [Member]
}

extension Store {
    /// Creates a family (a household booked together for family sessions) with its members; returns its id.
    public func addFamily(label: String, memberCaseNumbers: [String]) throws -> Int {
        try transaction {
            try requireParticipants(memberCaseNumbers)
            let id = try connection.query("INSERT INTO homeward.families (label) VALUES ($1) RETURNING id", [label]).scalar(Int.self)
            try connection.execute(
                """
                INSERT INTO homeward.family_members (family_id, participant_id)
                SELECT $1, p.id FROM homeward.participants p WHERE p.case_number = ANY($2::text[])
                """, [id, memberCaseNumbers])
            return id
        }
    }

    /// A member leaves a family from `day` (the first day they no longer belong): family sessions from then on expect only
    /// those who remain, and the member's seats in the family's planned sessions from that day are released (a session
    /// left with nobody is cancelled by the centre). Returns the seats released and sessions cancelled.
    public func leaveFamily(id: Int, caseNumber: String, from day: LocalDate, reason: String?) throws -> (seats: Int, cancelled: Int) {
        try transaction {
            let participantID = try idOfParticipant(caseNumber: caseNumber)
            try write(
                """
                UPDATE homeward.family_members SET left_on = $3, leave_reason = $4
                WHERE family_id = $1 AND participant_id = $2 AND (left_on IS NULL OR left_on > $3)
                """, [id, participantID, day, reason],
                notFound: .notFound(what: "current member of family \(id) with case number", identifier: caseNumber))
            let seats = try connection.query(
                """
                WITH freed AS (
                    DELETE FROM homeward.session_participants sp
                    USING homeward.sessions s, homeward.centres c
                    WHERE sp.session_id = s.id AND c.id = s.centre_id AND sp.participant_id = $2
                      AND s.family_id = $1 AND s.status = 'planned' AND (s.starts_at AT TIME ZONE c.time_zone)::date >= $3
                    RETURNING sp.session_id
                )
                SELECT coalesce(array_agg(session_id), '{}') FROM freed
                """, [id, participantID, day]).scalar([Int].self)
            let cancelled = try connection.execute(
                """
                UPDATE homeward.sessions s SET status = 'cancelled', cancelled_by = 'centre', cancel_reason = $2
                WHERE s.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM homeward.session_participants sp WHERE sp.session_id = s.id)
                """, [seats, "\(caseNumber) left the family" + (reason.map { ": \($0)" } ?? "")])
            return (seats.count, cancelled)
        }
    }

    /// All families with their current members, by id.
    public func families() throws -> [FamilySummary] {
        try fetch(
            """
            SELECT f.id, f.label,
                   coalesce(array_agg(p.case_number ORDER BY p.case_number) FILTER (WHERE p.id IS NOT NULL), '{}')
            FROM homeward.families f
            LEFT JOIN homeward.family_members m ON m.family_id = f.id AND homeward.family_member_on(m.left_on, homeward.today())
            LEFT JOIN homeward.participants p ON p.id = m.participant_id
            GROUP BY f.id ORDER BY f.id
            """
        ) { FamilySummary(id: try $0.decode(0), label: try $0.decode(1), memberCaseNumbers: try $0.decode(2)) }
    }

    /// One family with its members (age today) and each member's links.
    public func family(id: Int) throws -> FamilyDetail {
        let label = try fetchOne("SELECT label FROM homeward.families WHERE id = $1", [id],
                                 notFound: .notFound(what: "family with id", identifier: String(id))) { try $0.decode(0, as: String.self) }
        let members = try fetch(
            """
            SELECT p.case_number, concat_ws(' ', p.given_name, p.patronymic, p.family_name), homeward.age_on(p.birth_date, homeward.today()),
                   m.left_on
            FROM homeward.family_members m JOIN homeward.participants p ON p.id = m.participant_id
            WHERE m.family_id = $1 ORDER BY m.left_on NULLS FIRST, p.birth_date, p.case_number
            """, [id]
        ) { FamilyDetail.Member(caseNumber: try $0.decode(0), name: try $0.decode(1), age: try $0.decode(2), links: [], leftOn: try $0.decode(3)) }
        let links = try familyLinks(caseNumbers: members.map(\.caseNumber))
        return FamilyDetail(id: id, label: label, members: members.map { member in
            var member = member
            member.links = links.filter { $0.caseNumber == member.caseNumber }
            return member
        })
    }

    /// Saves a relative who is not a participant; returns the id coordinators use to link them.
    public func addRelative(_ relative: Relative) throws -> Int {
        try translatingErrors {
            try connection.query(
                """
                INSERT INTO homeward.relatives (given_name, family_name, phone, region, relationship_notes)
                VALUES ($1, $2, $3, $4, $5) RETURNING id
                """, [relative.givenName, relative.familyName, relative.phone, relative.region, relative.relationshipNotes]
            ).scalar(Int.self)
        }
    }

    /// Links a participant to a relative or to another participant; the database insists on exactly one of the two.
    public func addFamilyLink(_ link: FamilyLink) throws {
        try transaction {
            let participantID = try idOfParticipant(caseNumber: link.caseNumber)
            let relatedID = try link.relatedCaseNumber.map { try idOfParticipant(caseNumber: $0) }
            if let relativeID = link.relativeID {
                _ = try fetchOne("SELECT id FROM homeward.relatives WHERE id = $1", [relativeID],
                                 notFound: .notFound(what: "relative with id", identifier: String(relativeID))) { try $0.decode(0, as: Int.self) }
            }
            try connection.execute(
                """
                INSERT INTO homeward.family_links (participant_id, relative_id, related_participant_id, relationship, is_guardian, guardian_since)
                VALUES ($1, $2, $3, $4, $5, $6)
                """, [participantID, link.relativeID, relatedID, link.relationship, link.isGuardian, link.guardianSince])
        }
    }

    /// The family links of the given participants, with the linked person's name.
    public func familyLinks(caseNumbers: [String]) throws -> [FamilyLink] {
        try fetch(
            """
            SELECT p.case_number, l.relative_id, rp.case_number, l.relationship, l.is_guardian, l.guardian_since,
                   coalesce(r.given_name || ' ' || r.family_name, concat_ws(' ', rp.given_name, rp.patronymic, rp.family_name))
            FROM homeward.family_links l
            JOIN homeward.participants p ON p.id = l.participant_id
            LEFT JOIN homeward.relatives r ON r.id = l.relative_id
            LEFT JOIN homeward.participants rp ON rp.id = l.related_participant_id
            WHERE p.case_number = ANY($1::text[])
            ORDER BY p.case_number, l.id
            """, [caseNumbers]
        ) {
            FamilyLink(caseNumber: try $0.decode(0), relativeID: try $0.decode(1), relatedCaseNumber: try $0.decode(2),
                       relationship: try $0.decode(3), isGuardian: try $0.decode(4), guardianSince: try $0.decode(5), name: try $0.decode(6))
        }
    }

    /// Throws `notFound` for the first case number that names no participant.
    func requireParticipants(_ caseNumbers: [String]) throws {
        let missing = try fetch(
            """
            SELECT n.case_number FROM unnest($1::text[]) WITH ORDINALITY AS n(case_number, position)
            WHERE NOT EXISTS (SELECT 1 FROM homeward.participants p WHERE p.case_number = n.case_number)
            ORDER BY n.position LIMIT 1
            """, [caseNumbers]) { try $0.decode(0, as: String.self) }
        if let first = missing.first { throw missingParticipant(first) }
    }
}
