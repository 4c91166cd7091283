/// An attempt as derived by replaying its steps against a quiz definition at a moment `now`.
///
/// Replay applies the behaviour's rules, so a log that holds steps the rules would refuse (a save after the
/// deadline, a second check) still gives the same state as if they had been refused; such steps are listed in
/// `ignoredSteps`. An attempt whose deadline and grace period have passed by `now` is closed at its deadline
/// even if no close step was stored yet.
public struct AttemptState: Sendable, Hashable {
    /// How an attempt came to be closed.
    public enum CloseReason: String, Sendable, Hashable, Codable {
        case submitted
        /// Time ran out; the attempt counts with what was saved in time.
        case expired
        case closedByStaff = "closed_by_staff"
    }

    public let attemptID: AttemptID
    public let number: Int
    public let paper: Paper
    public let startedAt: Double
    /// When time runs out, as shown to the learner; nil without a time limit or close date.
    public let deadline: Double?
    /// The deadline plus the grace period: the last moment a save or submit is accepted.
    public let cutoff: Double?
    public let closedAt: Double?
    public let closeReason: CloseReason?
    /// In paper order.
    public let questions: [QuestionAttempt]
    public let passMark: Double
    /// The sequence number the next step will get.
    public let nextSequence: Int
    /// Sequence numbers of stored steps that did not count.
    public let ignoredSteps: [Int]
    /// The texts of note steps, in order.
    public let notes: [String]

