/// Field errors of an administration form: the message above the control, the control marked invalid and
/// described by it.
struct AdminFormErrors {
    let errors: [(field: String, message: String)]

    func message(_ field: String) -> HTML {
        guard let message = errors.first(where: { $0.field == field })?.message else { return .empty }
        return "<p class=\"field-error\" id=\"\(field)-error\">\(message)</p>"
    }

    /// Attributes for the control `field` (`hint`: the id of its hint, if any).
    func attributes(_ field: String, hint: String? = nil) -> HTML {
        let invalid = errors.contains { $0.field == field }
        let described = ([hint] + [invalid ? "\(field)-error" : nil]).compactMap { $0 }
        let describedBy: HTML = described.isEmpty ? .empty : " aria-describedby=\"\(described.joined(separator: " "))\""
        return (invalid ? " aria-invalid=\"true\"" : .empty) + describedBy
    }

    func fieldClass(_ field: String) -> HTML {
        errors.contains { $0.field == field } ? "field field-invalid" : "field"
    }
}

/// `/admin/departments`: the departments in the administrator's scope as a tree, with the people in each
/// department and in it with everything below it, and the form to add a department.
public enum AdminDepartmentsPage {
    /// Departments listed on one page at most (the tree of a large organisation is read by opening departments).
    public static let listed = 200

    public struct Model: Sendable {
        /// The tops of the scope and their children, in tree order.
        public var nodes: [DepartmentAdministration.Node]
        /// Sub-departments per department (those without any are left out).
        public var subDepartments: [DepartmentID: Int]
        /// Departments of the scope not listed here (deeper ones, or beyond `listed`).
        public var notShown: Int
        public var notice: String?
        public var errors: [(field: String, message: String)]
        /// What the add form held when it is shown again.
        public var values: [String: String]
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let form = AdminFormErrors(errors: model.errors)
        let rows = model.nodes.map { node -> HTML in
            let indent = String(repeating: "\u{3000}", count: node.depth) + (node.depth > 0 ? "└ " : "")
            return """
                <tr><th scope="row"><span aria-hidden="true">\(indent)</span>\
                <a href="/admin/departments/\(node.department.id.description)">\(node.department.name)</a></th>\
                <td>\(node.direct)</td><td>\(node.total)</td><td>\(model.subDepartments[node.department.id] ?? 0)</td></tr>
                """
        }
        let notShown: HTML = model.notShown > 0
            ? "<p>\(context.t("admin.departments.not_shown", ["count": String(model.notShown)]))</p>" : .empty
        let chosen = model.values["parent"] ?? ""
        let options = model.nodes.map { node -> HTML in
            let selected: HTML = String(describing: node.department.id) == chosen ? " selected" : .empty
            return "<option value=\"\(node.department.id.description)\"\(selected)>\(node.department.displayPath)</option>"
        }
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let body: HTML = """
            <h1>\(context.t("admin.section.departments.title"))</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(notice)
            <p>\(context.t("admin.departments.intro"))</p>
            <h2 id="departments-tree">\(context.t("admin.departments.tree.title"))</h2>
            <div class="table-scroll wide-table" role="region" tabindex="0" aria-labelledby="departments-tree"><table>
            <thead><tr><th scope="col">\(context.t("admin.departments.col.name"))</th>\
            <th scope="col">\(context.t("admin.departments.col.direct"))</th>\
            <th scope="col">\(context.t("admin.departments.col.total"))</th>\
            <th scope="col">\(context.t("admin.departments.col.children"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(notShown)
            <form method="post" action="/admin/departments" class="form" novalidate>
            \(Components.csrf(context))
            <h2>\(context.t("admin.departments.add.title"))</h2>
            <div class="\(form.fieldClass("parent"))">
            <label for="parent">\(context.t("admin.departments.add.parent"))</label>
            \(form.message("parent"))
            <select id="parent" name="parent"\(form.attributes("parent"))>\(options)</select>
            </div>
            <div class="\(form.fieldClass("name"))">
            <label for="name">\(context.t("admin.departments.name.label"))</label>
            <p class="hint" id="name-hint">\(context.t("admin.departments.name.hint"))</p>
            \(form.message("name"))
            <input type="text" id="name" name="name" maxlength="200" value="\(model.values["name"] ?? "")"\(form.attributes("name", hint: "name-hint"))>
            </div>
            <button type="submit" class="button">\(context.t("admin.departments.add.submit"))</button>
            </form>
            """
        return AdminFrame.page(title: context.t("admin.section.departments.title"), section: .departments, context: context,
                               stylesheet: stylesheet, body: body)
    }
}

/// `/admin/departments/ID`: one department with its people and sub-departments, and the forms to rename it, move
/// it (with its subtree) and delete it, or why it cannot be deleted.
public enum AdminDepartmentPage {
    public struct Model: Sendable {
        public var node: DepartmentAdministration.Node
        /// From the top of the scope down to the department.
        public var trail: [Department]
        /// Its sub-departments (at most `AdminDepartmentsPage.listed`) and how many more there are.
        public var children: [DepartmentAdministration.Node]
        public var childrenNotShown: Int
        public var subDepartments: [DepartmentID: Int]
        public var moveTargets: [Department]
        public var isScopeRoot: Bool
        /// Accounts (disabled ones included) in the department and below it.
        public var accounts: Int
        /// Departments that a delete would remove (the department and those below it).
        public var subtreeSize: Int
        public var notice: String?
        public var errors: [(field: String, message: String)]
        public var values: [String: String]
    }

