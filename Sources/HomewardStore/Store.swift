import Foundation
import Homeward
import Postgres

/// Reads and writes the domain in PostgreSQL: one extension per aggregate (`Store+Participants.swift`, …).
///
/// All SQL lives in the store; every statement is parameterized. Database errors leave the store as `StoreError`,
/// which says in the domain's words which record and which rule.
public final class Store {
    public let connection: Connection

    public init(connection: Connection) { self.connection = connection }

    /// Connects to the database and opens the store over that connection.
    ///
    /// - Parameters:
    ///   - conninfo: a libpq connection string or URI; empty means libpq's defaults (`PG*` variables, `PGSERVICE`, `.pgpass`).
    ///   - applicationName: shown in `pg_stat_activity` and recorded by the audit trail (the CLI passes the command's path).
    public static func open(conninfo: String, applicationName: String) throws -> Store {
        Store(connection: try Connection(conninfo: conninfo, applicationName: applicationName))
    }

    /// Which database, server and login the store is connected to, for messages: `database "homeward" on /tmp:5432 as aigerim`.
    public var endpoint: String { connection.endpoint }

    /// Runs `body`, turning server errors into `StoreError` with a sentence a coordinator understands.
    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            throw StoreError(error)
        }
    }

    /// Runs `body` in one transaction, with errors translated.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try translatingErrors { try connection.transaction { _ in try body() } }
    }

    /// The reference day, from the database's one clock (`homeward.today()`): today in the planning time zone,
    /// unless the what-if setting `homeward.today` is set for this session.
    public func today() throws -> LocalDate {
        try translatingErrors { try connection.query("SELECT homeward.today()::text").scalar(LocalDate.self) }
    }

    /// Runs a query and decodes each row with `decode`.
    func fetch<T>(_ sql: String, _ parameters: [any PostgresEncodable] = [], _ decode: (Row) throws -> T) throws -> [T] {
        try translatingErrors { try connection.query(sql, parameters).rows.map(decode) }
    }

    /// Runs a query expected to return one row, or throws `notFound`.
    func fetchOne<T>(
        _ sql: String, _ parameters: [any PostgresEncodable], notFound: @autoclosure () -> StoreError, _ decode: (Row) throws -> T
    ) throws -> T {
        guard let value = try fetch(sql, parameters, decode).first else { throw notFound() }
        return value
    }

    /// Runs a write expected to touch at least one row (the lookup by code succeeded), or throws `notFound`.
    @discardableResult
    func write(_ sql: String, _ parameters: [any PostgresEncodable], notFound: @autoclosure () -> StoreError) throws -> Int {
        let count = try translatingErrors { try connection.execute(sql, parameters) }
        guard count > 0 else { throw notFound() }
        return count
    }
}

extension LocalDate: PostgresCodable {
    public var postgresText: String? { description }
    public init(postgresText text: String) throws {
        guard let date = LocalDate(text) else { throw PostgresDecodingFailure() }
        self = date
    }
}

extension TimeOfDay: PostgresCodable {
    public var postgresText: String? { minutes == 1440 ? "24:00" : description }
    public init(postgresText text: String) throws {
        guard let time = TimeOfDay(text) else { throw PostgresDecodingFailure() }
        self = time
    }
}

extension PostgresEncodable where Self: Vocabulary {
    public var postgresText: String? { rawValue }
}

extension PostgresDecodable where Self: Vocabulary {
    public init(postgresText text: String) throws {
        guard let value = Self(rawValue: text) else { throw PostgresDecodingFailure() }
        self = value
    }
}

