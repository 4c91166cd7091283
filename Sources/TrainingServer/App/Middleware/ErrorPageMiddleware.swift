/// Turns errors into answers in the person's language: an HTML page for browsers, JSON for `/api/`,
/// a redirect for `303` errors (sign-in required).
struct ErrorPageMiddleware: Middleware {
    let context: ControllerContext

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        do {
            return try next(request)
        } catch let error as HTTPError {
            var response: Response
            if error.status == .seeOther {
                response = Response(status: .seeOther)
            } else if request.path.hasPrefix("/api/") {
                response = Response.json(["error": error.message, "request": request.id], status: error.status)
            } else {
                let page = ErrorPage.render(status: error.status.rawValue, requestID: request.id,
                                            context: context.page(request), stylesheet: context.stylesheet)
                response = Response.html(page.rendered, status: error.status)
            }
            for (name, value) in error.headers { response.headers.add(name, value) }
            return response
        }
    }
}
