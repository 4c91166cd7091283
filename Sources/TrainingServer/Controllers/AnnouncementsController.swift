import Foundation

/// Announcements (通知公告): planners (HR and administrators) publish one to a department subtree in their scope,
/// list and withdraw them at `/announcements`; the people it reached read it at `/announcements/<id>`. Anything
/// outside the viewer's reach answers 404.
struct AnnouncementsController {
    let context: ControllerContext

    var repository: any AnnouncementRepository { context.storage.announcements }

    func register(in router: inout Router) {
        router.get("/announcements") { request in
            let scope = try planner(request)
            let page = max(1, request.query["page"].flatMap { Int($0) } ?? 1)
            let done = ["published", "withdrawn"].contains(request.query["done"] ?? "") ? request.query["done"] : nil
            return try list(request, scope: scope, page: page, done: done, problems: [], values: [:], status: .ok)
        }
        router.post("/announcements", publish)
        router.get("/announcements/:announcement") { request in
            let user = try context.requireUser(request)
            let (announcement, notice, canManage) = try readable(request, user: user)
            return item(request, announcement: announcement, notice: notice, canManage: canManage, done: nil, status: .ok)
        }
        router.post("/announcements/:announcement/withdraw") { request in
            let user = try context.requireUser(request)
            let (announcement, notice, canManage) = try readable(request, user: user)
            guard canManage else { throw HTTPError.notFound }
            guard (try request.form()["confirm"]) == "yes" else {
                return item(request, announcement: announcement, notice: notice, canManage: true,
                            done: "withdraw_unconfirmed", status: .unprocessableContent)
            }
            _ = try repository.withdraw(id: announcement.id, by: AuditActor(user), at: context.clock())
            // Everyone's unread counts may have dropped; this instance's cached sessions are read again.
            (context.users as? SessionCachingUserRepository)?.cache.invalidateAll()
            return Response.redirect(to: "/announcements?done=withdrawn")
        }
    }

    private var today: ISODay { ISODay(seconds: context.clock(), timeZone: context.configuration.calendar.timeZone) }

    /// The signed-in planner's scope (the subtrees of their hr and admin grants); 403 for anyone else.
    private func planner(_ request: Request) throws -> PlanScope { try context.planScope(request) }

    /// The announcement in the path if the viewer was sent it or manages its department; 404 otherwise.
    private func readable(_ request: Request, user: User) throws -> (Announcement, Notice?, Bool) {
        let raw: String = try request.parameter("announcement")
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw), var announcement = try repository.find(id: id) else {
            throw HTTPError.notFound
        }
        let scope = user.roles.isDisjoint(with: [.hr, .admin]) ? nil
            : PlanScope(user: user, departments: try context.departments.all())
        let canManage = scope?.isVisible(announcement.departmentID) ?? false
        let notice = try context.noticeService.notices.noticeFor(announcement: id, of: user.id)
        guard canManage || (notice != nil && announcement.withdrawnAt == nil) else { throw HTTPError.notFound }
        if canManage, let counted = try repository.withCounts(id: id) { announcement = counted }
        return (announcement, notice, canManage)
    }

    private func item(_ request: Request, announcement: Announcement, notice: Notice?, canManage: Bool, done: String?,
                      status: HTTPStatus) -> Response {
        let department = (try? context.departments.all())?.first { $0.id == announcement.departmentID }
        let model = AnnouncementPages.ItemModel(announcement: announcement, department: department, notice: notice,
                                                canManage: canManage, done: done, today: today)
        return Response.html(AnnouncementPages.item(model, context: context.page(request), stylesheet: context.stylesheet).rendered,
                             status: status)
    }

    private func list(_ request: Request, scope: PlanScope, page: Int, done: String?,
                      problems: [AnnouncementProblem], values: [String: String], status: HTTPStatus) throws -> Response {
        let size = AnnouncementPages.pageSize
        let first = try repository.list(prefixes: scope.access.prefixes, limit: size, offset: (page - 1) * size)
        let pages = max(1, (first.total + size - 1) / size)
        let current = min(page, pages)
        let shown = current == page ? first
            : try repository.list(prefixes: scope.access.prefixes, limit: size, offset: (current - 1) * size)
        let model = AnnouncementPages.ListModel(announcements: shown.announcements, total: shown.total, page: current,
                                                pages: pages, scope: scope, done: done, problems: problems, values: values,
                                                today: today)
        return Response.html(AnnouncementPages.list(model, context: context.page(request), stylesheet: context.stylesheet).rendered,
                             status: status)
    }

    private func publish(_ request: Request) throws -> Response {
        let scope = try planner(request)
        let form = try request.form()
        let values = ["department": (form["department"] ?? "").trimmingCharacters(in: .whitespaces),
                      "title": (form["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                      "body": (form["body"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                      "ends_on": (form["ends_on"] ?? "").trimmingCharacters(in: .whitespaces)]
        let checked = AnnouncementProblem.check(title: values["title"] ?? "", body: values["body"] ?? "",
                                                endsOn: values["ends_on"] ?? "", today: today)
        var problems = checked.problems
        let department = scope.visibleDepartment(named: values["department"] ?? "")
        if department == nil {
            // A department outside the scope is answered like none chosen: nothing about it is revealed.
            problems.insert(.departmentMissing, at: 0)
        }
        guard problems.isEmpty, let department else {
            return try list(request, scope: scope, page: 1, done: nil, problems: problems, values: values,
                            status: .unprocessableContent)
        }
        let draft = AnnouncementDraft(department: department, title: values["title"] ?? "", body: values["body"] ?? "",
                                      endsOn: checked.endsOn)
        _ = try repository.publish(draft, by: AuditActor(scope.user), at: context.clock())
        (context.users as? SessionCachingUserRepository)?.cache.invalidateAll()
        return Response.redirect(to: "/announcements?done=published")
    }
}
