import Assessment
import Foundation

extension ControllerContext {
    /// Notices: posting (with mail when it is configured) and reading.
    var noticeService: NoticeService {
        let mail = self.mail
        return NoticeService(storage: storage, strings: strings, publicURL: configuration.publicURL,
                             mailConfigured: mail.isConfigured, wakeMail: { mail.wake() })
    }

    /// Ends the person's cached sessions on this instance, so the header's unread count is read again at once.
    func noticesChanged(for userID: UserID) {
        (users as? SessionCachingUserRepository)?.cache.invalidate(userID: userID)
    }
}

/// The notice centre (`/notices`, and `/api/v1/notices` for clients), the reminder mail setting on the profile, and
/// the one-click unsubscribe link of reminder mails (`/mail/unsubscribe/<token>`, signed out).
struct NoticesController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/notices") { request in
            let user = try context.requireUser(request)
            let page = max(1, request.query["page"].flatMap { Int($0) } ?? 1)
            let done = ["read", "all_read"].contains(request.query["done"] ?? "") ? request.query["done"] : nil
            return try render(request, user: user, page: page, done: done)
        }
        router.post("/notices/read-all") { request in
            let user = try context.requireUser(request)
            try context.noticeService.notices.markAllRead(of: user.id, at: context.clock())
            context.noticesChanged(for: user.id)
            return Response.redirect(to: "/notices?done=all_read")
        }
        router.post("/notices/:notice/read") { request in
            let user = try context.requireUser(request)
            let id = try Self.noticeID(request)
            let notices = context.noticeService.notices
            guard try notices.notice(id: id, of: user.id) != nil else { throw HTTPError.notFound }
            try notices.markRead(id: id, of: user.id, at: context.clock())
            context.noticesChanged(for: user.id)
            let page = (try request.form()["page"]).flatMap { Int($0) }.map { max(1, $0) } ?? 1
            let back = (try request.form()["back"]) == "dashboard" ? "/" : "/notices?page=\(page)&done=read"
            return Response.redirect(to: back)
        }
        router.get("/api/v1/notices") { request in
            let user = try context.requireUser(request)
            try HRAPIController.refuseMalformed(request.query, ["limit", "offset"])
            guard let limit = HRAPIController.integer(request.query["limit"], default: NoticesPage.pageSize, in: 1...100),
                  let offset = HRAPIController.integer(request.query["offset"], default: 0, in: 0...Int(Int32.max)) else {
                throw HTTPError.badRequest("limit: use a whole number from 1 to 100; offset: use a whole number")
            }
            let notices = context.noticeService.notices
            let counts = try notices.counts(of: user.id)
            let page = try notices.notices(of: user.id, limit: limit, offset: offset)
            let words = NoticeWords(strings: context.strings, language: request.context.language)
            return Response.json(NoticesDocument(total: counts.total, unread: counts.unread, limit: limit, offset: offset,
                                                 notices: page.map { NoticesDocument.Item($0, words: words) }))
        }
        router.post("/api/v1/notices/read-all") { request in
            let user = try context.requireUser(request)
            let marked = try context.noticeService.notices.markAllRead(of: user.id, at: context.clock())
            context.noticesChanged(for: user.id)
            return Response.json(MarkedDocument(marked: marked, unread: 0))
        }
        router.post("/api/v1/notices/:notice/read") { request in
            let user = try context.requireUser(request)
            let id = try Self.noticeID(request)
            let notices = context.noticeService.notices
            guard try notices.notice(id: id, of: user.id) != nil else { throw HTTPError.notFound }
            let marked = try notices.markRead(id: id, of: user.id, at: context.clock())
            context.noticesChanged(for: user.id)
            return Response.json(MarkedDocument(marked: marked ? 1 : 0, unread: try notices.counts(of: user.id).unread))
        }
        router.post("/profile/reminder-mail") { request in
            let user = try context.requireUser(request)
            let on = (try request.form()["reminder_mail"]) == "on"
            try context.noticeService.notices.setReminderMail(on, of: user.id, at: context.clock())
            return Response.redirect(to: "/profile?notice=reminder-mail")
        }
        router.get("/mail/unsubscribe/:token") { request in
            let token: String = try request.parameter("token")
            let state: NoticeUnsubscribePage.State
            switch try context.noticeService.unsubscribeState(token: token) {
            case nil: state = .unknown
            case true?: state = .confirm(token: token)
            case false?: state = .done
            }
            return unsubscribePage(request, state)
        }
        // RFC 8058: mail clients post `List-Unsubscribe=One-Click` here without cookies or a CSRF token; the token in
        // the path is the only authority (the CSRF check lets this route through).
        router.post("/mail/unsubscribe/:token") { request in
            let token: String = try request.parameter("token")
            guard try context.noticeService.unsubscribe(token: token, at: context.clock()) != nil else {
                return unsubscribePage(request, .unknown)
            }
            return unsubscribePage(request, .done)
        }
    }

    static func noticeID(_ request: Request) throws -> Int64 {
        let raw: String = try request.parameter("notice")
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw) else { throw HTTPError.notFound }
        return id
    }

    private func unsubscribePage(_ request: Request, _ state: NoticeUnsubscribePage.State) -> Response {
        let status: HTTPStatus = if case .unknown = state { .notFound } else { .ok }
        return Response.html(NoticeUnsubscribePage.render(state, context: context.page(request),
                                                          stylesheet: context.stylesheet).rendered, status: status)
    }

    private func render(_ request: Request, user: User, page: Int, done: String?) throws -> Response {
        let notices = context.noticeService.notices
        let counts = try notices.counts(of: user.id)
        let pages = max(1, (counts.total + NoticesPage.pageSize - 1) / NoticesPage.pageSize)
        let current = min(page, pages)
        let list = try notices.notices(of: user.id, limit: NoticesPage.pageSize, offset: (current - 1) * NoticesPage.pageSize)
        var pageContext = context.page(request)
        // The header counts what this page shows, even before another instance's cache catches up.
        pageContext.user?.unreadNotices = counts.unread
        let model = NoticesPage.Model(notices: list, total: counts.total, unread: counts.unread, page: current, pages: pages,
                                      done: done)
        return Response.html(NoticesPage.render(model, context: pageContext, stylesheet: context.stylesheet).rendered)
    }
}

/// `/api/v1/notices`: one page of the caller's notices, newest first, in the request's language.
struct NoticesDocument: Encodable {
    struct Item: Encodable {
        var id: Int64
        var kind: String
        var title: String
        var text: String
        var link: String?
        var createdAt: Date
        var readAt: Date?
        var read: Bool

        init(_ notice: Notice, words: NoticeWords) {
            id = notice.id
            kind = notice.kind.rawValue
            title = words.title(notice)
            text = words.text(notice)
            link = notice.link
            createdAt = Date(timeIntervalSince1970: notice.createdAt.rounded(.down))
            readAt = notice.readAt.map { Date(timeIntervalSince1970: $0.rounded(.down)) }
            read = notice.isRead
        }
    }

    var total: Int
    var unread: Int
    var limit: Int
    var offset: Int
    var notices: [Item]
}

/// The answer to marking notices read.
struct MarkedDocument: Encodable {
    var marked: Int
    var unread: Int
}
