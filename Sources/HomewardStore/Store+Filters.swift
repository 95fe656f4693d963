import Homeward

extension Store {
    /// Refuses a filter that names nothing: a centre, staff member or case number that does not exist is a typo, and
    /// must not quietly list nothing or, worse, plan for everyone. One query; a participant the login may not see (row-
    /// level security) counts as unknown, and a login with no access to participants at all is not asked about them.
    func requireNamed(centre: String? = nil, staff: String? = nil, caseNumber: String? = nil) throws {
        guard centre != nil || staff != nil || caseNumber != nil else { return }
        let row = try translatingErrors {
            try connection.query(
                """
                SELECT $1::text IS NULL OR EXISTS (SELECT 1 FROM homeward.centres WHERE code = $1),
                       $2::text IS NULL OR EXISTS (SELECT 1 FROM homeward.staff WHERE code = $2),
                       CASE WHEN $3::text IS NULL OR NOT has_table_privilege('homeward.participants', 'SELECT') THEN true
                            ELSE EXISTS (SELECT 1 FROM homeward.participants WHERE case_number = $3) END
                """, [centre, staff, caseNumber]
            ).rows[0]
        }
        if let centre, try !row.decode(0, as: Bool.self) { throw Self.centreNotFound(centre) }
        if let staff, try !row.decode(1, as: Bool.self) { throw Self.staffNotFound(staff) }
        if let caseNumber, try !row.decode(2, as: Bool.self) { throw missingParticipant(caseNumber) }
    }
}

extension Store {
    static func centreNotFound(_ code: String) -> StoreError { .notFound(what: "centre with code", identifier: code) }
}
