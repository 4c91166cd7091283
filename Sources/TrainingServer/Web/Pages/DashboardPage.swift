import Assessment
import Curriculum

/// The learner's start page: one clear "continue" action, hours this year, required and started courses.
public enum DashboardPage {
    public struct CourseLine: Sendable {
        public var course: Course
        public var status: CourseStatus
    }

    /// The course to continue with and its next step (nil only when the course's completion quiz is missing).
    public struct Next: Sendable {
        public var course: Course
        public var step: CourseStatus.Step?
    }

    public struct Model: Sendable {
        public var user: User
        public var required: [CourseLine]
        public var started: [CourseLine]
        /// What to continue with: set whenever a required or started course is not completed.
        public var next: Next?
        /// When no course is left to continue: the first thing a certification still asks for.
        public var certificationStep: (course: Course, step: CertificationGuidance.CourseStep)?
        public var hoursThisYear: Double
        public var requiredHours: Double
        public var certifications: HTML
        /// The person's assigned training (`PlanDueSection`).
        public var assigned: HTML = .empty
        /// Unread announcements (通知公告) still shown, with their "mark as read" forms.
        public var announcements: HTML = .empty
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let action = self.action(model, context: context)
        let hours = context.t("dashboard.hours.value", ["done": Components.number(model.hoursThisYear, context),
                                                         "required": Components.number(model.requiredHours, context)])
        let doneHours = Int(min(model.hoursThisYear, model.requiredHours).rounded())
        let started: HTML = model.started.isEmpty ? .empty : """
            <section aria-labelledby="started-title">
            <h2 id="started-title">\(context.t("dashboard.started.title"))</h2>
            \(courseList(model.started, context: context))
            </section>
            """
        let body: HTML = """
            <h1>\(context.t("dashboard.title"))</h1>
            \(model.announcements)
            \(action)
            \(model.assigned)
            <section aria-labelledby="hours-title">
            <h2 id="hours-title">\(context.t("dashboard.hours.title"))</h2>
            \(Components.progress(done: doneHours, total: max(1, Int(model.requiredHours.rounded())), label: hours))
            </section>
            <section aria-labelledby="required-title">
            <h2 id="required-title">\(context.t("dashboard.required.title"))</h2>
            \(courseList(model.required, context: context))
            </section>
            \(started)
            <section aria-labelledby="certifications-title">
            <h2 id="certifications-title">\(context.t("dashboard.certifications.title"))</h2>
            \(model.certifications)
            </section>
            """
        return Layout.page(title: context.t("dashboard.title"), context: context, stylesheet: stylesheet, body: body)
    }

    /// The page's one action: continue with a course, take an exam, a certification's next step, or none.
    static func action(_ model: Model, context: PageContext) -> HTML {
        let action: HTML
        if let next = model.next {
            let course = next.course.id.rawValue
            switch next.step {
            case .module(let module, let started):
                let key = started ? "dashboard.continue_with" : "dashboard.start_with"
                action = """
                    <p><a class="button" href="/courses/\(course)/modules/\(module.id.rawValue)">\
                    \(context.t(key, ["title": module.title.t(context)]))</a></p>
                    """
            case .completionQuiz(let quiz):
                action = """
                    <p>\(context.t("dashboard.exam_next", ["course": next.course.title.t(context)]))</p>
                    <p><a class="button" href="/courses/\(course)/quizzes/\(quiz.id.rawValue)">\
                    \(context.t("dashboard.take_exam", ["course": next.course.title.t(context)]))</a></p>
                    """
            case nil:
                action = """
                    <p><a class="button" href="/courses/\(course)">\
                    \(context.t("dashboard.continue_with", ["title": next.course.title.t(context)]))</a></p>
                    """
            }
        } else if let (course, step) = model.certificationStep {
            let title = course.title.t(context)
            if step.action == .retakeExam, let quiz = step.quiz {
                action = """
                    <p>\(context.t("dashboard.certification_exam", ["course": title]))</p>
                    <p><a class="button" href="/courses/\(course.id.rawValue)/quizzes/\(quiz.rawValue)">\
                    \(context.t("dashboard.take_exam", ["course": title]))</a></p>
                    """
            } else {
                action = """
                    <p>\(context.t("dashboard.certification_course", ["course": title]))</p>
                    <p><a class="button" href="/courses/\(course.id.rawValue)">\
                    \(context.t("dashboard.continue_with", ["title": title]))</a></p>
                    """
            }
        } else if model.required.isEmpty && model.started.isEmpty {
            action = "<p>\(context.t("dashboard.empty"))</p><p><a class=\"button\" href=\"/courses\">\(context.t("nav.catalogue"))</a></p>"
        } else {
            action = "<p>\(context.t("dashboard.all_done"))</p>"
        }
        return action
    }

