import Assessment
import Curriculum

/// A course: its modules as a task list with their state and time, then its quizzes with their state.
public enum CoursePage {
    public struct QuizLine: Sendable {
        public var quiz: QuizDefinition
        public var passed: Bool
        public var taken: Bool
        public var isCompletionQuiz: Bool
    }

    public static func render(course: Course, status: CourseStatus, quizzes: [QuizLine], context: PageContext,
                              stylesheet: String) -> HTML {
        let modules = course.modules.enumerated().map { index, module -> HTML in
            let progress = status.progress[module.id.rawValue]
            let state = progress?.isCompleted == true ? "completed" : (progress == nil ? "not_started" : "in_progress")
            return """
                <li class="task">
                <span class="task-name"><a href="/courses/\(course.id.rawValue)/modules/\(module.id.rawValue)">\
                \(index + 1). \(module.title.t(context))</a>
                <span class="meta">\(context.t("module.minutes", ["minutes": String(module.minutes)])) · \
                \(context.t("course.hours", ["hours": Components.number(module.hours, context)]))</span></span>
                \(Components.tag(context.t("module.state.\(state)"), kind: state))
                </li>
                """
        }
        let quizItems = quizzes.map { line -> HTML in
            let state = line.passed ? "passed" : (line.taken ? "not_passed" : "not_taken")
            let kind = line.passed ? "completed" : (line.taken ? "in_progress" : "not_started")
            let label: HTML = line.isCompletionQuiz ? " <span class=\"meta\">(\(context.t("course.final_quiz")))</span>" : .empty
            return """
                <li class="task">
                <span class="task-name"><a href="/courses/\(course.id.rawValue)/quizzes/\(line.quiz.id.rawValue)">\
                \(line.quiz.title.t(context))</a>\(label)</span>
                \(Components.tag(context.t("course.quiz.\(state)"), kind: kind))
                </li>
                """
        }
        // Every module done, the final exam not passed yet: the exam is the one thing left, said and linked.
        let examNext: HTML
        if case .completionQuiz(let quiz) = status.nextStep {
            examNext = """
                <p>\(context.t("course.exam_ready"))</p>
                <p><a class="button" href="/courses/\(course.id.rawValue)/quizzes/\(quiz.id.rawValue)">\
                \(context.t("course.take_exam"))</a></p>
                """
        } else {
            examNext = .empty
        }
        let body: HTML = """
            \(Components.breadcrumbs([(context.t("nav.catalogue"), "/courses"), (course.title.t(context), nil)], context: context))
            <h1>\(course.title.t(context))</h1>
            <p>\(course.summary.t(context))</p>
            <p class="meta">\(context.t("course.hours", ["hours": Components.number(course.studyHours, context)])) · \
            \(Components.tag(context.t("course.state.\(status.state.rawValue)"), kind: status.state.rawValue))</p>
            \(Components.courseProgress(status, context: context))
            <p>\(context.t("course.requirement"))</p>
            \(examNext)
            <h2>\(context.t("course.modules.title"))</h2>
            <ol class="task-list">\(modules)</ol>
            <h2>\(context.t("course.quizzes.title"))</h2>
            <ul class="task-list">\(quizItems)</ul>
            """
        return Layout.page(title: course.title.t(context), context: context, stylesheet: stylesheet, body: body)
    }
}
