import Foundation
import Testing
@testable import Curriculum

/// The courses the platform ships with: complete in both languages, with objectives, a scenario and practice
/// questions per module, and final exams that draw from 30 or more explained, tagged questions.
@Suite("Shipped courses")
struct ShippedCoursesTests {
    static let catalogue: Catalogue? = CatalogueLoader.load(directory: TestFiles.repository.appendingPathComponent("Courses")).catalogue

    static let mainCourses = ["service-ethics", "info-literacy", "info-security"]

    @Test func theyLoadWithoutErrorsOrWarnings() throws {
        let report = CatalogueLoader.lint(directory: TestFiles.repository.appendingPathComponent("Courses"))
        #expect(report.diagnostics.isEmpty, "\(report.formattedText)")
        #expect(Self.catalogue != nil)
    }

    @Test(arguments: mainCourses + ["info-security-refresher"])
    func everyModuleIsCompleteInBothLanguages(_ id: String) throws {
        let course = try #require(Self.catalogue?.course(CourseID(id)))
        #expect(course.title.has(.zh) && course.title.has(.en))
        for module in course.modules {
            for (language, text, heading) in [(Language.zh, module.zh, "## 情景案例"), (.en, module.en, "## Scenario")] {
                let text = try #require(text, "\(id)/\(module.id) has no \(language) text")
                #expect(text.objectives.count >= 3, "\(id)/\(module.id).\(language): objectives")
                #expect(!text.summary.isEmpty, "\(id)/\(module.id).\(language): summary")
                #expect(text.body.contains(heading), "\(id)/\(module.id).\(language): a scenario section")
            }
            let chinese = module.zh!.body.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) }.count
            #expect(chinese >= 700, "\(id)/\(module.id): \(chinese) Han characters of explanation")
            #expect(module.minutes > 0 && module.hours > 0)
            let practice = try #require(course.quiz(QuizID("practice-\(module.id.rawValue)")), "\(id)/\(module.id): practice quiz")
            #expect(practice.behaviour == .immediateFeedback)
            #expect(practice.allQuestions.count >= 5)
        }
    }

    @Test(arguments: mainCourses)
    func finalExamsDrawFromLargeExplainedTaggedPools(_ id: String) throws {
        let course = try #require(Self.catalogue?.course(CourseID(id)))
        let exam = try #require(course.completionQuiz)
        #expect(exam.behaviour == .deferredFeedback)
        #expect(abs(exam.passMark - 0.8) < 0.0001)
        #expect(exam.timeLimit != nil)
        #expect(exam.maxAttempts == 3)
        let pool = try #require(exam.pools.first)
        #expect(pool.questions.count >= 30)
        #expect((15...20).contains(pool.draw ?? 0))
        let kinds = Set(pool.questions.map(\.kind.name)) .union(course.quizzes.flatMap(\.allQuestions).map(\.kind.name))
        #expect(kinds == ["single", "multiple", "truefalse", "short", "numeric", "matching"])
        for question in pool.questions {
            #expect(question.explanation?.has(.zh) == true && question.explanation?.has(.en) == true, "\(question.id)")
            #expect(question.tags.contains { $0.hasPrefix("module:") }, "\(question.id) has a module tag")
        }
    }

    @Test func theProgrammeRequiresTheThreeCoursesAndRenewsWithTheRefresher() throws {
        let program = try #require(Self.catalogue?.program(ProgramID("egov-competence")))
        #expect(program.courses.map(\.rawValue) == Self.mainCourses)
        #expect(program.validityDays == 730)
        #expect(program.renewalWindowDays == 90)
        let path = try #require(program.recertification)
        #expect(path.courses.map(\.rawValue) == ["info-security-refresher"])
        #expect(path.choose == 1)
        #expect(Set(path.from.map(\.rawValue)) == ["service-ethics", "info-literacy"])
    }
}

/// Emphasis in the shipped modules renders as emphasis: no `*`, `**`, `_` or `__` is left as literal text.
@Suite("Shipped module emphasis")
struct ShippedModuleEmphasisTests {
    @Test(arguments: ShippedCoursesTests.mainCourses + ["info-security-refresher"])
    func noLiteralEmphasisMarkers(_ id: String) throws {
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID(id)))
        let renderer = MarkdownRenderer(mediaURLPrefix: "/media/\(id)/")
        for module in course.modules {
            for text in [module.zh, module.en].compactMap({ $0 }) {
                #expect(MarkdownRenderer.inspect(text.body).issues.isEmpty, "\(id)/\(module.id)")
                var html = renderer.render(text.body).html
                while let open = html.range(of: "<code"), let close = html.range(of: "</code>", range: open.upperBound..<html.endIndex) {
                    html.removeSubrange(open.lowerBound..<close.upperBound)
                }
                #expect(!html.contains("**") && !html.contains("__"), "\(id)/\(module.id): \(html)")
            }
        }
    }

    @Test func boldNextToChinesePunctuationRendersAsBold() throws {
        let course = try #require(ShippedCoursesTests.catalogue?.course(CourseID("info-security")))
        let renderer = MarkdownRenderer(mediaURLPrefix: "/media/info-security/")
        let phishing = try #require(course.modules.first { $0.id == ModuleID("phishing") }?.zh)
        #expect(renderer.render(phishing.body).html.contains("<strong>68%</strong>的泄露"))
        let passwords = try #require(course.modules.first { $0.id == ModuleID("passwords-mfa") }?.zh)
        #expect(renderer.render(passwords.body).html.contains("<strong>第4版（SP 800-63B-4）</strong>进一步"))
    }
}
