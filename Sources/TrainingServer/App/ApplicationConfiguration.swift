/// How the application behaves, independent of how HTTP is served.
public struct ApplicationConfiguration: Sendable {
    public var databasePath: String = "data/training.sqlite"
    public var coursesPath: String = "Courses"
    /// Whether requests arrive over TLS (cookies get `Secure` and the `__Host-` prefix, HSTS is sent).
    public var secure: Bool = false
    /// Seconds a session lives without use, and at most in all.
    public var sessionIdleTimeout: Double = 30 * 60
    public var sessionAbsoluteTimeout: Double = 12 * 60 * 60

    public init() {}
}
