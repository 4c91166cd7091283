import Assessment
import Curriculum

/// A person's full record for HR: account and department, standing in each programme, certificates with their
/// verification ids and links, courses, a summary of attempts per quiz, and study hours per year. Prints on
/// plain paper (navigation, forms and links marked `no-print` stay off the sheet).
public enum HRPersonPage {
    /// One course and where the person stands in it.
    public struct CourseLine: Sendable {
        public var course: Course
        public var status: CourseStatus

        public init(course: Course, status: CourseStatus) {
            self.course = course
            self.status = status
        }
    }

    /// The attempts at one quiz, summed up.
    public struct QuizLine: Sendable, Hashable {
        public var courseTitle: LocalizedText
        public var quizTitle: LocalizedText
        public var attempts: Int
        public var finished: Int
        /// The best mark of a finished attempt, 0...1.
        public var best: Double?
        public var passed: Bool
        public var lastAt: Double?

        public init(courseTitle: LocalizedText, quizTitle: LocalizedText, attempts: Int, finished: Int, best: Double?,
                    passed: Bool, lastAt: Double?) {
            self.courseTitle = courseTitle
            self.quizTitle = quizTitle
            self.attempts = attempts
            self.finished = finished
            self.best = best
            self.passed = passed
            self.lastAt = lastAt
        }
    }

    public struct Model: Sendable {
        public var record: PersonRecord
        public var department: Department?
        public var programs: [Program]
        public var courses: [CourseLine]
        public var quizzes: [QuizLine]
        public var year: Int
        public var requiredHours: Double
        /// Put before `/verify/<id>` so the printed link is complete.
        public var verificationBase: String
        public var now: Double
        /// The person's assignments (training plans), current first.
        public var plans: [HRPersonPlans.Line] = []

        public init(record: PersonRecord, department: Department?, programs: [Program], courses: [CourseLine],
                    quizzes: [QuizLine], year: Int, requiredHours: Double, verificationBase: String, now: Double) {
            self.record = record
            self.department = department
            self.programs = programs
            self.courses = courses
            self.quizzes = quizzes
            self.year = year
            self.requiredHours = requiredHours
            self.verificationBase = verificationBase
            self.now = now
        }

        func programTitle(_ id: String, _ context: PageContext) -> String {
            programs.first { $0.id.rawValue == id }?.title.t(context) ?? id
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let record = model.record
        let account: HTML = record.disabled ? Components.tag(context.t("hr.person.disabled"), kind: "wrong")
            : Components.tag(context.t("hr.person.active"), kind: "completed")
        let body: HTML = """
            \(HRComponents.breadcrumbs([(context.t("hr.people.title"), "/hr/people"), (record.name, nil)], context: context))
            <h1>\(context.t("hr.person.title", ["name": record.name]))</h1>
            <dl class="summary-list">
            <div><dt>\(context.t("hr.column.name"))</dt><dd>\(record.name)</dd></div>
            <div><dt>\(context.t("hr.column.login"))</dt><dd>\(record.login)</dd></div>
            <div><dt>\(context.t("hr.column.employee_number"))</dt><dd>\(record.employeeNumber ?? "—")</dd></div>
            <div><dt>\(context.t("hr.column.department"))</dt><dd>\(model.department?.displayPath ?? "—")</dd></div>
            <div><dt>\(context.t("hr.person.account"))</dt><dd>\(account)</dd></div>
            </dl>
            \(certifications(model, context: context))
            \(certificates(model, context: context))
            \(HRPersonPlans.section(model.plans, context: context))
            \(courses(model, context: context))
            \(quizzes(model, context: context))
            \(hours(model, context: context))
            <p class="meta">\(context.t("hr.person.generated", ["time": Components.dateTime(model.now, context)]))</p>
            """
        return Layout.page(title: record.name, context: context, stylesheet: stylesheet, width: .wide, body: body)
    }

    private static func certifications(_ model: Model, context: PageContext) -> HTML {
        let heading: HTML = "<h2>\(context.t("hr.person.certifications"))</h2>"
        guard !model.record.certifications.isEmpty else { return heading + "<p>\(context.t("hr.person.no_certifications"))</p>" }
        let rows = model.record.certifications.map { line -> HTML in
            """
            <tr><th scope="row">\(model.programTitle(line.programID, context))</th><td>\(HRComponents.state(line.state, context))</td>\
            <td>\(HRComponents.date(line.certifiedAt, context))</td><td>\(HRComponents.date(line.expiresAt, context))</td>\
            <td>\(line.certificateID.map { "<code>\($0)</code>" as HTML } ?? "—")</td></tr>
            """
        }
        return heading + """
            \(HRComponents.scrollBox(context.t("hr.person.certifications")))<table>
            <caption class="visually-hidden">\(context.t("hr.person.certifications"))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.program"))</th><th scope="col">\(context.t("hr.column.state"))</th>\
            <th scope="col">\(context.t("hr.column.certified_at"))</th><th scope="col">\(context.t("hr.column.expires_at"))</th>\
            <th scope="col">\(context.t("hr.column.certificate"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    private static func certificates(_ model: Model, context: PageContext) -> HTML {
        let heading: HTML = "<h2>\(context.t("hr.person.certificates"))</h2>"
        guard !model.record.certificates.isEmpty else { return heading + "<p>\(context.t("hr.person.no_certificates"))</p>" }
        let rows = model.record.certificates.map { certificate -> HTML in
            let path = "/verify/" + PercentDecoding.encode(certificate.id)
            let status: HTML
            if certificate.revokedAt != nil {
                status = Components.tag(context.t("hr.certificate.revoked"), kind: "wrong") + (certificate.revokedReason.map {
                    " <span class=\"hint\">\(context.t("hr.certificate.revoked_reason", ["reason": $0]))</span>" as HTML
                } ?? .empty)
            } else if certificate.expiresAt <= model.now {
                status = Components.tag(context.t("hr.certificate.expired"), kind: "wrong")
            } else {
                status = Components.tag(context.t("hr.certificate.valid"), kind: "completed")
            }
            return """
                <tr><th scope="row"><code>\(certificate.id)</code></th><td>\(model.programTitle(certificate.programID, context))</td>\
                <td>\(context.t(kindKey(certificate.kind)))</td>\
                <td>\(HRComponents.date(certificate.issuedAt, context))</td><td>\(HRComponents.date(certificate.expiresAt, context))</td>\
                <td>\(status)</td><td><a href="\(path)">\(model.verificationBase + path)</a></td></tr>
                """
        }
        return heading + """
            \(HRComponents.scrollBox(context.t("hr.person.certificates")))<table>
            <caption class="visually-hidden">\(context.t("hr.person.certificates"))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.certificate"))</th><th scope="col">\(context.t("hr.column.program"))</th>\
            <th scope="col">\(context.t("hr.column.kind"))</th><th scope="col">\(context.t("hr.column.issued_at"))</th>\
            <th scope="col">\(context.t("hr.column.expires_at"))</th><th scope="col">\(context.t("hr.column.state"))</th>\
            <th scope="col">\(context.t("hr.column.verification"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    private static func kindKey(_ kind: String) -> String {
        switch kind {
        case "renewal": "hr.certificate.renewal"
        case "recertification": "hr.certificate.recertification"
        default: "hr.certificate.initial"
        }
    }

