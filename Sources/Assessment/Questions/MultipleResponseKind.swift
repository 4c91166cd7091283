/// Grades a multiple-response question: the sum of the chosen options' weights, clamped to 0...1.
///
/// Negative weights punish guessing: choosing every option of a question with weights 0.5, 0.5, -0.5, -0.5
/// scores 0, not 1.
public enum MultipleResponseKind {
    /// `response` must be `.choices` naming options of `options`; an empty set is `todo`.
    public static func grade(options: [ChoiceOption], response: Response?) -> Grade {
        guard let response else { return .todo }
        guard case .choices(let ids) = response else { return .invalid }
        if ids.isEmpty { return .todo }
        let known = Set(options.map(\.id))
        guard ids.isSubset(of: known) else { return .invalid }
        let chosen = options.filter { ids.contains($0.id) }
        let total = chosen.reduce(0) { $0 + $1.fraction }
        return Grade(fraction: total, feedback: chosen.map { .option($0.id) })
    }
}
