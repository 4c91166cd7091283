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

extension CoursePage {
    /// What course parts are kept by: the course and the language.
    public struct Key: Hashable, Sendable {
        public var course: String
        public var language: Language

        public init(course: String, language: Language) {
            self.course = course
            self.language = language
        }
    }

    /// `course`'s parts in `context`'s language: kept ones from `snapshot`, else built and kept (see `KeptParts`).
    static func parts(_ course: Course, kept: KeptParts<Key, Parts>, snapshot: KeptParts<Key, Parts>.Snapshot,
                      context: PageContext) -> Parts {
        kept.value(Key(course: course.id.rawValue, language: context.language), from: snapshot) {
            Parts(course, context: context)
        }
    }

    /// The parts of a course's page, its catalogue card and its dashboard card that are the same for every person in
    /// one language, with every variant a person's state can choose (three states per course, module and quiz; one
    /// progress bar per number of steps done). Built from the catalogue and the UI strings; kept by
    /// `KeptParts` per course and language for one catalogue version.
    public struct Parts: Sendable {
        /// The course title (the page title).
        let title: String
        /// The state tag by `CourseStatus.State`.
        let stateTags: [CourseStatus.State: HTML]
        /// `Components.courseProgress` by steps done (0 through the course's steps).
        let progress: [HTML]
        /// The page from the breadcrumbs to the meta line's separator before the state tag.
        let head: KeptHTML
        /// After the progress bar: the completion requirement, to before the final exam's call.
        let requirement: KeptHTML
        /// The final exam's call on the course page (the course's completion quiz is next), by quiz id.
        let examNext: [String: KeptHTML]
        /// The modules' heading and the list's opening tag.
        let modulesOpen: KeptHTML
        /// Each module's list item, by module (study order) and state (not started, in progress, completed).
        let modules: [[KeptHTML]]
        /// The end of the modules' list, the quizzes' heading and the list's opening tag.
        let quizzesOpen: KeptHTML
        /// Each quiz's list item, by quiz (course order) and state (not taken, taken, passed).
        let quizzes: [[KeptHTML]]
        /// The catalogue's card by state.
        let catalogueCards: [CourseStatus.State: KeptHTML]
        /// The dashboard card's opening, to before the state tag.
        let cardOpen: HTML
        /// The dashboard card's link to the final exam, by quiz id.
        let cardExam: [String: HTML]

        static let states: [CourseStatus.State] = [.notStarted, .inProgress, .completed]

        public init(_ course: Course, context: PageContext) {
            let id = course.id.rawValue
            let title = course.title.t(context)
            self.title = title
            var tags: [CourseStatus.State: HTML] = [:]
            for state in Self.states {
                tags[state] = Components.tag(context.t("course.state.\(state.rawValue)"), kind: state.rawValue)
            }
            stateTags = tags
            let total = CourseStatus.itemsTotal(of: course)
            let label = course.completion.quiz == nil ? "course.progress_modules" : "course.progress"
            progress = (0...max(0, total)).map { done in
                let fraction = total > 0 ? Double(done) / Double(total) : 1
                let arguments = ["done": String(done), "total": String(total), "percent": Components.percent(fraction)]
                return Components.progress(done: done, total: total, label: context.t(label, arguments))
            }
            let hours = context.t("course.hours", ["hours": Components.number(course.studyHours, context)])
            let meta: HTML = "<p class=\"meta\">\(hours) · "
            head = KeptHTML("""
                \(Components.breadcrumbs([(context.t("nav.catalogue"), "/courses"), (title, nil)], context: context))
                <h1>\(title)</h1>
                <p>\(course.summary.t(context))</p>

                """ + meta)
            requirement = KeptHTML("\n<p>\(context.t("course.requirement"))</p>\n")
            var examNext: [String: KeptHTML] = [:]
            var cardExam: [String: HTML] = [:]
            for quiz in course.quizzes {
                examNext[quiz.id.rawValue] = KeptHTML("""
                    <p>\(context.t("course.exam_ready"))</p>
                    <p><a class="button" href="/courses/\(id)/quizzes/\(quiz.id.rawValue)">\
                    \(context.t("course.take_exam"))</a></p>
                    """)
                cardExam[quiz.id.rawValue] = """
                    <p><a href="/courses/\(id)/quizzes/\(quiz.id.rawValue)">\
                    \(context.t("course.exam_next"))</a></p>
                    """
            }
            self.examNext = examNext
            self.cardExam = cardExam
            modulesOpen = KeptHTML("\n<h2>\(context.t("course.modules.title"))</h2>\n<ol class=\"task-list\">")
            modules = course.modules.enumerated().map { index, module -> [KeptHTML] in
                ["not_started", "in_progress", "completed"].map { state -> KeptHTML in
                    KeptHTML("""
                    <li class="task">
                    <span class="task-name"><a href="/courses/\(id)/modules/\(module.id.rawValue)">\
                    \(index + 1). \(module.title.t(context))</a>
                    <span class="meta">\(context.t("module.minutes", ["minutes": String(module.minutes)])) · \
                    \(context.t("course.hours", ["hours": Components.number(module.hours, context)]))</span></span>
                    \(Components.tag(context.t("module.state.\(state)"), kind: state))
                    </li>
                    """)
                }
            }
            quizzesOpen = KeptHTML("</ol>\n<h2>\(context.t("course.quizzes.title"))</h2>\n<ul class=\"task-list\">")
            quizzes = course.quizzes.map { quiz -> [KeptHTML] in
                let label: HTML = course.completion.quiz == quiz.id
                    ? " <span class=\"meta\">(\(context.t("course.final_quiz")))</span>" : .empty
                return [("not_taken", "not_started"), ("not_passed", "in_progress"), ("passed", "completed")].map { state, kind -> KeptHTML in
                    KeptHTML("""
                    <li class="task">
                    <span class="task-name"><a href="/courses/\(id)/quizzes/\(quiz.id.rawValue)">\
                    \(quiz.title.t(context))</a>\(label)</span>
                    \(Components.tag(context.t("course.quiz.\(state)"), kind: kind))
                    </li>
                    """)
                }
            }
            var cards: [CourseStatus.State: KeptHTML] = [:]
            for state in Self.states {
                cards[state] = KeptHTML("""
                    <li class="card">
                    <h2><a href="/courses/\(id)">\(title)</a></h2>
                    <p>\(course.summary.t(context))</p>
                    <p class="meta">\(hours) · \
                    \(tags[state] ?? .empty)</p>
                    </li>
                    """)
            }
            catalogueCards = cards
            cardOpen = """
                <li class="card">
                <h3><a href="/courses/\(id)">\(title)</a></h3>
                <p>
                """
        }

