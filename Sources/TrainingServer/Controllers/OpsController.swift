import Foundation

/// Operations endpoints: `/healthz` (checks the database), `/metrics` (Prometheus text) and static assets.
struct OpsController {
    let context: ControllerContext

    func register(in router: inout Router) {
        router.get("/healthz") { _ in
            let healthy = context.store.isHealthy()
            return Response.json(["status": healthy ? "ok" : "unavailable", "database": healthy ? "ok" : "failing",
                                  "version": ProductVersion.current],
                                 status: healthy ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _ in
            var response = Response.text(context.metrics.render(databaseWaitSeconds: context.store.totalWaitSeconds))
            response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            return response
        }
        router.get("/assets/:name") { request in
            context.assets.response(for: try request.parameter("name"), request: request)
        }
    }
}
