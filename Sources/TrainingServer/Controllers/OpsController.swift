import Foundation

/// Operations endpoints: `/healthz` (checks the database), `/metrics` (Prometheus text) and static assets.
struct OpsController {
    let context: ControllerContext

    static let healthy = Array(#"{"database":"ok","status":"ok","version":"\#(ProductVersion.current)"}"#.utf8)
    static let unhealthy = Array(#"{"database":"failing","status":"unavailable","version":"\#(ProductVersion.current)"}"#.utf8)

    func register(in router: inout Router) {
        // The two possible answers are built once; the database is asked on every request.
        let security = SecurityHeadersMiddleware(secure: context.configuration.secure)
        let json = HTTPHeaders([("Content-Type", "application/json; charset=utf-8")])
        let healthy = security.prepare(Response(status: .ok, headers: json, body: .bytes(Self.healthy)))
        let unhealthy = security.prepare(Response(status: .serviceUnavailable, headers: json, body: .bytes(Self.unhealthy)))
        router.lightweight("/healthz") { _ in
            Response(prepared: context.store.isHealthy() ? healthy : unhealthy)
        }
        router.lightweight("/metrics") { _ in
            var response = Response.text(context.metrics.render(databaseWaitSeconds: context.store.totalWaitSeconds))
            response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            return response
        }
        router.lightweight("/assets/:name") { request in
            context.assets.response(for: try request.parameter("name"), request: request)
        }
    }
}
