import HomewardStore

/// The one place where errors become the sentence a user reads and the status a script sees.
struct CommandFailure: Error {
    var message: String
    var status: ExitStatus

    init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    /// Maps errors from the layers below (as `StoreError.explain` sorts them); nil for errors argument-parser should
    /// report itself.
    init?(_ error: any Error) {
        guard let (message, category) = StoreError.explain(error) else { return nil }
        switch category {
        case .input: self.init(message, status: .dataError)
        case .forbidden: self.init(message, status: .forbidden)
        case .unavailable: self.init(message, status: .databaseUnavailable)
        case .busy: self.init(message, status: .busy)
        case .configuration: self.init(message, status: .configuration)
        case .failure: self.init(message, status: .failure)
        }
    }
}
