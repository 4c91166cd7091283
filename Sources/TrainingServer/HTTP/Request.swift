import Foundation

/// A request as the application sees it: decoded, validated, with the body fully received.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The percent-decoded path, always starting with "/".
    public var path: String
    /// The request target exactly as the client sent it.
    public var target: String
    public var query: Parameters
    public var headers: HTTPHeaders
    public var body: [UInt8] {
        didSet { keptForm = nil }
    }
    /// The peer's IP address as text.
    public var clientAddress: String
    /// Whether the connection used TLS.
    public var isSecure: Bool
    /// A short id that appears in logs and error pages, to correlate a report with a log line.
    public var id: String
    /// Filled by the router: the matched route pattern (for logs and metrics) and its parameters.
    public var route: String = "unmatched"
    public var parameters: [String: String] = [:]
    /// Filled by middleware: who is asking, in which language, with which CSRF token.
    public var context = RequestContext()

    public init(method: HTTPMethod, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                clientAddress: String = "127.0.0.1", isSecure: Bool = false, id: String = "-") throws(HTTPError) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.isSecure = isSecure
        self.id = id
        let pathPart: Substring
        let queryPart: Substring
        // Searched byte-wise: "?" is ASCII, so no character boundaries need working out.
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            pathPart = target[..<mark]
            queryPart = target[target.utf8.index(after: mark)...]
        } else {
            pathPart = Substring(target)
            queryPart = ""
        }
        guard pathPart.utf8.first == UInt8(ascii: "/") else { throw HTTPError.badRequest("The request target must start with /") }
        self.cookies = Self.parseCookies(headers)
        do throws(PercentDecoding.Failure) {
            self.path = try PercentDecoding.decode(pathPart, plusAsSpace: false)
            self.query = try Parameters.parseURLEncoded(queryPart)
        } catch {
            // Say what was refused: NUL is valid UTF-8, but no path or parameter may contain it.
            switch error {
            case .nulByte: throw HTTPError.badRequest("The URL contains a NUL character (%00), which is not accepted")
            case .badEscape: throw HTTPError.badRequest("The URL has a % that does not start a two-digit hexadecimal escape")
            case .invalidUTF8: throw HTTPError.badRequest("The URL's percent-escapes do not decode to valid UTF-8")
            }
        }
    }

    /// Cookies sent by the client (parsed once, when the request is made). A name sent twice keeps its first value.
    public private(set) var cookies: [String: String] = [:]

    /// Read on the header's bytes: `;` separates pairs, spaces and tabs around a pair are dropped, the first `=`
    /// ends the name, and a value in double quotes loses them.
    static func parseCookies(_ headers: HTTPHeaders) -> [String: String] {
        var result: [String: String] = [:]
        for field in headers where HTTPHeaders.same(field.name, "Cookie") {
            let header = field.value.utf8
            var pairStart = header.startIndex
            while pairStart < header.endIndex {
                let pairEnd = header[pairStart...].firstIndex(of: UInt8(ascii: ";")) ?? header.endIndex
                var start = pairStart
                var end = pairEnd
                while start < end, header[start] == UInt8(ascii: " ") || header[start] == UInt8(ascii: "\t") {
                    header.formIndex(after: &start)
                }
                while start < end {
                    let before = header.index(before: end)
                    guard header[before] == UInt8(ascii: " ") || header[before] == UInt8(ascii: "\t") else { break }
                    end = before
                }
                if let equals = header[start..<end].firstIndex(of: UInt8(ascii: "=")) {
                    let name = String(Substring(header[start..<equals]))
                    var valueStart = header.index(after: equals)
                    var valueEnd = end
                    if header.distance(from: valueStart, to: valueEnd) >= 2, header[valueStart] == UInt8(ascii: "\""),
                       header[header.index(before: valueEnd)] == UInt8(ascii: "\"") {
                        header.formIndex(after: &valueStart)
                        header.formIndex(before: &valueEnd)
                    }
                    if result[name] == nil { result[name] = String(Substring(header[valueStart..<valueEnd])) }
                }
                pairStart = pairEnd < header.endIndex ? header.index(after: pairEnd) : header.endIndex
            }
        }
        return result
    }

    /// The media type of the body, lower-cased, without parameters.
    public var contentType: String? {
        headers["Content-Type"].map { String($0.split(separator: ";").first ?? "").trimmingWhitespace().lowercased() }
    }

    /// The form parsed already (`keepForm`), for the request's body as it is.
    private var keptForm: Parameters?

    /// Whether `form()` answers from a kept form (for tests).
    var formIsKept: Bool { keptForm != nil }

    /// Keeps `form()`'s answer with the request, so that a later step (the handler, after the CSRF check read the form)
    /// does not parse the body again. Changing the body drops it.
    public mutating func keepForm() throws(HTTPError) -> Parameters {
        let form = try form()
        keptForm = form
        return form
    }

    /// The form fields of an urlencoded or multipart body (file parts are in `files()`).
    public func form() throws(HTTPError) -> Parameters {
        if let keptForm { return keptForm }
        switch contentType {
        case "application/x-www-form-urlencoded":
            guard let text = String(validating: body, as: UTF8.self) else {
                throw HTTPError.badRequest("The form is not valid UTF-8")
            }
            do {
                return try Parameters.parseURLEncoded(Substring(text))
            } catch {
                throw HTTPError.badRequest("The form is not valid percent-encoded UTF-8")
            }
        case "multipart/form-data":
            var result = Parameters()
            for part in try multipartParts() where part.filename == nil {
                guard let value = String(validating: part.body, as: UTF8.self), !part.body.contains(0) else {
                    throw HTTPError.badRequest("A form field is not valid UTF-8")
                }
                result.append(part.name, value)
            }
            return result
        case nil where body.isEmpty:
            return Parameters()
        default:
            throw HTTPError(.unsupportedMediaType, "Expected a form")
        }
    }

    /// Uploaded files of a multipart body.
    public func files() throws(HTTPError) -> [Multipart.Part] {
        guard contentType == "multipart/form-data" else { return [] }
        return try multipartParts().filter { $0.filename != nil }
    }

    private func multipartParts() throws(HTTPError) -> [Multipart.Part] {
        guard let header = headers["Content-Type"], let boundary = Multipart.boundary(contentType: header) else {
            throw HTTPError.badRequest("The multipart body has no valid boundary")
        }
        do {
            return try Multipart.parse(body: body, boundary: boundary)
        } catch {
            throw HTTPError.badRequest("The multipart body is malformed")
        }
    }

    /// Decodes a JSON body.
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws(HTTPError) -> T {
        guard contentType == "application/json" else { throw HTTPError(.unsupportedMediaType, "Expected JSON") }
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw HTTPError.badRequest("The JSON body is not valid for this request")
        }
    }

    /// A path parameter converted to `T`; a missing or unconvertible value is a 404 (the resource does not exist).
    public func parameter<T: LosslessStringConvertible>(_ name: String, as type: T.Type = String.self) throws(HTTPError) -> T {
        guard let raw = parameters[name], let value = T(raw) else { throw HTTPError.notFound }
        return value
    }
}
