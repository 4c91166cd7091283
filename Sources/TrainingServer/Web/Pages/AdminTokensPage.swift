import Foundation

/// Every API token of the people an administrator manages (integrators' tokens among them: a token acts as its
/// owner), filtered by state, with revoke buttons and a form making a token for a person.
public enum AdminTokensPage {
    public static let pageSize = 50

    public struct Model: Sendable {
        public var lines: [TokenLine]
        public var total: Int
        public var page: Int
        public var pages: Int
        public var state: TokenFilter.State?
        public var scope: AdminScope
        public var now: Double
        public var done: String?
        public var problems: [AccountProblem]
        public var values: [String: String]

        public init(lines: [TokenLine], total: Int, page: Int, pages: Int, state: TokenFilter.State?, scope: AdminScope,
                    now: Double, done: String?, problems: [AccountProblem], values: [String: String]) {
            self.lines = lines
            self.total = total
            self.page = page
            self.pages = pages
            self.state = state
            self.scope = scope
            self.now = now
            self.done = done
            self.problems = problems
            self.values = values
        }
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("admin.tokens.title")
        let states = [("", context.t("admin.tokens.filter.state_any"))]
            + TokenFilter.State.allCases.map { ($0.rawValue, context.t("admin.tokens.state.\($0.rawValue)")) }
        let rows = model.lines.map { line -> HTML in
            let action: HTML = line.token.revokedAt == nil ? """
                <form method="post" action="/admin/tokens/\(String(line.token.id))/revoke">\(Components.csrf(context))\
                <input type="hidden" name="state" value="\(model.state?.rawValue ?? "")">\
                <button type="submit" class="button button-secondary" \
                aria-label="\(context.t("admin.tokens.revoke_label", ["name": line.token.name]))">\
                \(context.t("admin.tokens.revoke"))</button></form>
                """ : "—"
            return cells(line.token, owner: line, action: action, now: model.now, context: context)
        }
        let keep = model.state.map { "state=\($0.rawValue)&" } ?? ""
        let table: HTML = model.total == 0 ? "<p>\(context.t("admin.tokens.empty"))</p>" : """
            <p role="status">\(context.t("admin.tokens.count", ["total": String(model.total)]))</p>
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="tokens-caption">
            <table><caption id="tokens-caption">\(context.t("admin.tokens.caption"))</caption>
            \(header(owner: true, context: context))
            <tbody>\(rows)</tbody></table></div>
            \(pager(page: model.page, pages: model.pages, keep: keep, context: context))
            """
        let notice: HTML = model.done.map { Components.notice(context.t("admin.tokens.done.\($0)")) } ?? .empty
        let body: HTML = """
            <h1>\(title)</h1>
            <p>\(context.t("admin.tokens.intro"))</p>
            \(notice)
            \(AdminPeopleFields.summary(model.problems, context: context))
            <form method="get" action="/admin/tokens" class="form">
            \(AdminPeopleFields.select("state", label: context.t("admin.tokens.filter.state"), options: states,
                                       selected: model.state?.rawValue ?? "", [], context: context))
            <button type="submit" class="button button-secondary">\(context.t("admin.tokens.filter.apply"))</button>
            </form>
            \(table)
            <form method="post" action="/admin/tokens" class="form" novalidate>
            \(Components.csrf(context))
            <h2>\(context.t("admin.tokens.create_title"))</h2>
            <p>\(context.t("admin.tokens.integrator_intro"))</p>
            \(AdminPeopleFields.text("owner", label: context.t("admin.tokens.owner"), hint: context.t("admin.tokens.owner_hint"),
                                     value: model.values["owner"] ?? "", maxLength: 100, required: true, model.problems,
                                     context: context))
            \(fields(values: model.values, problems: model.problems, context: context))
            <button type="submit" class="button">\(context.t("admin.tokens.create"))</button>
            </form>
            """
        return AdminFrame.page(title: title, section: .tokens, context: context, stylesheet: stylesheet, body: body)
    }

    /// The name and lifetime fields of a token form.
    static func fields(values: [String: String], problems: [AccountProblem], context: PageContext) -> HTML {
        """
        \(AdminPeopleFields.text("token_name", label: context.t("admin.tokens.name"), hint: context.t("admin.tokens.name_hint"),
                                 value: values["token_name"] ?? "", maxLength: APITokenService.nameLimit, required: true,
                                 problems, context: context))
        \(AdminPeopleFields.text("expires_days", label: context.t("admin.tokens.expires_days"),
                                 hint: context.t("admin.tokens.expires_days_hint", ["max": String(APITokenService.maximumLifetimeDays)]),
                                 value: values["expires_days"] ?? String(APIToken.defaultLifetimeDays), maxLength: 4,
                                 required: true, problems, context: context, type: "number"))
        """
    }

