import Assessment
import Curriculum
import Foundation
import Testing
@testable import TrainingServer

/// The course page, the catalogue and the dashboard written from kept parts (`CoursePage.Parts`, `KeptParts`) are byte
/// for byte the pages drawn from scratch (`render`), for every state a person can be in, in both languages.
@Suite struct CoursePageTests {
    private static let learner = User(id: UserID(rawValue: 7), login: "li", displayName: "李<明>", employeeNumber: nil,
                                      departmentID: DepartmentID(rawValue: 1), disabled: false, language: nil,
                                      accommodationFactor: 1, grants: [])

    /// The shipped catalogue (real titles, programmes, final exams) and a synthetic one (a practice quiz and a final
    /// exam per course).
    static func catalogues() throws -> [Catalogue] {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Courses", isDirectory: true)
        let synthetic = FileManager.default.temporaryDirectory
            .appendingPathComponent("course-page-\(UUID().uuidString)", isDirectory: true)
        try SyntheticCatalogue.write(to: synthetic, courses: 2, modules: 3)
        defer { try? FileManager.default.removeItem(at: synthetic) }
        return [try #require(CatalogueLoader.load(directory: shipped).catalogue),
                try #require(CatalogueLoader.load(directory: synthetic).catalogue)]
    }

    static func contexts() -> [PageContext] {
        Language.allCases.flatMap { language in
            [nil, learner].map { user in
                PageContext(language: language, user: user, csrfToken: "masked\"token", currentPath: "/c?x=<1>",
                            strings: .shipped)
            }
        }
    }

    /// What a person can have done in `course`: nothing; the first module opened; the first completed; every module
    /// completed (the final exam next); a quiz taken and not passed; every quiz passed.
    static func histories(_ course: Course) -> [(progress: [ModuleProgress], outcomes: [QuizOutcome])] {
        func progress(_ module: Module, completed: Bool) -> ModuleProgress {
            ModuleProgress(courseID: course.id.rawValue, moduleID: module.id.rawValue, seconds: 61, startedAt: 1,
                           lastActivityAt: 2, completedAt: completed ? 3 : nil)
        }
        let first = Array(course.modules.prefix(1))
        let all = course.modules.map { progress($0, completed: true) }
        let failed = course.quizzes.prefix(1).map { QuizOutcome(courseID: course.id.rawValue, quizID: $0.id, passed: false) }
        let passed = course.quizzes.map { QuizOutcome(courseID: course.id.rawValue, quizID: $0.id, passed: true) }
        return [([], []), (first.map { progress($0, completed: false) }, []), (first.map { progress($0, completed: true) }, []),
                (all, []), ([], failed), (all, failed), (all, passed)]
    }

    @Test func theCoursePageFromItsPartsIsThePageRenderDraws() throws {
        var checked = 0
        for catalogue in try Self.catalogues() {
            for context in Self.contexts() {
                for course in catalogue.courses {
                    let parts = CoursePage.Parts(course, context: context)
                    for (progress, outcomes) in Self.histories(course) {
                        let status = CourseStatus(course: course, progress: progress, outcomes: outcomes)
                        let quizzes = course.quizzes.map { quiz in
                            let mine = outcomes.first { $0.quizID == quiz.id }
                            return CoursePage.QuizLine(quiz: quiz, passed: mine?.passed == true, taken: mine != nil,
                                                       isCompletionQuiz: course.completion.quiz == quiz.id)
                        }
                        let drawn = CoursePage.render(course: course, status: status, quizzes: quizzes, context: context,
                                                      stylesheet: "/s.css").rendered
                        let written = CoursePage.bytes(course: course, status: status, quizzes: quizzes, parts: parts,
                                                       context: context, stylesheet: "/s.css")
                        #expect(String(decoding: written, as: UTF8.self) == drawn, "\(course.id.rawValue) \(progress) \(outcomes)")
                        try GzipTests.expectGzipFromParts(CoursePage.response(
                            course: course, status: status, quizzes: quizzes, parts: parts, context: context,
                            stylesheet: "/s.css"), equals: written)
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 100)
    }

    @Test func theCatalogueFromItsPartsIsThePageRenderDraws() throws {
        for catalogue in try Self.catalogues() {
            for context in Self.contexts() {
                let parts = CataloguePage.Parts(context: context)
                let courseParts = Dictionary(uniqueKeysWithValues: catalogue.courses.map {
                    ($0.id, CoursePage.Parts($0, context: context))
                })
                for index in 0..<7 {
                    // Each course in one of its histories, a different one per course.
                    let lines = catalogue.courses.enumerated().map { offset, course in
                        let histories = Self.histories(course)
                        let (progress, outcomes) = histories[(index + offset) % histories.count]
                        return DashboardPage.CourseLine(course: course, status: CourseStatus(course: course, progress: progress,
                                                                                             outcomes: outcomes))
                    }
                    let drawn = CataloguePage.render(lines, context: context, stylesheet: "/s.css").rendered
                    let written = CataloguePage.bytes(lines, parts: parts, course: { courseParts[$0.id]! }, context: context,
                                                      stylesheet: "/s.css")
                    #expect(String(decoding: written, as: UTF8.self) == drawn)
                    try GzipTests.expectGzipFromParts(CataloguePage.response(
                        lines, parts: parts, course: { courseParts[$0.id]! }, context: context, stylesheet: "/s.css"),
                        equals: written)
                }
            }
        }
    }

    @Test func theDashboardFromItsPartsIsThePageRenderDraws() throws {
        var checked = 0
        for catalogue in try Self.catalogues() {
            for context in Self.contexts() {
                let user = context.user ?? Self.learner
                let parts = DashboardPage.Parts(context: context)
                let courseParts = Dictionary(uniqueKeysWithValues: catalogue.courses.map {
                    ($0.id, CoursePage.Parts($0, context: context))
                })
                for index in 0..<7 {
                    let lines = catalogue.courses.enumerated().map { offset, course in
                        let histories = Self.histories(course)
                        let (progress, outcomes) = histories[(index + offset) % histories.count]
                        return DashboardPage.CourseLine(course: course, status: CourseStatus(course: course, progress: progress,
                                                                                             outcomes: outcomes))
                    }
                    let split = index % 3
                    let required = Array(lines.prefix(split == 0 ? 0 : lines.count - 1))
                    let started = split == 2 ? [] : Array(lines.suffix(1))
                    let nexts: [DashboardPage.Next?] = [nil] + lines.prefix(2).map {
                        DashboardPage.Next(course: $0.course, step: $0.status.nextStep)
                    } + [DashboardPage.Next(course: lines[0].course, step: nil)]
                    for next in nexts {
                        for extras in [false, true] {
                            let model = DashboardPage.Model(
                                user: user, required: required, started: started, next: next, certificationStep: nil,
                                hoursThisYear: Double(index) * 1.5, requiredHours: 12, certifications: "<p>证书</p>",
                                assigned: extras ? "<section>指派</section>" : .empty,
                                announcements: extras ? "<section>通知</section>" : .empty)
                            let drawn = DashboardPage.render(model, context: context, stylesheet: "/s.css").rendered
                            let written = DashboardPage.bytes(model, parts: parts, course: { courseParts[$0.id]! },
                                                              context: context, stylesheet: "/s.css")
                            #expect(String(decoding: written, as: UTF8.self) == drawn, "\(index) \(String(describing: next?.course.id))")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 100)
    }

    /// Kept parts are kept per key until invalidated; parts made from a catalogue read before an invalidation are
    /// served but not kept.
    @Test func keptPartsLastOneCatalogueVersion() {
        let kept = KeptParts<String, Int>()
        var made = 0
        func value(_ key: String, from snapshot: KeptParts<String, Int>.Snapshot) -> Int {
            kept.value(key, from: snapshot) {
                made += 1
                return made
            }
        }
        let first = kept.snapshot()
        #expect(value("a", from: first) == 1)
        #expect(value("a", from: kept.snapshot()) == 1, "kept")
        #expect(kept.count == 1)
        let stale = kept.snapshot()
        kept.invalidate()
        #expect(kept.count == 0)
        #expect(value("b", from: stale) == 2, "built from the old catalogue: served")
        #expect(kept.count == 0, "and not kept")
        #expect(value("a", from: kept.snapshot()) == 3, "built anew after the reload")
        #expect(value("a", from: kept.snapshot()) == 3)
    }
}
