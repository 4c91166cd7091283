/// Why an attempt's steps cannot be replayed against a quiz definition.
public enum ReplayError: Error, Sendable, Hashable {
    /// The first step is missing or is not a start step.
    case notStarted
    /// A step's sequence number is not its position.
    case sequenceGap(expected: Int, found: Int)
    /// A second start step.
    case restarted(sequence: Int)
    /// The start step's seed is not the paper's.
    case seedMismatch
    /// The paper belongs to another quiz.
    case quizMismatch(paper: QuizID, definition: QuizID)
    /// The definition lacks a question of the paper.
    case missingQuestion(QuestionID)
}
