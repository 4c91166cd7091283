import Foundation
import Testing
@testable import Curriculum

/// The shipped question bank meets the item-writing checks of the subject-matter review: no key that gives itself
/// away by length, no multiple-response item where every option but one is right, every "current" dated, every law
/// and standard tag versioned, and the GIFT example in step with the quiz it mirrors. The checks of options apply to
/// choice questions; the checks of wording and tags apply to every question, typed ones included.
@Suite("Shipped question bank")
struct QuestionBankTests {
    static let courses = ShippedCoursesTests.mainCourses + ["info-security-refresher"]

    /// Every choice, true/false and matching question of the shipped courses, with where it lives.
    static var untypedQuestions: [(course: String, question: Question)] {
        courses.flatMap { id -> [(course: String, question: Question)] in
            guard let course = ShippedCoursesTests.catalogue?.course(CourseID(id)) else { return [] }
            return course.quizzes.flatMap(\.allQuestions)
                .filter { !["numeric", "short"].contains($0.kind.name) }
                .map { (id, $0) }
        }
    }

    /// Every question of the shipped courses, typed ones included.
    static var allQuestions: [(course: String, question: Question)] {
        courses.flatMap { id -> [(course: String, question: Question)] in
            guard let course = ShippedCoursesTests.catalogue?.course(CourseID(id)) else { return [] }
            return course.quizzes.flatMap(\.allQuestions).map { (id, $0) }
        }
    }

