import Homeward
import Postgres

extension Store {
    /// Checks that a participant exists, so an empty list is not mistaken for a typo.
    private func requireParticipant(caseNumber: String) throws {
        _ = try fetchOne("SELECT 1 FROM homeward.participants WHERE case_number = $1", [caseNumber],
                         notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
    }

    // MARK: Assessments

    /// Records a review of a participant by a staff member; returns its id.
    public func addAssessment(_ assessment: Assessment) throws -> Int {
        try transaction {
            try requireParticipant(caseNumber: assessment.caseNumber)
            _ = try fetchOne("SELECT 1 FROM homeward.staff WHERE code = $1", [assessment.staffCode],
                             notFound: .notFound(what: "staff member with code", identifier: assessment.staffCode)) { try $0.decode(0, as: Int.self) }
            return try fetchOne(
                """
                INSERT INTO homeward.assessments (participant_id, staff_id, assessed_on, kind, score, level, summary)
                SELECT p.id, st.id, $3, $4, $5, $6, $7
                FROM homeward.participants p, homeward.staff st WHERE p.case_number = $1 AND st.code = $2
                RETURNING id
                """,
                [assessment.caseNumber, assessment.staffCode, assessment.assessedOn, assessment.kind, assessment.score,
                 assessment.level, assessment.summary],
                notFound: .notFound(what: "participant with case number", identifier: assessment.caseNumber)
            ) { try $0.decode(0, as: Int.self) }
        }
    }

    /// A participant's assessments, most recent first.
    public func assessments(caseNumber: String) throws -> [Assessment] {
        try requireParticipant(caseNumber: caseNumber)
        return try fetch(
            """
            SELECT a.id, p.case_number, st.code, a.assessed_on, a.kind, a.score::float8, a.level, a.summary
            FROM homeward.assessments a
            JOIN homeward.participants p ON p.id = a.participant_id JOIN homeward.staff st ON st.id = a.staff_id
            WHERE p.case_number = $1 ORDER BY a.assessed_on DESC, a.id DESC
            """, [caseNumber]
        ) {
            Assessment(id: try $0.decode(0), caseNumber: try $0.decode(1), staffCode: try $0.decode(2), assessedOn: try $0.decode(3),
                       kind: try $0.decode(4), score: try $0.decode(5), level: try $0.decode(6), summary: try $0.decode(7))
        }
    }

    // MARK: Milestones

    /// Records a reintegration milestone; returns its id.
    public func addMilestone(_ milestone: Milestone) throws -> Int {
        try transaction {
            try requireParticipant(caseNumber: milestone.caseNumber)
            return try fetchOne(
                """
                INSERT INTO homeward.milestones (participant_id, kind, achieved_on, note)
                SELECT p.id, $2, $3, $4 FROM homeward.participants p WHERE p.case_number = $1
                RETURNING id
                """, [milestone.caseNumber, milestone.kind, milestone.achievedOn, milestone.note],
                notFound: .notFound(what: "participant with case number", identifier: milestone.caseNumber)
            ) { try $0.decode(0, as: Int.self) }
        }
    }

    /// Milestones of one participant, or of everyone; most recent first.
    public func milestones(caseNumber: String? = nil) throws -> [Milestone] {
        if let caseNumber { try requireParticipant(caseNumber: caseNumber) }
        return try fetch(
            """
            SELECT m.id, p.case_number, m.kind, m.achieved_on, m.note
            FROM homeward.milestones m JOIN homeward.participants p ON p.id = m.participant_id
            WHERE ($1::text IS NULL OR p.case_number = $1)
            ORDER BY m.achieved_on DESC, p.case_number, m.id DESC
            """, [caseNumber]
        ) {
            Milestone(id: try $0.decode(0), caseNumber: try $0.decode(1), kind: try $0.decode(2), achievedOn: try $0.decode(3),
                      note: try $0.decode(4))
        }
    }
}
