import Foundation

/// Every API token of the people in the administrator's scope, integrators' tokens included: list by state,
/// revoke, and make a token acting as a person (its owner). Tokens of people outside the scope are "not found".
struct AdminTokensController {
    let context: ControllerContext

    var service: APITokenService { APITokenService(tokens: context.apiTokens, clock: context.clock) }

    func register(in router: inout Router) {
        router.get("/admin/tokens") { request in
            let scope = try context.adminScope(request)
            guard let state = Self.state(request.query["state"]) else { throw HTTPError.badRequest("Unknown state") }
            let page = max(1, request.query["page"].flatMap { Int($0) } ?? 1)
            return try render(request, scope: scope, state: state, page: page, done: Self.done(request.query["done"]),
                              problems: [], values: [:], status: .ok)
        }
        router.post("/admin/tokens", create)
        router.post("/admin/tokens/:token/revoke", revoke)
    }

    /// nil for an unknown state; `.some(nil)` for "any".
    static func state(_ raw: String?) -> TokenFilter.State?? {
        guard let raw, !raw.isEmpty else { return .some(nil) }
        return TokenFilter.State(rawValue: raw).map { .some($0) }
    }

    static func done(_ raw: String?) -> String? { raw == "revoked" || raw == "unchanged" ? raw : nil }

    private func render(_ request: Request, scope: AdminScope, state: TokenFilter.State?, page: Int, done: String?,
                        problems: [AccountProblem], values: [String: String], status: HTTPStatus) throws -> Response {
        let directory = context.storage.apiTokenDirectory
        let filter = TokenFilter(prefixes: scope.access.prefixes, state: state)
        let now = context.clock()
        let total = try directory.countTokens(filter, now: now)
        let pages = max(1, (total + AdminTokensPage.pageSize - 1) / AdminTokensPage.pageSize)
        let current = min(page, pages)
        let lines = try directory.tokens(filter, now: now, limit: AdminTokensPage.pageSize,
                                         offset: (current - 1) * AdminTokensPage.pageSize)
        let model = AdminTokensPage.Model(lines: lines, total: total, page: current, pages: pages, state: state, scope: scope,
                                          now: now, done: done, problems: problems, values: values)
        return Response.html(AdminTokensPage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered,
                             status: status)
    }

    private func create(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let form = try request.form()
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let values = ["owner": text("owner"), "token_name": text("token_name"), "expires_days": text("expires_days")]
        // Someone outside the scope is answered like nobody at all.
        let owner = try values["owner"].flatMap { $0.isEmpty ? nil : try context.users.find(login: $0) }
            .flatMap { scope.manages($0) ? $0 : nil }
        var problems = APITokenService.problems(name: values["token_name"] ?? "", days: Int(values["expires_days"] ?? ""))
        if owner == nil { problems.insert(AccountProblem(field: "owner", reason: .ownerMissing), at: 0) }
        if let owner, owner.disabled { problems.insert(AccountProblem(field: "owner", reason: .ownerDisabled), at: 0) }
        guard problems.isEmpty, let owner else {
            return try render(request, scope: scope, state: nil, page: 1, done: nil, problems: problems, values: values,
                              status: .unprocessableContent)
        }
        let created = try service.create(for: owner, name: values["token_name"] ?? "", days: Int(values["expires_days"] ?? "") ?? 0,
                                         by: AuditActor(scope.user))
        return AdminTokenCreatedPage.response(created, back: "/admin/tokens", context: context.page(request),
                                              stylesheet: context.stylesheet)
    }

    private func revoke(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let raw: String = try request.parameter("token")
        guard raw.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(raw), let token = try service.find(id),
              let owner = try context.users.find(id: token.userID), scope.manages(owner) else {
            throw HTTPError.notFound
        }
        let changed = try service.revoke(token, by: AuditActor(scope.user))
        let state = (try request.form()["state"]).flatMap { TokenFilter.State(rawValue: $0) }
        let keep = state.map { "state=\($0.rawValue)&" } ?? ""
        return Response.redirect(to: "/admin/tokens?\(keep)done=\(changed ? "revoked" : "unchanged")")
    }
}
