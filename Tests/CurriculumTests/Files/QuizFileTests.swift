import Testing
@testable import Curriculum

struct QuizFileTests {
    static func quiz(_ pools: String, settings: String = "mode: exam\npass_mark: 80\n") -> String {
        "id: final-exam\ntitle: {zh: 考试, en: Exam}\n" + settings + "pools:\n" + pools
    }

    static let pool = """
      - id: core
        questions:
          - id: q1
            type: truefalse
            text: {zh: 对吗？, en: True?}
            answer: true

    """

    @Test("settings map onto the quiz definition")
    func settings() throws {
        let text = Self.quiz(Self.pool, settings: """
        mode: exam
        pass_mark: 75
        time_limit_minutes: 30
        max_attempts: 3
        attempt_delay_minutes: 60
        grading: last
        shuffle_questions: false
        shuffle_options: false
        review:
          show: [score, explanations]
          when: after_close

        """)
        let (file, diagnostics) = QuizFile.parse(text: text, fileName: "quizzes/final-exam.yaml")
        #expect(diagnostics.isEmpty)
        let quiz = try #require(file?.definition)
        #expect(quiz.behaviour == .deferredFeedback)
        #expect(quiz.passMark == 0.75)
        #expect(quiz.timeLimit == 1800)
        #expect(quiz.maxAttempts == 3)
        #expect(quiz.attemptDelay == 3600)
        #expect(quiz.grading == .last)
        #expect(!quiz.shuffleQuestions && !quiz.shuffleOptions)
        #expect(quiz.review == ReviewPolicy(show: [.score, .explanations], when: .afterClose))
        #expect(quiz.contentHash.count == 64)
        #expect(quiz.source == SourceReference(file: "quizzes/final-exam.yaml", line: 1))
        #expect(quiz.pools.first?.questions.first?.source == SourceReference(file: "quizzes/final-exam.yaml", line: 17))
    }

