import Assessment
import Curriculum

/// The dashboard's certification section: each programme's state in words, expiry, what is still missing, and
/// links to the certificates.
public enum CertificationsSection {
    public struct Line: Sendable {
        public var program: Program
        public var record: CertificationRecord
        public var certificate: StoredCertificate?
        /// Titles of the courses still to complete, in the page language.
        public var missing: [String]
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
                let date = context.strings.date(expires, context.language)
                switch state {
                case .dueForRenewal: notes.append("<p><strong>\(context.t("cert.due_note", ["date": date]))</strong></p>")
                case .expired: notes.append("<p><strong>\(context.t("cert.expired_note", ["date": date]))</strong></p>")
                case .certified: notes.append("<p>\(context.t("label.valid_until", ["date": date]))</p>")
                default: break
                }
            }
            if !line.missing.isEmpty && state != .certified {
                notes.append("<p>\(context.t("cert.missing", ["courses": line.missing.joined(separator: context.t("list.separator"))]))</p>")
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
}
