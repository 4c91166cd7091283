import Assessment
import Curriculum

/// A certificate to print on one A4 page, in Chinese and English, named for the programme's kind (能力认证证书 /
/// Certificate of Competence, 结业证书 / Certificate of Completion), with the issuing body and its seal as set at
/// `/admin/settings`, and the QR code of its public verification address written out beside it; below the printable part, the download and (for HR and admins) revocation with
/// confirmation, or reinstatement of a certificate HR revoked.
public enum CertificatePage {
    /// A refused form and its message.
    public enum FormError: Sendable {
        case revoke(String)
        case reinstate(String)
    }

    public struct Model: Sendable {
        public var certificate: StoredCertificate
        public var holderName: String
        public var program: Program?
        public var status: CertificateStatus
        public var verificationURL: String
        /// Inline SVG from the QR encoder (libqrencode): trusted markup, no input text in it but the URL's modules.
        public var qrSVG: String
        public var canDownload: Bool
        public var canRevoke: Bool
        public var formError: FormError?
        /// The URL of the script that turns the print instruction into a print button.
        public var printScript: String
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let strings = context.strings
        let certificate = model.certificate
        func both(_ key: String) -> HTML {
            "<span lang=\"zh-CN\">\(strings.text(key, .zh))</span> <span lang=\"en\">\(strings.text(key, .en))</span>"
        }
        func dates(_ seconds: Double) -> HTML {
            "<span lang=\"zh-CN\">\(strings.date(seconds, .zh, timeZone: context.timeZone))</span> / <span lang=\"en\">\(strings.date(seconds, .en, timeZone: context.timeZone))</span>"
        }
        let title = model.program?.title ?? LocalizedText(both: certificate.programID)
        let kind = model.program?.kind ?? .completion
        let issuer = issuerBlock(context)
        let statusKey = "cert.status.\(model.status.rawValue)"
        let revoked: HTML = certificate.revokedAt.map { at in
            "<p class=\"revoked-note\">\(context.t("cert.revoked_note", ["date": context.date(at), "reason": certificate.revokedReason ?? ""]))</p>"
        } ?? .empty
        let download: HTML = model.canDownload ? """
            <p><a class="button button-secondary" href="/certificates/\(certificate.id.rawValue)/credential.jwt" download>\
            \(context.t("cert.download"))</a></p><p class="hint">\(context.t("cert.download.hint"))</p>
            """ : .empty
        let revokeError: String? = if case .revoke(let message) = model.formError { message } else { nil }
        let reinstateError: String? = if case .reinstate(let message) = model.formError { message } else { nil }
        func error(_ message: String?, id: String) -> HTML {
            message.map { "<p class=\"field-error\" id=\"\(id)\">\($0)</p>" } ?? .empty
        }
        let revoke: HTML = model.canRevoke && certificate.revokedAt == nil ? """
            <form method="post" action="/certificates/\(certificate.id.rawValue)/revoke" class="form no-print">
            \(Components.csrf(context))
            <h2>\(context.t("cert.revoke.title"))</h2>
            \(error(revokeError, id: "revoke-error"))
            <div class="field">
            <label for="reason">\(context.t("cert.revoke.reason"))</label>
            <p class="hint" id="reason-hint">\(context.t("cert.revoke.hint"))</p>
            <input type="text" id="reason" name="reason" maxlength="500" required aria-describedby="reason-hint">
            </div>
            <div class="field choice">
            <input type="checkbox" id="confirm" name="confirm" value="yes" required>
            <label for="confirm">\(context.t("cert.revoke.confirm"))</label>
            </div>
            <button type="submit" class="button button-warning">\(context.t("cert.revoke.submit"))</button>
            </form>
            """ : .empty
        let reinstatable = model.canRevoke && certificate.revokedAt != nil
            && certificate.revokedReason != CertificationRecord.CycleChanges.withdrawalReason
        let reinstate: HTML = reinstatable ? """
            <form method="post" action="/certificates/\(certificate.id.rawValue)/reinstate" class="form no-print">
            \(Components.csrf(context))
            <h2>\(context.t("cert.reinstate.title"))</h2>
            \(error(reinstateError, id: "reinstate-error"))
            <div class="field">
            <label for="reinstate-reason">\(context.t("cert.reinstate.reason"))</label>
            <p class="hint" id="reinstate-hint">\(context.t("cert.reinstate.hint"))</p>
            <input type="text" id="reinstate-reason" name="reason" maxlength="500" required aria-describedby="reinstate-hint">
            </div>
            <button type="submit" class="button">\(context.t("cert.reinstate.submit"))</button>
            </form>
            """ : error(reinstateError, id: "reinstate-error")
        let body: HTML = """
            <section class="certificate" aria-labelledby="certificate-title">
            <h1 id="certificate-title">\(both("cert.heading.\(kind.rawValue)"))</h1>
            <p class="certificate-lead">\(both("cert.certifies"))</p>
            <p class="certificate-holder">\(model.holderName)</p>
            <p class="certificate-lead">\(both("cert.completed"))</p>
            <p class="certificate-programme"><span lang="zh-CN">\(title.zh ?? "")</span><br><span lang="en">\(title.en ?? "")</span></p>
            <dl class="summary-list certificate-facts">
            <div><dt>\(both("cert.issued"))</dt><dd>\(dates(certificate.issuedAt))</dd></div>
            <div><dt>\(both("cert.expires"))</dt><dd>\(dates(certificate.expiresAt))</dd></div>
            <div><dt>\(both("cert.id"))</dt><dd><code>\(certificate.id.grouped)</code></dd></div>
            <div><dt>\(both("cert.status"))</dt><dd>\(Components.tag(context.t(statusKey), kind: model.status == .valid ? "completed" : "wrong"))</dd></div>
            </dl>
            \(issuer)
            <div class="certificate-verify">
            <div class="qr">\(HTML(trusted: model.qrSVG))</div>
            <p>\(both("cert.verify_at"))<br><a href="\(model.verificationURL)">\(model.verificationURL)</a></p>
            </div>
            \(revoked)
            </section>
            <div class="no-print">
            <p class="print-hint" data-print-hint>\(context.t("cert.print.hint"))</p>
            <p><button type="button" class="button" data-print hidden>\(context.t("cert.print"))</button></p>
            \(download)
            \(revoke)
            \(reinstate)
            </div>
            """
        return Layout.page(title: context.t("cert.title"), context: context, stylesheet: stylesheet,
                           scripts: [model.printScript], body: body)
    }

    /// The issuing body in both languages (once when the names are the same) and its seal, when set.
    static func issuerBlock(_ context: PageContext) -> HTML {
        let settings = context.settings
        guard let zh = settings.issuerName(.zh), let en = settings.issuerName(.en) else { return .empty }
        let names: HTML = zh == en ? "\(zh)" : "<span lang=\"zh-CN\">\(zh)</span><br><span lang=\"en\">\(en)</span>"
        let seal: HTML = settings.seal.map { image in
            "<img class=\"certificate-seal\" src=\"\(image.url)\" alt=\"\(context.t("cert.seal_alt", ["name": settings.issuerName(context.language) ?? zh]))\">"
        } ?? .empty
        return """
            <div class="certificate-issuer">
            <p><span class="certificate-issuer-label"><span lang="zh-CN">\(context.strings.text("cert.issuer", .zh))</span> \
            <span lang="en">\(context.strings.text("cert.issuer", .en))</span></span><br>\
            <span class="certificate-issuer-name">\(names)</span></p>
            \(seal)
            </div>
            """
    }
}
