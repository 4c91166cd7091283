/// `/api/v1/me`: who the API client is.
struct AccountAPIController {
    let context: ControllerContext

    struct Me: Encodable {
        var login: String
        var name: String
        var department: String
        var roles: [String]
        var language: String?
    }

    func register(in router: inout Router) {
        router.get("/api/v1/me") { request in
            let user = try context.requireUser(request)
            let department = try context.departments.find(id: user.departmentID)
            return Response.json(Me(login: user.login, name: user.displayName, department: department?.displayPath ?? "",
                                    roles: user.roles.sorted().map(\.rawValue), language: user.language))
        }
    }
}
