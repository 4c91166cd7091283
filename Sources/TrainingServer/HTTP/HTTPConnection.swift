import CMicroHTTPD
import Foundation
import Synchronization

/// The state of one request while MHD delivers it: created by the URI-log callback, stepped by the access
/// handler, released by the completion callback.
///
/// Safety: MHD hands a connection to one worker thread at a time, so this non-Sendable class is never used
/// by two threads at once; its lifetime is bounded by the retain in `mhdURILog` and the release in `mhdCompleted`.
final class HTTPConnection {
    let rawTarget: String
    private var started = false
    private var responded = false
    private var body: [UInt8] = []
    private var discarded = 0
    private var tooLarge = false
    private var countedInFlight = false
    /// The largest body this request may have (its route's), found once it declares or sends a body.
    private var limit: Int?

    init(rawTarget: String) {
        self.rawTarget = rawTarget
    }

    /// One call of MHD's access handler. The first call only records the request (answering there would
    /// lose keep-alive); body chunks are buffered up to the limit; the last call answers.
    func step(server: HTTPServer, connection: OpaquePointer, method: UnsafePointer<CChar>,
              upload: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>) -> MHD_Result {
        if !started {
            started = true
            if let problem = headerProblem(connection, method: method) {
                // Refused before the body is read; the connection closes after the answer.
                responded = true
                var response = server.refuse(Refusal(method: HTTPMethod(rawValue: String(cString: method)), target: rawTarget,
                                                     error: .badRequest(problem), id: server.nextRequestID()))
                if !response.headers.contains("Connection") { response.headers.add("Connection", "close") }
                return queue(response, on: connection, server: server)
            }
            if let declared = withHeader(connection, "Content-Length", { $0.flatMap { Int(contentLength: $0) } }),
               declared > 0, declared > bodyLimit(server: server, method: method) {
                // Refuse before reading the body; MHD closes the connection after this response.
                responded = true
                return queue(server.refuse(tooLarge(server: server, method: method)), on: connection, server: server)
            }
            return MHD_Result.YES
        }
        if uploadSize.pointee > 0 {
            let size = uploadSize.pointee
            uploadSize.pointee = 0
            if tooLarge {
                discarded += size
                // A client that keeps streaming far past the limit is cut off.
                return discarded > bodyLimit(server: server, method: method) * 4 ? MHD_Result.NO : MHD_Result.YES
            }
            if body.count + size > bodyLimit(server: server, method: method) {
                tooLarge = true
                body = []
                return MHD_Result.YES
            }
            if let upload {
                upload.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
                    body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
                }
            }
            return MHD_Result.YES
        }
        guard !responded else { return MHD_Result.YES }
        responded = true
        if tooLarge {
            return queue(server.refuse(tooLarge(server: server, method: method)), on: connection, server: server)
        }
        let slot = server.inFlight.enter()
        defer { server.inFlight.leave(slot) }
        // A request the quick path declines keeps the id it was given there: one id, and one count, per request.
        var id: RequestID?
        if server.quickResponder != nil, body.isEmpty,
           let request = QuickRequest(method: method, target: rawTarget, connection: connection, server: server) {
            if let sent = server.quickResponder?(request) { return sent.result }
            id = request.id
        }
        let response = server.respond(to: makeRequest(server: server, connection: connection, method: method,
                                                      id: id ?? server.nextRequestID()))
        return queue(response, on: connection, server: server)
    }

    private func tooLarge(server: HTTPServer, method: UnsafePointer<CChar>) -> Refusal {
        Refusal(method: HTTPMethod(rawValue: String(cString: method)), target: rawTarget,
                error: HTTPError(.payloadTooLarge,
                                 "The request body is too large (at most \(bodyLimit(server: server, method: method)) bytes)"),
                id: server.nextRequestID())
    }

    /// The largest body this request may have: its route's limit (`HTTPServer.bodyLimit`), asked once.
    private func bodyLimit(server: HTTPServer, method: UnsafePointer<CChar>) -> Int {
        if let limit { return limit }
        let found = server.bodyLimit(method: String(cString: method), target: rawTarget)
        limit = found
        return found
    }

    private func makeRequest(server: HTTPServer, connection: OpaquePointer, method: UnsafePointer<CChar>,
                             id: RequestID) -> Result<Request, Refusal> {
        guard let httpMethod = HTTPMethod(rawValue: String(cString: method)) else {
            return .failure(Refusal(method: nil, target: rawTarget, error: HTTPError(.methodNotAllowed, "Method not allowed"),
                                    id: id))
        }
        func refused(_ error: HTTPError) -> Result<Request, Refusal> {
            .failure(Refusal(method: httpMethod, target: rawTarget, error: error, id: id))
        }
        var headers = HTTPHeaders()
        var invalidHeader = false
        withUnsafeMutablePointer(to: &headers) { headersPointer in
            withUnsafeMutablePointer(to: &invalidHeader) { invalidPointer in
                var sink = HeaderSink(headers: headersPointer, invalid: invalidPointer)
                withUnsafeMutablePointer(to: &sink) { sinkPointer in
                    _ = MHD_get_connection_values(connection, .HEADER_KIND, { cls, _, key, value in
                        guard let cls, let key else { return MHD_Result.YES }
                        let sink = cls.assumingMemoryBound(to: HeaderSink.self).pointee
                        guard let name = String(validatingCString: key),
                              let text = value.map({ String(validatingCString: $0) }) ?? "" else {
                            sink.invalid.pointee = true
                            return MHD_Result.YES
                        }
                        sink.headers.pointee.add(name, text)
                        return MHD_Result.YES
                    }, sinkPointer)
                }
            }
        }
        if invalidHeader { return refused(.badRequest("A header is not valid UTF-8")) }
        // INET6_ADDRSTRLEN is 46; the buffer lives on the stack only while the address is formatted and copied.
        let clientAddress = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { address in
            mhd_shim_client_address(connection, address.baseAddress!, socklen_t(address.count)) == 0
                ? String(cString: address.baseAddress!) : "unknown"
        }
        do {
            return .success(try Request(method: httpMethod, target: rawTarget, headers: headers, body: body,
                                        clientAddress: clientAddress, isSecure: server.isSecure,
                                        id: id.description))
        } catch {
            return refused(error)
        }
    }

    private func queue(_ response: Response, on connection: OpaquePointer, server: HTTPServer) -> MHD_Result {
        if let native = response.prepared?.native {
            // Built once; MHD counts the connections that use it (see `NativeResponse`).
            return MHD_queue_response(connection, UInt32(response.status.rawValue), native.pointer)
        }
        guard let (mhdResponse, status) = makeMHDResponse(response, server: server) else { return MHD_Result.NO }
        defer { MHD_destroy_response(mhdResponse) }
        return MHD_queue_response(connection, UInt32(status.rawValue), mhdResponse)
    }

    /// Builds the C response and the status to send; a header MHD refuses (CR or LF in it) turns the response
    /// into a bare 500 rather than being silently dropped.
    private func makeMHDResponse(_ response: Response, server: HTTPServer) -> (OpaquePointer, HTTPStatus)? {
        let created: OpaquePointer?
        switch response.body {
        case .bytes(let bytes):
            created = bytes.withUnsafeBytes { buffer in
                MHD_create_response_from_buffer(buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                                                .RESPMEM_MUST_COPY)
            }
        case .stream(let stream):
            let box = Unmanaged.passRetained(StreamBox(stream, server: server)).toOpaque()
            created = MHD_create_response_from_callback(mhd_shim_size_unknown(), 64 * 1024, streamRead, box, streamFree)
            if created == nil { Unmanaged<StreamBox>.fromOpaque(box).release() }
        case .file(let region):
            // The descriptor's owner: `OpenFile` until `take()`, then MHD. MHD closes it when the response is destroyed
            // (after the last connection using it is done, or at once below if a header is refused); when MHD cannot
            // build the response (NULL: bad arguments, no memory) it never owned the descriptor, so it is closed here.
            // A region whose descriptor was taken already (a response sent twice) fails like a response MHD refuses.
            // Without TLS, MHD sends the region with sendfile(2) from the page cache.
            guard let fd = region.file.take() else { return nil }
            created = MHD_create_response_from_fd_at_offset64(region.length, fd, region.offset)
            if created == nil { close(fd) }
        }
        guard let created else { return nil }
        if !addHeaders(response.headers, to: created) {
            MHD_destroy_response(created)
            return makeBareInternalServerError().map { ($0, .internalServerError) }
        }
        return (created, response.status)
    }
}

