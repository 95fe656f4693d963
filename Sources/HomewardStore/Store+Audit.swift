import Foundation
import Homeward
import Postgres

/// One audited change to a participant's record, as `homeward audit CASE` shows it.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var at: Date
    /// The database login that made the change (session_user).
    public var login: String
    /// The client's application_name, e.g. "homeward participant add".
    public var applicationName: String
    public var table: String
    public var operation: String
    /// The row's primary key, as JSON text.
    public var primaryKey: String
    /// Changed fields as JSON text: {"field": {"old": …, "new": …}}.
    public var changed: String
}

extension Store {
    /// Creates the audit trail's monthly partitions that do not exist yet, from this month to three months ahead
    /// (`audit.ensure_month_partitions`, which the scheduler login may call); returns how many were new.
    @discardableResult
    public func ensureAuditPartitions() throws -> Int {
        try translatingErrors {
            try connection.query("SELECT audit.ensure_month_partitions((homeward.now() + interval '3 months')::date)").scalar(Int.self)
        }
    }

    /// A participant's history from the audit trail, oldest first: every change to their rows by anyone.
    ///
    /// The participant is found in the trail itself (so auditors, who cannot read `homeward`, can use it), falling back to
    /// `homeward.participants` for participants loaded before the trail existed.
    public func auditTrail(caseNumber: String, limit: Int = 1000) throws -> [AuditEntry] {
        let notFound = StoreError.notFound(what: "participant with case number", identifier: caseNumber)
        let fromTrail = try fetch(
            """
            SELECT participant_id FROM audit.changes
            WHERE table_name = 'homeward.participants'
              AND coalesce(changed -> 'case_number' ->> 'new', changed -> 'case_number' ->> 'old') = $1
            LIMIT 1
            """, [caseNumber]) { try $0.decode(0) as Int }
        let participantID = try fromTrail.first ?? fetchOne(
            "SELECT id FROM homeward.participants WHERE case_number = $1", [caseNumber], notFound: notFound) { try $0.decode(0) as Int }
        return try fetch(
            """
            SELECT at, login::text, application_name, table_name, operation, primary_key::text, changed::text
            FROM audit.changes WHERE participant_id = $1
            ORDER BY at, id
            LIMIT $2
            """, [participantID, limit]
        ) { row in
            AuditEntry(at: try row.decode(0), login: try row.decode(1), applicationName: try row.decode(2), table: try row.decode(3),
                       operation: try row.decode(4), primaryKey: try row.decode(5), changed: try row.decode(6))
        }
    }
}
