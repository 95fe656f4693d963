import Homeward
import Postgres

/// What went wrong, in the domain's words: which record, which field or rule, and why.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// No record with that identifier (e.g. `no centre with code "AKT-X"`).
    case notFound(what: String, identifier: String)
    /// Input failed validation before reaching the database.
    case invalid(InvalidInput)
    /// The database refused the change: a named constraint or rule, its sentence and the server's detail.
    case rejected(rule: String, sentence: String, detail: String?)
    /// A file import found problems; nothing was written.
    case importRejected(file: String, problems: [ImportProblem])
    /// The login may not read or change this (privileges or row-level security: not one of their centres).
    case forbidden(String)
    /// The server could not be reached, or went away during the command (shut down, restarted, the session ended by
    /// idle_in_transaction_session_timeout): what was not committed was rolled back by the server.
    case unavailable(String)
    /// A lock wait or a statement ran past its timeout (`lock_timeout`, `statement_timeout`) or was cancelled; the step
    /// was rolled back. `lock`: it was a wait for a lock another session held.
    case timedOut(String, lock: Bool)
    /// Any other database failure.
    case database(String)

    /// Translates a server error using the constraint's name, falling back to the server's own words.
    public init(_ error: PostgresError) {
        // "Failing row contains (…)" repeats the whole row — names, birth dates — into messages and logs: never pass it on.
        // An exclusion conflict's "Key (…)=(…) conflicts with existing key (…)" is a raw dump of UTC ranges and ids: the
        // rule's sentence says what clashed, so the dump is dropped too.
        let detail = error.detail.flatMap {
            $0.hasPrefix("Failing row contains") || (error.sqlState == "23P01" && $0.hasPrefix("Key (")) ? nil : $0
        }
        if error.kind == .connection {
            self = .unavailable(error.message)
        } else if error.condition == .lockNotAvailable || error.condition == .queryCanceled {
            self = .timedOut(error.message, lock: error.condition == .lockNotAvailable)
        } else if error.condition == .insufficientPrivilege {
            self = .forbidden(error.message)
        } else if error.kind == .server, let rule = error.constraint, let sentence = ConstraintMessages.sentence(for: rule) {
            self = .rejected(rule: rule, sentence: sentence, detail: detail)
        } else if error.kind == .server, error.sqlState?.hasPrefix("23") == true {
            self = .rejected(rule: error.constraint ?? error.sqlState ?? "", sentence: error.message, detail: detail)
        } else {
            self = .database(error.description)
        }
    }

    public var description: String {
        switch self {
        case .notFound(let what, let identifier): return "no \(what) \"\(identifier.escapingControlCharacters())\""
        case .invalid(let input): return input.description
        case .rejected(let rule, let sentence, let detail):
            // The server's words may quote stored values: one line, control characters escaped.
            return sentence.escapingControlCharacters() + (detail.map { " (\($0.escapingControlCharacters()))" } ?? "") + " [\(rule)]"
        case .importRejected(let file, let problems):
            let shown = problems.prefix(50).map { "  \($0)" }.joined(separator: "\n")
            let more = problems.count > 50 ? "\n  … and \(problems.count - 50) more" : ""
            return "\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s"), nothing was imported:\n\(shown)\(more)"
        case .forbidden(let message):
            return "not allowed for this login: \(message.escapingControlCharacters()) (coordinators see and change only the participants of their own "
                + "centres; an administrator grants centres with `homeward user grant`)"
        case .unavailable(let message):
            // Not reached at all: libpq's words name the host or socket. Lost during the command: say what that means.
            guard !message.hasPrefix("cannot connect") else { return message.escapingControlCharacters() }
            return "the database server went away during the command (\(message.escapingControlCharacters())); what was not "
                + "committed was rolled back: run the command again when the server is back"
        case .timedOut(let message, let lock):
            return "\(message.escapingControlCharacters()): nothing of this step was written; try again"
                + (lock ? " (another session held a row or table it needed for longer than lock_timeout allows; if it happens "
                       + "again, look for a long-open transaction in pg_stat_activity)" : "")
        case .database(let message): return message.escapingControlCharacters()
        }
    }

    /// True when the error is about the input (exit 65), not the system.
    public var isInputError: Bool {
        switch self {
        case .notFound, .invalid, .rejected, .importRejected: return true
        case .database, .forbidden, .unavailable, .timedOut: return false
        }
    }
}

extension StoreError {
    /// What kind of failure an error is, for the caller to choose an exit status: the user's input, the login's rights,
    /// the database's reach, the installation, or something unexpected.
    public enum Category: Sendable, Equatable {
        /// Input was rejected: a constraint, a bad value or file row, an unknown identifier.
        case input
        /// The login lacks the privilege, or the row is outside its centres.
        case forbidden
        /// The database could not be reached, or went away.
        case unavailable
        /// A lock or statement timeout ended the command: someone else held what it needed, or it ran too long.
        case busy
        /// The installation or migration state is wrong (changed or missing migrations, unreadable files).
        case configuration
        /// Anything else.
        case failure
    }

    /// The sentence a user reads and the category of an error raised by the domain, the store or the database below
    /// it; nil for errors from elsewhere (argument parsing reports its own).
    public static func explain(_ error: any Error) -> (message: String, category: Category)? {
        switch error {
        case let error as PostgresError:
            switch error.kind {
            case .connection: return (StoreError(error).description, .unavailable)
            case .server where error.condition == .insufficientPrivilege: return (StoreError(error).description, .forbidden)
            case .server where error.condition == .lockNotAvailable || error.condition == .queryCanceled:
                return (StoreError(error).description, .busy)
            case .server where error.sqlState?.hasPrefix("23") == true || error.sqlState?.hasPrefix("22") == true:
                return (error.description, .input)
            default: return (error.description, .failure)
            }
        case let error as StoreError:
            switch error {
            case .forbidden: return (error.description, .forbidden)
            case .unavailable: return (error.description, .unavailable)
            case .timedOut: return (error.description, .busy)
            default: return (error.description, error.isInputError ? .input : .failure)
            }
        case let error as InvalidInput:
            return (error.description, .input)
        case let error as MigrationError:
            if case .failed = error { return (error.description, .failure) }
            return (error.description, .configuration)
        default:
            return nil
        }
    }
}

/// One problem in an imported file: the line, the field and why.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var field: String?
    public var message: String

    public init(line: Int, field: String?, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    /// One line: a message quoting the file's text has its control characters escaped.
    public var description: String {
        "line \(line)" + (field.map { ", \($0.escapingControlCharacters())" } ?? "") + ": \(message.escapingControlCharacters())"
    }
}
