/// The signed-in start page.
struct HomeController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/") { request in
            let user = try context.requireUser(request)
            let department = try context.departments.find(id: user.departmentID)
            let html = HomePage.render(context: context.page(request), stylesheet: context.stylesheet, user: user,
                                       department: department)
            return Response.html(html.rendered)
        }
    }
}
