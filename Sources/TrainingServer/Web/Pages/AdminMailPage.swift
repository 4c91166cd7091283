import Foundation

/// The outbox for organisation-wide administrators (`/admin/mail`): whether and how mail is sent, how many
/// messages are in each state, and the dead letters (messages given up) with their kind, recipient, attempts, last
/// error and time, each with "try again" and "discard". Bodies are never shown: the outbox holds everyone's mail.
public enum AdminMailPage {
    /// Dead letters listed per page (newest first), which keeps the page well under 50 KB.
    public static let pageSize = 25

    public struct Model: Sendable {
        public var settings: MailSettings?
        public var counts: [OutboxState: Int]
        public var discarded: Int
        public var deadLetters: [OutboxMessage]
        public var deadLetterTotal: Int
        /// The page of dead letters shown (1-based) and how many there are.
        public var page: Int
        public var pages: Int
        public var now: Double
        public var notice: String?
        public var failure: String?

        public init(settings: MailSettings?, counts: [OutboxState: Int], discarded: Int, deadLetters: [OutboxMessage],
                    deadLetterTotal: Int, page: Int = 1, pages: Int = 1, now: Double, notice: String?,
                    failure: String?) {
            self.settings = settings
            self.counts = counts
            self.discarded = discarded
            self.deadLetters = deadLetters
            self.deadLetterTotal = deadLetterTotal
            self.page = page
            self.pages = pages
            self.now = now
            self.notice = notice
            self.failure = failure
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("admin.section.mail.title")
        let failure: HTML = model.failure.map { message -> HTML in
            """
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
            <h2 id="error-summary-title">\(context.t("admin.mail.failure"))</h2><p>\(message)</p></div>
            """
        } ?? .empty
        let body: HTML = """
            <h1>\(title)</h1>
            <p>\(context.t("admin.mail.intro"))</p>
            \(failure)
            \(model.notice.map(Components.notice) ?? .empty)
            \(delivery(model, context: context))
            \(counts(model, context: context))
            \(deadLetters(model, context: context))
            """
        return AdminFrame.page(title: title, section: .mail, context: context, stylesheet: stylesheet, body: body)
    }

    private static func delivery(_ model: Model, context: PageContext) -> HTML {
        guard let settings = model.settings else {
            return "<p>\(Components.tag(context.t("admin.mail.off"), kind: "not_started")) \(context.t("admin.mail.off_hint"))</p>"
        }
        let window = settings.rateWindow == 60 ? context.t("admin.mail.rate_minute", ["count": String(settings.ratePerWindow)])
            : context.t("admin.mail.rate_seconds", ["count": String(settings.ratePerWindow),
                                                    "seconds": Components.number(settings.rateWindow, context)])
        let items: [(String, HTML)] = [
            (context.t("admin.mail.server"), "<code>\(settings.url)</code>"),
            (context.t("admin.mail.from"), "<code>\(settings.from)</code>"),
            (context.t("admin.mail.rate"), "\(window)"),
            (context.t("admin.mail.attempts"), "\(context.t("admin.mail.attempts_value", ["count": String(settings.maximumAttempts), "seconds": Components.number(settings.firstRetryDelay, context)]))"),
        ]
        let facts = items.map { term, value -> HTML in "<dt>\(term)</dt><dd>\(value)</dd>" }
        return """
            <section aria-labelledby="mail-delivery"><h2 id="mail-delivery">\(context.t("admin.mail.delivery_title"))</h2>
            <dl class="facts">\(facts)</dl></section>
            """
    }

    private static func counts(_ model: Model, context: PageContext) -> HTML {
        let failed = model.counts[.failed] ?? 0
        let rows: [(String, Int)] = [
            (context.t("admin.mail.state.pending"), model.counts[.pending] ?? 0),
            (context.t("admin.mail.state.sending"), model.counts[.sending] ?? 0),
            (context.t("admin.mail.state.sent"), model.counts[.sent] ?? 0),
            (context.t("admin.mail.state.failed"), failed - model.discarded),
            (context.t("admin.mail.state.discarded"), model.discarded),
        ]
        let body = rows.map { label, count -> HTML in "<tr><th scope=\"row\">\(label)</th><td>\(count)</td></tr>" }
        return """
            <section aria-labelledby="mail-counts"><h2 id="mail-counts">\(context.t("admin.mail.counts_title"))</h2>
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="mail-counts-caption">
            <table><caption id="mail-counts-caption">\(context.t("admin.mail.counts_caption"))</caption>
            <thead><tr><th scope="col">\(context.t("admin.mail.column.state"))</th>\
            <th scope="col">\(context.t("admin.mail.column.count"))</th></tr></thead>
            <tbody>\(body)</tbody></table></div></section>
            """
    }

