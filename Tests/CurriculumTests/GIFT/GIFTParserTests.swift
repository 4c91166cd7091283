import Testing
@testable import Curriculum

struct GIFTParserTests {
    private func parse(_ text: String, language: Language = .en) -> GIFTImport {
        GIFTParser.parse(text: text, fileName: "bank.gift", language: language)
    }

    private func only(_ text: String) throws -> Question {
        let result = parse(text)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        return try #require(result.questions.first)
    }

    private func en(_ text: String) -> LocalizedText { LocalizedText(en: text) }

    // MARK: Question types

    @Test("multiple choice with one right answer, per-answer feedback and partial credit")
    func singleChoice() throws {
        let question = try only("Who is buried there?{~Grant#No. =nobody#Yes! ~%50%his wife#Half}")
        #expect(question.text == en("Who is buried there?"))
        #expect(question.kind == .singleChoice(options: [
            ChoiceOption(id: "a", text: en("Grant"), fraction: 0, feedback: en("No.")),
            ChoiceOption(id: "b", text: en("nobody"), fraction: 1, feedback: en("Yes!")),
            ChoiceOption(id: "c", text: en("his wife"), fraction: 0.5, feedback: en("Half")),
        ]))
    }

    @Test("multiple response with positive and negative %weights%")
    func multipleResponse() throws {
        let question = try only("Pick two.{\n~%50%a\n~%50%b\n~%-100%c#Never\n~%33.5%d\n~e\n}")
        #expect(question.kind == .multipleResponse(options: [
            ChoiceOption(id: "a", text: en("a"), fraction: 0.5),
            ChoiceOption(id: "b", text: en("b"), fraction: 0.5),
            ChoiceOption(id: "c", text: en("c"), fraction: -1, feedback: en("Never")),
            ChoiceOption(id: "d", text: en("d"), fraction: 0.335),
            ChoiceOption(id: "e", text: en("e"), fraction: 0),
        ]))
    }

    @Test("true/false in every spelling, with the wrong-answer and right-answer feedback")
    func trueFalse() throws {
        #expect(try only("Sky is blue.{T}").kind == .trueFalse(answer: true, feedbackIfTrue: nil, feedbackIfFalse: nil))
        #expect(try only("Sky is blue.{TRUE}").kind == .trueFalse(answer: true, feedbackIfTrue: nil, feedbackIfFalse: nil))
        #expect(try only("Sky is green.{F}").kind == .trueFalse(answer: false, feedbackIfTrue: nil, feedbackIfFalse: nil))
        #expect(try only("Sky is blue.{T#Think again#Well done}").kind
                == .trueFalse(answer: true, feedbackIfTrue: en("Well done"), feedbackIfFalse: en("Think again")))
        #expect(try only("Sky is green.{FALSE#It is blue#Right}").kind
                == .trueFalse(answer: false, feedbackIfTrue: en("It is blue"), feedbackIfFalse: en("Right")))
        #expect(try only("Sky is blue.{TRUE##Right}").kind
                == .trueFalse(answer: true, feedbackIfTrue: en("Right"), feedbackIfFalse: nil))
    }

    @Test("short answer: several answers, weights, feedback, wildcard")
    func shortAnswer() throws {
        let question = try only("Best animal?{=Frog#Good! =%50%Cat#Hm =%0%*#Wrong}")
        #expect(question.kind == .shortAnswer(answers: [
            ShortAnswer(text: "Frog", fraction: 1, feedback: en("Good!")),
            ShortAnswer(text: "Cat", fraction: 0.5, feedback: en("Hm")),
            ShortAnswer(text: "*", fraction: 0, feedback: en("Wrong")),
        ], caseSensitive: false))
    }

    @Test("numeric: tolerance, range, several answers with weights, wrong-answer feedback")
    func numeric() throws {
        #expect(try only("Pi?{#3.1415:0.0005}").kind
                == .numeric(answers: [NumericAnswer(target: .value(3.1415, tolerance: 0.0005), fraction: 1)]))
        #expect(try only("Pick 1 to 5.{#1..5}").kind
                == .numeric(answers: [NumericAnswer(target: .range(min: 1, max: 5), fraction: 1)]))
        #expect(try only("Born?{#1822}").kind == .numeric(answers: [NumericAnswer(target: .value(1822, tolerance: 0))]))
        #expect(try only("Born?{#\n=1822:0#Exactly\n=%50%1822:2#Close\n~#Way off\n}").kind == .numeric(answers: [
            NumericAnswer(target: .value(1822, tolerance: 0), fraction: 1, feedback: en("Exactly")),
            NumericAnswer(target: .value(1822, tolerance: 2), fraction: 0.5, feedback: en("Close")),
            NumericAnswer(target: .range(min: -.infinity, max: .infinity), fraction: 0, feedback: en("Way off")),
        ]))
        #expect(try only("Cold?{#=-5..-1 =%25%-10:1e1}").kind == .numeric(answers: [
            NumericAnswer(target: .range(min: -5, max: -1), fraction: 1),
            NumericAnswer(target: .value(-10, tolerance: 10), fraction: 0.25),
        ]))
    }

    @Test("matching, with an extra answer written '= -> answer'")
    func matching() throws {
        let question = try only("Match capitals.{\n=Canada -> Ottawa\n=Italy->Rome\n= -> Paris\n}")
        #expect(question.kind == .matching(pairs: [
            MatchPair(id: "1", prompt: en("Canada"), answer: en("Ottawa")),
            MatchPair(id: "2", prompt: en("Italy"), answer: en("Rome")),
        ], distractors: [en("Paris")]))
    }

    @Test("missing word: text before and after the answer block")
    func missingWord() throws {
        let question = try only("Grant is {~buried =entombed ~living} in Grant's tomb.")
        #expect(question.text == en("Grant is _____ in Grant's tomb."))
        #expect(try only("Two and two is {=four}.").text == en("Two and two is _____."))
    }

    @Test("essay and description are reported as unsupported with their line; the rest still imports")
    func unsupported() {
        let result = parse("// first\n::Q1::Write an essay.{}\n\nJust a description.\n\nReal?{T}\n\n::G::{####only feedback}\n")
        #expect(result.questions.map(\.id) == [QuestionID("q-70d6acb9")])
        #expect(result.diagnostics.map(\.description) == [
            "bank.gift:2:1: warning: an essay question (an empty answer block {}) is not a question type this platform supports; skipped",
            "bank.gift:4:1: warning: a description (text without an answer block {...}) is not a question type this platform supports; skipped",
            "bank.gift:8:1: warning: an essay question (an empty answer block {}) is not a question type this platform supports; skipped",
        ])
    }

    // MARK: Metadata and text

    @Test("$CATEGORY: lines group the questions that follow")
    func categories() {
        let result = parse("Before?{T}\n\n$CATEGORY: $course$/Top/Security\n\nIn?{T}\n\n// switch\n$CATEGORY:Other\n\nLast?{F}\n")
        #expect(result.categories.map(\.name) == ["", "$course$/Top/Security", "Other"])
        #expect(result.categories.map { $0.questions.count } == [1, 1, 1])
    }

    @Test("titles, [id:] and [tag:] comments give ids and tags")
    func idsAndTags() {
        let result = parse("""
        // [id:law-1] [tag:law:cybersecurity-law-2025] [tag:module:phishing]
        // question: 12  name: whatever
        ::Ignored title::Q{T}

        ::Jesus' hometown::Q{T}

        ::Jesus' hometown::Q{T}

        ::网络::Q{T}

        Q{T}

        // [id:law-1]
        Q{T}

        // [id:Bad Id!]
        Q{T}
        """)
        #expect(result.questions.map(\.id.rawValue) == ["law-1", "jesus-hometown", "jesus-hometown-2", "q-97b31b5d", "q-8e35c2cd",
                                                         "law-1-2", "bad-id"])
        #expect(result.questions.first?.tags == ["law:cybersecurity-law-2025", "module:phishing"])
        #expect(result.diagnostics.map(\.description) == [
            "bank.gift:14:1: warning: the id 'law-1' is already used in this file; this question gets 'law-1-2'",
            "bank.gift:17:1: warning: the id 'Bad Id!' is not a valid id; using 'bad-id'",
        ])
    }

    @Test("[html], [moodle], [plain] and [markdown] format markers")
    func formats() throws {
        let html = parse("::H::[html]<p>A &amp; B<br/>C</p>{=x#[html]<b>yes</b>}")
        #expect(html.questions.first?.text == en("A & B\nC"))
        #expect(html.questions.first?.kind == .shortAnswer(answers: [ShortAnswer(text: "x", feedback: en("yes"))], caseSensitive: false))
        #expect(html.diagnostics.map(\.message) == ["HTML in this question was converted to plain text; check links and formatting"])
        #expect(try only("[moodle]Plain <b>kept</b>.{T}").text == en("Plain <b>kept</b>."))
        #expect(try only("[plain]Text.{~[plain]a ~[moodle]b =[markdown]c}").kind == .singleChoice(options: [
            ChoiceOption(id: "a", text: en("a"), fraction: 0), ChoiceOption(id: "b", text: en("b"), fraction: 0),
            ChoiceOption(id: "c", text: en("c"), fraction: 1),
        ]))
        let markdown = parse("[markdown]Who is **here**?{T}")
        #expect(markdown.questions.first?.text == en("Who is **here**?"))
        #expect(markdown.diagnostics.map(\.message) == ["Markdown in this question is kept as written; question texts are shown as plain text"])
        #expect(try only("[unknown]Text{T}").text == en("[unknown]Text"))
    }

    @Test("general feedback after ####, for every type")
    func generalFeedback() throws {
        #expect(try only("Q{T####Because.}").generalFeedback == en("Because."))
        #expect(try only("Q{=a =b ####Both work.}").generalFeedback == en("Both work."))
        #expect(try only("Q{#5####Five.}").generalFeedback == en("Five."))
        #expect(try only("Q{~a =b####B.}").generalFeedback == en("B."))
    }

    @Test("every escape: \\: \\# \\= \\{ \\} \\~ \\n \\\\")
    func escapes() throws {
        let question = try only(##"::Esc\:aped::Colon\: hash\# eq\= braces\{\} tilde\~ line\nbreak back\\slash{=a\=b\#c#fb\~\{}"##)
        #expect(question.id == QuestionID("esc-aped"))
        #expect(question.text == en("Colon: hash# eq= braces{} tilde~ line\nbreak back\\slash"))
        #expect(question.kind == .shortAnswer(answers: [ShortAnswer(text: "a=b#c", feedback: en("fb~{"))], caseSensitive: false))
        #expect(try only(##"A \\{T}"##).kind == .trueFalse(answer: true, feedbackIfTrue: nil, feedbackIfFalse: nil))
        #expect(try only(##"Path C\:\temp{T}"##).text == en(##"Path C:\temp"##))
    }

    @Test("questions may span lines; comment lines inside a question are skipped")
    func multiLine() throws {
        let question = try only("::Q::First line\nsecond line {\n// a comment among the answers\n  =yes\n  ~no\n}")
        #expect(question.text == en("First line\nsecond line"))
        #expect(question.kind.name == "single")
        #expect(question.source == SourceReference(file: "bank.gift", line: 1))
    }

    @Test("text goes into the chosen language")
    func language() throws {
        let question = try #require(parse("天是蓝的。{T#错#对}", language: .zh).questions.first)
        #expect(question.text == LocalizedText(zh: "天是蓝的。"))
        #expect(question.kind == .trueFalse(answer: true, feedbackIfTrue: LocalizedText(zh: "对"), feedbackIfFalse: LocalizedText(zh: "错")))
    }

    @Test("CRLF line endings and a byte-order mark are accepted")
    func lineEndings() {
        let result = GIFTParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("A?{T}\r\n\r\nB?{F}\r\n".utf8), fileName: "b.gift")
        #expect(result.questions.map(\.id.rawValue) == ["q-5289f1df", "q-b1d92f8c"])
        #expect(result.diagnostics.isEmpty)
    }

    // MARK: Ambiguities and errors

    @Test("warnings where Moodle's own rules are ambiguous")
    func ambiguities() {
        let result = parse("""
        Animal?{=Frog#Good~ish =Toad}

        Two blocks {T} and {F}

        Weights {~%50%a ~%20%b ~c}

        Lowercase {true}

        Full marks {=%50%yes ~no}

        Bad weight {~%half%a =b}

        ::Unclosed title Q{T}

        Brace inside {=a { b}
        """)
        #expect(result.diagnostics.map(\.description) == [
            "bank.gift:1:8: error: a single-choice question needs exactly one right answer, not 2",
            "bank.gift:1:19: warning: '~' in the feedback makes Moodle read this question as multiple choice, not short answer; write \\~ if it belongs to the feedback",
            "bank.gift:3:20: warning: a second answer block: Moodle uses only the first {...} and keeps the rest as question text",
            "bank.gift:5:9: warning: the positive weights add up to 70%, not 100%: a learner who picks every right option gets 70%",
            "bank.gift:7:11: warning: 'true' is read as a short answer: Moodle only recognises T, TRUE, F and FALSE in capitals as true/false",
            "bank.gift:9:14: warning: '=' marks a full-marks answer, so Moodle ignores this weight and keeps it as answer text; write '~%50%' for partial credit",
            "bank.gift:11:14: warning: this does not read as a weight such as %50% or %-25%, so Moodle keeps it as part of the answer text",
            "bank.gift:13:1: warning: the title has no closing '::'; Moodle drops the opening '::' and names the question after its text",
            "bank.gift:15:18: warning: '{' inside an answer block is taken as text; write \\{ to make that explicit",
        ])
        #expect(result.questions.count == 7)
    }

    @Test("errors carry line and column; the rest of the file still imports")
    func errors() {
        let result = parse("""
        Open {=a

        Close } then {T}

        Numbers {#abc}

        Range {#1..x =2:y}

        Pairs {=a -> b =c}

        One {~a}

        Empty {~ ~a =b}

        Fine {T}
        """)
        #expect(result.diagnostics.map(\.description) == [
            "bank.gift:1:6: error: the answer block opened here has no closing '}'",
            "bank.gift:3:7: error: '}' comes before the answer block's opening '{'",
            "bank.gift:5:11: error: 'abc' is not a number",
            "bank.gift:7:9: error: '1..x' is not a range of numbers such as 1..5",
            "bank.gift:7:15: error: '2:y' is not a number with a tolerance such as 3.14:0.01",
            "bank.gift:9:17: error: a matching pair is written '=prompt -> answer'",
            "bank.gift:11:5: error: a multiple-choice question needs at least 2 answers",
            "bank.gift:13:9: error: an answer between '~' or '=' is empty",
        ])
        #expect(result.questions.map(\.id.rawValue) == ["q-d14a58ba"])
    }

    @Test("a file that is not UTF-8 stops the import with the file and the first bad line")
    func notUTF8() {
        let result = GIFTParser.parse(bytes: Array("Q1{T}\n\nCaf".utf8) + [0xE9] + Array("?{T}\n".utf8), fileName: "old.gift")
        #expect(result.questions.isEmpty)
        #expect(result.diagnostics.map(\.description) == [
            "old.gift:3:4: error: old.gift is not UTF-8 text: the first bad byte is on line 3; save the file as UTF-8 (for example: iconv -f WINDOWS-1252 -t UTF-8) and import it again",
        ])
    }

    @Test("imported questions carry a content hash and their source line")
    func hashes() throws {
        let question = try only("\n\n// c\nQ{T}")
        #expect(question.contentHash == ContentHashes.question(question))
        #expect(question.source == SourceReference(file: "bank.gift", line: 4))
    }

    // MARK: What Moodle users wrote

    @Test("Chinese titles give short stable ids from a hash of the title; ASCII titles keep their slug; never the line")
    func derivedIDs() {
        let bank = """
        ::敏感信息::哪些属于敏感信息？{=身份证号 ~天气}

        ::Jesus' hometown::Q{T}

        ::敏感信息::同名的第二题{T}

        ::敏感信息(一)::ASCII brackets{T}

        ::  敏感信息（一） ::Full-width brackets, padding{T}

        哪些属于敏感信息？{T}
        """
        let result = parse(bank)
        #expect(!result.hasErrors)
        // SHA-256 of the NFKC form: "敏感信息" starts d239af03, "敏感信息(一)" 193be1fd, "哪些属于敏感信息?" 84032e6c.
        #expect(result.questions.map(\.id.rawValue) == ["q-d239af03", "jesus-hometown", "q-d239af03-2", "q-193be1fd",
                                                         "q-193be1fd-2", "q-84032e6c"])
        // A question added above changes no id.
        let edited = parse("::新题::新的一题{T}\n\n" + bank)
        #expect(Array(edited.questions.map(\.id.rawValue).dropFirst()) == result.questions.map(\.id.rawValue))
    }

    @Test("the Moodle title, the category and a written text format are kept with each question")
    func moodleOrigin() throws {
        let result = parse("""
        ::Top::Before?{T}

        $CATEGORY: $course$/保密/基础

        // [id:kept]
        ::敏感信息::[markdown]Is this **not** allowed?{=yes ~no}

        [plain]No title.{T}

        // [id:same]
        ::same::[html]<b>HTML</b> is converted.{T}
        """)
        #expect(result.questions.map(\.moodle) == [
            MoodleOrigin(title: "Top"),
            MoodleOrigin(title: "敏感信息", category: "$course$/保密/基础", format: "markdown"),
            MoodleOrigin(category: "$course$/保密/基础", format: "plain"),
            MoodleOrigin(category: "$course$/保密/基础"),
        ])
        #expect(result.questions[1].id == QuestionID("kept"))
        #expect(result.questions[1].text == en("Is this **not** allowed?"))
        // The origin is not part of the content hash.
        var bare = result.questions[1]
        bare.moodle = nil
        #expect(ContentHashes.question(bare) == result.questions[1].contentHash)
    }

    @Test("a '~' standing apart in a short answer's feedback gets the documented warning; '~answer' does not")
    func tildeInShortAnswerFeedback() throws {
        let result = parse("Capital?{=Paris#About ~ right}\n\nCapital?{=Paris#Right ~London#No}\n")
        #expect(result.diagnostics.map(\.description) == [
            "bank.gift:1:23: warning: '~' in the feedback makes Moodle read this question as multiple choice, not short answer; write \\~ if it belongs to the feedback",
        ])
        // Moodle's reading is kept: a single choice whose second option is the rest of the feedback.
        #expect(result.questions.first?.kind == .singleChoice(options: [
            ChoiceOption(id: "a", text: en("Paris"), fraction: 1, feedback: en("About")),
            ChoiceOption(id: "b", text: en("right"), fraction: 0),
        ]))
    }

    @Test("a Chinese GIFT file saved as GB18030 gets a GB18030 hint, not Windows-1252")
    func gb18030Hint() {
        // "::敏感信息::哪些属于敏感信息？{=身份证号 ~天气}" in GB18030, after a first line in ASCII.
        let bytes: [UInt8] = Array("// bank\n".utf8) + [
            0x3A, 0x3A, 0xC3, 0xF4, 0xB8, 0xD0, 0xD0, 0xC5, 0xCF, 0xA2, 0x3A, 0x3A, 0xC4, 0xC4, 0xD0, 0xA9, 0xCA, 0xF4,
            0xD3, 0xDA, 0xC3, 0xF4, 0xB8, 0xD0, 0xD0, 0xC5, 0xCF, 0xA2, 0xA3, 0xBF, 0x7B, 0x3D, 0xC9, 0xED, 0xB7, 0xDD,
            0xD6, 0xA4, 0xBA, 0xC5, 0x20, 0x7E, 0xCC, 0xEC, 0xC6, 0xF8, 0x7D, 0x0A,
        ]
        let result = GIFTParser.parse(bytes: bytes, fileName: "zh.gift")
        #expect(result.questions.isEmpty)
        #expect(result.diagnostics.map(\.description) == [
            "zh.gift:2:3: error: zh.gift is not UTF-8 text: the first bad byte is on line 2; it looks like Chinese text in GB18030 (GBK); save the file as UTF-8 (for example: iconv -f GB18030 -t UTF-8) and import it again",
        ])
    }

}