/// A bare 500, for an answer with a header MHD refuses (CR or LF in it) rather than dropping that header silently.
private func makeBareInternalServerError() -> OpaquePointer? {
    "Internal Server Error".withCString { text in
        MHD_create_response_from_buffer(strlen(text), UnsafeMutableRawPointer(mutating: text), .RESPMEM_MUST_COPY)
    }
}

/// A GET or HEAD offered to the server's quick responder before it is decoded into a `Request`. Only requests that
/// decode to themselves get here: no body, a target of letters, digits, `-._~/` (and in the query also `=&`), so no
/// percent-escapes or `+`, and headers of plain ASCII. `path` is therefore exactly what `Request.path` would be,
/// and nothing that would make the ordinary path answer 400 reaches the quick responder. The responder answers it
/// with `send`, or declines (nil) and leaves it to the ordinary way.
///
/// Safety: it reads headers from, and queues its answer on, MHD's connection, so it is valid only during the quick
/// responder's call, on the thread MHD called; the type is not Sendable, and `HTTPServer.QuickResponder` does not
/// keep it.
public struct QuickRequest {
    public let method: HTTPMethod
    /// The target up to the query, as sent (and as decoded, being plain).
    public let path: Substring
    /// The request's id, as `Request.id` would have had.
    public let id: RequestID
    private let connection: OpaquePointer

