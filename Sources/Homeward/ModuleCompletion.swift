/// The result of one module taken by an enrolled prisoner; a failed module may be retaken, a passed one is final.
public struct ModuleCompletion: Sendable, Equatable, Codable {
    public enum Result: String, Vocabulary { case passed, failed, incomplete }

    public var courseCode: String
    public var moduleCode: String
    public var completedOn: LocalDate
    public var result: Result
    /// Score out of 100 when the module is graded.
    public var score: Double?

    public init(courseCode: String, moduleCode: String, completedOn: LocalDate, result: Result, score: Double?) {
        self.courseCode = courseCode
        self.moduleCode = moduleCode
        self.completedOn = completedOn
        self.result = result
        self.score = score
    }

    /// Scores are out of 100.
    public static let scores = 0.0...100.0
}
