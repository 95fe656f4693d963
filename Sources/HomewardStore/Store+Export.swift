import Foundation
import Homeward
import Postgres

/// One participant's full record, section by section, as JSON text (for a transfer or a subject access request).
public struct ParticipantExport: Sendable, Equatable {
    public var caseNumber: String
    /// Section name → the section's JSON text (an object for `person`, arrays for the rest), in export order.
    public var sections: [(name: String, json: String)]

    public static func == (lhs: ParticipantExport, rhs: ParticipantExport) -> Bool {
        lhs.caseNumber == rhs.caseNumber && lhs.sections.map(\.name) == rhs.sections.map(\.name)
            && lhs.sections.map(\.json) == rhs.sections.map(\.json)
    }

    /// The whole record as one pretty-printed JSON object with sorted keys.
    public func jsonDocument(exportedAt: Date = Date()) throws -> String {
        var document: [String: Any] = [
            "format": "homeward-participant-export/1",
            "case_number": caseNumber,
            "exported_at": ISO8601DateFormatter().string(from: exportedAt),
        ]
        for section in sections {
            document[section.name] = try JSONSerialization.jsonObject(with: Data(section.json.utf8), options: [.fragmentsAllowed])
        }
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

extension Store {
    /// The sections of an export and the set-based query that reads each, for participant `$1` (one query per section).
    static let exportSections: [(name: String, sql: String)] = [
        ("person", """
            SELECT jsonb_build_object('case_number', p.case_number, 'given_name', p.given_name, 'family_name', p.family_name,
                   'patronymic', p.patronymic, 'birth_date', p.birth_date, 'sex', p.sex, 'languages', p.languages,
                   'region_of_origin', p.region_of_origin, 'legal_situation', p.legal_situation,
                   'sentence_ends_on', p.sentence_ends_on, 'status', p.status, 'returned_on', p.returned_on,
                   'created_at', p.created_at)
            FROM homeward.participants p WHERE p.id = $1
            """),
        ("placements", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('centre_code', c.code, 'centre_name', c.name,
                       'first_day', lower(pl.during), 'last_day', upper(pl.during) - 1, 'reason', pl.reason)
                   ORDER BY lower(pl.during)), '[]')
            FROM homeward.participant_placements pl JOIN homeward.centres c ON c.id = pl.centre_id
            WHERE pl.participant_id = $1
            """),
        ("consents", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('kind', k.kind, 'given_by', k.given_by, 'given_on', k.given_on,
                       'withdrawn_on', k.withdrawn_on) ORDER BY k.given_on, k.id), '[]')
            FROM homeward.consents k WHERE k.participant_id = $1
            """),
        ("family_links", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('relationship', f.relationship, 'is_guardian', f.is_guardian,
                       'guardian_since', f.guardian_since,
                       'relative', CASE WHEN r.id IS NOT NULL THEN jsonb_build_object('given_name', r.given_name,
                           'family_name', r.family_name, 'phone', r.phone, 'region', r.region, 'notes', r.relationship_notes) END,
                       'related_participant_case_number', o.case_number) ORDER BY f.id), '[]')
            FROM homeward.family_links f
            LEFT JOIN homeward.relatives r ON r.id = f.relative_id
            LEFT JOIN homeward.participants o ON o.id = f.related_participant_id
            WHERE f.participant_id = $1
            """),
        ("enrolments", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('programme_code', pr.code, 'current_phase_code', ph.code,
                       'started_on', e.started_on, 'phase_started_on', e.phase_started_on, 'status', e.status,
                       'planned_end_on', e.planned_end_on, 'ended_on', e.ended_on) ORDER BY e.started_on, e.id), '[]')
            FROM homeward.enrolments e
            JOIN homeward.programmes pr ON pr.id = e.programme_id
            JOIN homeward.programme_phases ph ON ph.id = e.current_phase_id
            WHERE e.participant_id = $1
            """),
        ("school_enrolments", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('school_code', s.code, 'school_name', s.name, 'grade', se.grade,
                       'shift', se.shift, 'school_day_starts_at', se.school_day_starts_at, 'school_day_ends_at', se.school_day_ends_at,
                       'school_weekdays', se.school_weekdays, 'enrolled_from', se.enrolled_from, 'enrolled_to', se.enrolled_to,
                       'status', se.status) ORDER BY se.enrolled_from), '[]')
            FROM homeward.school_enrolments se JOIN homeward.schools s ON s.id = se.school_id
            WHERE se.participant_id = $1
            """),
        ("school_attendance", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('day', a.day, 'school_code', s.code, 'status', a.status,
                       'reported_by', a.reported_by, 'reported_at', a.reported_at) ORDER BY a.day), '[]')
            FROM homeward.school_attendance a
            JOIN homeward.school_enrolments se ON se.id = a.school_enrolment_id
            JOIN homeward.schools s ON s.id = se.school_id
            WHERE a.participant_id = $1
            """),
        ("course_enrolments", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('course_code', co.code, 'course_name', co.name,
                       'started_on', ce.started_on, 'status', ce.status) ORDER BY ce.started_on, ce.id), '[]')
            FROM homeward.course_enrolments ce JOIN homeward.courses co ON co.id = ce.course_id
            WHERE ce.participant_id = $1
            """),
        ("module_completions", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('course_code', co.code, 'module_code', m.code, 'module_title', m.title,
                       'completed_on', mc.completed_on, 'result', mc.result, 'score', mc.score)
                   ORDER BY mc.completed_on, mc.id), '[]')
            FROM homeward.module_completions mc
            JOIN homeward.course_enrolments ce ON ce.id = mc.course_enrolment_id
            JOIN homeward.courses co ON co.id = mc.course_id
            JOIN homeward.course_modules m ON m.id = mc.module_id
            WHERE ce.participant_id = $1
            """),
        ("sessions", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('session_type', s.session_type, 'mode', s.mode, 'centre_code', c.code,
                       'room_code', r.code, 'starts_at', s.starts_at, 'ends_at', s.ends_at, 'status', s.status,
                       'cancel_reason', s.cancel_reason, 'staff_codes', st.codes, 'attendance', a.status,
                       'attendance_note', a.note, 'recorded_by', a.recorded_by) ORDER BY s.starts_at, s.id), '[]')
            FROM homeward.session_participants sp
            JOIN homeward.sessions s ON s.id = sp.session_id
            JOIN homeward.centres c ON c.id = s.centre_id
            JOIN homeward.rooms r ON r.id = s.room_id
            LEFT JOIN homeward.attendance a ON a.session_id = sp.session_id AND a.participant_id = sp.participant_id
            LEFT JOIN (SELECT ss.session_id, jsonb_agg(x.code ORDER BY x.code) AS codes
                       FROM homeward.session_staff ss JOIN homeward.staff x ON x.id = ss.staff_id
                       WHERE ss.session_id IN (SELECT session_id FROM homeward.session_participants WHERE participant_id = $1)
                       GROUP BY ss.session_id) st ON st.session_id = s.id
            WHERE sp.participant_id = $1
            """),
        ("assessments", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('assessed_on', a.assessed_on, 'kind', a.kind, 'staff_code', st.code,
                       'score', a.score, 'level', a.level, 'summary', a.summary) ORDER BY a.assessed_on, a.id), '[]')
            FROM homeward.assessments a JOIN homeward.staff st ON st.id = a.staff_id
            WHERE a.participant_id = $1
            """),
        ("milestones", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('kind', m.kind, 'achieved_on', m.achieved_on, 'note', m.note)
                   ORDER BY m.achieved_on, m.id), '[]')
            FROM homeward.milestones m WHERE m.participant_id = $1
            """),
        ("flags", """
            SELECT coalesce(jsonb_agg(jsonb_build_object('rule', f.rule, 'subject', f.subject, 'severity', f.severity,
                       'status', f.status, 'opened_at', f.opened_at, 'inputs', f.inputs, 'acknowledged_by', f.acknowledged_by,
                       'acknowledged_at', f.acknowledged_at, 'acknowledge_note', f.acknowledge_note, 'resolved_at', f.resolved_at,
                       'resolved_by', f.resolved_by, 'resolve_reason', f.resolve_reason) ORDER BY f.opened_at, f.id), '[]')
            FROM homeward.flags f WHERE f.participant_id = $1
            """),
    ]

    /// Reads a participant's whole record (one query per section, in one repeatable-read snapshot) and appends an
    /// `export` row to the audit trail in the same transaction, so no export goes unrecorded.
    public func exportParticipant(caseNumber: String) throws -> ParticipantExport {
        try transaction {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let participantID = try fetchOne(
                "SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber],
                notFound: .notFound(what: "participant with case number", identifier: caseNumber)) { try $0.decode(0) as Int }
            let sections = try Self.exportSections.map { section in
                (name: section.name, json: try connection.query("SELECT (\n\(section.sql)\n)::text", [participantID]).scalar(String.self))
            }
            try connection.execute("SELECT audit.record_export($1, $2::text[])", [participantID, sections.map(\.name)])
            return ParticipantExport(caseNumber: caseNumber, sections: sections)
        }
    }
}
