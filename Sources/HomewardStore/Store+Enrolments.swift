import Homeward
import Postgres

/// What `advanceEnrolment` did: moved to the next phase, or completed the programme after its last phase.
public enum EnrolmentAdvance: Sendable, Equatable {
    case movedTo(phase: String, ordinal: Int)
    case completed(on: LocalDate)
}

/// An enrolment with the phases of its programme, as `enrolment show` presents it.
public struct EnrolmentDetail: Sendable, Equatable, Codable {
    public var enrolment: Enrolment
    public var programmeName: String
    public var phases: [Phase]

    /// A phase of the programme and whether the participant is past it, in it, or yet to reach it.
    public struct Phase: Sendable, Equatable, Codable {
        public var ordinal: Int
        public var code: String
        public var name: String
        public var durationDays: Int
        public var state: String
    }
}

extension Store {
    private static let enrolmentSelect = """
        SELECT e.id, pa.case_number, pr.code, ph.code, ph.ordinal,
               (SELECT count(*) FROM homeward.programme_phases x WHERE x.programme_id = pr.id),
               e.started_on, e.phase_started_on, e.planned_end_on, e.ended_on, e.status, c.code
        FROM homeward.enrolments e
        JOIN homeward.participants pa ON pa.id = e.participant_id
        JOIN homeward.programmes pr ON pr.id = e.programme_id
        JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
        LEFT JOIN homeward.participant_placements pl ON pl.participant_id = pa.id AND pl.during @> homeward.today()
        LEFT JOIN homeward.centres c ON c.id = pl.centre_id
        """

    private static func enrolment(_ row: Row) throws -> Enrolment {
        Enrolment(
            id: try row.decode(0), caseNumber: try row.decode(1), programmeCode: try row.decode(2), phaseCode: try row.decode(3),
            phaseOrdinal: try row.decode(4), phaseCount: try row.decode(5), startedOn: try row.decode(6),
            phaseStartedOn: try row.decode(7), plannedEndOn: try row.decode(8), endedOn: try row.decode(9),
            status: try row.decode(10), centreCode: try row.decode(11))
    }

