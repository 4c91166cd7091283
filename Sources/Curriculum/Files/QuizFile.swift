import Foundation

/// `quizzes/<id>.yaml` as written: the quiz plus where its questions and references sit.
struct QuizFile: Sendable {
    let fileName: String
    let id: Located<QuizID>?
    let definition: QuizDefinition?
    /// Every question of every pool, with where it was written.
    let questions: [Located<QuestionID>]
    /// Module ids named by `module:` tags.
    let moduleTags: [Located<String>]
    /// GIFT files used by pools, by name within `quizzes/`.
    let giftFiles: [Located<String>]

    static let keys = ["id", "title", "mode", "pass_mark", "time_limit_minutes", "max_attempts",
                       "attempt_delay_minutes", "attempts_per_day", "grading", "shuffle_questions", "shuffle_options",
                       "review", "pools"]
    static let requiredKeys = ["id", "title", "mode", "pass_mark", "pools"]
    static let poolKeys = ["id", "draw", "questions", "gift", "gift_language"]

    /// Supplies the questions of `quizzes/<name>` for a `gift:` pool, converted in `language`; nil if there is
    /// no such file.
    typealias GIFTLookup = (_ name: String, _ language: Language) -> GIFTImport?

    static func parse(text: String, fileName: String,
                      gift: GIFTLookup = { _, _ in nil }) -> (QuizFile?, [Diagnostic]) {
        let sink = DiagnosticSink(file: fileName)
        guard let root = YAMLDocument.compose(text, sink: sink) else {
            if !sink.hasErrors { sink.error("the quiz file is empty", line: 1, column: 1) }
            return (nil, sink.diagnostics)
        }
        let reader = YAMLReader(sink: sink)
        guard let mapping = reader.mapping(root, "quiz") else { return (nil, sink.diagnostics) }
        reader.checkKeys(mapping, in: "quiz", allowed: keys, required: requiredKeys)

        var id: Located<QuizID>?
        if let node = mapping["id"], let value = reader.identifier(node, "quiz id") {
            id = Located(value: QuizID(value), location: reader.location(of: node))
            let stem = fileName.fileStem
            if stem != value {
                reader.error("the quiz id '\(value)' must match its file name '\(stem).yaml'", at: node)
            }
        }
        let title = mapping["title"].flatMap { reader.localized($0, "title") }
        let mode = mapping["mode"].flatMap { reader.choice($0, "mode", ["exam", "practice"]) }
        let passMark = mapping["pass_mark"].flatMap { reader.number($0, "pass_mark", in: 0...100) }
        let timeLimit = mapping["time_limit_minutes"].flatMap { reader.integer($0, "time_limit_minutes", in: 1...Int.max) }
        let maxAttempts = mapping["max_attempts"].flatMap { reader.integer($0, "max_attempts", in: 1...Int.max) }
        let delay = mapping["attempt_delay_minutes"].flatMap {
            reader.integer($0, "attempt_delay_minutes", in: 0...Int.max)
        } ?? 0
        // 0 turns the daily cap off; without the key, practice quizzes get the default cap and exams none.
        let perDay = mapping["attempts_per_day"].flatMap { reader.integer($0, "attempts_per_day", in: 0...Int.max) }
        let grading = mapping["grading"].flatMap { reader.choice($0, "grading", ["highest", "last"]) }
            .flatMap(GradingMethod.init(rawValue:)) ?? .highest
        let shuffleQuestions = mapping["shuffle_questions"].flatMap { reader.boolean($0, "shuffle_questions") } ?? true
        let shuffleOptions = mapping["shuffle_options"].flatMap { reader.boolean($0, "shuffle_options") } ?? true
        let behaviour: Behaviour = mode == "exam" ? .deferredFeedback : .immediateFeedback
        let review = readReview(mapping["review"], exam: mode == "exam", reader: reader)

        var pools: [QuestionPool] = []
        var questions: [Located<QuestionID>] = []
        var moduleTags: [Located<String>] = []
        var giftFiles: [Located<String>] = []
        var poolsComplete = true
        if let node = mapping["pools"], let items = reader.sequence(node, "pools") {
            if items.isEmpty { reader.error("'pools' must list at least one pool", at: node) }
            var poolIDs: Set<String> = []
            for item in items {
                guard let pool = readPool(item, reader: reader, gift: gift, poolIDs: &poolIDs,
                                          questions: &questions, moduleTags: &moduleTags,
                                          giftFiles: &giftFiles) else {
                    poolsComplete = false
                    continue
                }
                pools.append(pool)
            }
        } else {
            poolsComplete = false
        }

        var definition: QuizDefinition?
        if let id, let title, mode != nil, let passMark, poolsComplete, !sink.hasErrors {
            var quiz = QuizDefinition(
                id: id.value, title: title, behaviour: behaviour, passMark: passMark / 100,
                timeLimit: timeLimit.map { $0 * 60 }, maxAttempts: maxAttempts, attemptDelay: delay * 60,
                grading: grading, shuffleQuestions: shuffleQuestions, shuffleOptions: shuffleOptions,
                review: review, pools: pools, source: SourceReference(file: fileName, line: 1),
                attemptsPerDay: perDay.map { $0 == 0 ? nil : $0 }
                    ?? (behaviour == .immediateFeedback ? QuizDefinition.defaultPracticeAttemptsPerDay : nil))
            quiz.contentHash = ContentHashes.quiz(quiz)
            definition = quiz
        }
        let file = QuizFile(fileName: fileName, id: id, definition: definition, questions: questions,
                            moduleTags: moduleTags, giftFiles: giftFiles)
        return (file, sink.diagnostics)
    }

