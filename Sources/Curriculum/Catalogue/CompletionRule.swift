/// What "course passed" means: every module completed and, if named, one quiz passed.
public struct CompletionRule: Sendable, Hashable {
    /// Whether every module must be completed (the only rule in format v1, written `modules: all`).
    public let allModules: Bool
    /// The quiz that must be passed, if any.
    public let quiz: QuizID?

    /// A rule; format v1 always requires every module.
    public init(allModules: Bool = true, quiz: QuizID?) {
        self.allModules = allModules
        self.quiz = quiz
    }
}
