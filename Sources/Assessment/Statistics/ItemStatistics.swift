/// How one question version performed across closed attempts (after Moodle's quiz statistics report).
///
/// Fractions stand where Moodle prints percentages: a facility of 0.6 is Moodle's 60 %, a discrimination of
/// 0.61 its 61 %.
public struct ItemStatistics: Sendable, Hashable, Codable {
    /// Warnings for the trainer.
    public enum Flag: String, Sendable, Hashable, Codable, CaseIterable {
        /// No attempt got the question fully right.
        case nobodyRight = "nobody_right"
        /// Every attempt got it fully right.
        case everybodyRight = "everybody_right"
        /// Learners who do well on the rest of the quiz do worse on this question.
        case negativeDiscrimination = "negative_discrimination"
    }

    public var questionID: QuestionID
    public var contentHash: String
    /// The number of closed attempts that had this question version.
    public var attempts: Int
    /// The mean fraction: 1 when everyone is right, 0 when no one earns anything.
    public var facility: Double
    /// The sample standard deviation of the fraction; nil with fewer than two attempts.
    public var standardDeviation: Double?
    /// The correlation of the question's mark with the mark on the rest of the quiz (each attempt's total less
    /// this question), in -1...1; nil when either has no variance.
    public var discrimination: Double?
    /// The covariance of mark and rest-of-quiz mark divided by the largest covariance the same marks could
    /// have (both sorted); nil when that maximum is 0.
    public var discriminativeEfficiency: Double?
    /// How often each choice was made (see `ScoredAttempt.init(_:)` for what a choice is).
    public var choiceCounts: [String: Int]
    /// Attempts with no gradable response.
    public var unanswered: Int
    public var flags: Set<Flag>

    /// Statistics per question version found in `attempts`, sorted by question id, then content hash.
    /// An attempt that did not draw a question does not count for it.
    public static func compute(_ attempts: [ScoredAttempt]) -> [ItemStatistics] {
        struct Key: Hashable { var id: QuestionID; var hash: String }
        var observations: [Key: [(item: ScoredAttempt.Item, rest: Double)]] = [:]
        for attempt in attempts {
            let total = attempt.total
            for item in attempt.items {
                observations[Key(id: item.questionID, hash: item.contentHash), default: []]
                    .append((item, total - item.mark))
            }
        }
        return observations.keys.sorted { ($0.id, $0.hash) < ($1.id, $1.hash) }.map { key in
            ItemStatistics(questionID: key.id, contentHash: key.hash, observations: observations[key] ?? [])
        }
    }

    private init(questionID: QuestionID, contentHash: String,
                 observations: [(item: ScoredAttempt.Item, rest: Double)]) {
        self.questionID = questionID
        self.contentHash = contentHash
        let count = observations.count
        attempts = count
        let fractions = observations.map(\.item.fraction)
        let marks = observations.map(\.item.mark)
        let rests = observations.map(\.rest)
        facility = Self.round(Self.mean(fractions))

        let fractionDeviations = fractions.map { $0 - Self.mean(fractions) }
        let squares = fractionDeviations.reduce(0) { $0 + $1 * $1 }
        standardDeviation = count > 1 ? Self.round((squares / Double(count - 1)).squareRoot()) : nil

        let markMean = Self.mean(marks), restMean = Self.mean(rests)
        let covariance = zip(marks, rests).reduce(0) { $0 + ($1.0 - markMean) * ($1.1 - restMean) }
        let markVariance = marks.reduce(0) { $0 + ($1 - markMean) * ($1 - markMean) }
        let restVariance = rests.reduce(0) { $0 + ($1 - restMean) * ($1 - restMean) }
        let epsilon = 1e-12
        discrimination = markVariance > epsilon && restVariance > epsilon
            ? Self.round(covariance / (markVariance * restVariance).squareRoot()) : nil
        let maximum = zip(marks.sorted(), rests.sorted()).reduce(0) { $0 + ($1.0 - markMean) * ($1.1 - restMean) }
        discriminativeEfficiency = maximum > epsilon ? Self.round(covariance / maximum) : nil

        var counts: [String: Int] = [:]
        var unanswered = 0
        for observation in observations {
            if observation.item.choices.isEmpty { unanswered += 1 }
            for choice in observation.item.choices { counts[choice, default: 0] += 1 }
        }
        choiceCounts = counts
        self.unanswered = unanswered

        var flags = Set<Flag>()
        if count > 0 {
            let right = fractions.filter { $0 >= 1 - Grade.tolerance }.count
            if right == 0 { flags.insert(.nobodyRight) }
            if right == count { flags.insert(.everybodyRight) }
        }
        if let discrimination, discrimination < 0 { flags.insert(.negativeDiscrimination) }
        self.flags = flags
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    private static func round(_ value: Double) -> Double { (value * 1e7).rounded() / 1e7 }
}
