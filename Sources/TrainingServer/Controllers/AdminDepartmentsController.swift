import Foundation

/// The department tree in the browser: the tree within the administrator's scope with head counts, adding a
/// department, renaming, moving with the subtree and deleting empty ones. Departments outside the scope are
/// "not found"; every change goes through `DepartmentAdministration` (as the command line does) and is audited.
struct AdminDepartmentsController {
    let context: ControllerContext

    private var service: DepartmentAdministration { DepartmentAdministration(storage: context.storage) }

    func register(in router: inout Router) {
        router.get("/admin/departments", index)
        router.post("/admin/departments", add)
        router.get("/admin/departments/:department", show)
        router.post("/admin/departments/:department/add", addChild)
        router.post("/admin/departments/:department/rename", rename)
        router.post("/admin/departments/:department/move", move)
        router.post("/admin/departments/:department/delete", delete)
    }

    private func index(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let notice = request.query["done"] == "deleted" ? context.page(request).t("admin.departments.done.deleted") : nil
        return try renderIndex(request, scope: scope, notice: notice, errors: [], values: [:], status: .ok)
    }

    private func add(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let form = try request.form()
        let page = context.page(request)
        let name = form["name"] ?? ""
        var errors: [(field: String, message: String)] = []
        let parent = try? scope.department(form["parent"])
        if parent == nil { errors.append(("parent", page.t("admin.departments.error.parent"))) }
        if !Department.isValidName(name.trimmingCharacters(in: .whitespaces)) {
            errors.append(("name", page.t("admin.departments.error.invalid_name")))
        }
        let values = ["parent": form["parent"] ?? "", "name": name]
        guard errors.isEmpty, let parent else {
            return try renderIndex(request, scope: scope, notice: nil, errors: errors, values: values, status: .unprocessableContent)
        }
        do {
            let created = try service.add(name, under: parent, scope: scope, by: AuditActor(scope.user))
            return Response.redirect(to: "/admin/departments/\(created.id)?done=added")
        } catch {
            return try renderIndex(request, scope: scope, notice: nil, errors: [("name", message(error, page))], values: values,
                                   status: .unprocessableContent)
        }
    }

    /// Adds a sub-department from the department's own page (errors are shown there).
    private func addChild(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let department = try found(request, scope)
        let name = try request.form()["child_name"] ?? ""
        do {
            let created = try service.add(name, under: department, scope: scope, by: AuditActor(scope.user))
            return Response.redirect(to: "/admin/departments/\(created.id)?done=added")
        } catch {
            return try renderDepartment(request, department, scope: scope, notice: nil,
                                        errors: [("child_name", message(error, context.page(request)))],
                                        values: ["child_name": name], status: .unprocessableContent)
        }
    }

    private func show(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let department = try found(request, scope)
        let notice: String? = switch request.query["done"] {
        case "added", "renamed", "moved": context.page(request).t("admin.departments.done.\(request.query["done"] ?? "")")
        default: nil
        }
        return try renderDepartment(request, department, scope: scope, notice: notice, errors: [], values: [:], status: .ok)
    }

    private func rename(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let department = try found(request, scope)
        let name = try request.form()["name"] ?? ""
        do {
            _ = try service.rename(department, to: name, scope: scope, by: AuditActor(scope.user))
            return Response.redirect(to: "/admin/departments/\(department.id)?done=renamed")
        } catch {
            return try renderDepartment(request, department, scope: scope, notice: nil,
                                        errors: [("name", message(error, context.page(request)))], values: ["name": name],
                                        status: .unprocessableContent)
        }
    }

    private func move(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let department = try found(request, scope)
        let form = try request.form()
        let raw = form["parent"]
        let page = context.page(request)
        // A large tree offers a path field instead of a list: the names from the top, separated by "/".
        let path = Department.names(inPath: form["parent_path"] ?? "")
        let named = path.isEmpty ? nil : scope.visibleDepartments.first { $0.namePath == path }
        guard let parent = named ?? (try? scope.department(raw)) else {
            return try renderDepartment(request, department, scope: scope, notice: nil,
                                        errors: [("parent", page.t("admin.departments.error.parent"))], values: [:],
                                        status: .unprocessableContent)
        }
        do {
            _ = try service.move(department, under: parent, scope: scope, by: AuditActor(scope.user))
            return Response.redirect(to: "/admin/departments/\(department.id)?done=moved")
        } catch {
            return try renderDepartment(request, department, scope: scope, notice: nil, errors: [("parent", message(error, page))],
                                        values: ["parent": raw ?? "", "parent_path": form["parent_path"] ?? ""],
                                        status: .unprocessableContent)
        }
    }

