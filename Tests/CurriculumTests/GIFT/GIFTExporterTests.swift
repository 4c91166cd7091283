import Testing
@testable import Curriculum

struct GIFTExporterTests {
    private func en(_ text: String) -> LocalizedText { LocalizedText(en: text) }

    /// One question of every kind, with feedback, tags and characters GIFT must escape.
    var questions: [Question] {
        let list: [Question] = [
            Question(id: QuestionID("single"), text: en("Which one: a {b} = c?"), kind: .singleChoice(options: [
                ChoiceOption(id: "a", text: en("Right ~ one"), fraction: 1, feedback: en("Yes # indeed")),
                ChoiceOption(id: "b", text: en("Half"), fraction: 0.5),
                ChoiceOption(id: "c", text: en("Wrong\nline"), fraction: 0, feedback: en("No")),
            ]), generalFeedback: en("General: feedback"), tags: ["module:phishing", "law:x]y"]),
            Question(id: QuestionID("multiple"), text: en("Pick"), kind: .multipleResponse(options: [
                ChoiceOption(id: "a", text: en("A"), fraction: 0.5),
                ChoiceOption(id: "b", text: en("B"), fraction: 0.5),
                ChoiceOption(id: "c", text: en("C"), fraction: -1, feedback: en("Never")),
                ChoiceOption(id: "d", text: en("D"), fraction: 0),
            ])),
            Question(id: QuestionID("tf-true"), text: en("True?"), kind: .trueFalse(answer: true, feedbackIfTrue: en("Right"),
                                                                                     feedbackIfFalse: en("Wrong"))),
            Question(id: QuestionID("tf-false"), text: en("False?"), kind: .trueFalse(answer: false, feedbackIfTrue: nil,
                                                                                        feedbackIfFalse: en("Right"))),
            Question(id: QuestionID("tf-plain"), text: en("Plain?"), kind: .trueFalse(answer: true, feedbackIfTrue: nil,
                                                                                        feedbackIfFalse: nil),
                     generalFeedback: en("Always shown")),
            Question(id: QuestionID("short"), text: en("Law?"), kind: .shortAnswer(answers: [
                ShortAnswer(text: "网络安全法", fraction: 1, feedback: en("Yes")),
                ShortAnswer(text: "Cyber*", fraction: 0.5),
                ShortAnswer(text: "x=y", fraction: 0.25),
            ], caseSensitive: false)),
            Question(id: QuestionID("numeric"), text: en("Days?"), kind: .numeric(answers: [
                NumericAnswer(target: .value(20, tolerance: 0), fraction: 1, feedback: en("Yes")),
                NumericAnswer(target: .value(3.1415, tolerance: 0.0005), fraction: 0.5),
                NumericAnswer(target: .range(min: -5, max: -1), fraction: 0.25),
                NumericAnswer(target: .range(min: -.infinity, max: .infinity), fraction: 0, feedback: en("Way off")),
            ])),
            Question(id: QuestionID("matching"), text: en("Match"), kind: .matching(pairs: [
                MatchPair(id: "1", prompt: en("Canada"), answer: en("Ottawa")),
                MatchPair(id: "2", prompt: en("Italy: the country"), answer: en("Rome")),
            ], distractors: [en("Paris")])),
            Question(id: QuestionID("protected"), text: en("[html]<b>not HTML</b>"),
                     kind: .trueFalse(answer: false, feedbackIfTrue: nil, feedbackIfFalse: nil)),
        ]
        return list.map { question in
            var hashed = question
            hashed.contentHash = ContentHashes.question(question)
            return hashed
        }
    }

    @Test("import(export(q)) == q for every kind")
    func roundTrip() throws {
        let output = GIFTExporter.export(questions, language: .en)
        #expect(output.warnings.isEmpty)
        let imported = GIFTParser.parse(text: output.text, fileName: "export.gift", language: .en)
        #expect(imported.diagnostics.isEmpty, "\(imported.diagnostics)")
        let withoutSources = imported.questions.map { question -> Question in
            var copy = question
            copy.source = nil
            return copy
        }
        #expect(withoutSources.count == questions.count)
        for (original, again) in zip(questions, withoutSources) {
            #expect(original == again)
        }
    }