extension StaffRole: PostgresCodable {}
extension SessionType: PostgresCodable {}
extension SessionMode: PostgresCodable {}
extension SessionStatus: PostgresCodable {}
extension CancelledBy: PostgresCodable {}
extension AttendanceStatus: PostgresCodable {}
extension Centre.Kind: PostgresCodable {}
extension Room.Kind: PostgresCodable {}
extension Participant.Sex: PostgresCodable {}
extension Participant.LegalSituation: PostgresCodable {}
extension Participant.Status: PostgresCodable {}
extension ProgrammeTemplate.Audience: PostgresCodable {}
extension Enrolment.Status: PostgresCodable {}
extension SchoolEnrolment.Shift: PostgresCodable {}
extension SchoolEnrolment.Status: PostgresCodable {}
extension SchoolAttendance.Status: PostgresCodable {}
extension CourseEnrolment.Status: PostgresCodable {}
extension ModuleCompletion.Result: PostgresCodable {}
extension Assessment.Kind: PostgresCodable {}
extension Milestone.Kind: PostgresCodable {}
extension Consent.Kind: PostgresCodable {}
extension FamilyLink.Relationship: PostgresCodable {}
extension StaffLeave.Kind: PostgresCodable {}
extension FlagRule: PostgresCodable {}
extension FlagSeverity: PostgresCodable {}
extension FlagKind: PostgresCodable {}
extension FlagStatus: PostgresCodable {}
extension FlagEventKind: PostgresCodable {}

extension Store {
    /// The moment, from the database's clock (`homeward.now()`).
    public func now() throws -> Date {
        try translatingErrors { try connection.query("SELECT homeward.now()").scalar(Date.self) }
    }

    /// The planning time zone the database holds (`homeward.planning_zone()`), e.g. Asia/Almaty.
    public func planningZone() throws -> String {
        try translatingErrors { try connection.query("SELECT homeward.planning_zone()").scalar(String.self) }
    }

    /// The planning time zone, or nil in a database not migrated that far yet (asked first, so the server logs no error).
    public func planningZoneIfMigrated() throws -> String? {
        let migrated = try translatingErrors {
            try connection.query("SELECT to_regprocedure('homeward.planning_zone()') IS NOT NULL").scalar(Bool.self)
        }
        return migrated ? try planningZone() : nil
    }

    /// Writes the settings the database must share with every writer and check (planning zone, daily limits, the
    /// after-school buffer) into `homeward.settings`; returns the names of those that changed. Run by `db migrate`.
    @discardableResult
    public func applySettings(_ settings: SchedulingSettings) throws -> [String] {
        try translatingErrors {
            try connection.query(
                """
                WITH old AS (SELECT * FROM homeward.settings), new AS (
                    UPDATE homeward.settings SET time_zone = $1, max_sessions_per_day_adult = $2, max_sessions_per_day_child = $3,
                                                 max_sessions_per_day_young_child = $4, after_school_buffer_minutes = $5
                    WHERE (time_zone, max_sessions_per_day_adult, max_sessions_per_day_child, max_sessions_per_day_young_child,
                           after_school_buffer_minutes) IS DISTINCT FROM ($1, $2, $3, $4, $5)
                    RETURNING *)
                SELECT unnest(array_remove(ARRAY[
                    CASE WHEN o.time_zone IS DISTINCT FROM n.time_zone THEN 'time_zone' END,
                    CASE WHEN o.max_sessions_per_day_adult IS DISTINCT FROM n.max_sessions_per_day_adult THEN 'max_sessions_per_day_adult' END,
                    CASE WHEN o.max_sessions_per_day_child IS DISTINCT FROM n.max_sessions_per_day_child THEN 'max_sessions_per_day_child' END,
                    CASE WHEN o.max_sessions_per_day_young_child IS DISTINCT FROM n.max_sessions_per_day_young_child THEN 'max_sessions_per_day_young_child' END,
                    CASE WHEN o.after_school_buffer_minutes IS DISTINCT FROM n.after_school_buffer_minutes THEN 'after_school_buffer_minutes' END], NULL))
                FROM old o, new n
                """,
                [settings.timeZone, settings.maxSessionsPerDayAdult, settings.maxSessionsPerDayChild, settings.maxSessionsPerDayYoungChild,
                 settings.afterSchoolBufferMinutes]
            ).rows.map { try $0.decode(0, as: String.self) }
        }
    }
}
