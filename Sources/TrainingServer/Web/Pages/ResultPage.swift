import Assessment
import Curriculum

/// The result of a closed attempt: passed or not in words first, then the score and the review, each only as
/// far as the quiz's review policy allows.
public enum ResultPage {
    public struct Model: Sendable {
        public var course: Course
        public var quiz: QuizDefinition
        public var view: LearnerAttemptView
        /// Whether this attempt passed (always shown: the person must know whether to try again).
        public var passed: Bool
        public var expired: Bool
        public var hoursCredited: Double?
        public var canRetake: Bool
        /// Why and until when another attempt is not possible, already worded.
        public var retakeNote: String?
        /// How many more attempts the limit allows; nil without a limit.
        public var attemptsLeft: Int?
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let view = model.view
        let outcome = Components.tag(context.t(model.passed ? "result.passed" : "result.failed"),
                                     kind: model.passed ? "completed" : "wrong")
        // The score and the pass mark always show once the attempt is closed (the review policy holds back only
        // the question-by-question review).
        let score: HTML = view.score.map { result in
            "<p class=\"score\">\(context.t("result.score", ["mark": context.strings.number(result.mark, fractionDigits: 2), "max": context.strings.number(result.maxMark, fractionDigits: 2), "percent": Components.percent(result.fraction), "pass": Components.percent(model.quiz.passMark)]))</p>"
        } ?? .empty
        // Not passed: how many attempts remain, and when the next may start.
        var next: [HTML] = []
        if !model.passed {
            if let limit = model.quiz.maxAttempts {
                next.append("<p>\(context.t("result.attempts_left", ["left": String(model.attemptsLeft ?? 0), "limit": String(limit)]))</p>")
            } else {
                next.append("<p>\(context.t("result.attempts_unlimited"))</p>")
            }
            if let note = model.retakeNote {
                next.append("<p>\(note)</p>")
            } else if model.canRetake {
                next.append("<p>\(context.t("result.retake_now"))</p>")
            }
        }
        let retakeInfo: HTML = next.isEmpty ? .empty : "<div class=\"retake-info\">\(next)</div>"
        let reviewed = view.questions.map { question -> HTML in
            let review = QuestionRendering.review(question, context: context)
            return """
                <li class="review-item"><h3>\(context.t("attempt.question_of", ["number": String(question.number), "total": String(view.questions.count)]))</h3>
                <p>\(question.text.t(context))</p>\(review)</li>
                """
        }
        let anyReview = view.questions.contains { $0.state.isGraded || $0.explanation != nil }
        let review: HTML = anyReview
            ? "<h2>\(context.t("result.review"))</h2><ol class=\"review-list\">\(reviewed)</ol>" : .empty
        let hours: HTML = model.hoursCredited.map {
            Components.notice(context.t("result.hours_credited", ["hours": context.strings.number($0)]))
        } ?? .empty
        let expired: HTML = model.expired ? "<p>\(context.t("attempt.expired"))</p>" : .empty
        let retake: HTML = model.canRetake
            ? "<a class=\"button\" href=\"/courses/\(model.course.id.rawValue)/quizzes/\(model.quiz.id.rawValue)\">\(context.t("result.retake"))</a>"
            : .empty
        let body: HTML = """
            \(Components.breadcrumbs([(model.course.title.t(context), "/courses/\(model.course.id.rawValue)"),
                                      (model.quiz.title.t(context), "/courses/\(model.course.id.rawValue)/quizzes/\(model.quiz.id.rawValue)"),
                                      (context.t("result.title"), nil)], context: context))
            <h1>\(context.t("result.title"))</h1>
            <p class="outcome">\(outcome)</p>
            \(expired)
            \(score)
            \(hours)
            \(retakeInfo)
            <div class="button-row">\(retake)<a class="button button-secondary" href="/courses/\(model.course.id.rawValue)">\(context.t("result.back_to_course"))</a></div>
            \(review)
            """
        return Layout.page(title: context.t("result.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