    /// What the quick responder hands back once it has answered with `send`.
    public struct Sent {
        /// MHD's verdict on queueing the answer.
        let result: MHD_Result
    }

    init?(method: UnsafePointer<CChar>, target: String, connection: OpaquePointer, server: HTTPServer) {
        if strcmp(method, "GET") == 0 {
            self.method = .get
        } else if strcmp(method, "HEAD") == 0 {
            self.method = .head
        } else {
            return nil
        }
        guard let path = Self.plainPath(target), mhd_shim_headers_are_ascii(connection) != 0 else { return nil }
        self.path = path
        self.connection = connection
        id = server.nextRequestID()
    }

    /// Calls `body` with a request header's value as bytes (the first, if it was sent more than once), or nil if
    /// the request has no such header; the bytes are valid only during the call.
    public func withHeader<R>(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        TrainingServer.withHeader(connection, name, body)
    }

    /// Answers the request with `answer`, as the ordinary path would send it. Call it once, and hand back what it
    /// returns: after `send`, the quick responder must not decline the request.
    public func send(_ answer: PreparedResponse) -> Sent {
        if let native = answer.native {
            return Sent(result: MHD_queue_response(connection, UInt32(answer.status.rawValue), native.pointer))
        }
        // No native form means MHD refused one of its headers when it was prepared: the ordinary path answers a bare
        // 500 then (see `makeMHDResponse`), and so does this one.
        guard let bare = makeBareInternalServerError() else { return Sent(result: MHD_Result.NO) }
        defer { MHD_destroy_response(bare) }
        return Sent(result: MHD_queue_response(connection, UInt32(HTTPStatus.internalServerError.rawValue), bare))
    }

    /// The path of `target` if the whole target is plain (see the type's comment), else nil.
    static func plainPath(_ target: String) -> Substring? {
        // Scanned as one contiguous buffer of bytes (a target read from MHD is always a native string).
        let end: Int?? = target.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard bytes.first == UInt8(ascii: "/") else { return nil }
            var end = bytes.count
            var inQuery = false
            for index in 0..<bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                     UInt8(ascii: "~"), UInt8(ascii: "/"):
                    continue
                case UInt8(ascii: "=") where inQuery, UInt8(ascii: "&") where inQuery:
                    continue
                case UInt8(ascii: "?") where !inQuery:
                    inQuery = true
                    end = index
                default:
                    return nil
                }
            }
            return end
        }
        guard let found = end, let pathEnd = found else { return nil }
        return target[..<target.utf8.index(target.utf8.startIndex, offsetBy: pathEnd)]
    }
}

