/// How the application behaves, independent of how HTTP is served.
public struct ApplicationConfiguration: Sendable {
    public var databasePath: String = "data/training.sqlite"
    public var coursesPath: String = "Courses"
    /// Whether requests arrive over TLS (cookies get `Secure` and the `__Host-` prefix, HSTS is sent).
    public var secure: Bool = false
    /// Seconds a session lives without use, and at most in all.
    public var sessionIdleTimeout: Double = 30 * 60
    public var sessionAbsoluteTimeout: Double = 12 * 60 * 60
    /// Study hours each person should earn per calendar year.
    public var yearlyRequiredHours: Double = 90
    /// The longest gap between two study beats from the page's script that still counts as study.
    public var heartbeatGap: Double = 120
    /// The longest gap between two page loads (or "record my time" presses) that still counts, without script.
    public var pageLoadGap: Double = 15 * 60
    /// The time zone dates, years and the hours ledger use.
    public var calendar = StudyCalendar()

    public init() {}
}
