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
    /// The address people and verifiers reach the platform at (credential ids, QR codes, the issuer profile).
    public var publicURL: String = "http://127.0.0.1:8080"
    /// The issuer's signing key (PEM, mode 0600), created on first start.
    public var issuerKeyPath: String = "data/issuer-key.pem"
    /// The issuer's name in credentials.
    public var issuerName: String = "Civil Service Academy 公务员学院"
    /// The server's time zone (`serve --time-zone`, Asia/Shanghai by default): the calendar year of the hours
    /// ledger, HR reports' days, and the zone pages show times in unless a person chose their own.
    public var calendar = StudyCalendar()
    /// The ways to sign in: local passwords, the directory, the identity platform; two-factor rules.
    public var identity = IdentitySettings()
    /// How sign-in attempts are slowed (see `LoginThrottle`).
    public var loginThrottle = LoginThrottle.Policy()
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the peer is the client).
    public var trustedProxies = TrustedProxies()
    /// The bearer token `/metrics` requires from every client (`serve --metrics-token-file`); nil: loopback
    /// clients only.
    public var metricsToken: String?
    /// The SMTP server mail goes through (`serve --smtp-url …`); nil: no mail is sent.
    public var mail: MailSettings?
    /// Seconds between reminder passes (assignments, extension decisions and certificates into notices and mail).
    public var noticePassInterval: Double = 300
    /// Seconds between looks at whether another server on the database reloaded its course files.
    public var catalogueFollowInterval: Double = 5
    /// The folder backups from the system page go into (`serve --backup-dir`); nil: none configured.
    public var backupDirectory: String?
    /// The audit key and checkpoint file the audit log page verifies the chain against.
    public var auditAnchor = AuditAnchorSettings()
    /// The HTTP server's limits, shown on the system page.
    public var serverLimits = ServerLimits()

    public init() {}
}
