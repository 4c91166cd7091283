import Foundation
import Glibc
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
@testable import TrainingServer

/// A real `HTTPServer` on 127.0.0.1 with a port chosen by the kernel, answering with an `Application` on a
/// temporary database (or with a responder the test gives). Stopped when the value goes away.
final class LiveServer: Sendable {
    let server: HTTPServer
    let application: Application?
    /// How many requests the application's quick path answered.
    let quickAnswers: Counter
    private let temporary: TemporaryStore?

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// A server in front of a fresh application.
    init(configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        let temporary = try TemporaryStore()
        var configuration = ApplicationConfiguration()
        configuration.databasePath = temporary.store.path
        let application = Application(configuration: configuration, store: temporary.store,
                                      catalogue: try temporary.emptyCatalogue(now: 0), issuer: try TemporaryStore.issuer(),
                                      logger: .silent)
        try application.prepare()
        self.temporary = temporary
        self.application = application
        let quickAnswers = Counter()
        self.quickAnswers = quickAnswers
        self.server = HTTPServer(configuration: Self.configuration(configure), quickResponder: { request in
            let sent = application.quickRespond(request)
            if sent != nil { quickAnswers.value.add(1, ordering: .relaxed) }
            return sent
        }, refuser: application.refuse, bodyLimiter: application.bodyLimit, responder: application.respond)
        try server.start()
    }

    /// A server in front of `responder` alone (streams, slow handlers), and `quickResponder` if given.
    init(configure: (inout HTTPServerConfiguration) -> Void = { _ in }, quickResponder: HTTPServer.QuickResponder? = nil,
         responder: @escaping HTTPServer.Responder) throws {
        temporary = nil
        application = nil
        quickAnswers = Counter()
        server = HTTPServer(configuration: Self.configuration(configure), quickResponder: quickResponder, responder: responder)
        try server.start()
    }

    private static func configuration(_ configure: (inout HTTPServerConfiguration) -> Void) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 2
        configuration.connectionTimeout = 5
        configure(&configuration)
        return configuration
    }

    var port: UInt16 { server.port }

    /// A new TCP connection to the server.
    func connect() throws -> RawHTTPConnection { try RawHTTPConnection(port: port) }

    deinit { server.stop(grace: 0) }
}

/// A response as read off the wire.
struct RawHTTPResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Whether the body came with `Transfer-Encoding: chunked`, and how many chunks it had.
    var chunkCount: Int?

    var text: String { String(decoding: body, as: UTF8.self) }
}

enum RawHTTPError: Error, Equatable {
    case socket(Int32)
    case closed
    case malformed(String)
}

/// A minimal HTTP/1.1 client over one blocking TCP socket, able to send several requests on one connection.
/// Reads time out after five seconds so a server that never answers fails the test instead of hanging it.
final class RawHTTPConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var isOpen = true

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawHTTPError.socket(errno) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw RawHTTPError.socket(code)
        }
    }

    deinit { close() }

    func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(descriptor)
    }

    /// Writes raw bytes.
    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw RawHTTPError.socket(errno) }
            sent += count
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends a request with `Host` and, for a body, `Content-Length`, then reads the response.
    func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) throws
        -> RawHTTPResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        try send(Array((head + "\r\n").utf8) + body)
        return try readResponse(bodyless: method == "HEAD")
    }

    /// Reads one response. `bodyless` is for answers to HEAD, whose framing headers describe no body.
    func readResponse(bodyless: Bool = false) throws -> RawHTTPResponse {
        let headEnd = try readUntil([13, 10, 13, 10])
        let head = String(decoding: take(headEnd + 4), as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw RawHTTPError.malformed("no status line") }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw RawHTTPError.malformed("status line")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw RawHTTPError.malformed("header \(line)") }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        if bodyless || status == 204 || status == 304 || (100..<200).contains(status) {
            return RawHTTPResponse(status: status, headers: headers, body: [])
        }
        if headers["Transfer-Encoding"]?.lowercased() == "chunked" {
            var body: [UInt8] = []
            var chunks = 0
            while true {
                let lineEnd = try readUntil([13, 10])
                let sizeLine = String(decoding: take(lineEnd + 2), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                    throw RawHTTPError.malformed("chunk size \(sizeLine)")
                }
                if size == 0 {
                    // Trailer fields, if any, end with an empty line.
                    while true {
                        let end = try readUntil([13, 10])
                        _ = take(end + 2)
                        if end == 0 { break }
                    }
                    return RawHTTPResponse(status: status, headers: headers, body: body, chunkCount: chunks)
                }
                try fill(size + 2)
                body += take(size)
                guard take(2) == [13, 10] else { throw RawHTTPError.malformed("chunk end") }
                chunks += 1
            }
        }
        if let length = headers["Content-Length"].flatMap({ Int($0) }) {
            try fill(length)
            return RawHTTPResponse(status: status, headers: headers, body: take(length))
        }
        while try receive() {}
        return RawHTTPResponse(status: status, headers: headers, body: take(buffer.count))
    }

    /// Whether the server closes its side within `timeout` milliseconds (end of stream with nothing unread).
    func serverCloses(within timeout: Int32) -> Bool {
        guard buffer.isEmpty else { return false }
        var descriptorPoll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptorPoll, 1, timeout) == 1 else { return false }
        return (try? receive()) != true
    }

    private func take(_ count: Int) -> [UInt8] {
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(min(count, buffer.count))
        return bytes
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count {
            guard try receive() else { throw RawHTTPError.closed }
        }
    }

    /// The offset of `needle` in the buffer, reading more until it appears.
    private func readUntil(_ needle: [UInt8]) throws -> Int {
        var searched = 0
        while true {
            if buffer.count >= needle.count {
                for start in searched...(buffer.count - needle.count) where Array(buffer[start..<start + needle.count]) == needle {
                    return start
                }
                searched = buffer.count - needle.count + 1
            }
            guard try receive() else { throw RawHTTPError.closed }
        }
    }

    /// Reads what is available; false at end of stream.
    private func receive() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw RawHTTPError.socket(errno)
        }
        if count == 0 { return false }
        buffer += chunk.prefix(count)
        return true
    }
}
