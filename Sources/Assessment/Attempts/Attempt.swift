/// One learner's attempt at a quiz as stored: the paper shown and the steps taken.
public struct Attempt: Sendable, Hashable, Codable {
    public var id: AttemptID
    /// 1 for the learner's first attempt at the quiz.
    public var number: Int
    public var paper: Paper
    public var steps: [AttemptStep]

    public init(id: AttemptID, number: Int, paper: Paper, steps: [AttemptStep]) {
        self.id = id
        self.number = number
        self.paper = paper
        self.steps = steps
    }

    public var quizID: QuizID { paper.quizID }

    /// The sequence number the next step will get; clients send it back to detect stale pages.
    public var nextSequence: Int { steps.count }

    /// This attempt with `step` appended.
    public func appending(_ step: AttemptStep) -> Attempt {
        var copy = self
        copy.steps.append(step)
        return copy
    }
}