    static func options(_ question: Question) -> [ChoiceOption] {
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options): return options
        default: return []
        }
    }

    @Test func theBankIsLoaded() {
        #expect(Self.untypedQuestions.count > 150)
    }

    @Test func noKeyIsMoreThanTwiceAsLongAsTheLongestDistractor() {
        for (course, question) in Self.untypedQuestions {
            let options = Self.options(question)
            let keys = options.filter { $0.fraction > 0 }
            let distractors = options.filter { $0.fraction <= 0 }
            guard !keys.isEmpty, !distractors.isEmpty else { continue }
            for language in [Language.zh, .en] {
                let key = keys.map { $0.text.text(in: language).count }.max() ?? 0
                let distractor = distractors.map { $0.text.text(in: language).count }.max() ?? 0
                #expect(key <= 2 * distractor, "\(course)/\(question.id) (\(language)): key \(key) characters, longest distractor \(distractor)")
            }
        }
    }

    @Test func noMultipleResponseItemHasAllOptionsButOneRight() {
        for (course, question) in Self.untypedQuestions {
            guard case .multipleResponse(let options) = question.kind else { continue }
            let wrong = options.filter { $0.fraction <= 0 }.count
            #expect(wrong != 1 || options.count < 3, "\(course)/\(question.id): \(options.count - wrong) of \(options.count) options are right")
        }
    }

    @Test func everyCurrentIsDated() throws {
        let current = try Regex("现行|目前|当前|[Cc]urrent")
        let year = try Regex("20[0-9]{2}")
        for (course, question) in Self.untypedQuestions {
            for language in [Language.zh, .en] {
                let text = question.text.text(in: language)
                if text.contains(current) {
                    #expect(text.contains(year), "\(course)/\(question.id) (\(language)): \(text)")
                }
            }
        }
    }

    @Test func everyLawAndStandardTagNamesItsVersion() throws {
        let versioned = try Regex("(19|20)[0-9]{2}|-rev[0-9]+$|r[0-9]+$")
        for (course, question) in Self.allQuestions {
            for tag in question.tags where tag.hasPrefix("law:") || tag.hasPrefix("standard:") || tag.hasPrefix("policy:") {
                #expect(tag.contains(versioned), "\(course)/\(question.id): \(tag)")
            }
        }
        let tags = Set(Self.allQuestions.flatMap(\.question.tags))
        #expect(tags.contains("law:public-official-sanctions-law-2020"))
        #expect(tags.isSuperset(of: ["standard:nist-sp-800-63b-rev3", "standard:nist-sp-800-63b-rev4"]))
    }

    @Test func 较大IsRelativelyMajorInEnglish() {
        for (course, question) in Self.allQuestions where question.text.text(in: .zh).contains("较大") {
            let english = question.text.text(in: .en)
            #expect(english.contains("relatively major") && !english.contains("\"large\""), "\(course)/\(question.id): \(english)")
        }
        for course in Self.courses {
            for module in ShippedCoursesTests.catalogue?.course(CourseID(course))?.modules ?? [] {
                #expect(!(module.en?.body.contains("\"large\"") ?? false), "\(course)/\(module.id)")
                #expect(!(module.en?.summary.contains("\"large\"") ?? false), "\(course)/\(module.id)")
            }
        }
    }

    @Test func feedbackThatSays不对SaysIncorrectInEnglish() {
        for (course, question) in Self.untypedQuestions {
            guard case .trueFalse(_, let ifTrue, let ifFalse) = question.kind else { continue }
            for feedback in [ifTrue, ifFalse].compactMap({ $0 }) where feedback.text(in: .zh).hasPrefix("不对") {
                #expect(feedback.text(in: .en).hasPrefix("Incorrect."), "\(course)/\(question.id)")
            }
        }
    }

    @Test func nistVerifiersShouldNotMustAllowSixtyFourCharacters() throws {
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID("info-security")))
        let question = try #require(course.question(QuestionID("pw-e-length-match"))?.question)
        guard case .matching(let pairs, _) = question.kind else { Issue.record("not a matching question"); return }
        let prompt = try #require(pairs.first { $0.answer.text(in: .en) == "64 characters" }?.prompt.text(in: .en))
        #expect(prompt.contains("should") && !prompt.contains("must"))
        let module = try #require(course.modules.first { $0.id == ModuleID("passwords-mfa") })
        for (text, wording) in [(module.zh?.body ?? "", try Regex("须[^；。]{0,8}64")),
                                (module.en?.body ?? "", try Regex("64 characters must"))] {
            #expect(!text.contains(wording))
        }
        #expect(module.en?.body.contains("Systems should still allow at least 64 characters.") == true)
    }

    @Test func thePenaltyQuestionNamesItsTier() throws {
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID("info-security-refresher")))
        let question = try #require(course.question(QuestionID("rf-fx-penalty-cap"))?.question)
        #expect(question.text.text(in: .zh).contains("拒不改正或者导致危害网络安全等后果"))
        #expect(question.text.text(in: .en).contains("refuses to correct, or causes harm to cybersecurity"))
    }

    @Test func theRefresherDatesTheRenumberingToItsEffectiveDay() throws {
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID("info-security-refresher")))
        let module = try #require(course.modules.first { $0.id == ModuleID("whats-new") })
        #expect(module.zh?.body.contains("2026年1月1日以前的材料写“第二十五条”") == true)
        #expect(module.en?.body.contains("Material from before 1 January 2026 that says \"Article 25\"") == true)
        #expect(module.zh?.body.contains("2025年以前的材料") == false)
    }

    @Test func modulesCall12387TheIncidentReportingLineNotA举报Line() throws {
        let tipOffWording = try Regex("12387[^。；]{0,12}举报|举报电话是12387")
        for course in Self.courses {
            for module in ShippedCoursesTests.catalogue?.course(CourseID(course))?.modules ?? [] {
                #expect(!(module.zh?.body.contains(tipOffWording) ?? false), "\(course)/\(module.id)")
            }
        }
        for (course, question) in Self.allQuestions {
            let texts = [question.text.zh, question.explanation?.zh] + question.feedbackTextsForReview
            for text in texts.compactMap({ $0 }) {
                #expect(!text.contains(tipOffWording), "\(course)/\(question.id): \(text)")
            }
        }
        let phishing = try #require(ShippedCoursesTests.catalogue?.course(CourseID("info-security"))?.modules
            .first { $0.id == ModuleID("phishing") })
        #expect(phishing.zh?.body.contains("12377是网信部门受理违法和不良信息举报的电话") == true)
        #expect(phishing.en?.body.contains("Do not confuse it with 12377") == true)
    }

    @Test func theGIFTExampleMatchesTheQuizItMirrors() throws {
        let url = TestFiles.repository.appendingPathComponent("Courses/gift-examples/info-literacy-final-exam.gift")
        let imported = GIFTParser.parse(bytes: [UInt8](try Data(contentsOf: url)), fileName: url.lastPathComponent)
        #expect(!imported.hasErrors)
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID("info-literacy")))
        let exam = try #require(course.quiz(QuizID("final-exam")))
        let pool = try #require(exam.pools.first { $0.id == "core" })
        #expect(imported.questions.map(\.id) == pool.questions.map(\.id))
        for gift in imported.questions {
            let yaml = try #require(pool.questions.first { $0.id == gift.id })
            #expect(gift.text.text(in: .zh) == yaml.text.text(in: .zh), "\(gift.id)")
            #expect(gift.tags == yaml.tags, "\(gift.id)")
            let giftOptions = Self.options(gift).map { [$0.text.text(in: .zh), String($0.fraction)] }
            let yamlOptions = Self.options(yaml).map { [$0.text.text(in: .zh), String($0.fraction)] }
            #expect(giftOptions == yamlOptions, "\(gift.id)")
        }
    }
}

private extension Question {
    /// The Chinese feedback of every typed answer, for wording checks.
    var feedbackTextsForReview: [String?] {
        switch kind {
        case .numeric(let answers): return answers.map { $0.feedback?.zh }
        case .shortAnswer(let answers, _): return answers.map { $0.feedback?.zh }
        default: return []
        }
    }
}
