extension Question {
    /// The authored feedback texts `grade` selects, in the order of its feedback keys.
    public func feedbackTexts(for grade: Grade) -> [LocalizedText] {
        grade.feedback.compactMap { key -> LocalizedText? in
            switch (key, kind) {
            case (.option(let id), .singleChoice(let options)), (.option(let id), .multipleResponse(let options)):
                return options.first { $0.id == id }?.feedback
            case (.trueFalse(let given), .trueFalse(_, let ifTrue, let ifFalse)):
                return given ? ifTrue : ifFalse
            case (.shortAnswer(let index), .shortAnswer(let answers, _)):
                return answers.indices.contains(index) ? answers[index].feedback : nil
            case (.numericAnswer(let index), .numeric(let answers)):
                return answers.indices.contains(index) ? answers[index].feedback : nil
            default:
                return nil
            }
        }
    }
}
