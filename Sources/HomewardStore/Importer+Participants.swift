import Homeward
import Postgres

extension Importer {
    /// A checked participants row: the participant and, when the file places them, where and from when.
    private struct ParticipantRow {
        var line: Int
        var participant: Participant
        var centre: String?
        var placedFrom: LocalDate?
    }

    /// Imports participants and their first placement (`centre`, `placed_from`, defaulting to `returned_on`).
    func importParticipants(_ input: ImportRows, dryRun: Bool) throws -> Summary {
        var rows = input
        let today = try store.today()
        var checked: [ParticipantRow] = []
        var caseNumbers: [(line: Int, key: String)] = []
        var centreCodes: [(line: Int, key: String)] = []

        for record in rows.records {
            let line = record.line
            let before = rows.problems.count
            let caseNumber = rows.code(record, "case_number", required: true)
            if let caseNumber { caseNumbers.append((line, caseNumber)) }
            let givenName = rows.value(record, "given_name", required: true)
            let familyName = rows.value(record, "family_name", required: true)
            let patronymic = rows.value(record, "patronymic", required: false)
            let birthDate = rows.date(record, "birth_date", required: true)
            let sex = rows.word(record, "sex", Participant.Sex.self)
            let languages = rows.languages(record)
            let region = rows.value(record, "region_of_origin", required: true)
            let legal = rows.word(record, "legal_situation", Participant.LegalSituation.self, fallback: .free)
            let sentenceEndsOn = rows.date(record, "sentence_ends_on", required: false)
            let status = rows.word(record, "status", Participant.Status.self, fallback: .intake)
            let returnedOn = rows.date(record, "returned_on", required: true)
            let centre = rows.code(record, "centre", required: false)
            if let centre { centreCodes.append((line, centre)) }
            var placedFrom = rows.date(record, "placed_from", required: false)
            guard rows.problems.count == before, let caseNumber, let givenName, let familyName, let birthDate, let sex,
                let languages, let region, let legal, let status, let returnedOn
            else { continue }

            let draft = Participant(
                caseNumber: caseNumber, givenName: givenName, familyName: familyName, patronymic: patronymic, birthDate: birthDate,
                sex: sex, languages: languages, regionOfOrigin: region, legalSituation: legal, sentenceEndsOn: sentenceEndsOn,
                status: status, returnedOn: returnedOn)
            guard let participant = rows.checked(line, { () throws(InvalidInput) in try draft.validated(today: today) }) else { continue }
            if centre == nil, let placedFrom {
                rows.problem(line, "placed_from", "\"\(placedFrom)\" needs a centre: fill in the centre column too")
                continue
            }
            if centre != nil {
                placedFrom = placedFrom ?? returnedOn
                if let placedFrom, placedFrom < returnedOn {
                    rows.problem(line, "placed_from", "\"\(placedFrom)\" is before returned_on (\(returnedOn)): placements start on or after return")
                    continue
                }
            }
            checked.append(ParticipantRow(line: line, participant: participant, centre: centre, placedFrom: placedFrom))
        }

        rows.reportDuplicates(caseNumbers, field: "case_number") { "case number \"\($0)\"" }
        try reportUnknownCentres(centreCodes, field: "centre", into: &rows)
        let existing = Set(try store.fetch(
            "SELECT case_number FROM homeward.participants WHERE case_number = ANY($1::text[])",
            [Array(Set(caseNumbers.map(\.key)))]) { try $0.decode(0, as: String.self) })
        for (line, caseNumber) in caseNumbers where existing.contains(caseNumber) {
            rows.problem(line, "case_number", "\"\(caseNumber)\" already belongs to a participant in the database")
        }
        try rows.throwIfProblems()

        let placements = checked.filter { $0.centre != nil }.count
        var summary = Summary(kind: .participants, file: rows.file, rows: checked.count, related: [("placements", placements)], dryRun: dryRun)
        if dryRun { return summary }

        try stage(
            "import_participants",
            columns: ["line int", "case_number text", "given_name text", "family_name text", "patronymic text", "birth_date date",
                      "sex text", "languages text[]", "region_of_origin text", "legal_situation text", "sentence_ends_on date",
                      "status text", "returned_on date", "centre_code text", "placed_from date"],
            rows: checked.map { row -> [any PostgresEncodable] in
                let p = row.participant
                return [row.line, p.caseNumber, p.givenName, p.familyName, p.patronymic, p.birthDate, p.sex, p.languages,
                        p.regionOfOrigin, p.legalSituation, p.sentenceEndsOn, p.status, p.returnedOn, row.centre, row.placedFrom]
            })
        // Participants and their first placements in one step (homeward.register_arrivals): a coordinator may place
        // people only at the centres they coordinate, and cannot see anyone before they are placed.
        let inserted = try store.connection.query(
            """
            SELECT homeward.register_arrivals(coalesce(jsonb_agg(jsonb_build_object(
                       'case_number', case_number, 'given_name', given_name, 'family_name', family_name, 'patronymic', patronymic,
                       'birth_date', birth_date, 'sex', sex, 'languages', languages, 'region_of_origin', region_of_origin,
                       'legal_situation', legal_situation, 'sentence_ends_on', sentence_ends_on, 'status', status,
                       'returned_on', returned_on, 'centre_code', centre_code, 'placed_from', placed_from,
                       'reason', 'first placement, imported from ' || $1) ORDER BY line), '[]'))
            FROM import_participants
            """, [rows.file]).scalar(Int.self)
        try expectWritten(inserted, checked.count, what: "participants", file: rows.file)
        let placed = try store.connection.query(
            """
            SELECT count(*)::int FROM import_participants i
            JOIN homeward.participants p ON p.case_number = i.case_number
            JOIN homeward.participant_placements pl ON pl.participant_id = p.id
            WHERE i.centre_code IS NOT NULL
            """).scalar(Int.self)
        try expectWritten(placed, placements, what: "placements", file: rows.file)
        summary.related = [("placements", placed)]
        return summary
    }

    /// Reports centre codes of the file that no centre has, with their lines: one query for all of them.
    func reportUnknownCentres(_ codes: [(line: Int, key: String)], field: String, into rows: inout ImportRows) throws {
        guard !codes.isEmpty else { return }
        let known = Set(try store.fetch(
            "SELECT code FROM homeward.centres WHERE code = ANY($1::text[])", [Array(Set(codes.map(\.key)))]
        ) { try $0.decode(0, as: String.self) })
        for (line, code) in codes where !known.contains(code) {
            rows.problem(line, field, "no centre with code \"\(code)\"")
        }
    }
}