    private static func courses(_ model: Model, context: PageContext) -> HTML {
        let heading: HTML = "<h2>\(context.t("hr.person.courses"))</h2>"
        guard !model.courses.isEmpty else { return heading + "<p>\(context.t("hr.person.no_courses"))</p>" }
        let rows = model.courses.map { line -> HTML in
            let kind = line.status.state == .completed ? "completed" : line.status.state.rawValue
            return """
                <tr><th scope="row">\(line.course.title.t(context))</th>\
                <td>\(Components.tag(context.t("course.state.\(line.status.state.rawValue)"), kind: kind))</td>\
                <td>\(context.t("hr.person.modules", ["done": String(line.status.modulesCompleted),
                                                        "total": String(line.course.modules.count)]))</td>\
                <td>\(context.t(line.status.completionQuizPassed ? "hr.person.quiz_passed" : "hr.person.quiz_not_passed"))</td></tr>
                """
        }
        return heading + """
            \(HRComponents.scrollBox(context.t("hr.person.courses")))<table>
            <caption class="visually-hidden">\(context.t("hr.person.courses"))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.course"))</th><th scope="col">\(context.t("hr.column.state"))</th>\
            <th scope="col">\(context.t("hr.column.modules"))</th><th scope="col">\(context.t("hr.column.final_quiz"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    private static func quizzes(_ model: Model, context: PageContext) -> HTML {
        let heading: HTML = "<h2>\(context.t("hr.person.quizzes"))</h2>"
        guard !model.quizzes.isEmpty else { return heading + "<p>\(context.t("hr.person.no_quizzes"))</p>" }
        let rows = model.quizzes.map { line -> HTML in
            let outcome = line.passed ? Components.tag(context.t("hr.quiz.passed"), kind: "passed")
                : Components.tag(context.t(line.finished > 0 ? "hr.quiz.not_passed" : "hr.quiz.unfinished"), kind: "not_taken")
            return """
                <tr><th scope="row">\(line.quizTitle.t(context))<br><span class="meta">\(line.courseTitle.t(context))</span></th>\
                <td>\(line.attempts)</td><td>\(line.best.map { context.t("percent", ["value": Components.percent($0)]) } ?? "—")</td>\
                <td>\(outcome)</td><td>\(HRComponents.date(line.lastAt, context))</td></tr>
                """
        }
        return heading + """
            \(HRComponents.scrollBox(context.t("hr.person.quizzes")))<table>
            <caption class="visually-hidden">\(context.t("hr.person.quizzes"))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.quiz"))</th><th scope="col">\(context.t("hr.column.attempts"))</th>\
            <th scope="col">\(context.t("hr.column.best"))</th><th scope="col">\(context.t("hr.column.outcome"))</th>\
            <th scope="col">\(context.t("hr.column.last_attempt"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }

    private static func hours(_ model: Model, context: PageContext) -> HTML {
        var years = model.record.hours
        if !years.contains(where: { $0.year == model.year }) {
            years.insert(PersonRecord.YearHours(year: model.year, hours: 0), at: 0)
        }
        let rows = years.map { line -> HTML in
            let met = line.hours >= model.requiredHours
            let word: HTML = Components.tag(context.t(met ? "hr.hours.met" : "hr.hours.below"), kind: met ? "completed" : "not_started")
            return """
                <tr><th scope="row">\(String(line.year))</th>\
                <td>\(context.strings.number(line.hours)) / \(context.strings.number(model.requiredHours))</td><td>\(word)</td></tr>
                """
        }
        return """
            <h2>\(context.t("hr.person.hours"))</h2>
            <table><caption class="visually-hidden">\(context.t("hr.person.hours"))</caption>
            <thead><tr><th scope="col">\(context.t("hr.column.year"))</th><th scope="col">\(context.t("hr.column.year_hours"))</th>\
            <th scope="col">\(context.t("hr.column.requirement"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }
}