    static func courseList(_ lines: [CourseLine], context: PageContext) -> HTML {
        guard !lines.isEmpty else { return "<p>\(context.t("dashboard.empty"))</p>" }
        let items = lines.map { line -> HTML in
            let status = line.status
            let exam: HTML
            if case .completionQuiz(let quiz) = status.nextStep {
                exam = """
                    <p><a href="/courses/\(line.course.id.rawValue)/quizzes/\(quiz.id.rawValue)">\
                    \(context.t("course.exam_next"))</a></p>
                    """
            } else {
                exam = .empty
            }
            return """
                <li class="card">
                <h3><a href="/courses/\(line.course.id.rawValue)">\(line.course.title.t(context))</a></h3>
                <p>\(Components.tag(context.t("course.state.\(status.state.rawValue)"), kind: status.state.rawValue))</p>
                \(Components.courseProgress(status, context: context))
                \(exam)
                </li>
                """
        }
        return "<ul class=\"card-list\">\(items)</ul>"
    }
}

extension DashboardPage {
    /// The dashboard's words that are the same for everybody in one language.
    public struct Parts: Sendable {
        let title: String
        /// The heading and its line break.
        let heading: HTML
        /// From the line break after the assigned training to the hours' bar.
        let hoursOpen: HTML
        /// From after the hours' bar to the required courses' list.
        let requiredOpen: HTML
        /// The started courses' section, to before their list.
        let startedOpen: HTML
        /// From after the started courses' section to the certifications.
        let certificationsOpen: HTML
        /// An empty course list.
        let empty: HTML

        public init(context: PageContext) {
            title = context.t("dashboard.title")
            heading = "<h1>\(title)</h1>\n"
            hoursOpen = """

                <section aria-labelledby="hours-title">
                <h2 id="hours-title">\(context.t("dashboard.hours.title"))</h2>

                """
            requiredOpen = """

                </section>
                <section aria-labelledby="required-title">
                <h2 id="required-title">\(context.t("dashboard.required.title"))</h2>

                """
            startedOpen = """
                <section aria-labelledby="started-title">
                <h2 id="started-title">\(context.t("dashboard.started.title"))</h2>

                """
            certificationsOpen = """

                <section aria-labelledby="certifications-title">
                <h2 id="certifications-title">\(context.t("dashboard.certifications.title"))</h2>

                """
            empty = "<p>\(context.t("dashboard.empty"))</p>"
        }
    }

    /// The page as the bytes of its HTML, from `parts` and each course's `CoursePage.Parts` (`course` gives them):
    /// the same bytes as `render`, written once into a buffer of their size.
    public static func bytes(_ model: Model, parts: Parts, course: (Course) -> CoursePage.Parts, context: PageContext,
                             stylesheet: String) -> [UInt8] {
        var page = PageWriter(capacity: 32 + 6 * (model.required.count + model.started.count))
        page.append(Layout.head(title: parts.title, context: context, stylesheet: stylesheet))
        page.append(parts.heading)
        page.append(model.announcements)
        page.append("\n")
        page.append(action(model, context: context))
        page.append("\n")
        page.append(model.assigned)
        page.append(parts.hoursOpen)
        let hours = context.t("dashboard.hours.value", ["done": Components.number(model.hoursThisYear, context),
                                                         "required": Components.number(model.requiredHours, context)])
        let doneHours = Int(min(model.hoursThisYear, model.requiredHours).rounded())
        page.append(Components.progress(done: doneHours, total: max(1, Int(model.requiredHours.rounded())), label: hours))
        page.append(parts.requiredOpen)
        courseList(model.required, parts: parts, course: course, context: context, into: &page)
        page.append("\n</section>\n")
        if !model.started.isEmpty {
            page.append(parts.startedOpen)
            courseList(model.started, parts: parts, course: course, context: context, into: &page)
            page.append("\n</section>")
        }
        page.append(parts.certificationsOpen)
        page.append(model.certifications)
        page.append("\n</section>")
        page.append(Layout.tail)
        return page.bytes
    }

    /// What `courseList` writes, from the kept parts.
    static func courseList(_ lines: [CourseLine], parts: Parts, course: (Course) -> CoursePage.Parts, context: PageContext,
                           into page: inout PageWriter) {
        guard !lines.isEmpty else { return page.append(parts.empty) }
        page.append("<ul class=\"card-list\">")
        for line in lines {
            course(line.course).dashboardCard(line.status, context: context, into: &page)
        }
        page.append("</ul>")
    }
}