/// Calls `body` with a request header's value as bytes (the first, if it was sent more than once), or nil if the
/// request has no such header. The bytes live in MHD's connection memory, valid until the request is done; `body`
/// sees them only during the call.
private func withHeader<R>(_ connection: OpaquePointer, _ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
    var value: UnsafePointer<CChar>?
    var length = 0
    let found = name.withUTF8Buffer { key in
        key.withMemoryRebound(to: CChar.self) { key in
            MHD_lookup_connection_value_n(connection, .HEADER_KIND, key.baseAddress, key.count, &value, &length)
        }
    }
    guard found == MHD_Result.YES, let value else { return body(nil) }
    return value.withMemoryRebound(to: UInt8.self, capacity: length) { body(UnsafeBufferPointer(start: $0, count: length)) }
}

/// What `RequestHeaderCheck` finds wrong with the request's headers, or nil. MHD parses the header block in place, so
/// each value lies in its name's line and the request line runs from the method to the first header's name.
private func headerProblem(_ connection: OpaquePointer, method: UnsafePointer<CChar>) -> String? {
    var scan = HeaderScan()
    withUnsafeMutablePointer(to: &scan) { pointer in
        _ = MHD_get_connection_values_n(connection, .HEADER_KIND, { cls, _, key, keySize, value, valueSize in
            guard let cls, let key else { return MHD_Result.YES }
            cls.assumingMemoryBound(to: HeaderScan.self).pointee.add(key: key, keySize: keySize, value: value,
                                                                     valueSize: valueSize)
            return MHD_Result.YES
        }, pointer)
    }
    let headerSize = Int(mhd_shim_request_header_size(connection))
    let requestLine = scan.firstName.map { Int(bitPattern: $0) - Int(bitPattern: method) }
    return scan.check.problem(requestLine: requestLine.flatMap { $0 > 0 && $0 < headerSize ? $0 : nil },
                              headerSize: headerSize > 0 ? headerSize : nil)
}

/// Where the header check's iterator writes; passed to MHD as its context pointer.
private struct HeaderScan {
    var check = RequestHeaderCheck()
    var firstName: UnsafePointer<CChar>?

    mutating func add(key: UnsafePointer<CChar>, keySize: Int, value: UnsafePointer<CChar>?, valueSize: Int) {
        if firstName == nil { firstName = key }
        let offset = value.map { Int(bitPattern: $0) - Int(bitPattern: key) }
        key.withMemoryRebound(to: UInt8.self, capacity: keySize) { name in
            let nameBytes = UnsafeBufferPointer(start: name, count: keySize)
            guard let value else {
                check.add(name: nameBytes, value: UnsafeBufferPointer(start: nil, count: 0), valueOffset: nil)
                return
            }
            value.withMemoryRebound(to: UInt8.self, capacity: valueSize) { bytes in
                check.add(name: nameBytes, value: UnsafeBufferPointer(start: bytes, count: valueSize), valueOffset: offset)
            }
        }
    }
}

/// Adds every field to an MHD response; false if MHD refused one (CR or LF in it).
private func addHeaders(_ headers: HTTPHeaders, to response: OpaquePointer) -> Bool {
    for field in headers where MHD_add_response_header(response, field.name, field.value) == MHD_Result.NO {
        return false
    }
    return true
}

/// The MHD response of a `PreparedResponse`, built once and queued for every request that gets it.
///
/// Safety: MHD lets one response be queued on many connections, from any thread: `MHD_queue_response` and
/// `MHD_destroy_response` change its reference count under the response's own mutex, and nothing changes
/// the response after it was built here. The body is copied into MHD's memory (`RESPMEM_MUST_COPY`), so it
/// lives exactly as long as the response. `deinit` drops only this object's reference: MHD frees the
/// response once the last connection sending it is done. So the pointer may be shared between threads.
final class NativeResponse: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Nil if MHD cannot build the response or refuses a header.
    init?(headers: HTTPHeaders, bytes: [UInt8]) {
        // MHD only reads the buffer, and copies it before this closure returns (`RESPMEM_MUST_COPY`).
        let created = bytes.withUnsafeBytes { buffer in
            MHD_create_response_from_buffer(buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                                            .RESPMEM_MUST_COPY)
        }
        guard let created else { return nil }
        guard addHeaders(headers, to: created) else {
            MHD_destroy_response(created)
            return nil
        }
        pointer = created
    }

    deinit { MHD_destroy_response(pointer) }
}

