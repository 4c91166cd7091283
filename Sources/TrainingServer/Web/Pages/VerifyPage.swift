import Assessment
import Curriculum

/// The public verification page: anyone can check a certificate number; it shows the holder's name, the
/// programme, the issue and expiry dates and the status — nothing more.
public enum VerifyPage {
    public struct Found: Sendable {
        public var certificate: StoredCertificate
        public var holderName: String
        public var programTitle: LocalizedText
        public var status: CertificateStatus
    }

    public static func render(found: Found?, typed: String, error: String?, context: PageContext, stylesheet: String) -> HTML {
        let result: HTML
        if let found {
            let certificate = found.certificate
            result = """
                <div class="verify-result verify-\(found.status.rawValue)" role="status">
                <h2>\(context.t("verify.result.\(found.status.rawValue)"))</h2>
                <dl class="summary-list">
                <div><dt>\(context.t("cert.holder"))</dt><dd>\(found.holderName)</dd></div>
                <div><dt>\(context.t("cert.programme"))</dt><dd>\(found.programTitle.t(context))</dd></div>
                <div><dt>\(context.t("cert.issued"))</dt><dd>\(context.date(certificate.issuedAt))</dd></div>
                <div><dt>\(context.t("cert.expires"))</dt><dd>\(context.date(certificate.expiresAt))</dd></div>
                <div><dt>\(context.t("cert.id"))</dt><dd><code>\(certificate.id.grouped)</code></dd></div>
                <div><dt>\(context.t("cert.status"))</dt><dd>\(Components.tag(context.t("cert.status.\(found.status.rawValue)"), kind: found.status == .valid ? "completed" : "wrong"))</dd></div>
                </dl></div>
                """
        } else {
            result = .empty
        }
        let errorHTML: HTML = error.map { "<p class=\"field-error\" id=\"id-error\">\($0)</p>" } ?? .empty
        let invalid: HTML = error == nil ? .empty : " aria-invalid=\"true\" aria-describedby=\"id-hint id-error\""
        let body: HTML = """
            <h1>\(context.t("verify.title"))</h1>
            \(result)
            <form method="get" action="/verify" class="form">
            <p>\(context.t("verify.intro"))</p>
            <div class="field\(error == nil ? "" : " field-invalid")">
            <label for="id">\(context.t("verify.field"))</label>
            <p class="hint" id="id-hint">\(context.t("verify.hint"))</p>
            \(errorHTML)
            <input type="text" id="id" name="id" value="\(typed)" autocomplete="off" spellcheck="false" autocapitalize="characters"\(invalid)>
            </div>
            <button type="submit" class="button">\(context.t("verify.submit"))</button>
            </form>
            """
        return Layout.page(title: context.t("verify.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
