import Foundation

/// Announcements (通知公告) for planners: the list of those sent to departments in scope (with how many people each
/// reached and read it), the form for a new one, and one announcement as its readers and its planners see it.
public enum AnnouncementPages {
    public static let pageSize = 30

    public struct ListModel: Sendable {
        public var announcements: [Announcement]
        public var total: Int
        public var page: Int
        public var pages: Int
        public var scope: PlanScope
        public var done: String?
        public var problems: [AnnouncementProblem]
        public var values: [String: String]
        public var today: ISODay
    }

    static func field(_ name: String, _ problems: [AnnouncementProblem], context: PageContext) -> (error: HTML, aria: HTML, invalid: Bool) {
        guard let problem = problems.first(where: { $0.field == name }) else { return (.empty, .empty, false) }
        return ("<p class=\"field-error\" id=\"\(name)-error\">\(context.t("announcements.error.\(problem.rawValue)"))</p>",
                " aria-invalid=\"true\"", true)
    }

    static func describedBy(_ name: String, hint: Bool, invalid: Bool) -> HTML {
        let ids = [hint ? "\(name)-hint" : nil, invalid ? "\(name)-error" : nil].compactMap { $0 }
        return ids.isEmpty ? .empty : " aria-describedby=\"\(ids.joined(separator: " "))\""
    }

    public static func list(_ model: ListModel, context: PageContext, stylesheet: String) -> HTML {
        let title = context.t("announcements.title")
        let done: HTML = model.done.map { Components.notice(context.t("announcements.done.\($0)")) } ?? .empty
        let rows = model.announcements.map { item -> HTML in
            let department = model.scope.departments[item.departmentID]?.displayPath ?? "—"
            let state: HTML = item.withdrawnAt != nil ? Components.tag(context.t("announcements.state.withdrawn"), kind: "withdrawn")
                : item.isShown(on: model.today) ? Components.tag(context.t("announcements.state.shown"), kind: "shown")
                : Components.tag(context.t("announcements.state.ended"), kind: "ended")
            let ends = item.endsOn.map { NoticeWords.day($0, strings: context.strings, context.language) }
                ?? context.t("announcements.ends.none")
            return """
                <tr><th scope="row"><a href="/announcements/\(String(item.id))">\(item.title)</a></th>\
                <td>\(department)</td><td>\(context.date(item.createdAt))</td><td>\(ends)</td><td>\(state)</td>\
                <td>\(readCount(item, context: context))</td></tr>
                """
        }
        let table: HTML = model.total == 0 ? "<p>\(context.t("announcements.empty"))</p>" : """
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="announcements-caption">
            <table><caption id="announcements-caption">\(context.t("announcements.caption", ["total": String(model.total)]))</caption>
            <thead><tr><th scope="col">\(context.t("announcements.column.title"))</th>\
            <th scope="col">\(context.t("announcements.column.department"))</th>\
            <th scope="col">\(context.t("announcements.column.published"))</th>\
            <th scope="col">\(context.t("announcements.column.ends"))</th>\
            <th scope="col">\(context.t("announcements.column.state"))</th>\
            <th scope="col">\(context.t("announcements.column.read"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(pager(page: model.page, pages: model.pages, context: context))
            """
        let errors = model.problems.map { (field: $0.field, message: context.t("announcements.error.\($0.rawValue)")) }
        let options = model.scope.visibleDepartments.map { department -> HTML in
            let selected: HTML = model.values["department"] == String(department.id.rawValue) ? " selected" : .empty
            return "<option value=\"\(String(department.id.rawValue))\"\(selected)>\(department.displayPath)</option>"
        }
        let department = field("department", model.problems, context: context)
        let titleField = field("title", model.problems, context: context)
        let bodyField = field("body", model.problems, context: context)
        let ends = field("ends_on", model.problems, context: context)
        func invalidClass(_ invalid: Bool) -> String { invalid ? " field-invalid" : "" }
        let body: HTML = """
            <h1>\(title)</h1>
            <p>\(context.t("announcements.intro"))</p>
            \(done)
            \(table)
            <form method="post" action="/announcements" class="form" novalidate>
            \(Components.csrf(context))
            <h2 id="new-title">\(context.t("announcements.new.title"))</h2>
            \(Components.errorSummary(errors, context: context))
            <div class="field\(invalidClass(department.invalid))"><label for="department">\(context.t("announcements.field.department"))</label>\
            <p class="hint" id="department-hint">\(context.t("announcements.field.department_hint"))</p>\(department.error)
            <select id="department" name="department"\(department.aria)\(describedBy("department", hint: true, invalid: department.invalid))>\
            <option value="">\(context.t("announcements.field.department_choose"))</option>\(options)</select></div>
            <div class="field\(invalidClass(titleField.invalid))"><label for="title">\(context.t("announcements.field.title"))</label>\(titleField.error)
            <input type="text" id="title" name="title" maxlength="200" value="\(model.values["title"] ?? "")"\
            \(titleField.aria)\(describedBy("title", hint: false, invalid: titleField.invalid))></div>
            <div class="field\(invalidClass(bodyField.invalid))"><label for="body">\(context.t("announcements.field.body"))</label>\
            <p class="hint" id="body-hint">\(context.t("announcements.field.body_hint"))</p>\(bodyField.error)
            <textarea id="body" name="body" rows="8" maxlength="10000"\(bodyField.aria)\
            \(describedBy("body", hint: true, invalid: bodyField.invalid))>\(model.values["body"] ?? "")</textarea></div>
            <div class="field\(invalidClass(ends.invalid))"><label for="ends_on">\(context.t("announcements.field.ends_on"))</label>\
            <p class="hint" id="ends_on-hint">\(context.t("announcements.field.ends_on_hint"))</p>\(ends.error)
            <input type="date" id="ends_on" name="ends_on" value="\(model.values["ends_on"] ?? "")" \
            min="\(model.today.description)"\(ends.aria)\(describedBy("ends_on", hint: true, invalid: ends.invalid))></div>
            <button type="submit" class="button">\(context.t("announcements.new.publish"))</button>
            </form>
            """
        return PlanFrame.page(title: title, section: .announcements, context: context, stylesheet: stylesheet, body: body)
    }

