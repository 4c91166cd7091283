import Assessment
import Curriculum
import Foundation

/// The dashboard's certification section: each programme's state in words, expiry, a revocation's date and
/// reason, what the person must do next (from the engine's requirements, see `CertificationGuidance`), and links
/// to the certificates.
public enum CertificationsSection {
    public struct Line: Sendable {
        public var program: Program
        public var record: CertificationRecord
        public var certificate: StoredCertificate?
        /// What is left to do for the next certification or renewal.
        public var guidance: CertificationGuidance
        /// The catalogue's courses, for titles and links.
        public var courses: [Course]
    }

    /// Everything the section shows that is not the catalogue's (programme and course titles, which stay the same for
    /// one catalogue version, see `ThreadMemo`) or the UI strings': the language, the viewer's time zone (dates),
    /// and per programme its state and expiry (what `render` reads of the record: not the whole record, whose
    /// evaluation time moves with every request), what is left to do (`guidance`: steps, deadline, revocation) and
    /// the newest certificate's number. Two requests with the same key get the same bytes.
    public struct Key: Hashable, Sendable {
        struct Line: Hashable, Sendable {
            var program: ProgramID
            var state: CertificationState
            var expiresAt: Double?
            var guidance: CertificationGuidance
            var certificate: CertificateID?
        }

        var language: Language
        var timeZone: TimeZone
        var lines: [Line]

        public init(_ lines: [CertificationsSection.Line], context: PageContext) {
            language = context.language
            timeZone = context.timeZone
            self.lines = lines.map {
                Line(program: $0.program.id, state: $0.record.state, expiresAt: $0.record.expiresAt, guidance: $0.guidance,
                     certificate: $0.certificate?.id)
            }
        }
    }

    /// Most sections each server thread keeps (`ThreadMemo`): the keys hold a person's dates and certificate, so
    /// they are not bounded by the catalogue.
    public static let keptLimit = 256

    /// `render`'s section, kept in `kept` by its `Key` for the catalogue `version` (taken before the catalogue the
    /// lines were built from was read).
    public static func render(_ lines: [Line], context: PageContext, kept: ThreadMemo<Key, HTML>, version: Int) -> HTML {
        kept.value(Key(lines, context: context), version: version) { render(lines, context: context) }
    }

    public static func render(_ lines: [Line], context: PageContext) -> HTML {
        guard !lines.isEmpty else { return "<p>\(context.t("dashboard.certifications.empty"))</p>" }
        let items = lines.map { line -> HTML in
            let state = line.record.state
            let kind = switch state {
            case .certified: "completed"
            case .dueForRenewal, .inProgress: "in_progress"
            case .expired, .revoked: "wrong"
            case .notStarted: "not_started"
            }
            var notes: [HTML] = []
            if let expires = line.record.expiresAt {
                let date = context.date(expires)
                switch state {
                case .dueForRenewal: notes.append("<p><strong>\(context.t("cert.due_note", ["date": date]))</strong></p>")
                case .expired: notes.append("<p><strong>\(context.t("cert.expired_note", ["date": date]))</strong></p>")
                case .certified: notes.append("<p>\(context.t("label.valid_until", ["date": date]))</p>")
                default: break
                }
            }
            if let revocation = line.guidance.revocation {
                let reason = revocation.reason.isEmpty ? context.t("cert.revoked_no_reason") : revocation.reason
                notes.append("<p><strong>\(context.t("cert.revoked_reason", ["date": context.date(revocation.at), "reason": reason]))</strong></p>")
            }
            if state != .certified {
                notes.append(nextSteps(line, context: context))
            }
            if let certificate = line.certificate {
                notes.append("<p><a href=\"/certificates/\(certificate.id.rawValue)\">\(context.t("cert.view"))</a></p>")
            }
            return """
                <li class="card"><h3>\(line.program.title.t(context))</h3>
                <p>\(Components.tag(context.t("cert.state.\(state.rawValue)"), kind: kind))</p>\(notes)</li>
                """
        }
        return "<ul class=\"card-list\">\(items)</ul>"
    }

    /// The steps to the next certificate: courses to complete, final exams to pass again, courses to choose,
    /// hours, and when something cannot be done without HR, that.
    static func nextSteps(_ line: Line, context: PageContext) -> HTML {
        let guidance = line.guidance
        guard guidance.hasSteps else {
            return guidance.needsHR ? "<p>\(context.t("cert.next.contact_hr"))</p>" : .empty
        }
        let intro: String
        switch (line.record.state, guidance.goal) {
        case (.revoked, _), (.expired, _), (_, .lateRenewal):
            intro = context.t("cert.next.recertification")
        case (.dueForRenewal, _):
            intro = context.t("cert.next.renewal", ["date": guidance.deadline.map(context.date) ?? ""])
        default:
            intro = context.t("cert.next.certification")
        }
        var items = guidance.required.map { step(line, $0, context: context) }
        if guidance.choose > 0 {
            let options = guidance.options.map { step(line, $0, context: context) }
            items.append("<li>\(context.t("cert.next.choose", ["count": String(guidance.choose)]))<ul>\(options)</ul></li>")
        }
        if guidance.hours > 0 {
            items.append("<li>\(context.t("cert.next.hours", ["hours": Components.number(guidance.hours, context)]))</li>")
        }
        let countsFrom: HTML = guidance.countsFrom.map { instant in
            guard guidance.required.contains(where: { $0.action != .contactHR })
                || guidance.options.contains(where: { $0.action != .contactHR }) else { return HTML.empty }
            return "<p class=\"hint\">\(context.t("cert.next.counts_from", ["date": context.dateTime(instant)]))</p>"
        } ?? .empty
        let contact: HTML = guidance.needsHR ? "<p><strong>\(context.t("cert.next.contact_hr"))</strong></p>" : .empty
        return "<p>\(intro)</p><ul class=\"next-steps\">\(items)</ul>\(countsFrom)\(contact)"
    }

    /// One course step: the course's title linked to where the step is done, and what to do there.
    static func step(_ line: Line, _ step: CertificationGuidance.CourseStep, context: PageContext) -> HTML {
        let course = line.courses.first { $0.id == step.course }
        let title = course?.title.t(context) ?? step.course.rawValue
        let colon = context.t("cert.step.separator")
        switch step.action {
        case .complete:
            return "<li><a href=\"/courses/\(step.course.rawValue)\">\(title)</a>\(colon)\(context.t("cert.step.complete"))</li>"
        case .retakeExam:
            let href = "/courses/\(step.course.rawValue)/quizzes/\(step.quiz?.rawValue ?? "")"
            return "<li><a href=\"\(href)\">\(title)</a>\(colon)\(context.t("cert.step.retake_exam"))</li>"
        case .contactHR:
            return "<li>\(title)\(colon)\(context.t("cert.step.contact_hr"))</li>"
        }
    }
}
