import Testing
@testable import TrainingServer

@Suite struct RouterTests {
    /// A router whose handlers answer with their own name, so a match can be told apart.
    private func router(_ routes: [(HTTPMethod, String)]) -> Router {
        var router = Router()
        for (method, pattern) in routes {
            router.add(method, pattern) { _ in Response.text("\(method.rawValue) \(pattern)") }
        }
        return router
    }

    private func answer(_ match: Router.Match) throws -> String {
        guard case .found(_, _, let handler) = match else { return "no match" }
        return try handler(Request(method: .get, target: "/")).bodyText
    }

    @Test func staticRoutesMatchExactlyAndIgnoreATrailingSlash() throws {
        let router = router([(.get, "/"), (.get, "/login"), (.post, "/login"), (.get, "/a/b/")])
        #expect(try answer(router.match(method: .get, path: "/")) == "GET /")
        #expect(try answer(router.match(method: .get, path: "/login")) == "GET /login")
        #expect(try answer(router.match(method: .get, path: "/login/")) == "GET /login")
        #expect(try answer(router.match(method: .post, path: "/login")) == "POST /login")
        #expect(try answer(router.match(method: .get, path: "/a/b")) == "GET /a/b/")
        guard case .notFound = router.match(method: .get, path: "/Login") else { Issue.record("paths are case-sensitive"); return }
        guard case .notFound = router.match(method: .get, path: "/login/x") else { Issue.record("no prefix match"); return }
    }

    @Test func parametersBindOneNonEmptySegment() throws {
        let router = router([(.get, "/courses/:course/modules/:module")])
        guard case .found(let route, let parameters, _) = router.match(method: .get, path: "/courses/info-security/modules/03") else {
            Issue.record("expected a match")
            return
        }
        #expect(route == "/courses/:course/modules/:module")
        #expect(parameters == ["course": "info-security", "module": "03"])
        guard case .found(_, let trailing, _) = router.match(method: .get, path: "/courses/x/modules/y/") else {
            Issue.record("a trailing slash still matches")
            return
        }
        #expect(trailing == ["course": "x", "module": "y"])
        for path in ["/courses/x/modules", "/courses/x/modules/y/z", "/courses//modules/y", "/courses/x/lessons/y"] {
            guard case .notFound = router.match(method: .get, path: path) else {
                Issue.record("\(path) must not match")
                continue
            }
        }
    }

    @Test func restTakesEverythingAfterItsPositionButNotNothing() throws {
        let router = router([(.get, "/files/*path")])
        guard case .found(_, let parameters, _) = router.match(method: .get, path: "/files/a/b/c.txt") else {
            Issue.record("expected a match")
            return
        }
        #expect(parameters == ["path": "a/b/c.txt"])
        guard case .found(_, let one, _) = router.match(method: .get, path: "/files/c.txt") else {
            Issue.record("expected a match")
            return
        }
        #expect(one == ["path": "c.txt"])
        guard case .notFound = router.match(method: .get, path: "/files") else {
            Issue.record("the rest needs at least one segment")
            return
        }
    }

    @Test func theFirstRegisteredDynamicRouteWins() throws {
        let router = router([(.get, "/u/:id"), (.get, "/u/*rest")])
        #expect(try answer(router.match(method: .get, path: "/u/7")) == "GET /u/:id")
        #expect(try answer(router.match(method: .get, path: "/u/7/x")) == "GET /u/*rest")
    }

    @Test func headUsesTheGetRoute() throws {
        let router = router([(.get, "/page"), (.get, "/item/:id")])
        #expect(try answer(router.match(method: .head, path: "/page")) == "GET /page")
        #expect(try answer(router.match(method: .head, path: "/item/1")) == "GET /item/:id")
    }

    @Test func aKnownPathWithAnotherMethodIsMethodNotAllowedWithAllowIncludingHead() {
        let router = router([(.get, "/login"), (.post, "/login"), (.delete, "/item/:id"), (.get, "/item/:id"),
                             (.post, "/only-post")])
        guard case .methodNotAllowed(let allowed) = router.match(method: .put, path: "/login") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.get, .head, .post])
        guard case .methodNotAllowed(let dynamic) = router.match(method: .post, path: "/item/9") else {
            Issue.record("expected 405")
            return
        }
        #expect(dynamic == [.get, .head, .delete])
        guard case .methodNotAllowed(let postOnly) = router.match(method: .get, path: "/only-post/") else {
            Issue.record("expected 405")
            return
        }
        #expect(postOnly == [.post])
        guard case .methodNotAllowed(let headOfPostOnly) = router.match(method: .head, path: "/only-post") else {
            Issue.record("expected 405")
            return
        }
        #expect(headOfPostOnly == [.post])
    }

    @Test func unknownPathsAreNotFound() {
        let router = router([(.get, "/a")])
        guard case .notFound = router.match(method: .get, path: "/b") else {
            Issue.record("expected 404")
            return
        }
        guard case .notFound = Router().match(method: .get, path: "/") else {
            Issue.record("an empty router finds nothing")
            return
        }
    }

    @Test func routesStartingWithAParameterAreTriedInRegistrationOrder() throws {
        let router = router([(.get, "/:section/special"), (.get, "/docs/:page"), (.get, "/:section/:page"),
                             (.get, "/assets/:name")])
        #expect(try answer(router.match(method: .get, path: "/docs/special")) == "GET /:section/special")
        #expect(try answer(router.match(method: .get, path: "/docs/intro")) == "GET /docs/:page")
        #expect(try answer(router.match(method: .get, path: "/blog/intro")) == "GET /:section/:page")
        #expect(try answer(router.match(method: .get, path: "/assets/a.css")) == "GET /:section/:page")
        #expect(try answer(router.match(method: .get, path: "//assets//a.css/")) == "GET /:section/:page")
        guard case .notFound = router.match(method: .get, path: "/a/b/c") else { Issue.record("three segments"); return }
    }

    @Test func aRouteTakesTheDefaultBodyLimitUnlessItDeclaresItsOwn() {
        var router = Router()
        router.post("/login") { _ in Response.text("") }
        router.post("/attempts/:attempt/save", bodyLimit: 256 * 1024) { _ in Response.text("") }
        router.get("/attempts/:attempt") { _ in Response.text("") }
        #expect(Router.defaultBodyLimit == 64 * 1024)
        #expect(router.bodyLimit(method: .post, path: "/login") == Router.defaultBodyLimit)
        #expect(router.bodyLimit(method: .post, path: "/attempts/abc/save") == 256 * 1024)
        // The limit belongs to the method's route, not the path: a GET of the same path takes the default.
        #expect(router.bodyLimit(method: .get, path: "/attempts/abc") == Router.defaultBodyLimit)
        #expect(router.bodyLimit(method: .put, path: "/attempts/abc/save") == Router.defaultBodyLimit)
        #expect(router.bodyLimit(method: .post, path: "/no/such/route") == Router.defaultBodyLimit)
    }
}
