/// The concrete question paper of one attempt: which questions, in which order, with which options in which
/// order and under which per-attempt ids.
///
/// Built once from the quiz and the attempt's seed and stored with the attempt, so the paper can be shown again
/// exactly as taken (for review or an appeal) and regraded against a corrected key without redrawing.
/// Building it again from the same quiz and seed gives the same paper.
public struct Paper: Sendable, Hashable, Codable {
    public var quizID: QuizID
    public var quizContentHash: String
    public var seed: UInt64
    /// The quiz's behaviour when the attempt started; a later change of the quiz does not change running attempts.
    public var behaviour: Behaviour
    /// The questions in the order shown.
    public var slots: [PaperSlot]

    public init(quizID: QuizID, quizContentHash: String, seed: UInt64, behaviour: Behaviour, slots: [PaperSlot]) {
        self.quizID = quizID
        self.quizContentHash = quizContentHash
        self.seed = seed
        self.behaviour = behaviour
        self.slots = slots
    }

    /// Draws and orders `quiz`'s questions from `seed`.
    ///
    /// Each pool in authored order gives `draw` questions chosen at random (all when `draw` is nil or not
    /// smaller than the pool), kept in authored order; the whole list is then shuffled when the quiz shuffles
    /// questions. Choice options are shuffled when the quiz shuffles options; matching answers are always
    /// shuffled, since in authored order they would line up with their prompts. Every option, matching
    /// answer and prompt gets an opaque id drawn from the seed, so the id a learner sees says nothing about
    /// correctness.
    public init(quiz: QuizDefinition, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var drawn: [(question: Question, poolID: String)] = []
        for pool in quiz.pools {
            var questions = pool.questions
            if let draw = pool.draw, draw < questions.count {
                var indices = Array(questions.indices)
                generator.shuffle(&indices)
                questions = indices.prefix(max(0, draw)).sorted().map { questions[$0] }
            }
            drawn += questions.map { ($0, pool.id) }
        }
        if quiz.shuffleQuestions {
            generator.shuffle(&drawn)
        }
        let slots = drawn.map { entry in
            PaperSlot(question: entry.question, poolID: entry.poolID, shuffleOptions: quiz.shuffleOptions,
                      generator: &generator)
        }
        self.init(quizID: quiz.id, quizContentHash: quiz.contentHash, seed: seed, behaviour: quiz.behaviour,
                  slots: slots)
    }

    /// The slot holding question `id`, if the paper has it.
    public func slot(for id: QuestionID) -> PaperSlot? {
        slots.first { $0.questionID == id }
    }

    /// The question ids in the order shown.
    public var questionIDs: [QuestionID] { slots.map(\.questionID) }
}
