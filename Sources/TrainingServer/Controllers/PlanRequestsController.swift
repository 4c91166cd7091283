import Foundation

/// `/plans/requests`: the extension requests waiting for a decision from people in the planner's scope, 50 a
/// page, each linking to the member's record where it is decided.
struct PlanRequestsController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/plans/requests", index)
    }

    private func index(_ request: Request) throws -> Response {
        let scope = try context.planScope(request)
        let size = PlanRequestsPage.pageSize
        var page = max(1, request.query["page"].flatMap { Int($0) } ?? 1)
        let prefixes = scope.access.prefixes
        var (lines, total) = try context.planRequests.pending(in: prefixes, limit: size, offset: (page - 1) * size)
        let pages = max(1, (total + size - 1) / size)
        if page > pages {
            page = pages
            (lines, total) = try context.planRequests.pending(in: prefixes, limit: size, offset: (page - 1) * size)
        }
        let model = PlanRequestsPage.Model(lines: lines, total: total, page: page, departments: scope.departments, notice: nil)
        return Response.html(PlanRequestsPage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered)
    }
}
