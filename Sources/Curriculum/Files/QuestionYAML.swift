/// Reads one question of a quiz pool from YAML (see `Courses/README.md` for the keys of each type).
enum QuestionYAML {
    static let commonKeys = ["id", "type", "text", "explanation", "feedback", "tags", "points", "moodle"]
    static let typeKeys: [String: [String]] = [
        "single": ["options"],
        "multiple": ["options"],
        "truefalse": ["answer", "feedback_true", "feedback_false"],
        "short": ["answers", "case_sensitive"] + AnswerFormatYAML.shortKeys,
        "numeric": ["answers"] + AnswerFormatYAML.numericKeys,
        "matching": ["pairs", "distractors"],
    ]
    static let types = ["single", "multiple", "truefalse", "short", "numeric", "matching"]

    /// The question and the places its `module:` tags were written, or nil after reporting why not.
    static func read(_ node: YAMLNode, reader: YAMLReader) -> (question: Question, moduleTags: [Located<String>])? {
        guard let mapping = reader.mapping(node, "a question") else { return nil }
        let type = mapping["type"].flatMap { reader.choice($0, "type", types) }
        let allowed = commonKeys + (type.map { typeKeys[$0] ?? [] } ?? typeKeys.values.flatMap { $0 })
        let required = ["id", "type", "text"] + (type.flatMap { requiredKeys[$0] } ?? [])
        reader.checkKeys(mapping, in: "question", allowed: allowed, required: required)

        let id = mapping["id"].flatMap { reader.identifier($0, "question id") }
        let text = mapping["text"].flatMap { reader.localized($0, "text") }
        let explanation = mapping["explanation"].flatMap { reader.localized($0, "explanation") }
        let feedback = mapping["feedback"].flatMap { reader.localized($0, "feedback") }
        let points = mapping["points"].flatMap { reader.number($0, "points", exclusiveMinimum: 0) } ?? 1
        let moodle = mapping["moodle"].flatMap { moodleOrigin($0, reader: reader) }
        var tags: [String] = []
        var moduleTags: [Located<String>] = []
        if let tagsNode = mapping["tags"], let items = reader.sequence(tagsNode, "tags") {
            for item in items {
                guard let tag = reader.text(item, "tag") else { continue }
                tags.append(tag)
                if tag.hasPrefix("module:") {
                    moduleTags.append(Located(value: String(tag.dropFirst("module:".count)),
                                              location: reader.location(of: item)))
                }
            }
        }

        guard let type else { return nil }
        let kindResult: (kind: QuestionKind, items: [YAMLNode], listKey: String)?
        switch type {
        case "single": kindResult = options(mapping, reader: reader, single: true)
        case "multiple": kindResult = options(mapping, reader: reader, single: false)
        case "truefalse": kindResult = trueFalse(mapping, reader: reader)
        case "short": kindResult = shortAnswer(mapping, reader: reader)
        case "numeric": kindResult = numeric(mapping, reader: reader)
        default: kindResult = matching(mapping, reader: reader)
        }
        let format = type == "numeric" || type == "short"
            ? AnswerFormatYAML.read(mapping, reader: reader, numeric: type == "numeric") : nil
        guard let kindResult else { return nil }
        if let format, case .numeric(let answers) = kindResult.kind {
            AnswerFormatYAML.checkExample(format, answers: answers, mapping: mapping, reader: reader)
        }
        for issue in QuestionRules.check(kindResult.kind) {
            let anchor = issue.item.flatMap { kindResult.items.indices.contains($0) ? kindResult.items[$0] : nil }
                ?? mapping.keyNode(kindResult.listKey) ?? node
            switch issue.severity {
            case .error: reader.error(issue.message, at: anchor)
            case .warning: reader.warning(issue.message, at: anchor)
            }
        }
        guard let id, let text else { return nil }
        let line = reader.location(of: node).line
        var question = Question(id: QuestionID(id), text: text, kind: kindResult.kind, generalFeedback: feedback,
                                explanation: explanation, tags: tags, points: points,
                                source: SourceReference(file: reader.sink.file, line: line), answerFormat: format)
        question.contentHash = ContentHashes.question(question)
        for issue in ItemWritingRules.check(question) {
            let anchor: YAMLNode
            switch issue.anchor {
            case .question: anchor = node
            case .key(let key): anchor = mapping[key] ?? node
            case .item(let index): anchor = kindResult.items.indices.contains(index) ? kindResult.items[index] : node
            case .tag(let index):
                let items = mapping["tags"].flatMap { tagsNode -> [YAMLNode]? in
                    if case .sequence(let list) = tagsNode { return list.items } else { return nil }
                } ?? []
                anchor = items.indices.contains(index) ? items[index] : (mapping["tags"] ?? node)
            }
            reader.warning(issue.message, at: anchor)
        }
        question.moodle = moodle
        return (question, moduleTags)
    }

