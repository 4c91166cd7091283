import CMicroHTTPD
import Foundation
import Synchronization

/// Settings of the HTTP daemon. Every limit is explicit; MHD's defaults (no timeout, unlimited per-IP
/// connections) are unsafe for a public service.
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; read it back from `HTTPServer.port`.
    public var port: UInt16 = 8080
    public var threads: Int = 16
    /// Seconds of inactivity before a connection is closed.
    public var connectionTimeout: Int = 30
    public var connectionLimit: Int = 2000
    /// 0 means unlimited (set that behind a reverse proxy, where every client has the proxy's address).
    public var perIPConnectionLimit: Int = 64
    /// Per-connection memory pool for the request line, headers and buffers. MHD's own default: it clears the
    /// whole pool after every request on a kept-alive connection, so a larger pool costs time on each request.
    public var connectionMemoryLimit: Int = 32 * 1024
    /// Largest request body accepted; larger ones are answered with 413.
    public var maxBodySize: Int = 8 * 1024 * 1024
    public var tls: TLSConfiguration?

    public init() {}
}

/// PEM-encoded certificate chain and key, and the GnuTLS priority string (TLS 1.2 and 1.3 only).
public struct TLSConfiguration: Sendable {
    public var certificatePEM: String
    public var keyPEM: String
    public var priorities: String = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

    public init(certificatePEM: String, keyPEM: String) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }
}

public enum HTTPServerError: Error, CustomStringConvertible {
    case tlsUnsupported
    case startFailed(String)

    public var description: String {
        switch self {
        case .tlsUnsupported: return "this libmicrohttpd was built without TLS support"
        case .startFailed(let reason): return "the HTTP server could not start: \(reason)"
        }
    }
}

/// The platform's HTTP server: libmicrohttpd with epoll and a thread pool, calling `responder` for every
/// complete request. This file and `HTTPConnection.swift` are the only code that sees `MHD_*`.
///
/// Safety: the daemon pointer is created once in `start` and destroyed once in `stop`, both guarded by a Mutex;
/// MHD calls back only between those two points. `self` is handed to MHD as an unretained pointer, which is
/// sound because `start` retains `self` (`retainedSelf`) until `stop` has joined MHD's threads.
public final class HTTPServer: Sendable {
    public typealias Responder = @Sendable (Request) -> Response
    /// Offered a plain GET or HEAD before it is decoded (see `QuickRequest`); answers it with a prepared response
    /// (`QuickRequest.send`), or returns nil to let `Responder` answer it the ordinary way. For answers that depend
    /// on little more than the path, such as static files and health checks.
    public typealias QuickResponder = @Sendable (QuickRequest) -> QuickRequest.Sent?
    /// Answers a request refused before it reached `Responder` (see `Refusal`); without one, a plain-text error.
    public typealias Refuser = @Sendable (Refusal) -> Response
    /// Receives MHD's own diagnostics (limits reached, TLS failures, parse errors).
    public typealias MessageSink = @Sendable (String) -> Void
    /// The largest body a request for a method and raw target may have (its route's limit), asked once the request
    /// declares a body and before any of it is read; `maxBodySize` caps it.
    public typealias BodyLimiter = @Sendable (_ method: String, _ target: String) -> Int

    let configuration: HTTPServerConfiguration
    let responder: Responder
    let quickResponder: QuickResponder?
    let refuser: Refuser?
    let bodyLimiter: BodyLimiter?
    let messageSink: MessageSink
    private let state = Mutex<State>(State())
    let inFlight = InFlight()
    /// Numbers the requests, on a cache line of its own (see `RequestCounter`).
    private let requestCounter = RequestCounter()
    /// What every request id of this process starts with (see `RequestID`).
    private let requestIDPrefix = UInt32.random(in: 0...UInt32.max)

    private struct State: ~Copyable {
        var daemon: OpaquePointer?
        var port: UInt16 = 0
        var logger: UnsafeMutablePointer<mhd_shim_logger>?
        var retainedSelf: Unmanaged<HTTPServer>?
        var pemBuffers: [UnsafeMutablePointer<CChar>] = []
        /// Set by the `stop` call that stops the daemon, so that a second one at the same time leaves it alone.
        var stopping = false
    }

