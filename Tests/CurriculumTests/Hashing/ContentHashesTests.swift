import Foundation
import Testing
@testable import Curriculum

struct ContentHashesTests {
    static let question = Question(
        id: QuestionID("q"), text: LocalizedText(zh: "哪一项？", en: "Which?"),
        kind: .singleChoice(options: [
            ChoiceOption(id: "a", text: LocalizedText(zh: "甲", en: "A"), fraction: 1),
            ChoiceOption(id: "b", text: LocalizedText(zh: "乙", en: "B"), fraction: 0),
        ]),
        explanation: LocalizedText(zh: "因为。", en: "Because."), tags: ["module:x"])

    @Test("a question's hash is 64 hexadecimal digits and does not depend on tags, id or source")
    func questionHashIgnoresMetadata() {
        let hash = ContentHashes.question(Self.question)
        #expect(hash.count == 64 && hash.allSatisfy { $0.isHexDigit })
        var moved = Self.question
        moved.tags = ["module:y", "law:z"]
        moved.source = SourceReference(file: "quizzes/other.yaml", line: 99)
        moved.id = QuestionID("renamed")
        #expect(ContentHashes.question(moved) == hash)
    }

    @Test("a corrected answer key, wording or feedback gives a new hash")
    func questionHashFollowsContent() {
        let hash = ContentHashes.question(Self.question)
        var corrected = Self.question
        corrected.kind = .singleChoice(options: [
            ChoiceOption(id: "a", text: LocalizedText(zh: "甲", en: "A"), fraction: 0),
            ChoiceOption(id: "b", text: LocalizedText(zh: "乙", en: "B"), fraction: 1),
        ])
        var reworded = Self.question
        reworded.text = LocalizedText(zh: "哪一项？", en: "Which one?")
        var explained = Self.question
        explained.explanation = nil
        var weighted = Self.question
        weighted.points = 2
        let hashes = [hash, ContentHashes.question(corrected), ContentHashes.question(reworded),
                      ContentHashes.question(explained), ContentHashes.question(weighted)]
        #expect(Set(hashes).count == hashes.count)
    }

    @Test("a missing translation and an empty one hash differently from each other's swap")
    func fieldsAreUnambiguous() {
        var a = Self.question
        a.text = LocalizedText(zh: "ab", en: nil)
        var b = Self.question
        b.text = LocalizedText(zh: nil, en: "ab")
        var c = Self.question
        c.text = LocalizedText(zh: "a", en: "b")
        #expect(Set([a, b, c].map(ContentHashes.question)).count == 3)
    }

