import Assessment
import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The steps to the next certificate, from the engine's requirements and the person's course status.
@Suite struct CertificationGuidanceTests {
    typealias F = CertificationFixture

    private func course(_ id: String, exam: Bool = true) -> Course {
        let quiz = LearningFixtures.exam()
        return Course(id: CourseID(id), version: 1, title: LocalizedText(both: id), summary: LocalizedText(both: "s"),
                      audience: nil, studyHours: 2, modules: [LearningFixtures.module("m1")], quizzes: exam ? [quiz] : [],
                      completion: CompletionRule(quiz: exam ? quiz.id : nil), folder: id, mediaFiles: [])
    }

    private func catalogue(_ courses: [Course]) -> Catalogue {
        Catalogue(directory: URL(fileURLWithPath: "/nonexistent"), courses: courses, programs: [F.program()])
    }

    /// Status "completed" (module done, exam passed) or "in progress" (module done only) for each course.
    private func statuses(_ courses: [Course], completed: Set<String>) -> [CourseID: CourseStatus] {
        Dictionary(uniqueKeysWithValues: courses.map { course in
            let progress = [ModuleProgress(courseID: course.id.rawValue, moduleID: "m1", seconds: 600, startedAt: 0,
                                           lastActivityAt: 1, completedAt: 1)]
            let quiz = LearningFixtures.exam()
            let attempts = completed.contains(course.id.rawValue) && course.completion.quiz != nil ? [
                StoredAttempt(attempt: Attempt(id: AttemptID("a"), number: 1, paper: Paper(quiz: quiz, seed: 1), steps: []),
                              userID: UserID(rawValue: 1), courseID: course.id.rawValue, quizHash: "h", closedAt: 1, mark: 2,
                              maxMark: 2, fraction: 1, passed: true),
            ] : []
            var status = CourseStatus(course: course, progress: progress, attempts: attempts)
            if !completed.contains(course.id.rawValue) { status.progress = [:] }
            return (course.id, status)
        })
    }

    private let courses = ["ethics", "literacy", "security", "refresher"]

    @Test func beforeCertificationOnlyCoursesNotCompletedAreToDo() {
        let all = courses.map { course($0) }
        let record = F.evaluate([F.pass("ethics", 10)], day: 20)
        let guidance = CertificationGuidance(record: record, catalogue: catalogue(all),
                                             statuses: statuses(all, completed: ["ethics"]))
        #expect(guidance.goal == .certification && guidance.revocation == nil && !guidance.needsHR)
        #expect(guidance.required.map(\.course.rawValue) == ["literacy", "security"])
        #expect(guidance.required.allSatisfy { $0.action == .complete })
    }

    @Test func afterARevocationCompletedCoursesAskForTheirFinalExamAgain() {
        let all = courses.map { course($0) }
        let record = F.evaluate(F.certifiedOnDay30, revocations: [F.revocation(40, "copied answers")], day: 50)
        #expect(record.state == .revoked)
        let guidance = CertificationGuidance(record: record, catalogue: catalogue(all),
                                             statuses: statuses(all, completed: ["ethics", "literacy", "security"]))
        #expect(guidance.revocation?.reason == "copied answers" && guidance.revocation?.at == F.at(40))
        #expect(guidance.required.map(\.course.rawValue) == ["ethics", "literacy", "security"])
        #expect(guidance.required.allSatisfy { $0.action == .retakeExam && $0.quiz?.rawValue == "final-exam" })
        #expect(guidance.countsFrom == F.at(40) && !guidance.needsHR && guidance.hasSteps)
    }

    @Test func aCompletedCourseWithoutAFinalExamOrOneGoneFromTheCatalogueNeedsHR() {
        let all = [course("ethics", exam: false), course("literacy"), course("refresher")]  // "security" is gone
        let record = F.evaluate(F.certifiedOnDay30, revocations: [F.revocation(40)], day: 50)
        let guidance = CertificationGuidance(record: record, catalogue: catalogue(all),
                                             statuses: statuses(all, completed: ["ethics", "literacy"]))
        #expect(guidance.required.map(\.action) == [.contactHR, .retakeExam, .contactHR])
        #expect(guidance.needsHR)
    }

    @Test func aRenewalAsksForTheRefresherAndAnExamAgainInTheWindow() {
        let all = courses.map { course($0) }
        let record = F.evaluate(F.certifiedOnDay30, day: 700)
        #expect(record.state == .dueForRenewal)
        let guidance = CertificationGuidance(record: record, catalogue: catalogue(all),
                                             statuses: statuses(all, completed: ["ethics", "literacy", "security"]))
        #expect(guidance.goal == .renewal && guidance.deadline == F.at(760) && guidance.countsFrom == F.at(670))
        #expect(guidance.required == [.init(course: CourseID("refresher"), action: .complete)])
        #expect(guidance.choose == 1 && guidance.options.map(\.action) == [.retakeExam, .retakeExam])
        #expect(!guidance.needsHR)
    }

    @Test func missingHoursAreAStep() {
        let all = courses.map { course($0) }
        let record = F.evaluate(F.program(minStudyHours: 10), F.certifiedOnDay30, credits: [F.credit(5, 4)], day: 50)
        let guidance = CertificationGuidance(record: record, catalogue: catalogue(all),
                                             statuses: statuses(all, completed: ["ethics", "literacy", "security"]))
        #expect(guidance.required.isEmpty && abs(guidance.hours - 6) < 1e-9 && guidance.hasSteps)
    }
}
