import Foundation

/// The notice centre (`/notices`): the person's notices newest first, 30 a page; unread ones say so in words (and
/// in bold), each can be marked read, and all at once.
public enum NoticesPage {
    public static let pageSize = 30

    public struct Model: Sendable {
        public var notices: [Notice]
        public var total: Int
        public var unread: Int
        public var page: Int
        public var pages: Int
        /// A confirmation after marking (`read`, `all_read`).
        public var done: String?
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let words = NoticeWords(strings: context.strings, language: context.language)
        let done: HTML = model.done.map { Components.notice(context.t("notices.done.\($0)")) } ?? .empty
        let summary = context.t("notices.summary", ["total": String(model.total), "unread": String(model.unread)])
        let markAll: HTML = model.unread == 0 ? .empty : """
            <form method="post" action="/notices/read-all" class="inline-form">\(Components.csrf(context))\
            <button type="submit" class="button button-secondary">\(context.t("notices.mark_all"))</button></form>
            """
        let items = model.notices.map { notice -> HTML in
            let title = words.title(notice)
            let heading: HTML = notice.link.map { "<a href=\"\($0)\">\(title)</a>" } ?? "\(title)"
            let state: HTML = notice.isRead ? Components.tag(context.t("notices.state.read"), kind: "read")
                : Components.tag(context.t("notices.state.unread"), kind: "unread")
            let mark: HTML = notice.isRead ? .empty : """
                <form method="post" action="/notices/\(String(notice.id))/read" class="inline-form">\(Components.csrf(context))\
                <input type="hidden" name="page" value="\(String(model.page))">\
                <button type="submit" class="link-button">\(context.t("notices.mark_read"))\
                <span class="visually-hidden">\(context.t("notices.mark_read_which", ["title": title]))</span></button></form>
                """
            let titleHTML: HTML = notice.isRead ? heading : "<strong>\(heading)</strong>"
            return """
                <li class="card notice-item\(notice.isRead ? "" : " notice-unread")">
                <h2 class="card-title">\(state) \(titleHTML)</h2>
                <p>\(words.text(notice))</p>
                <p class="hint">\(context.dateTime(notice.createdAt))</p>
                \(mark)
                </li>
                """
        }
        let list: HTML = model.notices.isEmpty ? "<p>\(context.t("notices.empty"))</p>"
            : "<ol class=\"card-list\" aria-label=\"\(context.t("notices.list_label"))\">\(items)</ol>"
        // Planners write announcements; their page is one step from here (and from the training plans' pages).
        let planner: HTML = context.user.map { !$0.roles.isDisjoint(with: [.hr, .admin]) } == true
            ? "<p><a href=\"/announcements\">\(context.t("notices.announcements_link"))</a></p>" : .empty
        let body: HTML = """
            <h1>\(context.t("notices.title"))</h1>
            \(planner)
            \(done)
            <p>\(summary)</p>
            \(markAll)
            \(list)
            \(pager(page: model.page, pages: model.pages, context: context))
            """
        return Layout.page(title: context.t("notices.title"), context: context, stylesheet: stylesheet, body: body)
    }

    private static func pager(page: Int, pages: Int, context: PageContext) -> HTML {
        guard pages > 1 else { return .empty }
        let previous: HTML = page > 1
            ? "<li><a href=\"/notices?page=\(String(page - 1))\" rel=\"prev\">\(context.t("hr.pager.previous"))</a></li>" : .empty
        let next: HTML = page < pages
            ? "<li><a href=\"/notices?page=\(String(page + 1))\" rel=\"next\">\(context.t("hr.pager.next"))</a></li>" : .empty
        return """
            <nav aria-label="\(context.t("hr.pager.label"))"><ul class="inline-list">\(previous)\
            <li>\(context.t("hr.pager.position", ["page": String(page), "pages": String(pages)]))</li>\(next)</ul></nav>
            """
    }
}

/// The one-click unsubscribe page (`/mail/unsubscribe/<token>`, signed out): a button that turns reminder mail
/// off (RFC 8058: the GET changes nothing), and the result.
public enum NoticeUnsubscribePage {
    public enum State: Sendable {
        /// Reminder mail is on: confirm with the button.
        case confirm(token: String)
        /// Reminder mail is off (just now, or before).
        case done
        /// The link is not one the platform made.
        case unknown
    }

    public static func render(_ state: State, context: PageContext, stylesheet: String) -> HTML {
        let body: HTML
        switch state {
        case .confirm(let token):
            body = """
                <h1>\(context.t("notices.unsubscribe.title"))</h1>
                <p>\(context.t("notices.unsubscribe.explain"))</p>
                <p>\(context.t("notices.unsubscribe.required"))</p>
                <form method="post" action="/mail/unsubscribe/\(token)">\
                <input type="hidden" name="List-Unsubscribe" value="One-Click">\
                <button type="submit" class="button">\(context.t("notices.unsubscribe.confirm"))</button></form>
                """
        case .done:
            body = """
                <h1>\(context.t("notices.unsubscribe.title"))</h1>
                \(Components.notice(context.t("notices.unsubscribe.done")))
                <p>\(context.t("notices.unsubscribe.required"))</p>
                <p>\(context.t("notices.unsubscribe.again"))</p>
                """
        case .unknown:
            body = """
                <h1>\(context.t("notices.unsubscribe.title"))</h1>
                <p>\(context.t("notices.unsubscribe.unknown"))</p>
                """
        }
        return Layout.page(title: context.t("notices.unsubscribe.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