    @Test("the hash encoding is stable: records made today must match tomorrow")
    func pinnedValue() {
        // Scheme csa-content-v1. If this fails, every stored (id, content hash) pair would stop matching.
        #expect(ContentHashes.question(Self.question)
                == "0c1bc2b2dcef1f43066a70a3f9c27d51fcd1ed0daf80657c602030557ed53c4f")
    }

    @Test("a quiz hash changes with a setting or a question")
    func quizHash() {
        let quiz = QuizDefinition(id: QuizID("final"), title: LocalizedText(both: "Final"), behaviour: .deferredFeedback,
                                  passMark: 0.8, pools: [QuestionPool(id: "core", questions: [Self.question])])
        var stricter = quiz
        stricter.passMark = 0.9
        var drawn = quiz
        drawn.pools[0].draw = 1
        #expect(Set([quiz, stricter, drawn].map(ContentHashes.quiz)).count == 3)
    }

    @Test("the hashes of a whole course folder are stable: courses, modules, quizzes, questions, programmes")
    func pinnedCatalogue() throws {
        // Computed with the digest the hashes were first made with; a change of digest implementation must
        // keep every one of them.
        let directory = TestFiles.fixtures.appendingPathComponent("Valid")
        let catalogue = try #require(CatalogueLoader.load(directory: directory).catalogue)
        let security = try #require(catalogue.course(CourseID("info-security")))
        let module = try #require(security.modules.first)
        let quiz = try #require(security.quizzes.first)
        let question = try #require(quiz.allQuestions.first)
        let program = try #require(catalogue.programs.first)
        let actual = [catalogue.revision, security.contentHash, module.contentHash, quiz.contentHash,
                      question.contentHash, program.contentHash]
        #expect(actual == [
            "09cf4f42527efe42d6661adfc5c6eb1b19494200103fe8e70bc37a0b653c0f22", // catalogue revision
            "d68a0b21cbca0aa0f2772a629cb9f5af22e8ae3af522afee60d407eb0429efe4", // course info-security
            "f76acc3d4080dd6b85889b31fe753bac01895393b0d6ba82eb1f6cadfd3ce34c", // its first module
            "6a8acc056f6120bb67a6bc887a65bf6584beddde44e32378ca4c767d166f3131", // its first quiz
            "2010a01c6842c93fe45dd0caedfe71aef95b52105cb4de059f1e201304ea9bed", // that quiz's first question
            "c0a0126635da75ff3b9d37f10954296dbf9b17812df6da8f6ce023d7d757e121", // the programme
        ])
    }

    static let numeric = Question(
        id: QuestionID("n"), text: LocalizedText(zh: "哪一年？", en: "Which year?"),
        kind: .numeric(answers: [NumericAnswer(target: .value(2018, tolerance: 0)),
                                 NumericAnswer(target: .value(2019, tolerance: 0), fraction: 0,
                                               feedback: LocalizedText(zh: "旧", en: "Old"))]),
        explanation: LocalizedText(zh: "因为。", en: "Because."))
    static let short = Question(
        id: QuestionID("s"), text: LocalizedText(zh: "哪部法律？", en: "Which law?"),
        kind: .shortAnswer(answers: [ShortAnswer(text: "网络安全法"),
                                     ShortAnswer(text: "数据安全法", fraction: 0, feedback: LocalizedText(zh: "不对", en: "No"))],
                           caseSensitive: false),
        explanation: LocalizedText(zh: "因为。", en: "Because."))

    @Test("typed questions that declare no format or alternatives keep the hashes they had before those existed")
    func typedQuestionsWithoutNewKeysKeepTheirHash() {
        // Values computed with the encoding as it was before answer formats (an independent implementation).
        #expect(ContentHashes.question(Self.numeric) == "dd119e094c3692a767408adfdfb9d2c613687ef373fd807c2503b053d3ae51f6")
        #expect(ContentHashes.question(Self.short) == "65a888a0dee0bb7b0437e2d2097efa7458582d2c0998338d5771213865fa562e")
    }

    @Test("every part of an answer format and every alternative changes the hash")
    func formatsChangeTheHash() {
        var variants: [Question] = [Self.numeric]
        for format in [AnswerFormat(), AnswerFormat(hint: LocalizedText(zh: "年份")), AnswerFormat(example: "12"),
                       AnswerFormat(units: [AnswerUnit("年")]), AnswerFormat(units: [AnswerUnit("年", multiplier: 2)]),
                       AnswerFormat(units: [AnswerUnit("年")], unitRule: .required),
                       AnswerFormat(units: [AnswerUnit("年")], unitRule: .penalty(fraction: 0.1)),
                       AnswerFormat(units: [AnswerUnit("年")], unitRule: .penalty(fraction: 0.2)),
                       AnswerFormat(wrappers: [AnswerWrapper(prefix: "第", suffix: "条")]),
                       AnswerFormat(wrappers: [AnswerWrapper(prefix: "第条")]), AnswerFormat(chineseNumerals: true)] {
            var question = Self.numeric
            question.answerFormat = format
            variants.append(question)
        }
        var alternatives = Self.short
        alternatives.kind = .shortAnswer(answers: [ShortAnswer(text: "网络安全法", alternatives: ["Cybersecurity Law"]),
                                                   ShortAnswer(text: "数据安全法", fraction: 0, feedback: LocalizedText(zh: "不对", en: "No"))],
                                         caseSensitive: false)
        var moved = Self.short
        moved.kind = .shortAnswer(answers: [ShortAnswer(text: "网络安全法"),
                                            ShortAnswer(text: "数据安全法", alternatives: ["Cybersecurity Law"], fraction: 0,
                                                        feedback: LocalizedText(zh: "不对", en: "No"))],
                                  caseSensitive: false)
        variants += [Self.short, alternatives, moved]
        let hashes = variants.map(ContentHashes.question)
        #expect(Set(hashes).count == hashes.count)
    }
}

