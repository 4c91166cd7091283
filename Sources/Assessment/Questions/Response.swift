/// What a learner gave as the answer to one question, exactly as submitted (before grading).
///
/// Responses are stored in attempt steps and replayed for regrading, so they hold only the learner's input.
public enum Response: Sendable, Hashable, Codable {
    /// A single-choice answer: the chosen option's id.
    case choice(String)
    /// A multiple-response answer: the chosen options' ids.
    case choices(Set<String>)
    /// A true/false answer.
    case bool(Bool)
    /// A short-answer or numeric answer as typed.
    case text(String)
    /// A matching answer: prompt pair id -> chosen answer key (see `Paper`'s answer ids for matching).
    case matches([String: String])
}
