import Assessment
import Curriculum
import Foundation
import Synchronization

/// Before a quiz: its rules (time limit, attempts left, pass mark), the start or resume action, and the
/// person's earlier attempts.
public enum QuizStartPage {
    /// How many of the latest attempts the page lists; the quiz history page lists them all.
    public static let recentAttempts = 10

    public struct AttemptLine: Sendable {
        public var id: AttemptID
        public var number: Int
        public var startedAt: Double
        public var isClosed: Bool
        /// Shown only when the review policy allows the score.
        public var scorePercent: Double?
        public var passed: Bool?
    }

    public struct Model: Sendable {
        public var course: Course
        public var quiz: QuizDefinition
        public var questionCount: Int
        /// The latest attempts, oldest first.
        public var attempts: [AttemptLine]
        /// How many attempts there are in all (more than `attempts` lists when there are many).
        public var totalAttempts: Int
        public var openAttempt: AttemptID?
        /// Why a new attempt cannot start now, already worded.
        public var refusal: String?
        public var timeFactor: Double
        /// How many more attempts the limit allows (it counts from the latest pass); nil without a limit.
        public var attemptsLeft: Int?
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let quiz = model.quiz
        let limit = quiz.timeLimit.map { seconds in
            context.t("quiz.time_limit.value", ["minutes": context.strings.number(Double(seconds) * model.timeFactor / 60)])
        } ?? context.t("quiz.time_limit.none")
        let left = model.attemptsLeft.map { String($0) } ?? context.t("quiz.attempts_left.unlimited")
        let mode = context.t(quiz.behaviour == .immediateFeedback ? "quiz.mode.immediate" : "quiz.mode.deferred")
        let action: HTML
        if let open = model.openAttempt {
            action = "<p><a class=\"button\" href=\"/attempts/\(open.rawValue)\">\(context.t("quiz.resume"))</a></p>"
        } else if let refusal = model.refusal {
            action = "<div class=\"notice\" role=\"status\"><p>\(refusal)</p></div>"
        } else {
            action = """
                <form method="post" action="/courses/\(model.course.id.rawValue)/quizzes/\(quiz.id.rawValue)/attempts">
                \(Components.csrf(context))
                <button type="submit" class="button">\(context.t("quiz.start"))</button>
                </form>
                """
        }
        let delay: HTML = quiz.attemptDelay > 0
            ? "<p>\(context.t("quiz.delay", ["minutes": String(quiz.attemptDelay / 60)]))</p>" : .empty
        // The words every row shares are looked up once, not once per row.
        let words = model.attempts.isEmpty ? nil : (
            closed: context.t("quiz.history.closed"), open: context.t("quiz.history.open"),
            passed: " · " + context.t("result.passed"), failed: " · " + context.t("result.failed"),
            resume: context.t("quiz.resume"))
        let rows = model.attempts.reversed().map { line -> HTML in
            guard let words else { return .empty }
            return keptRows.row(line, context) { row(line, words: words, context: context) }
        }
        // Many attempts: the latest are listed here, every one on the quiz history page.
        let more: HTML = model.totalAttempts <= model.attempts.count ? .empty : """
            <p>\(context.t("quiz.history.latest", ["shown": String(model.attempts.count), "total": String(model.totalAttempts)])) \
            <a href="/attempts">\(context.t("quiz.history.all"))</a></p>
            """
        let history: HTML = model.attempts.isEmpty ? "<p>\(context.t("quiz.history.empty"))</p>" : """
            <table>
            <caption>\(context.t("quiz.history"))</caption>
            <thead><tr><th scope="col">\(context.t("quiz.history.number"))</th><th scope="col">\(context.t("quiz.history.started"))</th>\
            <th scope="col">\(context.t("quiz.history.state"))</th><th scope="col">\(context.t("quiz.history.score"))</th>\
            <th scope="col"><span class="visually-hidden">\(context.t("result.review"))</span></th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            \(more)
            """
        let body: HTML = """
            \(Components.breadcrumbs([(context.t("nav.catalogue"), "/courses"),
                                      (model.course.title.t(context), "/courses/\(model.course.id.rawValue)"),
                                      (quiz.title.t(context), nil)], context: context))
            <h1>\(quiz.title.t(context))</h1>
            <h2>\(context.t("quiz.rules"))</h2>
            <dl class="summary-list">
            <div><dt>\(context.t("quiz.questions"))</dt><dd>\(model.questionCount)</dd></div>
            <div><dt>\(context.t("quiz.time_limit"))</dt><dd>\(limit)</dd></div>
            <div><dt>\(context.t("quiz.attempts_left"))</dt><dd>\(left)</dd></div>
            <div><dt>\(context.t("quiz.pass_mark"))</dt><dd>\(context.t("percent", ["value": Components.percent(quiz.passMark)]))</dd></div>
            <div><dt>\(context.t("quiz.mode"))</dt><dd>\(mode)</dd></div>
            </dl>
            \(delay)
            \(action)
            <h2>\(context.t("quiz.history"))</h2>
            \(history)
            """
        return Layout.page(title: quiz.title.t(context), context: context, stylesheet: stylesheet, body: body)
    }

