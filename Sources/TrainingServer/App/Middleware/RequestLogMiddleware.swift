import Foundation
import Logging

/// The outermost step: times the request, turns any error that escaped into a response, writes one log line
/// (method, route, status, duration — never the query, cookies or body) and records metrics.
struct RequestLogMiddleware: Middleware {
    let logger: Logger
    let strings: Localization
    let log: RequestLog

    init(logger: Logger, metrics: Metrics, strings: Localization) {
        self.logger = logger
        self.strings = strings
        self.log = RequestLog(logger: logger, metrics: metrics)
    }

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        let start = ContinuousClock.now
        let route = request.route
        var response: Response
        do {
            response = try next(request)
        } catch let error as HTTPError {
            response = Self.error(error.message, status: error.status, target: request.path, id: request.id)
            for (name, value) in error.headers { response.headers.add(name, value) }
        } catch let error as any StorageFailure where error.isTemporary {
            logger.error("database unavailable: \(error.code) request=\(request.id)")
            response = Self.error("Service temporarily unavailable", status: .serviceUnavailable, target: request.path,
                                  id: request.id)
            response.headers.add("Retry-After", "5")
        } catch {
            logger.error("request failed: \(String(reflecting: error)) request=\(request.id)")
            response = Self.error("Internal Server Error", status: .internalServerError, target: request.path, id: request.id)
        }
        log.finish(method: request.method.rawValue, id: request.id, route: route, status: response.status.rawValue,
                   since: start)
        return response
    }

    /// An error answer without a page around it: JSON (`{"error": ..., "request": ...}`, as docs/openapi.yaml
    /// describes) under `/api/`, plain text with the request id elsewhere.
    static func error(_ message: String, status: HTTPStatus, target: String, id: String) -> Response {
        if target.hasPrefix("/api/") {
            return Response.json(APIModels.Problem(error: message, request: id), status: status)
        }
        return Response.text("\(message) (\(id))\n", status: status)
    }
}

/// Where every request's line and metrics go, whichever way it was answered: one line of method, route pattern,
/// status, duration and request id (`GET /assets/:name 200 0.04ms id=abc-1`), and a count and a latency in `Metrics`.
/// A class, so that every request reaches it through one reference.
final class RequestLog: Sendable {
    let logger: Logger
    let metrics: Metrics
    /// The logger's handler, when it is a `LineLogHandler`: the line is then written straight into it, with the
    /// same result as through `logger` but without building the message as a string first.
    private let lines: LineLogHandler.Writer?

    init(logger: Logger, metrics: Metrics) {
        self.logger = logger
        self.metrics = metrics
        self.lines = (logger.handler as? LineLogHandler).map(LineLogHandler.Writer.init)
    }

    /// Records metrics and writes the request's log line.
    /// `method` is a method's name (`HTTPMethod.rawValue`, or `OTHER` for one the platform does not know).
    func finish<ID: LogText>(method: String, id: ID, route: String, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(method: method, route: route, status: status, seconds: seconds)
        if lines != nil {
            // The source swift-log would name: the module this file belongs to. (Called through the optional rather
            // than bound to a name, so that the writer every thread uses is not retained for the call.)
            lines?.log(level: .info, source: "TrainingServer", Line(method: method, route: route, status: status,
                                                                    seconds: seconds, id: id))
        } else {
            logger.info("\(Line(method: method, route: route, status: status, seconds: seconds, id: id).text)")
        }
    }

    /// A request's log message, kept as its pieces; numbers are written straight into the line.
    struct Line<ID: LogText>: LineLogHandler.Message {
        let method: String
        let route: String
        let status: Int
        /// The duration in hundredths of a millisecond, written as milliseconds with two decimals.
        let hundredths: Int
        let id: ID

        init(method: String, route: String, status: Int, seconds: Double, id: ID) {
            self.method = method
            self.route = route
            self.status = status
            hundredths = seconds.isFinite ? max(0, Int(min((seconds * 100_000).rounded(), 1e15))) : 0
            self.id = id
        }

        /// The message's length in UTF-8 bytes.
        var count: Int {
            method.utf8.count + route.utf8.count + LineLogHandler.LineBuffer.decimalLength(status)
                + LineLogHandler.LineBuffer.decimalLength(hundredths / 100) + 3 + id.utf8Count + 9
        }

        /// The message: `GET /assets/:name 200 0.04ms id=abc-1`, as `write(into:)` writes it.
        var text: String {
            String(unsafeUninitializedCapacity: count) { buffer in
                var line = LineLogHandler.LineBuffer(buffer)
                write(into: &line)
                return line.count
            }
        }

        func write(into line: inout LineLogHandler.LineBuffer) {
            line.append(method)
            line.append(" ")
            line.append(route)
            line.append(" ")
            line.append(decimal: status)
            line.append(" ")
            line.append(decimal: hundredths / 100)
            line.append(hundredths % 100 < 10 ? ".0" : ".")
            line.append(decimal: hundredths % 100)
            line.append("ms id=")
            id.write(into: &line)
        }
    }
}

/// A piece of a log line that knows its length and writes itself: a string, or a request id that is a number until
/// it is written.
protocol LogText {
    var utf8Count: Int { get }
    func write(into line: inout LineLogHandler.LineBuffer)
}

extension String: LogText {
    var utf8Count: Int { utf8.count }
    func write(into line: inout LineLogHandler.LineBuffer) { line.append(self) }
}

extension RequestID: LogText {
    func write(into line: inout LineLogHandler.LineBuffer) { withText { line.append($0) } }
}