    /// One announcement: its text for everyone it was sent to (with "mark as read" while unread), and for planners
    /// in scope where it went, how many read it, and the withdraw button.
    public struct ItemModel: Sendable {
        public var announcement: Announcement
        public var department: Department?
        /// The reader's notice of it, if they were sent it.
        public var notice: Notice?
        /// Set for planners whose scope holds the announcement's department.
        public var canManage: Bool
        public var done: String?
        public var today: ISODay
    }

    public static func item(_ model: ItemModel, context: PageContext, stylesheet: String) -> HTML {
        let item = model.announcement
        let paragraphs = item.paragraphs.map { paragraph -> HTML in "<p>\(paragraph)</p>" }
        let done: HTML = switch model.done {
        case "withdraw_unconfirmed"?:
            Components.errorSummary([(field: "confirm", message: context.t("announcements.done.withdraw_unconfirmed"))],
                                    context: context)
        case let done?: Components.notice(context.t("announcements.done.\(done)"))
        case nil: .empty
        }
        let read: HTML
        if let notice = model.notice, !notice.isRead, item.withdrawnAt == nil {
            read = """
                <form method="post" action="/notices/\(String(notice.id))/read">\(Components.csrf(context))\
                <button type="submit" class="button button-secondary">\(context.t("notices.mark_read"))</button></form>
                """
        } else {
            read = .empty
        }
        let ends = item.endsOn.map { NoticeWords.day($0, strings: context.strings, context.language) }
            ?? context.t("announcements.ends.none")
        let manage: HTML
        if model.canManage {
            let state = item.withdrawnAt.map { context.t("announcements.withdrawn_at", ["time": context.dateTime($0)]) }
                ?? (item.isShown(on: model.today) ? context.t("announcements.state.shown") : context.t("announcements.state.ended"))
            let withdraw: HTML = item.withdrawnAt != nil ? .empty : """
                <form method="post" action="/announcements/\(String(item.id))/withdraw" class="form">\(Components.csrf(context))
                <div class="choice"><input type="checkbox" id="confirm" name="confirm" value="yes" required>\
                <label for="confirm">\(context.t("announcements.withdraw.confirm"))</label></div>
                <button type="submit" class="button button-secondary">\(context.t("announcements.withdraw.button"))</button></form>
                """
            manage = """
                <h2>\(context.t("announcements.manage.title"))</h2>
                <dl class="summary-list">
                <div><dt>\(context.t("announcements.column.department"))</dt><dd>\(model.department?.displayPath ?? "—")</dd></div>
                <div><dt>\(context.t("announcements.column.ends"))</dt><dd>\(ends)</dd></div>
                <div><dt>\(context.t("announcements.column.state"))</dt><dd>\(state)</dd></div>
                <div><dt>\(context.t("announcements.column.read"))</dt><dd>\(readCount(item, context: context))</dd></div>
                </dl>
                \(withdraw)
                <p><a href="/announcements">\(context.t("announcements.back"))</a></p>
                """
        } else {
            manage = "<p><a href=\"/notices\">\(context.t("announcements.back_notices"))</a></p>"
        }
        let body: HTML = """
            <p class="hint">\(context.t("announcements.kicker"))</p>
            <h1>\(item.title)</h1>
            \(done)
            <p class="hint">\(context.t("announcements.published", ["time": context.dateTime(item.createdAt)]))</p>
            \(paragraphs)
            \(read)
            \(manage)
            """
        return Layout.page(title: item.title, context: context, stylesheet: stylesheet, body: body)
    }

