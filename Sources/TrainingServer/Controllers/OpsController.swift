import Foundation

/// Operations endpoints: `/healthz` (checks the database), `/metrics` (Prometheus text) and static assets.
struct OpsController {
    let context: ControllerContext
    /// The prepared answers of `/healthz` and the static files, and how to pick one.
    let answers: Answers

    static let healthyBody = Array(#"{"database":"ok","status":"ok","version":"\#(ProductVersion.current)"}"#.utf8)
    static let unhealthyBody = Array(#"{"database":"failing","status":"unavailable","version":"\#(ProductVersion.current)"}"#.utf8)

    init(context: ControllerContext) {
        self.context = context
        let security = SecurityHeadersMiddleware(secure: context.configuration.secure)
        let json = HTTPHeaders([("Content-Type", "application/json; charset=utf-8")])
        answers = Answers(store: context.store, assets: context.assets,
                          healthy: security.prepare(Response(status: .ok, headers: json, body: .bytes(Self.healthyBody))),
                          unhealthy: security.prepare(Response(status: .serviceUnavailable, headers: json,
                                                               body: .bytes(Self.unhealthyBody))))
    }

    func register(in router: inout Router) {
        let answers = self.answers
        router.lightweight("/healthz") { _ in Response(prepared: answers.health()) }
        router.lightweight("/metrics") { _ in
            var response = Response.text(context.metrics.render(databaseWaitSeconds: context.store.totalWaitSeconds))
            response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            return response
        }
        router.lightweight("/assets/:name") { request in
            context.assets.response(for: try request.parameter("name"), request: request)
        }
        for root in StaticAssets.rootFiles {
            router.lightweight(root.path) { request in context.assets.response(for: root.name, request: request) }
        }
    }

    /// What `/healthz` and the static files answer, prepared once (`/healthz`'s two possible answers, the files'
    /// forms). A class, so that the server's quick path reaches it through one reference on every request.
    final class Answers: Sendable {
        let store: Store
        let assets: StaticAssets
        let healthy: PreparedResponse
        let unhealthy: PreparedResponse

        init(store: Store, assets: StaticAssets, healthy: PreparedResponse, unhealthy: PreparedResponse) {
            self.store = store
            self.assets = assets
            self.healthy = healthy
            self.unhealthy = unhealthy
        }

        /// `/healthz`'s answer: the database is asked every time.
        func health() -> PreparedResponse {
            store.isHealthy() ? healthy : unhealthy
        }

        /// The server's quick path (`HTTPServer.QuickResponder`): calls `body` with the answer to `/healthz` or to a
        /// known static file and the route it belongs to, exactly as the routes above would give them; nil for
        /// anything else. The answer is lent to `body`, not returned (see `StaticAssets.Ready.withAnswer`).
        func withQuickAnswer<R>(_ request: QuickRequest, _ body: (_ route: String, PreparedResponse) -> R) -> R? {
            if request.path == "/healthz" {
                return store.isHealthy() ? body("/healthz", healthy) : body("/healthz", unhealthy)
            }
            return request.withHeader("Accept-Encoding") { acceptEncoding in
                request.withHeader("If-None-Match") { ifNoneMatch in
                    assets.withPreparedAnswer(path: request.path, acceptEncoding: acceptEncoding, ifNoneMatch: ifNoneMatch) {
                        body(request.path.hasPrefix("/assets/") ? "/assets/:name" : String(request.path), $0)
                    }
                }
            }
        }
    }
}
