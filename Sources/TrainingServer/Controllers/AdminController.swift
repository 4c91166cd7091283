/// The administration's front page: the sections an administrator works in, each with what it is for, and the
/// departments the administrator manages.
struct AdminController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/admin", home)
    }

    private func home(_ request: Request) throws -> Response {
        let scope = try context.adminScope(request)
        return Response.html(AdminHomePage.render(scope: scope, context: context.page(request),
                                                  stylesheet: context.stylesheet).rendered)
    }
}