    public static func render(_ model: Model, context: PageContext, stylesheet: String) -> HTML {
        let department = model.node.department
        let form = AdminFormErrors(errors: model.errors)
        let notice: HTML = model.notice.map { Components.notice($0) } ?? .empty
        let children: HTML
        if model.children.isEmpty {
            children = "<p>\(context.t("admin.departments.children.none"))</p>"
        } else {
            let items = model.children.map { child -> HTML in
                """
                <li><a href="/admin/departments/\(child.department.id.description)">\(child.department.name)</a> \
                \(context.t("admin.departments.people", ["direct": String(child.direct), "total": String(child.total)]))</li>
                """
            }
            let more: HTML = model.childrenNotShown > 0
                ? "<p>\(context.t("admin.departments.not_shown", ["count": String(model.childrenNotShown)]))</p>" : .empty
            children = "<ul aria-labelledby=\"children-title\">\(items)</ul>\(more)"
        }
        let move: HTML
        if model.isScopeRoot {
            move = "<p>\(context.t("admin.departments.move.scope_root"))</p>"
        } else if model.moveTargets.isEmpty {
            move = "<p>\(context.t("admin.departments.move.none"))</p>"
        } else {
            let chosen = model.values["parent"] ?? ""
            let control: HTML
            if model.moveTargets.count <= AdminDepartmentsPage.listed {
                let options = model.moveTargets.map { target -> HTML in
                    let selected: HTML = String(describing: target.id) == chosen ? " selected" : .empty
                    return "<option value=\"\(target.id.description)\"\(selected)>\(target.displayPath)</option>"
                }
                control = "<select id=\"parent\" name=\"parent\"\(form.attributes("parent", hint: "parent-hint"))>\(options)</select>"
            } else {
                // Too many to list: the new parent's path, as staff files write it.
                control = """
                    <input type="text" id="parent" name="parent_path" value="\(model.values["parent_path"] ?? "")" \
                    placeholder="\(department.namePath.dropLast().joined(separator: "/"))"\(form.attributes("parent", hint: "parent-hint"))>
                    """
            }
            let hint = model.moveTargets.count <= AdminDepartmentsPage.listed ? context.t("admin.departments.move.hint")
                : context.t("admin.departments.move.hint") + context.t("admin.departments.move.path_hint")
            move = """
                <form method="post" action="/admin/departments/\(department.id.description)/move" class="form" novalidate>
                \(Components.csrf(context))
                <div class="\(form.fieldClass("parent"))">
                <label for="parent">\(context.t("admin.departments.move.label"))</label>
                <p class="hint" id="parent-hint">\(hint)</p>
                \(form.message("parent"))
                \(control)
                </div>
                <button type="submit" class="button button-secondary">\(context.t("admin.departments.move.submit"))</button>
                </form>
                """
        }
        let delete: HTML
        if model.accounts > 0 {
            delete = "<p id=\"delete\">\(context.t("admin.departments.delete.blocked_people", ["count": String(model.accounts)]))</p>"
        } else {
            delete = """
                <form method="post" action="/admin/departments/\(department.id.description)/delete" class="form">
                \(Components.csrf(context))
                \(form.message("delete"))
                <p class="hint" id="delete-hint">\(context.t("admin.departments.delete.hint", ["count": String(model.subtreeSize)]))</p>
                <button type="submit" id="delete" class="button button-secondary" aria-describedby="delete-hint">\
                \(context.t("admin.departments.delete.submit"))</button>
                </form>
                """
        }
        let body: HTML = """
            <h1>\(department.name)</h1>
            \(Components.errorSummary(model.errors, context: context))
            \(notice)
            <dl class="summary-list">
            <div><dt>\(context.t("admin.departments.detail.path"))</dt><dd>\(department.displayPath)</dd></div>
            <div><dt>\(context.t("admin.departments.col.direct"))</dt><dd>\(model.node.direct)</dd></div>
            <div><dt>\(context.t("admin.departments.col.total"))</dt><dd>\(model.node.total)</dd></div>
            </dl>
            <h2 id="children-title">\(context.t("admin.departments.children.title"))</h2>
            \(children)
            <form method="post" action="/admin/departments/\(department.id.description)/add" class="form" novalidate>
            \(Components.csrf(context))
            <div class="\(form.fieldClass("child_name"))">
            <label for="child_name">\(context.t("admin.departments.add_child.label"))</label>
            <p class="hint" id="child_name-hint">\(context.t("admin.departments.name.hint"))</p>
            \(form.message("child_name"))
            <input type="text" id="child_name" name="child_name" maxlength="200" value="\(model.values["child_name"] ?? "")"\(form.attributes("child_name", hint: "child_name-hint"))>
            </div>
            <button type="submit" class="button button-secondary">\(context.t("admin.departments.add_child.submit"))</button>
            </form>
            <form method="post" action="/admin/departments/\(department.id.description)/rename" class="form" novalidate>
            \(Components.csrf(context))
            <h2>\(context.t("admin.departments.rename.title"))</h2>
            <div class="\(form.fieldClass("name"))">
            <label for="name">\(context.t("admin.departments.name.label"))</label>
            <p class="hint" id="name-hint">\(context.t("admin.departments.name.hint"))</p>
            \(form.message("name"))
            <input type="text" id="name" name="name" maxlength="200" value="\(model.values["name"] ?? department.name)"\(form.attributes("name", hint: "name-hint"))>
            </div>
            <button type="submit" class="button button-secondary">\(context.t("admin.departments.rename.submit"))</button>
            </form>
            <h2>\(context.t("admin.departments.move.title"))</h2>
            \(move)
            <h2>\(context.t("admin.departments.delete.title"))</h2>
            \(delete)
            """
        let trail: [(String, String?)] = model.trail.dropLast().map { ($0.name, "/admin/departments/\($0.id)") }
            + [(department.name, nil)]
        return AdminFrame.page(title: department.name, section: .departments, trail: trail, context: context,
                               stylesheet: stylesheet, body: body)
    }
}
