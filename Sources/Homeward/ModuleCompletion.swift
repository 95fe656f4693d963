/// The result of one module taken by an enrolled prisoner; a failed module may be retaken, a passed one is final. The
/// store keeps the results (`homeward.module_completions`); the domain names them and the scale of a score.
public enum ModuleCompletion {
    public enum Result: String, Vocabulary { case passed, failed, incomplete }

    /// Scores are out of 100.
    public static let scores = 0.0...100.0
}
