/// A broken hard rule found by `Solution.violations(of:)`; a correct plan has none.
public struct Violation: Sendable, Codable, Equatable {
    /// Which rule.
    public var code: ViolationCode
    /// Index of the offending session in `Solution.sessions`, when one is to blame.
    public var sessionIndex: Int?
    /// What exactly is wrong, naming ids.
    public var detail: String

    /// Makes a violation.
    public init(code: ViolationCode, sessionIndex: Int?, detail: String) {
        self.code = code
        self.sessionIndex = sessionIndex
        self.detail = detail
    }
}
