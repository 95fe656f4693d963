import Foundation
import Logging

/// Messages for people go to stderr; stdout carries only data, so scripts can pipe it.
///
/// Backed by a swift-log `Logger` (label `homeward`) whose handler writes the CLI's own plain lines: info as the bare
/// message, other levels as `homeward: warning: …`. No timestamps or metadata, and never personal data: messages
/// name records by their codes (case numbers, staff codes), not by people's names or contact details.
/// `HOMEWARD_LOG_LEVEL` (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`) sets the threshold.
enum Log {
    /// The CLI's logger; pass it to code that takes a swift-log `Logger`.
    static let logger: Logger = {
        var logger = Logger(label: "homeward") { label in CLILogHandler(label: label) }
        if let name = ProcessInfo.processInfo.environment["HOMEWARD_LOG_LEVEL"],
            let level = Logger.Level(rawValue: name.lowercased())
        {
            logger.logLevel = level
        }
        return logger
    }()

    static func error(_ message: String) { logger.error("\(message)") }
    static func warning(_ message: String) { logger.warning("\(message)") }
    static func info(_ message: String) { logger.info("\(message)") }
    static func debug(_ message: String) { logger.debug("\(message)") }

    /// True when stderr is a terminal, so progress is worth drawing.
    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }
}

/// Writes each message as one line on stderr, in the CLI's format: `homeward: error: …`, or the bare message at info.
struct CLILogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Messages keep their own line breaks (a list of problems); any other control character is shown escaped.
        let message = "\(event.message)".escapingControlCharacters(keepingNewlines: true)
        let line = event.level == .info ? message : "\(label): \(event.level): \(message)"
        StandardStreams.writeError(line + "\n")
    }
}