    private static let requiredKeys: [String: [String]] = [
        "single": ["options"], "multiple": ["options"], "truefalse": ["answer"], "short": ["answers"],
        "numeric": ["answers"], "matching": ["pairs"],
    ]

    /// Option and pair ids by position: a, b, ..., z, aa, ab, ...
    static func positionalLetter(_ index: Int) -> String {
        var index = index
        var letters = ""
        repeat {
            letters = String(Character(Unicode.Scalar(UInt8(97 + index % 26)))) + letters
            index = index / 26 - 1
        } while index >= 0
        return letters
    }

    private static func options(_ mapping: YAMLMapping, reader: YAMLReader,
                                single: Bool) -> (kind: QuestionKind, items: [YAMLNode], listKey: String)? {
        guard let listNode = mapping["options"], let items = reader.sequence(listNode, "options") else { return nil }
        var options: [ChoiceOption] = []
        var complete = true
        let keys = single ? ["id", "text", "correct", "weight", "feedback"] : ["id", "text", "weight", "feedback"]
        for (index, item) in items.enumerated() {
            guard let option = reader.mapping(item, "an option") else { complete = false; continue }
            if !single, let correct = option.keyNode("correct") {
                reader.error("options of a multiple-response question have a 'weight' (percent, -100 to 100), "
                             + "not 'correct'", at: correct)
            }
            reader.checkKeys(option, in: "option", allowed: keys + (single ? [] : ["correct"]), required: ["text"])
            let id = option["id"].flatMap { reader.identifier($0, "option id") } ?? positionalLetter(index)
            let text = option["text"].flatMap { reader.localized($0, "text") }
            let feedback = option["feedback"].flatMap { reader.localized($0, "feedback") }
            var fraction: Double = 0
            if single {
                let correct = option["correct"].flatMap { reader.boolean($0, "correct") } ?? false
                if let weightNode = option["weight"],
                   let weight = reader.number(weightNode, "weight", in: 0...100) {
                    if correct && weight != 100 {
                        reader.error("the right answer (correct: true) is worth 100; remove 'weight' or make it 100",
                                     at: weightNode)
                    }
                    fraction = correct ? 1 : weight / 100
                } else {
                    fraction = correct ? 1 : 0
                }
            } else if let weightNode = option["weight"] {
                fraction = (reader.number(weightNode, "weight", in: -100...100) ?? 0) / 100
            }
            guard let text else { complete = false; continue }
            options.append(ChoiceOption(id: id, text: text, fraction: fraction, feedback: feedback))
        }
        guard complete else { return nil }
        return (single ? .singleChoice(options: options) : .multipleResponse(options: options), items, "options")
    }

    private static func trueFalse(_ mapping: YAMLMapping,
                                  reader: YAMLReader) -> (kind: QuestionKind, items: [YAMLNode], listKey: String)? {
        guard let answer = mapping["answer"].flatMap({ reader.boolean($0, "answer") }) else { return nil }
        let ifTrue = mapping["feedback_true"].flatMap { reader.localized($0, "feedback_true") }
        let ifFalse = mapping["feedback_false"].flatMap { reader.localized($0, "feedback_false") }
        return (.trueFalse(answer: answer, feedbackIfTrue: ifTrue, feedbackIfFalse: ifFalse), [], "answer")
    }

