import Foundation

/// `/admin/mail`, for administrators whose scope is the whole organisation (the outbox holds every person's mail:
/// anyone else with an admin grant is answered 404, as for anything outside their scope): the outbox's counts and
/// its dead letters, each of which can be tried again (`mail.retry`: back to the queue with fresh attempts) or
/// discarded (`mail.discard`), both audited.
struct AdminMailController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/admin/mail") { request in try page(request) }
        router.post("/admin/mail/:id/retry", retry)
        router.post("/admin/mail/:id/discard", discard)
    }

    /// The signed-in organisation-wide administrator; 404 for a unit administrator, 403 without an admin grant.
    private func administrator(_ request: Request) throws -> User {
        let scope = try context.adminScope(request)
        guard scope.isOrganisationWide else { throw HTTPError.notFound }
        return scope.user
    }

    private func page(_ request: Request, failure: String? = nil) throws -> Response {
        _ = try administrator(request)
        let page = context.page(request)
        let outbox = context.mail.outbox
        let notice: String? = switch request.query["done"] {
        case "retried": page.t("admin.mail.done.retried", ["id": request.query["id"].flatMap { Int64($0) }.map(String.init) ?? ""])
        case "discarded": page.t("admin.mail.done.discarded", ["id": request.query["id"].flatMap { Int64($0) }.map(String.init) ?? ""])
        default: nil
        }
        // Any page number past the last shows the last; anything that is not one shows the first.
        let asked = request.query["page"].flatMap { $0.count <= 6 ? Int($0) : nil }.map { max(1, $0) } ?? 1
        let size = AdminMailPage.pageSize
        var dead = try outbox.deadLetters(limit: size, offset: (asked - 1) * size)
        let pages = max(1, (dead.total + size - 1) / size)
        let current = min(asked, pages)
        if current != asked { dead = try outbox.deadLetters(limit: size, offset: (current - 1) * size) }
        let model = AdminMailPage.Model(settings: context.mail.settings, counts: try outbox.counts(),
                                        discarded: try outbox.discardedCount(), deadLetters: dead.messages,
                                        deadLetterTotal: dead.total, page: current, pages: pages, now: context.clock(),
                                        notice: failure == nil ? notice : nil, failure: failure)
        return Response.html(AdminMailPage.render(model, context: page, stylesheet: context.stylesheet).rendered,
                             status: failure == nil ? .ok : .conflict)
    }

    /// The message id in the path; 404 unless it is a number.
    private func id(_ request: Request) throws -> Int64 {
        let raw: String = try request.parameter("id")
        guard raw.count <= 18, raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw) else {
            throw HTTPError.notFound
        }
        return id
    }

    private func retry(_ request: Request) throws -> Response {
        let user = try administrator(request)
        let id = try id(request)
        do {
            try context.mail.outbox.retry(id: id, by: AuditActor(user), at: context.clock())
        } catch let refusal as MailRetryRefusal {
            switch refusal {
            case .notDeadLetter: throw HTTPError.notFound
            case .contentErased: return try page(request, failure: context.page(request).t("admin.mail.refused.erased", ["id": String(id)]))
            case .expired: return try page(request, failure: context.page(request).t("admin.mail.refused.expired", ["id": String(id)]))
            }
        }
        context.mail.wake()
        return Response.redirect(to: "/admin/mail?done=retried&id=\(id)")
    }

    private func discard(_ request: Request) throws -> Response {
        let user = try administrator(request)
        let id = try id(request)
        guard try context.mail.outbox.discard(id: id, by: AuditActor(user), at: context.clock()) != nil else {
            throw HTTPError.notFound
        }
        return Response.redirect(to: "/admin/mail?done=discarded&id=\(id)")
    }
}