    @Test("the output looks like Moodle's")
    func format() {
        let output = GIFTExporter.export([questions[0]], language: .en)
        #expect(output.text == """
            // [id:single] [tag:module:phishing] [tag:law:x\\]y]
            ::single::Which one\\: a \\{b\\} \\= c?{
            \t=Right \\~ one#Yes \\# indeed
            \t~%50%Half
            \t~Wrong\\nline#No
            \t####General\\: feedback
            }


            """)
    }

    @Test("what GIFT cannot carry is reported")
    func lossWarnings() {
        var question = questions[5]
        question.explanation = en("Why")
        question.points = 2
        question.kind = .shortAnswer(answers: [ShortAnswer(text: "a->b")], caseSensitive: true)
        question.text = LocalizedText(zh: "只有中文")
        question.source = SourceReference(file: "quizzes/q.yaml", line: 7)
        let warnings = GIFTExporter.export([question], language: .en).warnings
        #expect(warnings.map(\.description) == [
            "quizzes/q.yaml:7:1: warning: question 'short': the text has no English (en) text; the other language was used",
            "quizzes/q.yaml:7:1: warning: question 'short': GIFT has no place for an explanation; it was left out",
            "quizzes/q.yaml:7:1: warning: question 'short': GIFT has no points; the question is worth 2 here and 1 in GIFT",
            "quizzes/q.yaml:7:1: warning: question 'short': GIFT short answers are not case-sensitive; Moodle will ignore case",
            "quizzes/q.yaml:7:1: warning: question 'short': the answer 'a->b' contains '->', which makes Moodle read the question as matching",
        ])
    }

    @Test("alternatives become answers of their own; wrappers and units are reported as left out")
    func alternativesAndFormats() {
        let short = Question(id: QuestionID("article"), text: en("Which article?"),
                             kind: .shortAnswer(answers: [ShortAnswer(text: "31", alternatives: ["Art. 31"]),
                                                          ShortAnswer(text: "24", fraction: 0, feedback: en("Old"))],
                                                caseSensitive: false),
                             answerFormat: AnswerFormat(wrappers: [AnswerWrapper(prefix: "Article ")]))
        let numeric = Question(id: QuestionID("days"), text: en("How many days?"),
                               kind: .numeric(answers: [NumericAnswer(target: .value(20, tolerance: 0))]),
                               answerFormat: AnswerFormat(units: [AnswerUnit("days")]))
        let output = GIFTExporter.export([short, numeric], language: .en)
        #expect(output.text.contains("\t=31\n\t=Art. 31\n\t=%0%24#Old\n"))
        #expect(output.warnings.map(\.message) == [
            "question 'article': GIFT has no wrappers: Moodle will not accept the answers inside them (such as 第…条) unless listed",
            "question 'days': GIFT numeric answers take digits only: the units, wrappers and Chinese numerals this question accepts are left out",
        ])
        let imported = GIFTParser.parse(text: output.text, fileName: "export.gift", language: .en)
        #expect(imported.questions.first?.kind == .shortAnswer(answers: [
            ShortAnswer(text: "31"), ShortAnswer(text: "Art. 31"), ShortAnswer(text: "24", fraction: 0, feedback: en("Old")),
        ], caseSensitive: false))
    }

    @Test("custom option ids are reported, since GIFT numbers options by position")
    func customIDs() {
        var question = questions[1]
        question.kind = .multipleResponse(options: [
            ChoiceOption(id: "first", text: en("A"), fraction: 1), ChoiceOption(id: "b", text: en("B"), fraction: 0),
        ])
        #expect(GIFTExporter.export([question], language: .en).warnings.map(\.message)
                == ["question 'multiple': GIFT has no option ids; 'first' becomes 'a' when imported again"])
    }

    @Test("a quiz with several pools exports one category per pool")
    func quizCategories() {
        let quiz = QuizDefinition(id: QuizID("final"), title: en("Final"), behaviour: .deferredFeedback, passMark: 0.8,
                                  pools: [QuestionPool(id: "core", questions: [questions[2]]),
                                          QuestionPool(id: "extra", questions: [questions[3]])])
        let output = GIFTExporter.export(quiz, language: .en)
        let imported = GIFTParser.parse(text: output.text, fileName: "q.gift", language: .en)
        #expect(imported.categories.map(\.name) == ["final/core", "final/extra"])
        #expect(imported.categories.map { $0.questions.map(\.id) } == [[QuestionID("tf-true")], [QuestionID("tf-false")]])
    }

    @Test("a Moodle title, category and [markdown] go back as the Moodle user wrote them")
    func moodleOrigin() {
        var marked = Question(id: QuestionID("q-d239af03"), text: LocalizedText(zh: "这是**不**允许的吗？"),
                              kind: .trueFalse(answer: false, feedbackIfTrue: nil, feedbackIfFalse: nil))
        marked.moodle = MoodleOrigin(title: "敏感信息", category: "$course$/保密/基础", format: "markdown")
        var plain = Question(id: QuestionID("own"), text: LocalizedText(zh: "[html]不是 HTML"),
                             kind: .trueFalse(answer: true, feedbackIfTrue: nil, feedbackIfFalse: nil))
        plain.moodle = MoodleOrigin(category: "$course$/保密/进阶")
        let quiz = QuizDefinition(id: QuizID("bank"), title: LocalizedText(zh: "题库"), behaviour: .immediateFeedback,
                                  passMark: 0.8, pools: [QuestionPool(id: "main", questions: [marked, plain])])
        let output = GIFTExporter.export(quiz, language: .zh)
        #expect(output.warnings.isEmpty)
        #expect(output.text == """
            // question: 0  name: switch category to $course$/保密/基础
            $CATEGORY: $course$/保密/基础

            // [id:q-d239af03]
            ::敏感信息::[markdown]这是**不**允许的吗？{FALSE}

            // question: 0  name: switch category to $course$/保密/进阶
            $CATEGORY: $course$/保密/进阶

            // [id:own]
            ::own::[plain][html]不是 HTML{TRUE}


            """)
    }

    @Test("import, export, import: Chinese titles, categories and [markdown] come back unchanged")
    func moodleRoundTrip() throws {
        let bank = """
        ::开头::未分类的题目{T}

        $CATEGORY: $course$/保密/基础

        ::敏感信息::[markdown]以下哪项**不**属于敏感信息？{
        \t=天气预报#对。
        \t~身份证号#错：这是个人信息。
        \t~%50%家庭住址
        \t####见模块“保密基础”。
        }

        ::敏感信息::同名的题目{=正确 =%50%大致正确#接近}

        $CATEGORY: $course$/保密/进阶

        [plain]没有标题的题目 {#3:1}
        """
        let first = GIFTParser.parse(text: bank, fileName: "bank.gift", language: .zh)
        #expect(!first.hasErrors)
        let quiz = QuizDefinition(id: QuizID("bank"), title: LocalizedText(zh: "题库"), behaviour: .immediateFeedback,
                                  passMark: 0.8, pools: [QuestionPool(id: "main", questions: first.questions)])
        let output = GIFTExporter.export(quiz, language: .zh)
        #expect(output.warnings.isEmpty)
        let again = GIFTParser.parse(text: output.text, fileName: "bank.gift", language: .zh)
        #expect(again.diagnostics.map(\.message) == [
            "Markdown in this question is kept as written; question texts are shown as plain text",
        ])
        #expect(again.categories.map(\.name) == first.categories.map(\.name))
        let strip = { (question: Question) -> Question in
            var copy = question
            copy.source = nil
            return copy
        }
        #expect(again.questions.map(strip) == first.questions.map(strip))
        #expect(first.questions.map(\.id.rawValue) == ["开头", "敏感信息", "敏感信息", "没有标题的题目"].enumerated().map {
            ($0.offset == 2 ? "q-d239af03-2" : "q-" + GIFTFileState.shortHash($0.element))
        })
    }

}
