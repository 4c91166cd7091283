/// Grades a single-choice question: the chosen option's fraction.
public enum SingleChoiceKind {
    /// `response` must be `.choice` with an option id of `options`; an empty id is `todo`.
    public static func grade(options: [ChoiceOption], response: Response?) -> Grade {
        guard let response else { return .todo }
        guard case .choice(let id) = response else { return .invalid }
        if id.isEmpty { return .todo }
        guard let option = options.first(where: { $0.id == id }) else { return .invalid }
        return Grade(fraction: option.fraction, feedback: [.option(option.id)])
    }
}