/// Where the header iterator writes; passed to MHD as its context pointer.
private struct HeaderSink {
    let headers: UnsafeMutablePointer<HTTPHeaders>
    let invalid: UnsafeMutablePointer<Bool>
}

/// A stream and the bytes it produced that did not fit MHD's buffer yet.
///
/// Safety: MHD calls the content reader for one response from one thread at a time, and frees it once.
private final class StreamBox {
    let stream: any ResponseStream
    /// A stream still being sent counts as a request in flight, so shutdown waits for it.
    let server: HTTPServer
    private let inFlightSlot: Int
    var pending: [UInt8] = []
    var offset = 0
    var finished = false

    init(_ stream: any ResponseStream, server: HTTPServer) {
        self.stream = stream
        self.server = server
        inFlightSlot = server.inFlight.enter()
    }

    deinit { server.inFlight.leave(inFlightSlot) }
}

private func streamRead(_ cls: UnsafeMutableRawPointer?, _ position: UInt64, _ buffer: UnsafeMutablePointer<CChar>?,
                        _ max: Int) -> Int {
    guard let cls, let buffer, max > 0 else { return mhd_shim_end_with_error() }
    let box = Unmanaged<StreamBox>.fromOpaque(cls).takeUnretainedValue()
    while box.offset >= box.pending.count {
        if box.finished { return mhd_shim_end_of_stream() }
        do {
            if let next = try box.stream.next() {
                box.pending = next
                box.offset = 0
            } else {
                box.finished = true
            }
        } catch {
            return mhd_shim_end_with_error()
        }
    }
    let count = min(max, box.pending.count - box.offset)
    box.pending.withUnsafeBytes { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + box.offset, byteCount: count)
    }
    box.offset += count
    return count
}

private func streamFree(_ cls: UnsafeMutableRawPointer?) {
    guard let cls else { return }
    Unmanaged<StreamBox>.fromOpaque(cls).release()
}

extension HTTPServer {
    /// Answers a decoded request, or the refusal found while decoding it.
    func respond(to request: Result<Request, Refusal>) -> Response {
        switch request {
        case .success(let request): return responder(request)
        case .failure(let refusal): return refuse(refusal)
        }
    }

    /// The answer to a request refused before routing: the refuser's, or a plain-text error without one. A 413
    /// closes the connection (the body was not read).
    func refuse(_ refusal: Refusal) -> Response {
        guard let refuser else { return errorResponse(refusal.error.status, refusal.error.message) }
        var response = refuser(refusal)
        if response.status == .payloadTooLarge && !response.headers.contains("Connection") {
            response.headers.add("Connection", "close")
        }
        return response
    }

    /// A plain-text error for failures found before the application sees the request (when no refuser is set), with
    /// the security headers that apply to it (HSTS under TLS).
    func errorResponse(_ status: HTTPStatus, _ message: String) -> Response {
        var response = Response.text(message + "\n", status: status)
        response.headers.add("X-Content-Type-Options", "nosniff")
        response.headers.add("Cache-Control", "no-store")
        response.headers.add("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        response.headers.add("Referrer-Policy", "same-origin")
        response.headers.add("X-Frame-Options", "DENY")
        if isSecure { response.headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains") }
        if status == .payloadTooLarge { response.headers.add("Connection", "close") }
        return response
    }
}

extension Int {
    /// A `Content-Length` value: ASCII digits only (nil for anything else), and `Int.max` for a number too large
    /// for `Int`, which is over any body limit.
    init?(contentLength bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAgain) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            value = overflow || overflowAgain ? .max : sum
        }
        self = value
    }
}
