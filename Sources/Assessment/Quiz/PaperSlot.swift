/// One question of a paper: the question version shown and the order and ids of its options.
public struct PaperSlot: Sendable, Hashable, Codable {
    public var questionID: QuestionID
    /// The content hash of the question version shown.
    public var contentHash: String
    public var poolID: String
    /// Choice options (single choice, multiple response) or matching answers, in the order shown.
    public var choices: [PresentedChoice]
    /// Matching prompts in the order shown; empty for other kinds.
    public var prompts: [PresentedChoice]

    public init(questionID: QuestionID, contentHash: String, poolID: String, choices: [PresentedChoice],
                prompts: [PresentedChoice]) {
        self.questionID = questionID
        self.contentHash = contentHash
        self.poolID = poolID
        self.choices = choices
        self.prompts = prompts
    }

    init(question: Question, poolID: String, shuffleOptions: Bool, generator: inout SeededGenerator) {
        var choiceIDs: [String] = []
        var promptIDs: [String] = []
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options):
            choiceIDs = options.map(\.id)
            if shuffleOptions { generator.shuffle(&choiceIDs) }
        case .matching(let pairs, let distractors):
            choiceIDs = MatchingKind.answers(pairs: pairs, distractors: distractors).map(\.key)
            generator.shuffle(&choiceIDs)
            promptIDs = pairs.map(\.id)
        case .trueFalse, .shortAnswer, .numeric:
            break
        }
        let opaque = Self.opaqueIDs(count: choiceIDs.count + promptIDs.count, generator: &generator)
        self.init(questionID: question.id, contentHash: question.contentHash, poolID: poolID,
                  choices: zip(opaque, choiceIDs).map { PresentedChoice(id: $0, authoredID: $1) },
                  prompts: zip(opaque.dropFirst(choiceIDs.count), promptIDs).map {
                      PresentedChoice(id: $0, authoredID: $1)
                  })
    }

    /// `presented` (a learner's response naming per-attempt ids) with authored ids, as grading and storage need
    /// it; nil when it names an id that is not on this slot (a forged or stale form).
    public func authoredResponse(fromPresented presented: Response) -> Response? {
        let choiceMap = Dictionary(choices.map { ($0.id, $0.authoredID) }, uniquingKeysWith: { first, _ in first })
        let promptMap = Dictionary(prompts.map { ($0.id, $0.authoredID) }, uniquingKeysWith: { first, _ in first })
        return translate(presented, choices: choiceMap, prompts: promptMap)
    }

    /// `authored` with per-attempt ids, to show a saved response again. Ids the slot does not know (an option
    /// removed by a later version) are dropped rather than shown.
    public func presentedResponse(fromAuthored authored: Response) -> Response {
        let choiceMap = Dictionary(choices.map { ($0.authoredID, $0.id) }, uniquingKeysWith: { first, _ in first })
        let promptMap = Dictionary(prompts.map { ($0.authoredID, $0.id) }, uniquingKeysWith: { first, _ in first })
        switch authored {
        case .choice(let id):
            return .choice(choiceMap[id] ?? "")
        case .choices(let ids):
            return .choices(Set(ids.compactMap { choiceMap[$0] }))
        case .matches(let matches):
            var result: [String: String] = [:]
            for (prompt, answer) in matches {
                guard let shownPrompt = promptMap[prompt] else { continue }
                result[shownPrompt] = answer.isEmpty ? "" : choiceMap[answer] ?? ""
            }
            return .matches(result)
        case .bool, .text:
            return authored
        }
    }

    private func translate(_ response: Response, choices: [String: String], prompts: [String: String]) -> Response? {
        switch response {
        case .choice(let id):
            if id.isEmpty { return response }
            return choices[id].map { .choice($0) }
        case .choices(let ids):
            let mapped = ids.compactMap { choices[$0] }
            return mapped.count == ids.count ? .choices(Set(mapped)) : nil
        case .matches(let matches):
            var result: [String: String] = [:]
            for (prompt, answer) in matches {
                guard let authoredPrompt = prompts[prompt] else { return nil }
                if answer.isEmpty {
                    result[authoredPrompt] = ""
                } else {
                    guard let authoredAnswer = choices[answer] else { return nil }
                    result[authoredPrompt] = authoredAnswer
                }
            }
            return .matches(result)
        case .bool, .text:
            return response
        }
    }

    private static let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")

    /// Distinct 8-character ids (40 random bits each).
    private static func opaqueIDs(count: Int, generator: inout SeededGenerator) -> [String] {
        var ids: [String] = []
        var seen = Set<String>()
        while ids.count < count {
            var bits = generator.next()
            var id = ""
            for _ in 0..<8 {
                id.append(alphabet[Int(bits & 31)])
                bits >>= 5
            }
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }
}

/// An option, matching answer or prompt as shown in one attempt: an opaque per-attempt id and the authored id
/// it stands for. Only `id` may reach the learner.
public struct PresentedChoice: Sendable, Hashable, Codable {
    public var id: String
    public var authoredID: String

    public init(id: String, authoredID: String) {
        self.id = id
        self.authoredID = authoredID
    }
}