    /// Replays `attempt` against `quiz` (the version to grade with: the one taken, or a corrected one).
    public init(replaying attempt: Attempt, against quiz: QuizDefinition, now: Double) throws(ReplayError) {
        guard let first = attempt.steps.first,
              case .start(let seed, let deadline, let grace, _) = first.action else { throw .notStarted }
        guard seed == attempt.paper.seed else { throw .seedMismatch }
        guard attempt.paper.quizID == quiz.id else {
            throw .quizMismatch(paper: attempt.paper.quizID, definition: quiz.id)
        }
        let definitions = Dictionary(quiz.allQuestions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var questions: [Question] = []
        for slot in attempt.paper.slots {
            guard let question = definitions[slot.questionID] else { throw .missingQuestion(slot.questionID) }
            questions.append(question)
        }

        let behaviour = attempt.paper.behaviour
        let cutoff = deadline.map { $0 + max(0, grace) }
        var responses: [QuestionID: Response] = [:]
        var checked = Set<QuestionID>()
        var closedAt: Double?
        var closeReason: CloseReason?
        var ignored: [Int] = []
        var notes: [String] = []

        for (index, step) in attempt.steps.enumerated() {
            guard step.sequence == index else { throw .sequenceGap(expected: index, found: step.sequence) }
            if index == 0 { continue }
            let inTime = cutoff.map { step.time <= $0 } ?? true
            switch step.action {
            case .start:
                throw .restarted(sequence: step.sequence)
            case .note(let text):
                notes.append(text)
            case .save(let id, let response):
                guard closedAt == nil, inTime, attempt.paper.slot(for: id) != nil, !checked.contains(id) else {
                    ignored.append(step.sequence)
                    continue
                }
                responses[id] = response
            case .check(let id):
                guard closedAt == nil, inTime, behaviour == .immediateFeedback, !checked.contains(id),
                      let position = attempt.paper.slots.firstIndex(where: { $0.questionID == id }),
                      Grader.grade(question: questions[position], response: responses[id]).isGradable else {
                    ignored.append(step.sequence)
                    continue
                }
                checked.insert(id)
            case .submit:
                guard closedAt == nil, inTime else {
                    ignored.append(step.sequence)
                    continue
                }
                closedAt = step.time
                closeReason = .submitted
            case .close:
                guard closedAt == nil else {
                    ignored.append(step.sequence)
                    continue
                }
                if let deadline, step.time > deadline {
                    closedAt = deadline
                    closeReason = .expired
                } else {
                    closedAt = step.time
                    closeReason = .closedByStaff
                }
            }
        }
        if closedAt == nil, let deadline, let cutoff, now > cutoff {
            closedAt = deadline
            closeReason = .expired
        }

        let closed = closedAt != nil
        self.attemptID = attempt.id
        self.number = attempt.number
        self.paper = attempt.paper
        self.startedAt = first.time
        self.deadline = deadline
        self.cutoff = cutoff
        self.closedAt = closedAt
        self.closeReason = closeReason
        self.questions = zip(attempt.paper.slots, questions).enumerated().map { position, entry in
            QuestionAttempt(number: position + 1, slot: entry.0, question: entry.1,
                            response: responses[entry.0.questionID],
                            isChecked: checked.contains(entry.0.questionID), closed: closed)
        }
        self.passMark = quiz.passMark
        self.nextSequence = attempt.steps.count
        self.ignoredSteps = ignored
        self.notes = notes
    }

    /// The state after `steps` are appended to the attempt this state replays, when they are all saves that replay
    /// at `now` takes as they are (the attempt open at `now` and at each step's time, each question on the paper
    /// and not checked, the steps numbered on from `nextSequence`): what `init(replaying:against:now:)` of the
    /// longer attempt gives, without replaying the earlier steps again. Only the questions saved are graded anew.
    /// Nil for anything else (the caller replays then).
    public func appendingSaves(_ steps: [AttemptStep], now: Double) -> AttemptState? {
        guard !steps.isEmpty, !isClosed, cutoff.map({ now <= $0 }) ?? true else { return nil }
        var questions = self.questions
        var sequence = nextSequence
        for step in steps {
            guard step.sequence == sequence, case .save(let id, let response) = step.action,
                  cutoff.map({ step.time <= $0 }) ?? true else { return nil }
            // Every slot of the question takes the response, as replay gives it (responses are kept by question).
            let indices = questions.indices.filter { questions[$0].slot.questionID == id }
            guard !indices.isEmpty, !indices.contains(where: { questions[$0].isChecked }) else { return nil }
            for index in indices {
                let question = questions[index]
                questions[index] = QuestionAttempt(number: question.number, slot: question.slot, question: question.question,
                                                   response: response, isChecked: false, closed: false)
            }
            sequence += 1
        }
        return AttemptState(copying: self, questions: questions, nextSequence: sequence)
    }

    /// `state` with other questions and next sequence number.
    private init(copying state: AttemptState, questions: [QuestionAttempt], nextSequence: Int) {
        attemptID = state.attemptID
        number = state.number
        paper = state.paper
        startedAt = state.startedAt
        deadline = state.deadline
        cutoff = state.cutoff
        closedAt = state.closedAt
        closeReason = state.closeReason
        self.questions = questions
        passMark = state.passMark
        self.nextSequence = nextSequence
        ignoredSteps = state.ignoredSteps
        notes = state.notes
    }

    public var behaviour: Behaviour { paper.behaviour }

    public var isClosed: Bool { closedAt != nil }

    /// The sum of the questions' points.
    public var maxMark: Double { QuestionAttempt.rounded(questions.reduce(0) { $0 + $1.maxMark }) }

    /// Points earned; nil until the attempt is closed.
    public var mark: Double? {
        guard isClosed else { return nil }
        return QuestionAttempt.rounded(questions.reduce(0) { $0 + ($1.mark ?? 0) })
    }

    /// `mark / maxMark` in 0...1; nil until the attempt is closed.
    public var fraction: Double? {
        mark.map { maxMark > 0 ? QuestionAttempt.rounded($0 / maxMark) : 0 }
    }

    /// Whether the fraction reaches the pass mark; nil until the attempt is closed.
    public var passed: Bool? {
        fraction.map { $0 >= passMark - Grade.tolerance }
    }

    /// Whether saves and submits are still accepted at `now`.
    public func acceptsInput(at now: Double) -> Bool {
        !isClosed && (cutoff.map { now <= $0 } ?? true)
    }

    /// The question `id` of the paper.
    public func question(_ id: QuestionID) -> QuestionAttempt? {
        questions.first { $0.question.id == id }
    }
}
