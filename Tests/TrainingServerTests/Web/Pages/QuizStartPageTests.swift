import Assessment
import Curriculum
import Foundation
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The start page's table of earlier attempts with kept rows (`KeptAttemptRows`) is the table written anew, and a
/// kept row is never shown where its attempt, strings, language or time zone say something else.
@Suite struct QuizStartPageTests {
    private static let learner = User(id: UserID(rawValue: 7), login: "li", displayName: "李明", employeeNumber: nil,
                                      departmentID: DepartmentID(rawValue: 1), disabled: false, language: nil,
                                      accommodationFactor: 1, grants: [])

    private static func model(_ lines: [QuizStartPage.AttemptLine]) -> QuizStartPage.Model {
        let course = LearningFixtures.course()
        return QuizStartPage.Model(course: course, quiz: course.quizzes[0], questionCount: 2, attempts: lines,
                                   totalAttempts: lines.count + 3, openAttempt: nil, refusal: nil, timeFactor: 1,
                                   attemptsLeft: nil)
    }

    private static func lines(prefix: String) -> [QuizStartPage.AttemptLine] {
        [
            .init(id: AttemptID("\(prefix)-1"), number: 4, startedAt: 1_796_000_000, isClosed: true, scorePercent: 0.5,
                  passed: false),
            .init(id: AttemptID("\(prefix)-2"), number: 5, startedAt: 1_796_000_600.5, isClosed: true, scorePercent: 1,
                  passed: true),
            .init(id: AttemptID("\(prefix)-3"), number: 6, startedAt: 1_796_001_200, isClosed: false, scorePercent: nil,
                  passed: nil),
        ]
    }

    private static func context(_ language: Language, strings: Localization = .shipped,
                                zone: String = "Asia/Shanghai") -> PageContext {
        PageContext(language: language, user: learner, csrfToken: "token", currentPath: "/courses/c/quizzes/q",
                    strings: strings, timeZone: TimeZone(identifier: zone)!)
    }

    /// The table as written without any kept row: each row through `QuizStartPage.row`.
    private static func freshRows(_ lines: [QuizStartPage.AttemptLine], _ context: PageContext) -> String {
        let words: QuizStartPage.RowWords = (
            closed: context.t("quiz.history.closed"), open: context.t("quiz.history.open"),
            passed: " · " + context.t("result.passed"), failed: " · " + context.t("result.failed"),
            resume: context.t("quiz.resume"))
        return lines.reversed().map { QuizStartPage.row($0, words: words, context: context).rendered }.joined()
    }

    @Test func keptRowsAreTheRowsWrittenAnewInEachLanguageAndZone() {
        let lines = Self.lines(prefix: "same-\(UUID().uuidString)")
        for language in Language.allCases {
            for zone in ["Asia/Shanghai", "Europe/Berlin"] {
                let context = Self.context(language, zone: zone)
                let first = QuizStartPage.render(Self.model(lines), context: context, stylesheet: "/s.css").rendered
                let again = QuizStartPage.render(Self.model(lines), context: context, stylesheet: "/s.css").rendered
                #expect(first == again)
                #expect(first.contains(Self.freshRows(lines, context)), "\(language) \(zone)")
            }
        }
    }

    @Test func aChangedAttemptIsWrittenAgain() {
        let context = Self.context(.en)
        var lines = Self.lines(prefix: "changed-\(UUID().uuidString)")
        _ = QuizStartPage.render(Self.model(lines), context: context, stylesheet: "/s.css")
        // A regrade changes a score and a pass; the open attempt closes.
        lines[0].scorePercent = 0.75
        lines[0].passed = true
        lines[2].isClosed = true
        lines[2].scorePercent = 0.25
        lines[2].passed = false
        let page = QuizStartPage.render(Self.model(lines), context: context, stylesheet: "/s.css").rendered
        #expect(page.contains(Self.freshRows(lines, context)))
        #expect(page.contains("75%") && page.contains("25%"))
        #expect(!page.contains("\(lines[2].id.rawValue)\">"), "the closed attempt links to its result, not to resume")
    }

    @Test func otherStringsWriteTheirOwnRows() {
        let lines = Self.lines(prefix: "strings-\(UUID().uuidString)")
        _ = QuizStartPage.render(Self.model(lines), context: Self.context(.en), stylesheet: "/s.css")
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            var table: [String: String] = [:]
            for key in Localization.shipped.keys(language) {
                table[key] = Localization.shipped.text(key, language)
            }
            table["quiz.history.closed"] = "Finished (custom)"
            tables[language] = table
        }
        let custom = Localization(tables: tables)
        let context = Self.context(.en, strings: custom)
        let page = QuizStartPage.render(Self.model(lines), context: context, stylesheet: "/s.css").rendered
        #expect(page.contains(Self.freshRows(lines, context)))
        #expect(page.contains("Finished (custom)"))
    }
}
