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
        var keys = PeopleKeys(column: "case_number", centreColumn: "centre")
        let checked = rows.checkEach { rows, record -> ParticipantRow? in
            let line = record.line
            let (caseNumber, givenName, familyName) = rows.person(record, keys: &keys)
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
            if let centre { keys.centres.append((line, centre)) }
            var placedFrom = rows.date(record, "placed_from", required: false)
            guard rows.recordIsClean, let caseNumber, let givenName, let familyName, let birthDate, let sex, let languages,
                let region, let legal, let status, let returnedOn
            else { return nil }

            let draft = Participant(
                caseNumber: caseNumber, givenName: givenName, familyName: familyName, patronymic: patronymic, birthDate: birthDate,
                sex: sex, languages: languages, regionOfOrigin: region, legalSituation: legal, sentenceEndsOn: sentenceEndsOn,
                status: status, returnedOn: returnedOn)
            guard let participant = rows.checked(line, { () throws(InvalidInput) in try draft.validated(today: today) }) else { return nil }
            if centre == nil, let placedFrom {
                rows.problem(line, "placed_from", "\"\(placedFrom)\" needs a centre: fill in the centre column too")
                return nil
            }
            if centre != nil {
                placedFrom = placedFrom ?? returnedOn
                if let placedFrom, placedFrom < returnedOn {
                    rows.problem(line, "placed_from", "\"\(placedFrom)\" is before returned_on (\(returnedOn)): placements start on or after return")
                    return nil
                }
            }
            return ParticipantRow(line: line, participant: participant, centre: centre, placedFrom: placedFrom)
        }

        try report(
            keys, describe: { "case number \"\($0)\"" }, owner: "a participant",
            existing: "SELECT case_number FROM homeward.participants WHERE case_number = ANY($1::text[])", into: &rows)
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

    /// The file-wide checks of a people file, one query each: its own keys appear once in the file and belong to nobody
    /// in the database yet (`existing` takes them as `$1` and returns those taken by `owner`), and its centres exist.
    func report(
        _ keys: PeopleKeys, describe: (String) -> String, owner: String, existing: String, into rows: inout ImportRows
    ) throws {
        rows.reportDuplicates(keys.own, field: keys.column, describe: describe)
        let knownCentres = try found(keys.centres, "SELECT code FROM homeward.centres WHERE code = ANY($1::text[])")
        for (line, code) in keys.centres where !knownCentres.contains(code) {
            rows.problem(line, keys.centreColumn, "no centre with code \"\(code)\"")
        }
        let taken = try found(keys.own, existing)
        for (line, key) in keys.own where taken.contains(key) {
            rows.problem(line, keys.column, "\"\(key)\" already belongs to \(owner) in the database")
        }
    }

    /// The distinct keys of `keys` that `query` finds (it takes them as `$1`, a text[]); no query when there are none.
    private func found(_ keys: [(line: Int, key: String)], _ query: String) throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return Set(try store.fetch(query, [Array(Set(keys.map(\.key)))]) { try $0.decode(0, as: String.self) })
    }
}

/// What a people file (participants, staff) is checked by once every row is read: its own key column (case number,
/// staff code) and the centre codes it names, each with its line.
struct PeopleKeys {
    var column: String
    var centreColumn: String
    var own: [(line: Int, key: String)] = []
    var centres: [(line: Int, key: String)] = []
}

extension ImportRows {
    /// The key column of a people row, noted in `keys`, and the two name columns every people file has.
    mutating func person(_ record: CSVTable.Record, keys: inout PeopleKeys) -> (key: String?, givenName: String?, familyName: String?) {
        let key = code(record, keys.column, required: true)
        if let key { keys.own.append((record.line, key)) }
        return (key, value(record, "given_name", required: true), value(record, "family_name", required: true))
    }
}