    /// The dashboard's section: unread announcements still shown, each with its text and "mark as read".
    public static func dashboardSection(_ items: [(notice: Notice, announcement: Announcement)], context: PageContext) -> HTML {
        guard !items.isEmpty else { return .empty }
        let cards = items.map { notice, announcement -> HTML in
            let paragraphs = announcement.paragraphs.map { paragraph -> HTML in "<p>\(paragraph)</p>" }
            return """
                <li class="card">
                <h3><a href="/announcements/\(String(announcement.id))">\(announcement.title)</a></h3>
                <p class="hint">\(context.t("announcements.published", ["time": context.date(announcement.createdAt)]))</p>
                \(paragraphs)
                <form method="post" action="/notices/\(String(notice.id))/read">\(Components.csrf(context))\
                <input type="hidden" name="back" value="dashboard">\
                <button type="submit" class="button button-secondary">\(context.t("notices.mark_read"))\
                <span class="visually-hidden">\(context.t("notices.mark_read_which", ["title": announcement.title]))</span>\
                </button></form>
                </li>
                """
        }
        return """
            <section aria-labelledby="announcements-title">
            <h2 id="announcements-title">\(context.t("announcements.dashboard.title"))</h2>
            <ul class="card-list">\(cards)</ul>
            </section>
            """
    }

    /// "3 / 40 人已读"; a dash once withdrawn (its notices are gone).
    static func readCount(_ item: Announcement, context: PageContext) -> String {
        item.withdrawnAt != nil ? "—"
            : context.t("announcements.read_count", ["read": String(item.readers), "total": String(item.recipients)])
    }

    private static func pager(page: Int, pages: Int, context: PageContext) -> HTML {
        guard pages > 1 else { return .empty }
        let previous: HTML = page > 1
            ? "<li><a href=\"/announcements?page=\(String(page - 1))\" rel=\"prev\">\(context.t("hr.pager.previous"))</a></li>" : .empty
        let next: HTML = page < pages
            ? "<li><a href=\"/announcements?page=\(String(page + 1))\" rel=\"next\">\(context.t("hr.pager.next"))</a></li>" : .empty
        return """
            <nav aria-label="\(context.t("hr.pager.label"))"><ul class="inline-list">\(previous)\
            <li>\(context.t("hr.pager.position", ["page": String(page), "pages": String(pages)]))</li>\(next)</ul></nav>
            """
    }
}
