/// The HTTP server's limits as `serve` set them, for the system page (the server itself reads
/// `HTTPServerConfiguration`).
public struct ServerLimits: Sendable, Equatable {
    public var threads: Int
    /// The largest request body accepted, in bytes (routes may take less; uploads may take more).
    public var maxBodyBytes: Int
    public var perIPConnections: Int
    public var connectionTimeoutSeconds: Int
    public var tls: Bool

    public init(threads: Int = 16, maxBodyBytes: Int = 8 * 1024 * 1024, perIPConnections: Int = 64,
                connectionTimeoutSeconds: Int = 30, tls: Bool = false) {
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.perIPConnections = perIPConnections
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.tls = tls
    }

    public init(_ http: HTTPServerConfiguration) {
        self.init(threads: http.threads, maxBodyBytes: http.maxBodySize, perIPConnections: http.perIPConnectionLimit,
                  connectionTimeoutSeconds: http.connectionTimeout, tls: http.tls != nil)
    }
}
