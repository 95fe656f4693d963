import Homeward
import HomewardStore
import Postgres

/// The one place where errors become the sentence a user reads and the status a script sees.
struct CommandFailure: Error {
    var message: String
    var status: ExitStatus

    init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    /// Maps errors from the layers below; nil for errors argument-parser should report itself.
    init?(_ error: any Error) {
        switch error {
        case let error as PostgresError:
            switch error.kind {
            case .connection: self.init(StoreError(error).description, status: .databaseUnavailable)
            case .server where error.condition == .insufficientPrivilege:
                self.init(StoreError(error).description, status: .forbidden)
            case .server where error.condition == .lockNotAvailable || error.condition == .queryCanceled:
                self.init(StoreError(error).description, status: .busy)
            case .server where error.sqlState?.hasPrefix("23") == true || error.sqlState?.hasPrefix("22") == true:
                self.init(error.description, status: .dataError)
            default: self.init(error.description, status: .failure)
            }
        case let error as StoreError:
            switch error {
            case .forbidden: self.init(error.description, status: .forbidden)
            case .unavailable: self.init(error.description, status: .databaseUnavailable)
            case .timedOut: self.init(error.description, status: .busy)
            default: self.init(error.description, status: error.isInputError ? .dataError : .failure)
            }
        case let error as InvalidInput:
            self.init(error.description, status: .dataError)
        case let error as MigrationError:
            switch error {
            case .failed: self.init(error.description, status: .failure)
            default: self.init(error.description, status: .configuration)
            }
        default:
            return nil
        }
    }
}
