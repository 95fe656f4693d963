import Foundation

/// Messages for people go to stderr; stdout carries only data, so scripts can pipe it.
enum Log {
    static func error(_ message: String) { write("homeward: error: \(message)") }
    static func warning(_ message: String) { write("homeward: warning: \(message)") }
    static func info(_ message: String) { write(message) }

    /// True when stderr is a terminal, so progress is worth drawing.
    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }

    private static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