    /// The kind of a message in words ("密码重置链接"), or its code when it has none.
    static func kind(_ kind: String, context: PageContext) -> String {
        let key = "admin.mail.kind.\(kind)"
        return context.strings.keys(context.language).contains(key) ? context.t(key) : kind
    }

    private static func deadLetters(_ model: Model, context: PageContext) -> HTML {
        let heading: HTML = "<h2 id=\"mail-dead\">\(context.t("admin.mail.dead_title"))</h2>"
        guard !model.deadLetters.isEmpty else {
            return "<section aria-labelledby=\"mail-dead\">\(heading)<p>\(context.t("admin.mail.dead_empty"))</p></section>"
        }
        let rows = model.deadLetters.map { message -> HTML in
            let id = String(message.id)
            let when = message.failedAt.map { context.dateTime($0) } ?? "—"
            let retry: HTML
            switch message.retryRefusal(now: model.now) {
            case .contentErased?: retry = "<span class=\"meta\">\(context.t("admin.mail.erased"))</span>"
            case .expired?: retry = "<span class=\"meta\">\(context.t("admin.mail.expired"))</span>"
            case .notDeadLetter?, nil:
                retry = """
                    <form method="post" action="/admin/mail/\(id)/retry">\(Components.csrf(context))\
                    <button type="submit" class="button" aria-label="\(context.t("admin.mail.retry_label", ["id": id]))">\
                    \(context.t("admin.mail.retry"))</button></form>
                    """
            }
            let discard: HTML = """
                <form method="post" action="/admin/mail/\(id)/discard">\(Components.csrf(context))\
                <button type="submit" class="button button-secondary" aria-label="\(context.t("admin.mail.discard_label", ["id": id]))">\
                \(context.t("admin.mail.discard"))</button></form>
                """
            return """
                <tr id="mail-\(id)"><th scope="row">\(id)</th><td>\(kind(message.kind, context: context))</td>\
                <td>\(message.recipient)</td><td>\(message.attempts)</td>\
                <td lang="en">\(message.lastError ?? "—")</td><td>\(when)</td>\
                <td><div class="button-row">\(retry) \(discard)</div></td></tr>
                """
        }
        let count: HTML = "<p role=\"status\">\(context.t("admin.mail.dead_count", ["total": String(model.deadLetterTotal)]))</p>"
        return """
            <section aria-labelledby="mail-dead">\(heading)
            <p>\(context.t("admin.mail.dead_intro"))</p>
            \(count)
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="mail-dead-caption">
            <table><caption id="mail-dead-caption">\(context.t("admin.mail.dead_caption"))</caption>
            <thead><tr><th scope="col">\(context.t("admin.mail.column.id"))</th>\
            <th scope="col">\(context.t("admin.mail.column.kind"))</th>\
            <th scope="col">\(context.t("admin.mail.column.recipient"))</th>\
            <th scope="col">\(context.t("admin.mail.column.attempts"))</th>\
            <th scope="col">\(context.t("admin.mail.column.error"))</th>\
            <th scope="col">\(context.t("admin.mail.column.when"))</th>\
            <th scope="col">\(context.t("admin.mail.column.actions"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(pager(page: model.page, pages: model.pages, context: context))</section>
            """
    }

    private static func pager(page: Int, pages: Int, context: PageContext) -> HTML {
        guard pages > 1 else { return .empty }
        let previous: HTML = page > 1
            ? "<li><a href=\"/admin/mail?page=\(String(page - 1))\" rel=\"prev\">\(context.t("hr.pager.previous"))</a></li>" : .empty
        let next: HTML = page < pages
            ? "<li><a href=\"/admin/mail?page=\(String(page + 1))\" rel=\"next\">\(context.t("hr.pager.next"))</a></li>" : .empty
        return """
            <nav aria-label="\(context.t("hr.pager.label"))"><ul class="inline-list">\(previous)\
            <li>\(context.t("hr.pager.position", ["page": String(page), "pages": String(pages)]))</li>\(next)</ul></nav>
            """
    }
}