        /// The progress bar for `status` (its course must be this one).
        func progress(_ status: CourseStatus, context: PageContext) -> HTML {
            let done = status.itemsCompleted
            return progress.indices.contains(done) && status.itemsTotal == progress.count - 1
                ? progress[done] : Components.courseProgress(status, context: context)
        }

        /// The state tag for `state`.
        func tag(_ state: CourseStatus.State, context: PageContext) -> HTML {
            stateTags[state] ?? Components.tag(context.t("course.state.\(state.rawValue)"), kind: state.rawValue)
        }

        /// The dashboard's card for `status` (its course must be this one): what `DashboardPage.courseList` writes
        /// for it.
        func dashboardCard(_ status: CourseStatus, context: PageContext, into page: inout PageWriter) {
            page.append(cardOpen)
            page.append(tag(status.state, context: context))
            page.append("</p>\n")
            page.append(progress(status, context: context))
            page.append("\n")
            if case .completionQuiz(let quiz) = status.nextStep {
                page.append(cardExam[quiz.id.rawValue] ?? """
                    <p><a href="/courses/\(status.course.id.rawValue)/quizzes/\(quiz.id.rawValue)">\
                    \(context.t("course.exam_next"))</a></p>
                    """)
            }
            page.append("\n</li>")
        }
    }

    /// The page as the bytes of its HTML, from `parts` (which must be `course`'s, e.g. kept by `KeptParts`): the same
    /// bytes as `render`, written once into a buffer of their size. `quizzes` are the course's, in its order.
    public static func bytes(course: Course, status: CourseStatus, quizzes: [QuizLine], parts: Parts,
                             context: PageContext, stylesheet: String) -> [UInt8] {
        response(course: course, status: status, quizzes: quizzes, parts: parts, context: context,
                 stylesheet: stylesheet).bodyBytes
    }

    /// The page as an HTML answer: `bytes`, with its kept parts (the frame's and `parts`) for its gzip form.
    public static func response(course: Course, status: CourseStatus, quizzes: [QuizLine], parts: Parts,
                                context: PageContext, stylesheet: String) -> Response {
        guard quizzes.count == parts.quizzes.count, course.modules.count == parts.modules.count,
              zip(quizzes, course.quizzes).allSatisfy({
                  $0.quiz.id == $1.id && $0.isCompletionQuiz == (course.completion.quiz == $1.id)
              }) else {
            return Response.html(bytes: Array(render(course: course, status: status, quizzes: quizzes, context: context,
                                                     stylesheet: stylesheet).rendered.utf8))
        }
        var page = PageWriter(capacity: 24 + course.modules.count + quizzes.count)
        Layout.head(into: &page, title: parts.title, context: context, stylesheet: stylesheet)
        page.append(parts.head)
        page.append(parts.tag(status.state, context: context))
        page.append("</p>\n")
        page.append(parts.progress(status, context: context))
        page.append(parts.requirement)
        if case .completionQuiz(let quiz) = status.nextStep {
            if let kept = parts.examNext[quiz.id.rawValue] {
                page.append(kept)
            } else {
                page.append("""
                    <p>\(context.t("course.exam_ready"))</p>
                    <p><a class="button" href="/courses/\(course.id.rawValue)/quizzes/\(quiz.id.rawValue)">\
                    \(context.t("course.take_exam"))</a></p>
                    """ as HTML)
            }
        }
        page.append(parts.modulesOpen)
        for (index, module) in course.modules.enumerated() {
            let progress = status.progress[module.id.rawValue]
            page.append(parts.modules[index][progress?.isCompleted == true ? 2 : (progress == nil ? 0 : 1)])
        }
        page.append(parts.quizzesOpen)
        for (index, line) in quizzes.enumerated() {
            page.append(parts.quizzes[index][line.passed ? 2 : (line.taken ? 1 : 0)])
        }
        page.append("</ul>")
        page.append(Layout.keptTail)
        return page.response
    }
}
