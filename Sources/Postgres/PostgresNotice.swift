import CLibPQ
import Foundation

/// A message that is not an error: a server notice (`RAISE WARNING`, "relation already exists, skipping"…), or a
/// problem the wrapper itself met while cleaning up (a failed ROLLBACK) and could not throw.
public struct PostgresNotice: Sendable, CustomStringConvertible {
    /// How serious the message is, in PostgreSQL's order (`client_min_messages`).
    public enum Severity: Int, Comparable, Sendable, CustomStringConvertible {
        case debug, log, info, notice, warning, error

        /// Reads PostgreSQL's non-localized severity (`DEBUG1`…`DEBUG5`, `LOG`, `INFO`, `NOTICE`, `WARNING`, `ERROR`…).
        public init(serverName name: String) {
            switch name.uppercased() {
            case let debug where debug.hasPrefix("DEBUG"): self = .debug
            case "LOG": self = .log
            case "INFO": self = .info
            case "NOTICE": self = .notice
            case "WARNING": self = .warning
            case "ERROR", "FATAL", "PANIC": self = .error
            default: self = .warning  // unknown: better shown than lost
            }
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        /// Lowercase, as in `postgres: warning: …`.
        public var description: String {
            switch self {
            case .debug: "debug"
            case .log: "log"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            }
        }
    }

    /// Where the message came from.
    public enum Source: Sendable {
        /// Sent by the server (a notice or warning about a statement).
        case server
        /// Raised by this wrapper, e.g. a ROLLBACK that failed after the transaction body threw.
        case client
    }

    public var severity: Severity
    /// The primary message, one line.
    public var message: String
    public var source: Source
    /// Five-character SQLSTATE, e.g. `01000` for a plain warning.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?

    public init(
        severity: Severity, message: String, source: Source = .server, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil
    ) {
        self.severity = severity
        self.message = message
        self.source = source
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
    }

    /// `warning: <message>`.
    public var description: String { "\(severity): \(message)" }

    /// Reads a notice result handed to a libpq notice receiver.
    init(result: OpaquePointer) {
        func field(_ code: UInt8) -> String? {
            guard let value = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: value)
        }
        let severityName = field(UInt8(ascii: "V")) ?? field(UInt8(ascii: "S")) ?? "WARNING"
        let message = field(UInt8(ascii: "M")) ?? String(cString: PQresultErrorMessage(result))
        self.init(
            severity: Severity(serverName: severityName),
            message: PostgresError.oneLine(message),
            source: .server,
            sqlState: field(UInt8(ascii: "C")),
            detail: field(UInt8(ascii: "D")).map(PostgresError.oneLine),
            hint: field(UInt8(ascii: "H")).map(PostgresError.oneLine)
        )
    }
}

/// Holds a connection's notice handler where libpq's C callback can reach it.
final class NoticeSink {
    var handler: (PostgresNotice) -> Void
    var minimumSeverity: PostgresNotice.Severity

    init(handler: @escaping (PostgresNotice) -> Void, minimumSeverity: PostgresNotice.Severity) {
        self.handler = handler
        self.minimumSeverity = minimumSeverity
    }

    func receive(_ notice: PostgresNotice) {
        guard notice.severity >= minimumSeverity else { return }
        handler(notice)
    }

    /// Installs this sink as `connection`'s notice receiver. The sink must outlive the connection handle.
    func install(on connection: OpaquePointer) {
        PQsetNoticeReceiver(
            connection,
            { argument, result in
                guard let argument, let result else { return }
                let sink = Unmanaged<NoticeSink>.fromOpaque(argument).takeUnretainedValue()
                sink.receive(PostgresNotice(result: result))
            },
            Unmanaged.passUnretained(self).toOpaque()
        )
    }
}

extension Connection {
    /// The default notice handler: one line on stderr, `postgres: warning: <message>`.
    ///
    /// Only the primary message is written (not the detail, which may quote row values).
    public static func writeToStandardError(_ notice: PostgresNotice) {
        FileHandle.standardError.write(Data("postgres: \(notice.severity): \(notice.message)\n".utf8))
    }
}
