import Assessment
import Curriculum
import Foundation

/// A quiz as trainers see it: settings, pools with their draws, and every question with its answer key,
/// feedback, explanation, tags, content hash and source file and line.
public enum QuizPreviewPage {
    public static func render(course: Course, quiz: QuizDefinition, context: PageContext, stylesheet: String) -> HTML {
        let settings: [(String, String)] = [
            ("quiz.mode", context.t(quiz.behaviour == .immediateFeedback ? "quiz.mode.immediate" : "quiz.mode.deferred")),
            ("quiz.pass_mark", context.t("percent", ["value": Components.percent(quiz.passMark)])),
            ("quiz.time_limit", quiz.timeLimit.map { context.t("quiz.time_limit.value", ["minutes": String($0 / 60)]) }
                ?? context.t("quiz.time_limit.none")),
            ("quiz.max_attempts", quiz.maxAttempts.map(String.init) ?? context.t("quiz.attempts_left.unlimited")),
        ]
        let settingRows = settings.map { key, value -> HTML in "<div><dt>\(context.t(key))</dt><dd>\(value)</dd></div>" }
        let pools = quiz.pools.map { pool -> HTML in
            let draw = pool.draw.map { context.t("trainer.pool.draw", ["draw": String($0), "count": String(pool.questions.count)]) }
                ?? context.t("trainer.pool.all", ["count": String(pool.questions.count)])
            let questions = pool.questions.map { question(course: course, $0, context: context) }
            return "<section><h2>\(context.t("trainer.pool", ["id": pool.id])) <span class=\"meta\">\(draw)</span></h2><ol class=\"review-list\">\(questions)</ol></section>"
        }
        let source: HTML = quiz.source.map {
            "<p class=\"meta\">\(context.t("trainer.source", ["file": course.folder + "/" + $0.file, "line": String($0.line)]))</p>"
        } ?? .empty
        let body: HTML = """
            \(Components.breadcrumbs([(context.t("trainer.title"), "/trainer"), (quiz.title.t(context), nil)], context: context))
            <h1>\(quiz.title.t(context)) <span class="meta">— \(context.t("trainer.preview.quiz"))</span></h1>
            \(source)
            <h2>\(context.t("trainer.settings"))</h2>
            <dl class="summary-list">\(settingRows)</dl>
            \(pools)
            """
        return Layout.page(title: quiz.title.t(context), context: context, stylesheet: stylesheet, body: body)
    }

    static func question(course: Course, _ question: Question, context: PageContext) -> HTML {
        var answers: [HTML] = []
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options):
            for option in options {
                let mark: String
                if case .singleChoice = question.kind {
                    mark = option.fraction >= 1 ? "✔ " + context.t("trainer.correct") : context.t("trainer.weight", ["weight": Components.percent(option.fraction)])
                } else {
                    mark = context.t("trainer.weight", ["weight": Components.percent(option.fraction)])
                }
                let feedback: HTML = option.feedback.map { "<br><span class=\"meta\">\(context.t("label.feedback"))\($0.t(context))</span>" } ?? .empty
                answers.append("<li>\(option.text.t(context)) <strong>[\(mark)]</strong>\(feedback)</li>")
            }
        case .trueFalse(let answer, let ifTrue, let ifFalse):
            answers.append("<li>\(context.t("label.right_answer"))<strong>\(context.t(answer ? "attempt.true" : "attempt.false"))</strong></li>")
            if let ifTrue { answers.append("<li>\(context.t("attempt.true")) → \(ifTrue.t(context))</li>") }
            if let ifFalse { answers.append("<li>\(context.t("attempt.false")) → \(ifFalse.t(context))</li>") }
        case .shortAnswer(let accepted, _):
            for answer in accepted {
                answers.append("<li><code>\(answer.text)</code> <strong>[\(context.t("trainer.weight", ["weight": Components.percent(answer.fraction)]))]</strong></li>")
            }
        case .numeric(let accepted):
            for answer in accepted {
                let target: String = switch answer.target {
                case .value(let value, let tolerance): "\(authored(value)) ± \(authored(tolerance))"
                case .range(let low, let high): "\(authored(low)) – \(authored(high))"
                }
                answers.append("<li>\(target) <strong>[\(context.t("trainer.weight", ["weight": Components.percent(answer.fraction)]))]</strong></li>")
            }
        case .matching(let pairs, let distractors):
            for pair in pairs { answers.append("<li>\(pair.prompt.t(context)) → <strong>\(pair.answer.t(context))</strong></li>") }
            for distractor in distractors { answers.append("<li>— → \(distractor.t(context))</li>") }
        }
        let explanation: HTML = question.explanation.map {
            "<div class=\"explanation\"><strong>\(context.t("label.explanation"))</strong><p>\($0.t(context))</p></div>"
        } ?? .empty
        let source: HTML = question.source.map {
            context.t("trainer.source", ["file": course.folder + "/" + $0.file, "line": String($0.line)])
        }.map { "<span>\($0)</span>" } ?? .empty
        let tags = question.tags.isEmpty ? "" : question.tags.joined(separator: ", ")
        return """
            <li class="review-item" id="q-\(question.id.rawValue)">
            <p><strong>\(question.text.t(context))</strong></p>
            <p class="meta"><code>\(question.id.rawValue)</code> · \(context.t("trainer.kind", ["kind": question.kind.name])) · \
            \(context.t("attempt.points", ["points": context.strings.number(question.points)])) · \(source)</p>
            <ul>\(answers)</ul>
            \(explanation)
            <p class="meta">\(context.t("label.tags"))\(tags) · \(context.t("trainer.hash", ["hash": String(question.contentHash.prefix(12))]))</p>
            </li>
            """
    }

    /// A number as a trainer wrote it: no rounding, no ".0" on whole numbers, no exponent, no binary noise
    /// (the shortest decimal that reads back as the same value): 999999, 0.1, 3.14159, 0.00001.
    static func authored(_ value: Double) -> String {
        guard value.isFinite else { return value.description }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let shortest = value.description
        guard shortest.contains("e"), let decimal = Decimal(string: shortest) else { return shortest }
        return decimal.description
    }
}