    /// The words every row shares, looked up once per page.
    typealias RowWords = (closed: String, open: String, passed: String, failed: String, resume: String)

    /// One earlier attempt's row of the table.
    static func row(_ line: AttemptLine, words: RowWords, context: PageContext) -> HTML {
        var score = "—"
        if let percent = line.scorePercent { score = context.t("percent", ["value": Components.percent(percent)]) }
        if let passed = line.passed { score += passed ? words.passed : words.failed }
        let link: HTML = line.isClosed
            ? "<a href=\"/attempts/\(line.id.rawValue)/result\">\(context.t("quiz.history.view", ["number": String(line.number)]))</a>"
            : "<a href=\"/attempts/\(line.id.rawValue)\">\(words.resume)</a>"
        return """
            <tr><td>\(line.number)</td><td>\(Components.dateTime(line.startedAt, context))</td>\
            <td>\(line.isClosed ? words.closed : words.open)</td><td>\(score)</td><td>\(link)</td></tr>
            """
    }

    /// Rows already written (see `KeptAttemptRows`).
    static let keptRows = KeptAttemptRows()
}

/// Rows of the start page's table of earlier attempts, kept once written. A row shows only its attempt's values
/// (number, start, state, score, pass) in the page's strings, language and time zone, and the key holds all of
/// them, so a row is taken again only where it would be written the same; a regraded score or a closed attempt
/// is another key. With a long history the same latest rows are shown on every visit, and writing a row (its date
/// and time, score and link through the strings) cost about 8 µs. At most `capacity` rows; all are dropped when
/// full.
final class KeptAttemptRows: Sendable {
    struct Key: Hashable, Sendable {
        var language: Language
        var timeZone: String
        var id: String
        var number: Int
        var startedAt: Double
        var isClosed: Bool
        var scorePercent: Double?
        var passed: Bool?
    }

    /// A kept row and the strings it was written with (held, so that they are compared by identity).
    struct Entry: Sendable {
        var strings: Localization.Memo
        var html: HTML
    }

    static let capacity = 4_096
    private let rows = Mutex<[Key: Entry]>([:])

    func row(_ line: QuizStartPage.AttemptLine, _ context: PageContext, write: () -> HTML) -> HTML {
        let key = Key(language: context.language, timeZone: context.timeZone.identifier, id: line.id.rawValue,
                      number: line.number, startedAt: line.startedAt, isClosed: line.isClosed,
                      scorePercent: line.scorePercent, passed: line.passed)
        let strings = context.strings.memo
        if let found = rows.withLock({ $0[key] }), found.strings === strings { return found.html }
        let html = write()
        rows.withLock { rows in
            if rows.count >= Self.capacity, rows[key] == nil { rows.removeAll(keepingCapacity: true) }
            rows[key] = Entry(strings: strings, html: html)
        }
        return html
    }
}