    /// The token table's header; with `owner`, an owner column.
    static func header(owner: Bool, context: PageContext) -> HTML {
        let ownerHeader: HTML = owner ? "<th scope=\"col\">\(context.t("admin.tokens.owner"))</th>" : .empty
        return """
            <thead><tr><th scope="col">\(context.t("admin.tokens.name"))</th>\(ownerHeader)\
            <th scope="col">\(context.t("admin.tokens.created"))</th><th scope="col">\(context.t("admin.tokens.last_used"))</th>\
            <th scope="col">\(context.t("admin.tokens.expires"))</th><th scope="col">\(context.t("admin.tokens.state"))</th>\
            <th scope="col">\(context.t("admin.tokens.action"))</th></tr></thead>
            """
    }

    /// One token's row.
    static func cells(_ token: APIToken, owner: TokenLine?, action: HTML, now: Double, context: PageContext) -> HTML {
        let ownerCell: HTML = owner.map { line -> HTML in
            "<td><a href=\"/admin/people/\(String(token.userID.rawValue))\">\(line.ownerName)</a> <span class=\"meta\">\(line.ownerLogin)</span></td>"
        } ?? .empty
        let revoked: HTML = token.revokedAt.map { " <span class=\"meta\">\(context.dateTime($0))</span>" } ?? .empty
        return """
            <tr><th scope="row">\(token.name)</th>\(ownerCell)<td>\(context.dateTime(token.createdAt))</td>\
            <td>\(token.lastUsedAt.map { context.dateTime($0) } ?? context.t("admin.tokens.never"))</td>\
            <td>\(context.dateTime(token.expiresAt))</td>\
            <td>\(AdminPeopleFields.tokenState(token, now: now, context))\(revoked)</td><td>\(action)</td></tr>
            """
    }

    private static func pager(page: Int, pages: Int, keep: String, context: PageContext) -> HTML {
        guard pages > 1 else { return .empty }
        let previous: HTML = page > 1
            ? "<li><a href=\"/admin/tokens?\(keep)page=\(String(page - 1))\" rel=\"prev\">\(context.t("hr.pager.previous"))</a></li>" : .empty
        let next: HTML = page < pages
            ? "<li><a href=\"/admin/tokens?\(keep)page=\(String(page + 1))\" rel=\"next\">\(context.t("hr.pager.next"))</a></li>" : .empty
        return """
            <nav aria-label="\(context.t("hr.pager.label"))"><ul class="inline-list">\(previous)\
            <li>\(context.t("hr.pager.position", ["page": String(page), "pages": String(pages)]))</li>\(next)</ul></nav>
            """
    }
}

/// A token just made: its secret, shown this once (the page is not stored by browsers or proxies).
public enum AdminTokenCreatedPage {
    public static func render(_ created: APITokenService.Created, back: String, context: PageContext,
                              stylesheet: String) -> HTML {
        let title = context.t("admin.tokens.created_title")
        let body: HTML = """
            <h1>\(title)</h1>
            <div class="notice" role="status"><p>\(context.t("admin.tokens.shown_once"))</p></div>
            <p><label for="token-secret"><strong>\(context.t("admin.tokens.secret"))</strong></label></p>
            <p><input type="text" id="token-secret" value="\(created.secret)" readonly autocomplete="off" spellcheck="false"></p>
            <dl class="summary-list">
            <div><dt>\(context.t("admin.tokens.name"))</dt><dd>\(created.name)</dd></div>
            <div><dt>\(context.t("admin.tokens.owner"))</dt><dd>\(created.owner.displayName) <span class="meta">\(created.owner.login)</span></dd></div>
            <div><dt>\(context.t("admin.tokens.expires"))</dt><dd>\(context.dateTime(created.expiresAt))</dd></div>
            </dl>
            <p>\(context.t("admin.tokens.usage"))</p>
            <p><a class="button" href="\(back)">\(context.t("admin.tokens.done_link"))</a></p>
            """
        return AdminFrame.page(title: title, section: .tokens, trail: [(title, nil)], context: context, stylesheet: stylesheet,
                               body: body)
    }

    /// The page as a response nobody keeps a copy of.
    static func response(_ created: APITokenService.Created, back: String, context: PageContext, stylesheet: String) -> Response {
        var response = Response.html(render(created, back: back, context: context, stylesheet: stylesheet).rendered)
        response.headers.add("Cache-Control", "no-store")
        return response
    }
}
