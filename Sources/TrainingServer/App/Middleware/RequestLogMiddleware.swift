import Foundation
import GRDB
import Logging

/// The outermost step: times the request, turns any error that escaped into a response, writes one log line
/// (method, route, status, duration — never the query, cookies or body) and records metrics.
struct RequestLogMiddleware: Middleware {
    let logger: Logger
    let metrics: Metrics
    let strings: Localization

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        let start = ContinuousClock.now
        let route = request.route
        var response: Response
        do {
            response = try next(request)
        } catch let error as HTTPError {
            response = Response.text(error.message + "\n", status: error.status)
            for (name, value) in error.headers { response.headers.add(name, value) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_FULL
                    || error.resultCode == .SQLITE_IOERR || error.resultCode == .SQLITE_LOCKED {
            logger.error("database unavailable: \(error.resultCode) request=\(request.id)")
            response = Response.text("Service temporarily unavailable (\(request.id))\n", status: .serviceUnavailable)
            response.headers.add("Retry-After", "5")
        } catch {
            logger.error("request failed: \(String(reflecting: error)) request=\(request.id)")
            response = Response.text("Internal Server Error (\(request.id))\n", status: .internalServerError)
        }
        Self.finish(request, route: route, status: response.status.rawValue, since: start, logger: logger, metrics: metrics)
        return response
    }

    /// Records metrics and writes the request's log line.
    static func finish(_ request: Request, route: String, status: Int, since start: ContinuousClock.Instant, logger: Logger,
                       metrics: Metrics) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(method: request.method.rawValue, route: route, status: status, seconds: seconds)
        logger.info("\(request.method.rawValue) \(route) \(status) \(milliseconds(seconds))ms id=\(request.id)")
    }

    /// Milliseconds with two decimals, without going through NSString.
    static func milliseconds(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
