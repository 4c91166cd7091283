/// Handles one request. Thrown `HTTPError`s become their status; anything else becomes a 500.
public typealias Handler = @Sendable (Request) throws -> Response

/// Maps (method, path pattern) to handlers. Patterns are literal segments, `:name` parameters and a final
/// `*name` that takes the rest of the path. Static routes are found by dictionary lookup.
public struct Router: Sendable {
    private struct Route: Sendable {
        var method: HTTPMethod
        var pattern: String
        var segments: [Segment]
        var handler: Handler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    private var staticRoutes: [String: [HTTPMethod: Route]] = [:]
    private var dynamicRoutes: [Route] = []
    /// Indices into `dynamicRoutes`, in registration order, of the routes a path can match by its first segment:
    /// those starting with that literal and those starting with a parameter.
    private var dynamicByFirstSegment: [Substring: [Int]] = [:]
    /// Indices of the dynamic routes that start with a parameter (they can match any first segment).
    private var dynamicAnyFirstSegment: [Int] = []
    /// Patterns answered without sessions, language or CSRF (health checks, metrics, static files).
    private var lightweightPatterns: Set<String> = []
    /// Body limits of the routes that declare their own, by method and pattern (see `bodyLimit(method:path:)`).
    private var bodyLimits: [String: Int] = [:]

    /// The largest request body a route takes unless it declares another: every form and JSON request of the
    /// platform is far smaller. The server's own limit (`serve --max-body-bytes`) caps every route's.
    public static let defaultBodyLimit = 64 * 1024

    public init() {}

    /// Adds a route. `bodyLimit` (bytes) is the largest request body it takes, `defaultBodyLimit` when nil; a
    /// larger body is answered 413 before it is read.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, bodyLimit: Int? = nil,
                             _ handler: @escaping Handler) {
        if let bodyLimit { bodyLimits["\(method.rawValue) \(pattern)"] = bodyLimit }
        let segments: [Segment] = pattern.split(separator: "/").map { part in
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            if part.hasPrefix("*") { return .rest(String(part.dropFirst())) }
            return .literal(String(part))
        }
        let route = Route(method: method, pattern: pattern, segments: segments, handler: handler)
        if segments.allSatisfy({ if case .literal = $0 { return true } else { return false } }) {
            staticRoutes[normalized(pattern), default: [:]][method] = route
        } else {
            let index = dynamicRoutes.count
            dynamicRoutes.append(route)
            if case .literal(let first)? = segments.first {
                dynamicByFirstSegment[Substring(first), default: dynamicAnyFirstSegment].append(index)
            } else {
                dynamicAnyFirstSegment.append(index)
                for key in dynamicByFirstSegment.keys { dynamicByFirstSegment[key]?.append(index) }
            }
        }
    }

    public mutating func get(_ pattern: String, _ handler: @escaping Handler) { add(.get, pattern, handler) }

    /// A GET route that needs no session, language or CSRF handling: the application answers it on a short path
    /// (security headers, metrics and the log line still apply).
    public mutating func lightweight(_ pattern: String, _ handler: @escaping Handler) {
        add(.get, pattern, handler)
        lightweightPatterns.insert(pattern)
    }

    /// Whether `pattern` was registered with `lightweight(_:_:)`.
    public func isLightweight(_ pattern: String) -> Bool { lightweightPatterns.contains(pattern) }
    public mutating func post(_ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) {
        add(.post, pattern, bodyLimit: bodyLimit, handler)
    }

    /// The largest body a request for `method` and `path` may have: its route's limit, `defaultBodyLimit` for a
    /// route without one and for a request no route takes (it is answered 404 or 405 without its body).
    public func bodyLimit(method: HTTPMethod, path: String) -> Int {
        guard case .found(let route, _, _) = match(method: method, path: path) else { return Self.defaultBodyLimit }
        let lookup = method == .head ? HTTPMethod.get : method
        return bodyLimits["\(lookup.rawValue) \(route)"] ?? Self.defaultBodyLimit
    }

    /// The outcome of looking a request up.
    public enum Match: Sendable {
        case found(route: String, parameters: [String: String], handler: Handler)
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    /// Finds the handler for `method` and `path`. HEAD uses the GET route.
    public func match(method: HTTPMethod, path: String) -> Match {
        let lookup = method == .head ? .get : method
        let key = normalized(path)
        if let byMethod = staticRoutes[key] {
            if let route = byMethod[lookup] { return .found(route: route.pattern, parameters: [:], handler: route.handler) }
            return .methodNotAllowed(allowed: allowedMethods(byMethod.keys))
        }
        let parts = Self.segments(of: path)
        var allowed: [HTTPMethod] = []
        let candidates = parts.first.flatMap { dynamicByFirstSegment[$0] } ?? dynamicAnyFirstSegment
        for index in candidates {
            let route = dynamicRoutes[index]
            guard let parameters = bind(route.segments, to: parts) else { continue }
            if route.method == lookup { return .found(route: route.pattern, parameters: parameters, handler: route.handler) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowedMethods(allowed))
    }

    /// The methods `path` has routes for, HEAD with GET (the `Allow` of a 405 for a method no route knows).
    public func allowedMethods(path: String) -> [HTTPMethod] {
        allowedMethods(HTTPMethod.allCases.filter { method in
            if case .found = match(method: method, path: path) { return true }
            return false
        })
    }

    private func allowedMethods(_ methods: some Sequence<HTTPMethod>) -> [HTTPMethod] {
        var set = Set(methods)
        if set.contains(.get) { set.insert(.head) }
        return HTTPMethod.allCases.filter(set.contains)
    }

    /// The non-empty segments of `path`, split byte-wise ("/" is ASCII, so every piece is whole characters).
    private static func segments(of path: String) -> [Substring] {
        var parts: [Substring] = []
        var start = path.utf8.startIndex
        var index = start
        while index < path.utf8.endIndex {
            if path.utf8[index] == UInt8(ascii: "/") {
                if start < index { parts.append(path[start..<index]) }
                start = path.utf8.index(after: index)
            }
            index = path.utf8.index(after: index)
        }
        if start < path.utf8.endIndex { parts.append(path[start...]) }
        return parts
    }

    private func bind(_ segments: [Segment], to parts: [Substring]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .rest(let name):
                guard index < parts.count else { return nil }
                parameters[name] = parts[index...].joined(separator: "/")
                return parameters
            case .literal(let text):
                guard index < parts.count, parts[index] == text else { return nil }
            case .parameter(let name):
                guard index < parts.count, !parts[index].isEmpty else { return nil }
                parameters[name] = String(parts[index])
            }
        }
        return segments.count == parts.count ? parameters : nil
    }

    private func normalized(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
