/// Where one question of an attempt stands (after Moodle's question states). A closed set.
public enum QuestionState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not answered yet.
    case todo
    /// Answered, but the answer cannot be graded (a number with a decimal comma, an option not on the paper).
    case invalid
    /// Answered and gradable; the grade is not shown yet.
    case complete
    case gradedRight = "graded_right"
    case gradedPartial = "graded_partial"
    case gradedWrong = "graded_wrong"
    /// The attempt closed without a gradable answer.
    case gaveUp = "gave_up"

    /// Whether the state carries a grade (right, partial, wrong or gave up).
    public var isGraded: Bool {
        switch self {
        case .gradedRight, .gradedPartial, .gradedWrong, .gaveUp: return true
        case .todo, .invalid, .complete: return false
        }
    }

    /// The graded state for `fraction`, which is assumed to be in 0...1.
    public static func graded(fraction: Double) -> QuestionState {
        if fraction >= 1 - Grade.tolerance { return .gradedRight }
        if fraction <= Grade.tolerance { return .gradedWrong }
        return .gradedPartial
    }
}