    public init(configuration: HTTPServerConfiguration, messageSink: @escaping MessageSink = { _ in },
                quickResponder: QuickResponder? = nil, refuser: Refuser? = nil, bodyLimiter: BodyLimiter? = nil,
                responder: @escaping Responder) {
        self.configuration = configuration
        self.responder = responder
        self.quickResponder = quickResponder
        self.refuser = refuser
        self.bodyLimiter = bodyLimiter
        self.messageSink = messageSink
    }

    /// The port the server listens on, after `start`.
    public var port: UInt16 { state.withLock { $0.port } }

    /// Whether the server speaks TLS.
    public var isSecure: Bool { configuration.tls != nil }

    /// The largest body a request for `method` and `target` may have: its route's limit, never over `maxBodySize`.
    func bodyLimit(method: String, target: String) -> Int {
        guard let bodyLimiter else { return configuration.maxBodySize }
        return min(configuration.maxBodySize, bodyLimiter(method, target))
    }

    /// A fresh id for a request, unique within this process.
    func nextRequestID() -> RequestID {
        RequestID(prefix: requestIDPrefix, number: requestCounter.value.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// The request counter, apart from the server's other fields: every request changes it, and the server's threads
    /// read those fields on every request, so sharing a cache line would make each read wait for the other core.
    private final class RequestCounter: Sendable {
        let value = Atomic<UInt64>(0)
        private let padding = CacheLinePadding()
    }

    /// Starts listening. Call it after blocking SIGINT/SIGTERM/SIGHUP in the calling thread, so that MHD's
    /// threads inherit the mask and the signals reach `SignalWaiter`.
    public func start() throws {
        try state.withLock { state in
            guard state.daemon == nil else { return }
            if configuration.tls != nil && MHD_is_feature_supported(.FEATURE_TLS) != MHD_Result.YES {
                throw HTTPServerError.tlsUnsupported
            }
            var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ITC.rawValue
                | MHD_USE_ERROR_LOG.rawValue
            if configuration.tls != nil { flags |= MHD_USE_TLS.rawValue }

            if let warning = Self.ensureDescriptorLimit(connections: configuration.connectionLimit) { messageSink(warning) }
            let unmanagedSelf = Unmanaged.passRetained(self)
            let logger = UnsafeMutablePointer<mhd_shim_logger>.allocate(capacity: 1)
            logger.initialize(to: mhd_shim_logger(callback: mhdMessage, cls: unmanagedSelf.toOpaque()))
            var buffers: [UnsafeMutablePointer<CChar>] = []
            func keep(_ text: String?) -> UnsafePointer<CChar>? {
                guard let text else { return nil }
                let copy = strdup(text)!
                buffers.append(copy)
                return UnsafePointer(copy)
            }
            var config = mhd_shim_config()
            config.flags = flags
            config.port = configuration.port
            config.bind_address = keep(configuration.host == "*" ? nil : configuration.host)
            config.thread_pool_size = UInt32(max(1, configuration.threads))
            config.connection_timeout = UInt32(configuration.connectionTimeout)
            config.connection_limit = UInt32(configuration.connectionLimit)
            config.per_ip_limit = UInt32(configuration.perIPConnectionLimit)
            config.memory_limit = configuration.connectionMemoryLimit
            config.strict = 1
            config.tls_key_pem = keep(configuration.tls?.keyPEM)
            config.tls_cert_pem = keep(configuration.tls?.certificatePEM)
            config.tls_priorities = keep(configuration.tls?.priorities)

            let context = unmanagedSelf.toOpaque()
            let daemon = withUnsafePointer(to: &config) { configPointer in
                mhd_shim_start(configPointer, mhdAccess, context, mhdCompleted, context, mhdURILog, context, logger)
            }
            guard let daemon else {
                unmanagedSelf.release()
                logger.deinitialize(count: 1)
                logger.deallocate()
                buffers.forEach { free($0) }
                throw HTTPServerError.startFailed("could not listen on \(configuration.host):\(configuration.port)")
            }
            state.daemon = daemon
            state.port = mhd_shim_bound_port(daemon)
            state.logger = logger
            state.retainedSelf = unmanagedSelf
            state.pemBuffers = buffers
        }
    }

    /// Descriptors beyond the connections' own: the listening socket, MHD's epoll and inter-thread channels, the
    /// database, logs and the rest of the process.
    static let descriptorReserve = 256

    /// Makes sure the process may open enough descriptors for `connections` connections: each holds its socket, and
    /// one answering from a file (course media) also holds that file's descriptor until the answer is sent. Raises
    /// the soft limit (`ulimit -n`, often 1024) up to the hard limit as far as needed; returns a warning if even the
    /// hard limit is too low (then accepting fails with EMFILE under load, and MHD logs it).
    static func ensureDescriptorLimit(connections: Int) -> String? {
        let needed = rlim_t(max(0, connections)) * 2 + rlim_t(descriptorReserve)
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur >= needed { return nil }
        let raised = min(needed, limit.rlim_max)
        if raised > limit.rlim_cur {
            var wanted = limit
            wanted.rlim_cur = raised
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &wanted) == 0 { limit.rlim_cur = raised }
        }
        guard limit.rlim_cur < needed else { return nil }
        return "the open-file limit is \(limit.rlim_cur), below the \(needed) that \(connections) connections may need "
            + "(a socket each, and a file each while sending course media); raise it (LimitNOFILE= in systemd, ulimit -n)"
    }

    /// Stops accepting connections, waits up to `grace` seconds for requests in flight (handlers running and
    /// streamed bodies being sent) to finish, then stops the daemon and joins its threads. Idle keep-alive
    /// connections and clients that never finished sending a request are not waited for. A call while another is
    /// stopping the server returns at once.
    public func stop(grace: Double = 10) {
        let daemon: OpaquePointer? = state.withLock { state in
            guard !state.stopping, let daemon = state.daemon else { return nil }
            state.stopping = true
            return daemon
        }
        guard let daemon else { return }
        // Quiescing hands the listening socket back to us; it is closed once the daemon has stopped.
        let listener = MHD_quiesce_daemon(daemon)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline && !inFlight.isEmpty {
            usleep(10_000)
        }
        MHD_stop_daemon(daemon)
        if listener >= 0 { close(listener) }
        state.withLock { state in
            state.daemon = nil
            state.stopping = false
            state.logger?.deinitialize(count: 1)
            state.logger?.deallocate()
            state.logger = nil
            state.pemBuffers.forEach { free($0) }
            state.pemBuffers = []
            state.retainedSelf?.release()
            state.retainedSelf = nil
        }
    }
}

// MARK: - C callbacks: each only recovers `HTTPServer` / `HTTPConnection` from its context and hops into Swift.

private func mhdMessage(_ cls: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {
    guard let cls, let message else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    server.messageSink(String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines))
}

/// Runs first for every request, with the raw (still percent-encoded) target; its result becomes the
/// connection's per-request context.
private func mhdURILog(_ cls: UnsafeMutableRawPointer?, _ uri: UnsafePointer<CChar>?,
                       _ connection: OpaquePointer?) -> UnsafeMutableRawPointer? {
    let target = uri.map { String(cString: $0) } ?? "/"
    return Unmanaged.passRetained(HTTPConnection(rawTarget: target)).toOpaque()
}

private func mhdAccess(_ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
                       _ url: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?,
                       _ version: UnsafePointer<CChar>?, _ uploadData: UnsafePointer<CChar>?,
                       _ uploadDataSize: UnsafeMutablePointer<Int>?,
                       _ context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> MHD_Result {
    guard let cls, let connection, let context, let pointer = context.pointee, let method, let uploadDataSize else {
        return MHD_Result.NO
    }
    // Both objects are used without retaining them for the call: `start` keeps the server alive until `stop` has
    // joined MHD's threads, and `mhdURILog` keeps the request's object alive until `mhdCompleted`. (Every thread
    // retaining the one server object would make its reference count travel between the cores on every request.)
    return Unmanaged<HTTPServer>.fromOpaque(cls)._withUnsafeGuaranteedRef { server in
        Unmanaged<HTTPConnection>.fromOpaque(pointer)._withUnsafeGuaranteedRef { request in
            request.step(server: server, connection: connection, method: method, upload: uploadData,
                         uploadSize: uploadDataSize)
        }
    }
}

private func mhdCompleted(_ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
                          _ context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                          _ code: MHD_RequestTerminationCode) {
    guard let context, let pointer = context.pointee else { return }
    Unmanaged<HTTPConnection>.fromOpaque(pointer).release()
    context.pointee = nil
}
