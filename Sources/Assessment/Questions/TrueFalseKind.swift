/// Grades a true/false question: 1 for the right answer, 0 for the other.
public enum TrueFalseKind {
    /// `response` must be `.bool`.
    public static func grade(answer: Bool, response: Response?) -> Grade {
        guard let response else { return .todo }
        guard case .bool(let given) = response else { return .invalid }
        return Grade(fraction: given == answer ? 1 : 0, feedback: [.trueFalse(given)])
    }
}