    /// Enrols a participant in a programme from `start`, in `phaseCode` (default: the first phase); returns the enrolment id.
    ///
    /// The planned end is the start plus the days of the starting phase and of every phase after it.
    public func addEnrolment(caseNumber: String, programmeCode: String, start: LocalDate, phaseCode: String? = nil) throws -> Int {
        try transaction {
            _ = try fetchOne("SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber],
                             notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0, as: Int.self) }
            let phases = try fetch(
                """
                SELECT ph.code, ph.duration_days FROM homeward.programme_phases ph
                JOIN homeward.programmes p ON p.id = ph.programme_id WHERE p.code = $1 ORDER BY ph.ordinal
                """, [programmeCode]
            ) { (code: try $0.decode(0, as: String.self), days: try $0.decode(1, as: Int.self)) }
            guard !phases.isEmpty else { throw StoreError.notFound(what: "programme with code", identifier: programmeCode) }
            let startIndex = try phaseCode.map { code in
                guard let index = phases.firstIndex(where: { $0.code == code }) else {
                    throw StoreError.notFound(what: "phase of \(programmeCode) with code", identifier: code)
                }
                return index
            } ?? 0
            let plannedEnd = Enrolment.plannedEnd(start: start, remainingPhaseDays: phases[startIndex...].map(\.days))
            return try fetchOne(
                """
                INSERT INTO homeward.enrolments (participant_id, programme_id, started_on, current_phase_id, phase_started_on, planned_end_on)
                SELECT pa.id, pr.id, $3, ph.id, $3, $5
                FROM homeward.participants pa, homeward.programmes pr
                JOIN homeward.programme_phases ph ON ph.programme_id = pr.id AND ph.code = $4
                WHERE pa.case_number = $1 AND pr.code = $2
                RETURNING id
                """, [caseNumber, programmeCode, start, phases[startIndex].code, plannedEnd],
                notFound: .notFound(what: "programme with code", identifier: programmeCode)) { try $0.decode(0) }
        }
    }

    /// Enrolments, optionally of one programme, of participants placed at one centre today, or in one status.
    public func enrolments(programmeCode: String? = nil, centreCode: String? = nil, status: Enrolment.Status? = nil,
                           caseNumber: String? = nil) throws -> [Enrolment] {
        try requireNamed(centre: centreCode, caseNumber: caseNumber)
        return try fetch(
            Self.enrolmentSelect + """

                WHERE ($1::text IS NULL OR pr.code = $1) AND ($2::text IS NULL OR c.code = $2)
                  AND ($3::text IS NULL OR e.status = $3) AND ($4::text IS NULL OR pa.case_number = $4)
                ORDER BY pa.case_number, e.started_on, e.id
                """, [programmeCode, centreCode, status, caseNumber], Self.enrolment)
    }

    /// One enrolment with every phase of its programme marked done, current or upcoming.
    public func enrolment(id: Int) throws -> EnrolmentDetail {
        let enrolment = try fetchOne(Self.enrolmentSelect + "\nWHERE e.id = $1", [id],
                                     notFound: .notFound(what: "enrolment with id", identifier: String(id)), Self.enrolment)
        let rows = try fetch(
            """
            SELECT pr.name, ph.ordinal, ph.code, ph.name, ph.duration_days FROM homeward.enrolments e
            JOIN homeward.programmes pr ON pr.id = e.programme_id
            JOIN homeward.programme_phases ph ON ph.programme_id = pr.id
            WHERE e.id = $1 ORDER BY ph.ordinal
            """, [id]
        ) { (programme: try $0.decode(0, as: String.self), ordinal: try $0.decode(1, as: Int.self), code: try $0.decode(2, as: String.self),
             name: try $0.decode(3, as: String.self), days: try $0.decode(4, as: Int.self)) }
        let phases = rows.map { row in
            let state: String
            if row.ordinal < enrolment.phaseOrdinal || (row.ordinal == enrolment.phaseOrdinal && enrolment.status == .completed) {
                state = "done"
            } else if row.ordinal == enrolment.phaseOrdinal {
                state = "current"
            } else {
                state = "upcoming"
            }
            return EnrolmentDetail.Phase(ordinal: row.ordinal, code: row.code, name: row.name, durationDays: row.days, state: state)
        }
        return EnrolmentDetail(enrolment: enrolment, programmeName: rows.first?.programme ?? "", phases: phases)
    }

    /// Moves an active enrolment to its next phase on `day`; after the last phase, completes it with `ended_on = day`.
    public func advanceEnrolment(id: Int, on day: LocalDate) throws -> EnrolmentAdvance {
        try transaction {
            let current = try lockedEnrolment(id: id)
            guard current.status == .active else {
                throw StoreError.invalid(InvalidInput(
                    record: "enrolment \(id)", field: "status", value: current.status.rawValue,
                    reason: "is not active; only an active enrolment can move to its next phase"))
            }
            guard day >= current.phaseStartedOn else {
                throw StoreError.invalid(InvalidInput(
                    record: "enrolment \(id)", field: "on", value: day.description,
                    reason: "is before the current phase \(current.phaseCode) started (\(current.phaseStartedOn))"))
            }
            let next = try fetch(
                """
                SELECT ph.id, ph.code, ph.ordinal FROM homeward.enrolments e
                JOIN homeward.programme_phases ph ON ph.programme_id = e.programme_id
                JOIN homeward.programme_phases cur ON cur.id = e.current_phase_id
                WHERE e.id = $1 AND ph.ordinal > cur.ordinal ORDER BY ph.ordinal LIMIT 1
                """, [id]
            ) { (id: try $0.decode(0, as: Int.self), code: try $0.decode(1, as: String.self), ordinal: try $0.decode(2, as: Int.self)) }.first
            if let next {
                try connection.execute(
                    "UPDATE homeward.enrolments SET current_phase_id = $2, phase_started_on = $3 WHERE id = $1", [id, next.id, day])
                return .movedTo(phase: next.code, ordinal: next.ordinal)
            }
            try connection.execute("UPDATE homeward.enrolments SET status = 'completed', ended_on = $2 WHERE id = $1", [id, day])
            return .completed(on: day)
        }
    }

    /// Pauses, resumes or withdraws an open enrolment; withdrawing closes it with `ended_on = day`.
    public func updateEnrolmentStatus(id: Int, to status: Enrolment.Status, on day: LocalDate) throws {
        try transaction {
            let current = try lockedEnrolment(id: id)
            guard current.allowsChange(to: status) else {
                let reason = current.status == status
                    ? "is already the enrolment's status"
                    : (current.isOpen
                        ? "cannot be set by hand (an enrolment completes when it advances past its last phase)"
                        : "cannot be set: the enrolment is \(current.status.rawValue) and closed")
                throw StoreError.invalid(InvalidInput(record: "enrolment \(id)", field: "status", value: status.rawValue, reason: reason))
            }
            try connection.execute(
                """
                UPDATE homeward.enrolments SET status = $2, ended_on = CASE WHEN $2 IN ('completed', 'withdrawn') THEN $3::date END
                WHERE id = $1
                """, [id, status, day])
        }
    }

    /// The enrolment, locked for the rest of the transaction.
    private func lockedEnrolment(id: Int) throws -> Enrolment {
        try connection.execute("SELECT 1 FROM homeward.enrolments WHERE id = $1 FOR UPDATE", [id])
        return try fetchOne(Self.enrolmentSelect + "\nWHERE e.id = $1", [id],
                            notFound: .notFound(what: "enrolment with id", identifier: String(id)), Self.enrolment)
    }
}

extension Store {
    /// Voids a mistaken enrolment (`homeward.void_enrolment`): it counts nowhere, and its planned sessions go with it.
    /// Returns the sessions cancelled and the group seats freed.
    @discardableResult
    public func voidEnrolment(id: Int, reason: String) throws -> (sessionsCancelled: Int, seatsReleased: Int) {
        let why = try Rules.required(reason, field: "reason", record: "enrolment \(id)", maxLength: Rules.maxTextLength)
        return try transaction {
            _ = try lockedEnrolmentExists(id: id)
            return try fetchOne("SELECT sessions_cancelled, seats_released FROM homeward.void_enrolment($1, $2)", [id, why],
                                notFound: .database("void_enrolment returned nothing")) {
                (try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self))
            }
        }
    }

    private func lockedEnrolmentExists(id: Int) throws -> Bool {
        try fetchOne("SELECT true FROM homeward.enrolments WHERE id = $1", [id],
                     notFound: .notFound(what: "enrolment with id", identifier: String(id))) { try $0.decode(0, as: Bool.self) }
    }
}