    private static func shortAnswer(_ mapping: YAMLMapping,
                                    reader: YAMLReader) -> (kind: QuestionKind, items: [YAMLNode], listKey: String)? {
        let caseSensitive = mapping["case_sensitive"].flatMap { reader.boolean($0, "case_sensitive") } ?? false
        guard let listNode = mapping["answers"], let items = reader.sequence(listNode, "answers") else { return nil }
        var answers: [ShortAnswer] = []
        var complete = true
        for item in items {
            guard let entry = reader.mapping(item, "an answer") else { complete = false; continue }
            reader.checkKeys(entry, in: "answer", allowed: ["text", "also", "weight", "feedback"], required: ["text"])
            let text = entry["text"].flatMap { reader.text($0, "text") }
            var alternatives: [String] = []
            if let alsoNode = entry["also"] {
                if case .sequence = alsoNode {
                    guard let list = reader.textList(alsoNode, "also") else { complete = false; continue }
                    alternatives = list
                } else if let single = reader.text(alsoNode, "also") {
                    alternatives = [single]
                } else {
                    complete = false
                    continue
                }
            }
            let weight = entry["weight"].flatMap { reader.number($0, "weight", in: 0...100) } ?? 100
            let feedback = entry["feedback"].flatMap { reader.localized($0, "feedback") }
            guard let text else { complete = false; continue }
            answers.append(ShortAnswer(text: text, alternatives: alternatives, fraction: weight / 100,
                                       feedback: feedback))
        }
        guard complete else { return nil }
        return (.shortAnswer(answers: answers, caseSensitive: caseSensitive), items, "answers")
    }

    private static func numeric(_ mapping: YAMLMapping,
                                reader: YAMLReader) -> (kind: QuestionKind, items: [YAMLNode], listKey: String)? {
        guard let listNode = mapping["answers"], let items = reader.sequence(listNode, "answers") else { return nil }
        var answers: [NumericAnswer] = []
        var complete = true
        for item in items {
            guard let entry = reader.mapping(item, "an answer") else { complete = false; continue }
            reader.checkKeys(entry, in: "answer", allowed: ["value", "tolerance", "min", "max", "weight", "feedback"],
                             required: [])
            let weight = entry["weight"].flatMap { reader.number($0, "weight", in: 0...100) } ?? 100
            let feedback = entry["feedback"].flatMap { reader.localized($0, "feedback") }
            let target: NumericAnswer.Target?
            if let valueNode = entry["value"] {
                if let other = entry.keyNode("min") ?? entry.keyNode("max") {
                    reader.error("an answer has either 'value' (with 'tolerance') or 'min' and 'max', not both", at: other)
                }
                let value = reader.number(valueNode, "value")
                let tolerance = entry["tolerance"].flatMap { reader.number($0, "tolerance", in: 0...Double.infinity) } ?? 0
                target = value.map { .value($0, tolerance: tolerance) }
            } else if let minNode = entry["min"], let maxNode = entry["max"] {
                if let tolerance = entry.keyNode("tolerance") {
                    reader.error("'tolerance' goes with 'value', not with 'min' and 'max'", at: tolerance)
                }
                let min = reader.number(minNode, "min", allowInfinity: true)
                let max = reader.number(maxNode, "max", allowInfinity: true)
                if let min, let max { target = .range(min: min, max: max) } else { target = nil }
            } else {
                reader.error("a numeric answer needs 'value' (and optionally 'tolerance'), or both 'min' and 'max'",
                             at: item)
                target = nil
            }
            guard let target else { complete = false; continue }
            answers.append(NumericAnswer(target: target, fraction: weight / 100, feedback: feedback))
        }
        guard complete else { return nil }
        return (.numeric(answers: answers), items, "answers")
    }

    private static func matching(_ mapping: YAMLMapping,
                                 reader: YAMLReader) -> (kind: QuestionKind, items: [YAMLNode], listKey: String)? {
        guard let listNode = mapping["pairs"], let items = reader.sequence(listNode, "pairs") else { return nil }
        var pairs: [MatchPair] = []
        var complete = true
        for (index, item) in items.enumerated() {
            guard let entry = reader.mapping(item, "a pair") else { complete = false; continue }
            reader.checkKeys(entry, in: "pair", allowed: ["id", "prompt", "answer"], required: ["prompt", "answer"])
            let id = entry["id"].flatMap { reader.identifier($0, "pair id") } ?? String(index + 1)
            let prompt = entry["prompt"].flatMap { reader.localized($0, "prompt") }
            let answer = entry["answer"].flatMap { reader.localized($0, "answer") }
            guard let prompt, let answer else { complete = false; continue }
            pairs.append(MatchPair(id: id, prompt: prompt, answer: answer))
        }
        var distractors: [LocalizedText] = []
        if let distractorNode = mapping["distractors"], let list = reader.sequence(distractorNode, "distractors") {
            for item in list {
                if let text = reader.localized(item, "distractor") { distractors.append(text) } else { complete = false }
            }
        }
        guard complete else { return nil }
        return (.matching(pairs: pairs, distractors: distractors), items, "pairs")
    }
}
