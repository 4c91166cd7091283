import Assessment
import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The dashboard's certification section after a revocation: HR's reason, and the final exams to pass again.
@Suite struct CertificationsSectionTests {
    typealias F = CertificationFixture

    private func course(_ id: String) -> Course {
        let quiz = LearningFixtures.exam()
        return Course(id: CourseID(id), version: 1, title: LocalizedText(zh: "课程\(id)", en: "Course \(id)"),
                      summary: LocalizedText(both: "s"), audience: nil, studyHours: 2, modules: [LearningFixtures.module("m1")],
                      quizzes: [quiz], completion: CompletionRule(quiz: quiz.id), folder: id, mediaFiles: [])
    }

    private func completed(_ course: Course) -> CourseStatus {
        let quiz = LearningFixtures.exam()
        return CourseStatus(course: course, progress: [ModuleProgress(courseID: course.id.rawValue, moduleID: "m1", seconds: 600,
                                                                      startedAt: 0, lastActivityAt: 1, completedAt: 1)],
                            attempts: [StoredAttempt(attempt: Attempt(id: AttemptID("a"), number: 1, paper: Paper(quiz: quiz, seed: 1),
                                                                      steps: []),
                                                     userID: UserID(rawValue: 1), courseID: course.id.rawValue, quizHash: "h",
                                                     closedAt: 1, mark: 2, maxMark: 2, fraction: 1, passed: true)])
    }

    /// The programme certified on day 30, as on day 50: revoked on day 40 for `reason`, or still certified (nil).
    private func line(reason: String?) -> CertificationsSection.Line {
        let courses = ["ethics", "literacy", "security", "refresher"].map(course)
        let program = F.program()
        let record = F.evaluate(F.certifiedOnDay30, revocations: reason.map { [F.revocation(40, $0)] } ?? [], day: 50)
        let statuses = Dictionary(uniqueKeysWithValues: courses.map { ($0.id, completed($0)) })
        return CertificationsSection.Line(
            program: program, record: record, certificate: nil,
            guidance: CertificationGuidance(record: record, catalogue: Catalogue(directory: URL(fileURLWithPath: "/x"),
                                                                                 courses: courses, programs: [program]),
                                            statuses: statuses),
            courses: courses)
    }

    private func context(_ language: Language, zone: String = "America/New_York") -> PageContext {
        PageContext(language: language, user: nil, csrfToken: "", currentPath: "/", strings: .shipped,
                    timeZone: TimeZone(identifier: zone)!)
    }

    private func render(_ language: Language, reason: String) -> String {
        CertificationsSection.render([line(reason: reason)], context: context(language)).rendered
    }

    @Test func aRevocationShowsHRsReasonAndTheExamsToPassAgain() {
        let page = render(.en, reason: "Copied <answers> & more")
        // Day 40 of 2026 at midnight UTC is still 9 February in New York.
        #expect(page.contains("HR revoked the certificate on 9 February 2026. Reason: Copied &lt;answers&gt; &amp; more"))
        #expect(page.contains("To be certified again, you need to:"))
        for id in ["ethics", "literacy", "security"] {
            #expect(page.contains("<a href=\"/courses/\(id)/quizzes/final-exam\">Course \(id)</a>: pass the final exam again"))
            #expect(!page.contains("<a href=\"/courses/\(id)\">"), "the completed \(id) is listed as still to do")
        }
        #expect(!page.contains("study every module") && !page.contains("contact HR"))
        #expect(page.contains("Only final exams passed after 9 February 2026 19:00 (Eastern Standard Time) count."))
    }

    @Test func chineseAndAnUnstatedReason() {
        let page = render(.zh, reason: "")
        #expect(page.contains("人事部门于 2026年2月9日 撤销了证书。原因：未说明"))
        #expect(page.contains("<a href=\"/courses/ethics/quizzes/final-exam\">课程ethics</a>：再次通过结业考试"))
    }

    /// A kept section (by `CertificationsSection.Key`) is the one written afresh: another state, reason, language or
    /// time zone is another section, never a kept one.
    @Test func keptSectionsAreTheOnesWrittenAfresh() {
        let kept = ThreadMemo<CertificationsSection.Key, HTML>(limit: CertificationsSection.keptLimit)
        var distinct = Set<String>()
        for _ in 0..<2 {
            for reason in [nil, "", "Copied"] as [String?] {
                for language in Language.allCases {
                    for zone in ["America/New_York", "Asia/Shanghai"] {
                        let lines = [line(reason: reason)]
                        let fresh = CertificationsSection.render(lines, context: context(language, zone: zone))
                        #expect(CertificationsSection.render(lines, context: context(language, zone: zone), kept: kept,
                                                             version: kept.version()) == fresh)
                        distinct.insert(fresh.rendered)
                    }
                }
            }
        }
        #expect(distinct.count == 12, "each state, language and zone shows something of its own")
        #expect(kept.count == 12)
    }
}
