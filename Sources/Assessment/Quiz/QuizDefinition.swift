/// A quiz's stable identifier.
public struct QuizID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How and when grading happens and what the learner sees meanwhile (Moodle's behaviours).
public enum Behaviour: String, Sendable, Hashable, Codable {
    /// Exams: nothing is graded or shown until the attempt closes.
    case deferredFeedback = "deferred"
    /// Practice: each question can be checked once; its grade and feedback show at once.
    case immediateFeedback = "immediate"
}

/// Which attempt's mark counts for the quiz.
public enum GradingMethod: String, Sendable, Hashable, Codable {
    case highest
    case last
}

/// What a learner may see after submitting, and when.
public struct ReviewPolicy: Sendable, Hashable, Codable {
    public enum Item: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// The mark and pass/fail.
        case score
        /// Whether each question was right, partly right or wrong.
        case correctness
        /// The right answers and per-option feedback.
        case answers
        /// The explanations.
        case explanations

        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }
    public enum When: String, Sendable, Hashable, Codable {
        case immediately
        case afterPassing = "after_passing"
        case afterClose = "after_close"
    }
    public var show: Set<Item>
    public var when: When

    public init(show: Set<Item>, when: When) {
        self.show = show
        self.when = when
    }
}

/// A group of questions from which an attempt draws `draw` at random (all of them when `draw` is nil).
public struct QuestionPool: Sendable, Hashable, Codable {
    public var id: String
    public var draw: Int?
    public var questions: [Question]

    public init(id: String, draw: Int? = nil, questions: [Question]) {
        self.id = id
        self.draw = draw
        self.questions = questions
    }
}

/// A quiz as authored: settings and pools. A quiz with fixed questions has one pool without a draw count.
public struct QuizDefinition: Sendable, Hashable, Codable {
    public var id: QuizID
    public var title: LocalizedText
    public var behaviour: Behaviour
    /// The fraction of the maximum mark needed to pass, in 0...1.
    public var passMark: Double
    /// Seconds; nil means no limit.
    public var timeLimit: Int?
    /// nil means unlimited.
    public var maxAttempts: Int?
    /// Seconds a learner must wait after closing one attempt before starting the next.
    public var attemptDelay: Int
    /// How many attempts a learner may start per calendar day (in the platform's time zone); nil means no daily
    /// cap. Course files give practice quizzes `defaultPracticeAttemptsPerDay` unless they say otherwise. Not part
    /// of the content hash: it paces learners and changes neither what they see nor how they are graded.
    public var attemptsPerDay: Int?
    public var grading: GradingMethod
    public var shuffleQuestions: Bool
    public var shuffleOptions: Bool
    public var review: ReviewPolicy
    public var pools: [QuestionPool]
    /// When the quiz closes for everyone (for "after the quiz closes" review); nil means never.
    public var closesAt: Double?
    public var contentHash: String
    public var source: SourceReference?

    public init(id: QuizID, title: LocalizedText, behaviour: Behaviour, passMark: Double, timeLimit: Int? = nil,
                maxAttempts: Int? = nil, attemptDelay: Int = 0, grading: GradingMethod = .highest,
                shuffleQuestions: Bool = true, shuffleOptions: Bool = true,
                review: ReviewPolicy = ReviewPolicy(show: Set(ReviewPolicy.Item.allCases), when: .immediately),
                pools: [QuestionPool], closesAt: Double? = nil, contentHash: String = "",
                source: SourceReference? = nil, attemptsPerDay: Int? = nil) {
        self.id = id
        self.title = title
        self.behaviour = behaviour
        self.passMark = passMark
        self.timeLimit = timeLimit
        self.maxAttempts = maxAttempts
        self.attemptDelay = attemptDelay
        self.attemptsPerDay = attemptsPerDay
        self.grading = grading
        self.shuffleQuestions = shuffleQuestions
        self.shuffleOptions = shuffleOptions
        self.review = review
        self.pools = pools
        self.closesAt = closesAt
        self.contentHash = contentHash
        self.source = source
    }

    /// The daily cap of a practice quiz whose file does not set one: enough for a learner to practise a topic
    /// many times a day, few enough that one account cannot fill the database with attempts.
    public static let defaultPracticeAttemptsPerDay = 20

    /// Every question of every pool, in authored order.
    public var allQuestions: [Question] { pools.flatMap(\.questions) }
}
