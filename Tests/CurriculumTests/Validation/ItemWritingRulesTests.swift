import Testing
@testable import Curriculum

/// Each item-writing rule on a small quiz file: the warning, where `lint` puts it, and a fixed version that passes.
struct ItemWritingRulesTests {
    private func lint(_ questions: String) -> [String] {
        let text = "id: q\ntitle: {zh: 测, en: Q}\nmode: practice\npass_mark: 50\npools:\n  - id: p\n    questions:\n" + questions
        let (_, diagnostics) = QuizFile.parse(text: text, fileName: "q.yaml")
        return diagnostics.sorted().map(\.description)
    }

    @Test("a numeric question must say what to type")
    func numericFormat() {
        #expect(lint("""
              - id: n
                type: numeric
                text: {zh: 延长最长多少个工作日？, en: What is the longest extension in working days?}
                answers: [{value: 20}]

        """) == ["q.yaml:10:15: warning: the question does not say what to type: name the expected form in its text (填写数字 / Enter a number), or declare 'units' or a 'format'"])
        for fixed in ["text: {zh: 延长最长多少个工作日？（填数字）, en: Longest extension in working days?}",
                      "text: {zh: 延长最长多少个工作日？, en: Longest extension in working days? (Enter a number.)}",
                      "text: {zh: 延长最长多少个工作日？, en: Longest extension?}\n        units: [个工作日]",
                      "text: {zh: 延长最长多少个工作日？, en: Longest extension?}\n        format: {zh: 工作日天数, en: working days}"] {
            #expect(lint("""
                  - id: n
                    type: numeric
                    \(fixed)
                    answers: [{value: 20}]

            """) == [], "\(fixed)")
        }
    }

    @Test("a short answer whose only accepted form holds a number or a law's name")
    func singleForm() {
        #expect(lint("""
              - id: a
                type: short
                text: {zh: 第几条？, en: Which article?}
                answers:
                  - {text: "第31条"}
                  - {text: "24", weight: 0, feedback: {zh: 旧, en: Old}}
              - id: b
                type: short
                text: {zh: 哪部法律？, en: Which law?}
                answers:
                  - {text: 网络安全法}
              - id: c
                type: short
                text: {zh: 哪部法律？, en: Which law?}
                answers:
                  - {text: Cybersecurity Law}

        """) == [
            "q.yaml:12:13: warning: the only accepted answer '第31条' holds a number, which people write in several ways: add alternatives ('also'), 'wrappers', or make the question numeric",
            "q.yaml:18:13: warning: the only accepted answer '网络安全法' is a law's name, which people write in several ways (with or without 《》 or 中华人民共和国, in English): add alternatives ('also') or 'wrappers'",
            "q.yaml:23:13: warning: the only accepted answer 'Cybersecurity Law' is a law's name, which people write in several ways (with or without 《》 or 中华人民共和国, in English): add alternatives ('also') or 'wrappers'",
        ])
        #expect(lint("""
              - id: a
                type: short
                text: {zh: 第几条？, en: Which article?}
                answers:
                  - {text: "31", also: [三十一]}
              - id: b
                type: short
                text: {zh: 哪部法律？, en: Which law?}
                answers:
                  - {text: 网络安全法}
                  - {text: Cybersecurity Law}
              - id: c
                type: short
                text: {zh: 哪一级？, en: Which level?}
                answers:
                  - {text: 一般}

        """) == [])
    }

    @Test("a multiple-response question where all options but one are right")
    func allButOne() {
        #expect(lint("""
              - id: m
                type: multiple
                text: {zh: 哪些？, en: Which?}
                options:
                  - {text: {zh: 甲, en: A}, weight: 34}
                  - {text: {zh: 乙, en: B}, weight: 33}
                  - {text: {zh: 丙, en: C}, weight: 33}
                  - {text: {zh: 丁, en: D}, weight: -100}

        """) == ["q.yaml:12:11: warning: all options but one are right (3 of 4): ticking everything nearly wins; add distractors or make it single choice"])
        #expect(lint("""
              - id: m
                type: multiple
                text: {zh: 哪些？, en: Which?}
                options:
                  - {text: {zh: 甲, en: A}, weight: 50}
                  - {text: {zh: 乙, en: B}, weight: 50}
                  - {text: {zh: 丙, en: C}, weight: -50}
                  - {text: {zh: 丁, en: D}, weight: -50}

        """) == [])
    }

    @Test("the right option's length gives it away: more than twice the longest or less than half the shortest, by 8 or more")
    func lengthTell() {
        #expect(lint("""
              - id: long
                type: single
                text: {zh: 哪一项？, en: Which?}
                options:
                  - {text: {zh: 应当依法及时公开并说明理由和救济途径, en: A}, correct: true}
                  - {text: {zh: 不公开, en: B}}
                  - {text: {zh: 随意处理, en: C}}
              - id: short
                type: single
                text: {zh: 哪一项？, en: Which?}
                options:
                  - {text: {zh: 甲, en: Yes}, correct: true}
                  - {text: {zh: 乙, en: "Only when the head of the department agrees in writing"}}
                  - {text: {zh: 丙, en: "Never, whatever the circumstances are"}}

        """) == [
            "q.yaml:12:13: warning: the right option is much longer than every other (18 characters against at most 4, in Chinese): its length gives it away",
            "q.yaml:19:13: warning: the right option is much shorter than every other (3 characters against at least 37, in English): its length gives it away",
        ])
        #expect(lint("""
              - id: fine
                type: single
                text: {zh: 哪一项？, en: Which?}
                options:
                  - {text: {zh: 是, en: Yes}, correct: true}
                  - {text: {zh: 否认, en: "No, never"}}
                  - {text: {zh: 应当依法公开, en: Only on request}}

        """) == [])
    }

    @Test("a question about the current law names its date")
    func currentLaw() {
        #expect(lint("""
              - id: t
                type: truefalse
                text: {zh: 现行《公务员法》规定了六项基本要求。, en: The current Civil Servant Law sets six requirements.}
                answer: false

        """) == [
            "q.yaml:10:15: warning: the question asks about the current (现行) law without a date: name the year or version it speaks of (e.g. 截至2026年), since the law changes",
        ])
        #expect(lint("""
              - id: t
                type: truefalse
                text: {zh: 截至2026年，现行《公务员法》规定了六项基本要求。, en: "As of 2026, the current Civil Servant Law sets six requirements."}
                answer: false

        """) == [])
    }

    @Test("law: and standard: tags carry a version")
    func versionedTags() {
        #expect(lint("""
              - id: t
                type: truefalse
                text: {zh: 对吗？, en: Right?}
                answer: true
                tags: [module:m, law:cybersecurity-law, standard:nist-sp-800-63b, law:pipl-2021, standard:nist-sp-800-63b-rev4, standard:wcag-2.2, standard:iso-27001-v3]

        """) == [
            "q.yaml:12:26: warning: the tag 'law:cybersecurity-law' names no version: add the year or version number (e.g. law:cybersecurity-law-2025)",
            "q.yaml:12:49: warning: the tag 'standard:nist-sp-800-63b' names no version: add the year or version number (e.g. standard:nist-sp-800-63b-2025)",
        ])
    }

    @Test(arguments: [("pipl-2021", true), ("nist-sp-800-63b-rev4", true), ("wcag-2.2", true), ("iso-v3", true),
                      ("cybersecurity-law", false), ("nist-sp-800-63b", false), ("gb-t-22239", false), ("x-12345", false),
                      ("2019", true), ("revision", false), ("nist-sp-800-50r1", true), ("iso-27001-2022", true), ("draft-v", false),
                      ("gb-t-22239-r", false)])
    func versions(name: String, versioned: Bool) {
        #expect(ItemWritingRules.hasVersion(name) == versioned)
    }
}