    private func delete(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        let department = try found(request, scope)
        do {
            try service.delete(department, scope: scope, by: AuditActor(scope.user))
            return Response.redirect(to: "/admin/departments?done=deleted")
        } catch {
            return try renderDepartment(request, department, scope: scope, notice: nil,
                                        errors: [("delete", message(error, context.page(request)))], values: [:],
                                        status: .unprocessableContent)
        }
    }

    /// The department the path names, within the scope (404 otherwise).
    private func found(_ request: Request, _ scope: AdminScope) throws -> Department {
        let raw = try request.parameter("department")
        guard let department = try context.adminScoped({ try scope.department(raw) }) else { throw HTTPError.notFound }
        return department
    }

    /// The number of sub-departments of each department that has any.
    static func childCounts(_ nodes: [DepartmentAdministration.Node]) -> [DepartmentID: Int] {
        nodes.reduce(into: [:]) { counts, node in
            if let parent = node.department.parentID { counts[parent, default: 0] += 1 }
        }
    }

    private func message(_ failure: DepartmentChangeFailure, _ page: PageContext) -> String {
        switch failure {
        case .notFound: page.t("admin.departments.error.parent")
        case .invalidName: page.t("admin.departments.error.invalid_name")
        case .nameTaken: page.t("admin.departments.error.name_taken")
        case .intoOwnSubtree: page.t("admin.departments.error.into_own_subtree")
        case .alreadyThere: page.t("admin.departments.error.already_there")
        case .scopeRoot: page.t("admin.departments.move.scope_root")
        case .notEmpty(let people): page.t("admin.departments.delete.blocked_people", ["count": String(people)])
        case .rolesGranted(let grants): page.t("admin.departments.delete.blocked_roles", ["count": String(grants)])
        case .storage: page.t("admin.departments.error.storage")
        }
    }

    private func renderIndex(_ request: Request, scope: AdminScope, notice: String?, errors: [(field: String, message: String)],
                             values: [String: String], status: HTTPStatus) throws -> Response {
        let nodes = try service.tree(scope: scope)
        // The tops of the scope and their children; deeper departments are on their parents' pages.
        let shown = Array(nodes.filter { $0.depth <= 1 }.prefix(AdminDepartmentsPage.listed))
        let model = AdminDepartmentsPage.Model(nodes: shown, subDepartments: Self.childCounts(nodes),
                                               notShown: nodes.count - shown.count, notice: notice, errors: errors,
                                               values: values)
        return Response.html(AdminDepartmentsPage.render(model, context: context.page(request),
                                                         stylesheet: context.stylesheet).rendered, status: status)
    }

    private func renderDepartment(_ request: Request, _ department: Department, scope: AdminScope, notice: String?,
                                  errors: [(field: String, message: String)], values: [String: String],
                                  status: HTTPStatus) throws -> Response {
        // Read again: a failed change leaves it as it is now, a successful one shows its new place.
        let current = try service.find(id: department.id) ?? department
        let nodes = try service.tree(scope: scope)
        guard let node = nodes.first(where: { $0.department.id == current.id }) else { throw HTTPError.notFound }
        let children = nodes.filter { $0.department.parentID == current.id }
        let model = AdminDepartmentPage.Model(
            node: node, trail: scope.trail(to: current),
            children: Array(children.prefix(AdminDepartmentsPage.listed)), childrenNotShown: max(0, children.count - AdminDepartmentsPage.listed),
            subDepartments: Self.childCounts(nodes),
            moveTargets: try service.moveTargets(for: current, scope: scope),
            isScopeRoot: scope.roots.contains { $0.id == current.id },
            accounts: try service.accounts(inSubtreeOf: current),
            subtreeSize: nodes.filter { current.contains($0.department) }.count,
            notice: notice, errors: errors, values: values)
        return Response.html(AdminDepartmentPage.render(model, context: context.page(request),
                                                        stylesheet: context.stylesheet).rendered, status: status)
    }
}