    /// The review policy written, or the mode's default: practice shows everything at once, exams the score.
    private static func readReview(_ node: YAMLNode?, exam: Bool, reader: YAMLReader) -> ReviewPolicy {
        let defaultShow: Set<ReviewPolicy.Item> = exam ? [.score] : Set(ReviewPolicy.Item.allCases)
        guard let node, let mapping = reader.mapping(node, "review") else {
            return ReviewPolicy(show: defaultShow, when: .immediately)
        }
        reader.checkKeys(mapping, in: "review", allowed: ["show", "when"], required: [])
        var show = defaultShow
        if let showNode = mapping["show"], let items = reader.sequence(showNode, "show") {
            show = []
            for item in items {
                if let name = reader.choice(item, "show", ReviewPolicy.Item.allCases.map(\.rawValue)),
                   let value = ReviewPolicy.Item(rawValue: name) {
                    show.insert(value)
                }
            }
        }
        let when = mapping["when"].flatMap { reader.choice($0, "when", ["immediately", "after_passing", "after_close"]) }
            .flatMap(ReviewPolicy.When.init(rawValue:)) ?? .immediately
        return ReviewPolicy(show: show, when: when)
    }

    private static func readPool(_ node: YAMLNode, reader: YAMLReader, gift: GIFTLookup, poolIDs: inout Set<String>,
                                 questions: inout [Located<QuestionID>], moduleTags: inout [Located<String>],
                                 giftFiles: inout [Located<String>]) -> QuestionPool? {
        guard let mapping = reader.mapping(node, "a pool") else { return nil }
        reader.checkKeys(mapping, in: "pool", allowed: poolKeys, required: ["id"])
        var id: String?
        if let idNode = mapping["id"], let value = reader.identifier(idNode, "pool id") {
            if poolIDs.insert(value).inserted {
                id = value
            } else {
                reader.error("two pools of this quiz have the id '\(value)'", at: idNode)
            }
        }
        let draw = mapping["draw"].flatMap { reader.integer($0, "draw", in: 1...Int.max) }
        var poolQuestions: [Question] = []
        var complete = true
        /// Questions written in the pool, counted even when some of them have mistakes.
        var available: Int?

        switch (mapping["questions"], mapping["gift"]) {
        case (let listNode?, let giftNode?):
            reader.error("a pool has either 'questions' or 'gift', not both", at: mapping.keyNode("gift") ?? giftNode)
            _ = listNode
            complete = false
        case (nil, nil):
            reader.error("a pool needs 'questions' (a list) or 'gift' (a GIFT file in quizzes/)", at: node)
            complete = false
        case (let listNode?, nil):
            if let languageNode = mapping.keyNode("gift_language") {
                reader.error("'gift_language' only applies to a pool with 'gift'", at: languageNode)
            }
            guard let items = reader.sequence(listNode, "questions") else { complete = false; break }
            available = items.count
            if items.isEmpty { reader.error("a pool must have at least one question", at: listNode) }
            for item in items {
                guard let read = QuestionYAML.read(item, reader: reader) else {
                    complete = false
                    continue
                }
                poolQuestions.append(read.question)
                questions.append(Located(value: read.question.id, location: reader.location(of: item)))
                moduleTags.append(contentsOf: read.moduleTags)
            }
        case (nil, let giftNode?):
            let language = mapping["gift_language"].flatMap { reader.choice($0, "gift_language", ["zh", "en"]) }
                .flatMap(Language.init(rawValue:)) ?? .zh
            guard let name = reader.text(giftNode, "gift") else { complete = false; break }
            guard name.hasSuffix(".gift"), !name.contains("/"), !name.contains("\\"), !name.hasPrefix(".") else {
                reader.error("'gift' names a file in quizzes/ ending in .gift, such as bank.gift, not '\(name)'",
                             at: giftNode)
                complete = false
                break
            }
            giftFiles.append(Located(value: name, location: reader.location(of: giftNode)))
            guard let imported = gift(name, language) else {
                reader.error("GIFT file '\(name)' not found in quizzes/", at: giftNode)
                complete = false
                break
            }
            reader.sink.append(contentsOf: imported.diagnostics)
            available = imported.questions.count
            if imported.diagnostics.contains(where: \.isError) { complete = false }
            if imported.questions.isEmpty && !imported.diagnostics.contains(where: \.isError) {
                reader.error("GIFT file '\(name)' has no questions this platform supports", at: giftNode)
                complete = false
            }
            for question in imported.questions {
                poolQuestions.append(question)
                let line = question.source?.line ?? 1
                questions.append(Located(value: question.id,
                                         location: SourceLocation(file: question.source?.file ?? name, line: line,
                                                                  column: 1)))
                for tag in question.tags where tag.hasPrefix("module:") {
                    moduleTags.append(Located(value: String(tag.dropFirst("module:".count)),
                                              location: SourceLocation(file: question.source?.file ?? name,
                                                                       line: line, column: 1)))
                }
            }
        }

        if let draw, let drawNode = mapping["draw"], let available, draw > available {
            reader.error("the pool draws \(draw) questions but has only \(available)", at: drawNode)
            complete = false
        }
        guard complete, let id else { return nil }
        return QuestionPool(id: id, draw: draw, questions: poolQuestions)
    }
}
