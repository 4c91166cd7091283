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
        #expect(Self.unexpected(report.diagnostics).isEmpty, "\(report.formattedText)")
        #expect(Self.catalogue != nil)
    }

    /// The item-writing warnings of the choice, true/false and matching items are being worked through; every
    /// other diagnostic, and any warning about a numeric or short-answer question, is a failure.
    static func unexpected(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        let typedKinds: Set<String> = ["numeric", "short"]
        let questions = (catalogue?.courses ?? []).flatMap { course in
            course.quizzes.flatMap(\.allQuestions).compactMap { question -> (file: String, line: Int, kind: String)? in
                question.source.map { ("\(course.folder)/\($0.file)", $0.line, question.kind.name) }
            }
        }
        return diagnostics.filter { diagnostic in
            guard diagnostic.severity == .warning, ItemWritingRules.isItemWritingMessage(diagnostic.message) else { return true }
            let owner = questions.filter { $0.file == diagnostic.file && $0.line <= diagnostic.line }.max { $0.line < $1.line }
            return owner.map { typedKinds.contains($0.kind) } ?? true
        }
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