    @Test("defaults: review by mode, highest grade, shuffled, no limits")
    func defaults() throws {
        let exam = try #require(QuizFile.parse(text: Self.quiz(Self.pool), fileName: "final-exam.yaml").0?.definition)
        #expect(exam.review == ReviewPolicy(show: [.score], when: .immediately))
        #expect(exam.grading == .highest && exam.shuffleQuestions && exam.shuffleOptions)
        #expect(exam.timeLimit == nil && exam.maxAttempts == nil && exam.attemptDelay == 0)
        let practice = try #require(QuizFile.parse(text: Self.quiz(Self.pool, settings: "mode: practice\npass_mark: 50\n"),
                                                   fileName: "final-exam.yaml").0?.definition)
        #expect(practice.behaviour == .immediateFeedback)
        #expect(practice.review.show == Set(ReviewPolicy.Item.allCases))
    }

    @Test("attempts_per_day: a cap per day, 0 for none, 20 for practice quizzes that say nothing, none for exams")
    func attemptsPerDay() throws {
        func definition(_ settings: String) throws -> QuizDefinition {
            let (file, diagnostics) = QuizFile.parse(text: Self.quiz(Self.pool, settings: settings), fileName: "final-exam.yaml")
            #expect(diagnostics.isEmpty)
            return try #require(file?.definition)
        }
        #expect(try definition("mode: practice\npass_mark: 50\n").attemptsPerDay == 20)
        #expect(QuizDefinition.defaultPracticeAttemptsPerDay == 20)
        #expect(try definition("mode: exam\npass_mark: 50\n").attemptsPerDay == nil)
        #expect(try definition("mode: practice\npass_mark: 50\nattempts_per_day: 0\n").attemptsPerDay == nil)
        #expect(try definition("mode: practice\npass_mark: 50\nattempts_per_day: 2000\n").attemptsPerDay == 2000)
        #expect(try definition("mode: exam\npass_mark: 50\nattempts_per_day: 3\n").attemptsPerDay == 3)
        // Not part of the content hash: raising the cap makes no new version of the quiz.
        #expect(try definition("mode: practice\npass_mark: 50\nattempts_per_day: 5\n").contentHash
                == definition("mode: practice\npass_mark: 50\n").contentHash)

        for (value, message) in [("-1", "'attempts_per_day' must be at least 0, not -1"),
                                 ("2.5", "'attempts_per_day' must be a whole number, not 2.5"),
                                 ("many", "'attempts_per_day' must be a whole number, not 'many'")] {
            let text = Self.quiz(Self.pool, settings: "mode: practice\npass_mark: 50\nattempts_per_day: \(value)\n")
            let (file, diagnostics) = QuizFile.parse(text: text, fileName: "final-exam.yaml")
            #expect(file?.definition == nil)
            #expect(diagnostics.map(\.description) == ["final-exam.yaml:5:19: error: \(message)"])
        }
    }

    @Test("quiz-level mistakes: id and file name, pass mark, draw, pools")
    func mistakes() {
        let text = """
        id: exam
        title: {zh: 考试, en: Exam}
        mode: test
        pass_mark: 101
        pools:
          - id: core
            draw: 2
            questions:
              - id: q1
                type: truefalse
                text: {zh: 对吗？, en: True?}
                answer: true
          - id: core
            questions: []
          - id: both
            questions: []
            gift: bank.gift
          - id: neither

        """
        let (file, diagnostics) = QuizFile.parse(text: text, fileName: "final-exam.yaml")
        #expect(file?.definition == nil)
        #expect(diagnostics.sorted().map(\.description) == [
            "final-exam.yaml:1:5: error: the quiz id 'exam' must match its file name 'final-exam.yaml'",
            "final-exam.yaml:3:7: error: 'mode' must be one of exam, practice, not 'test'",
            "final-exam.yaml:4:12: error: 'pass_mark' must be between 0 and 100, not 101",
            "final-exam.yaml:7:11: error: the pool draws 2 questions but has only 1",
            "final-exam.yaml:13:9: error: two pools of this quiz have the id 'core'",
            "final-exam.yaml:14:16: error: a pool must have at least one question",
            "final-exam.yaml:17:5: error: a pool has either 'questions' or 'gift', not both",
            "final-exam.yaml:18:5: error: a pool needs 'questions' (a list) or 'gift' (a GIFT file in quizzes/)",
        ])
    }

    @Test("a GIFT pool is converted on load and its diagnostics keep the GIFT file's positions")
    func giftPool() throws {
        let text = Self.quiz("""
          - id: bank
            draw: 1
            gift: bank.gift
            gift_language: en

        """)
        let gift = "// [id:sun]\nThe sun rises in the east.{T}\n\n::Bad::Broken {=a\n"
        let (file, diagnostics) = QuizFile.parse(text: text, fileName: "c/quizzes/final-exam.yaml") { name, language in
            name == "bank.gift" ? GIFTParser.parse(text: gift, fileName: "c/quizzes/bank.gift", language: language) : nil
        }
        #expect(diagnostics.map(\.description) == [
            "c/quizzes/bank.gift:4:15: error: the answer block opened here has no closing '}'",
        ])
        #expect(file?.definition == nil)
        #expect(file?.giftFiles.map(\.value) == ["bank.gift"])

        let (good, none) = QuizFile.parse(text: text, fileName: "c/quizzes/final-exam.yaml") { _, language in
            GIFTParser.parse(text: "// [id:sun]\nThe sun rises in the east.{T}\n", fileName: "c/quizzes/bank.gift",
                             language: language)
        }
        #expect(none.isEmpty)
        let question = try #require(good?.definition?.allQuestions.first)
        #expect(question.id == QuestionID("sun"))
        #expect(question.text == LocalizedText(en: "The sun rises in the east."))
        #expect(question.source == SourceReference(file: "c/quizzes/bank.gift", line: 2))
    }

    @Test("a missing GIFT file is a dangling reference")
    func missingGIFT() {
        let (_, diagnostics) = QuizFile.parse(text: Self.quiz("  - id: bank\n    gift: nowhere.gift\n"),
                                              fileName: "final-exam.yaml")
        #expect(diagnostics.map(\.description) == ["final-exam.yaml:7:11: error: GIFT file 'nowhere.gift' not found in quizzes/"])
    }
}
