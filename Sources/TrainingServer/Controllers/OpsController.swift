import Foundation

/// Operations endpoints: `/healthz` (checks the database), `/metrics` (Prometheus text; loopback clients only, or
/// a bearer token when one is configured) and static assets.
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
        answers = Answers(storage: context.storage, assets: context.assets,
                          healthy: security.prepare(Response(status: .ok, headers: json, body: .bytes(Self.healthyBody))),
                          unhealthy: security.prepare(Response(status: .serviceUnavailable, headers: json,
                                                               body: .bytes(Self.unhealthyBody))))
    }

    func register(in router: inout Router) {
        let answers = self.answers
        router.lightweight("/healthz") { _ in Response(prepared: answers.health()) }
        router.lightweight("/metrics") { request in
            switch Self.metricsAccess(request, token: context.configuration.metricsToken) {
            case .allowed:
                var response = Response.text(context.metrics.render(databaseWaitSeconds: context.storage.waitSeconds))
                response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                return response
            case .unauthorized:
                var response = Response.text("A valid bearer token is required\n", status: .unauthorized)
                response.headers.set("WWW-Authenticate", #"Bearer realm="metrics""#)
                return response
            case .hidden:
                // `Application.respond` answers these as an unknown path before they get here.
                throw HTTPError.notFound
            }
        }
        router.lightweight("/assets/:name") { request in
            context.assets.response(for: try request.parameter("name"), request: request)
        }
        for root in StaticAssets.rootFiles {
            router.lightweight(root.path) { request in context.assets.response(for: root.name, request: request) }
        }
    }

    /// Who may read `/metrics`.
    enum MetricsAccess: Equatable {
        case allowed
        /// A token is configured and the request did not present it: 401.
        case unauthorized
        /// No token is configured and the client is not on this machine: answered like an unknown path (404).
        case hidden
    }

    /// With a token configured (`serve --metrics-token-file`), every client must send `Authorization: Bearer
    /// <token>`, loopback included; without one, only loopback clients (127.0.0.0/8, ::1) may read the metrics. The
    /// client is the request's `clientAddress`, so a request a trusted proxy forwarded for someone else is not loopback.
    static func metricsAccess(_ request: Request, token: String?) -> MetricsAccess {
        if let token {
            guard let header = request.headers["Authorization"], header.count > 7,
                  header.prefix(7).lowercased() == "bearer " else { return .unauthorized }
            let presented = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
            // Digests, so that the comparison takes the same time whatever the presented length.
            return Tokens.constantTimeEquals(Tokens.digest(presented), Tokens.digest(token)) ? .allowed : .unauthorized
        }
        return isLoopback(request.clientAddress) ? .allowed : .hidden
    }

    /// Whether `address` is a loopback address: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6.
    static func isLoopback(_ address: String) -> Bool {
        guard let bytes = IPAddress.bytes(of: address) else { return false }
        if bytes.count == 4 { return bytes[0] == 127 }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        return bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }

    /// What `/healthz` and the static files answer, prepared once (`/healthz`'s two possible answers, the files'
    /// forms). A class, so that the server's quick path reaches it through one reference on every request.
    final class Answers: Sendable {
        let storage: any StorageEngine
        let assets: StaticAssets
        let healthy: PreparedResponse
        let unhealthy: PreparedResponse

        init(storage: any StorageEngine, assets: StaticAssets, healthy: PreparedResponse, unhealthy: PreparedResponse) {
            self.storage = storage
            self.assets = assets
            self.healthy = healthy
            self.unhealthy = unhealthy
        }

        /// `/healthz`'s answer: the database is asked every time.
        func health() -> PreparedResponse {
            storage.isHealthy() ? healthy : unhealthy
        }

        /// The server's quick path (`HTTPServer.QuickResponder`): calls `body` with the answer to `/healthz` or to a
        /// known static file and the route it belongs to, exactly as the routes above would give them; nil for
        /// anything else. The answer is lent to `body`, not returned (see `StaticAssets.Ready.withAnswer`).
        func withQuickAnswer<R>(_ request: QuickRequest, _ body: (_ route: String, PreparedResponse) -> R) -> R? {
            if request.path == "/healthz" {
                return storage.isHealthy() ? body("/healthz", healthy) : body("/healthz", unhealthy)
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
