import ArgumentParser
import Foundation
import Logging
import TrainingServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web application.")

    @Option(help: "Address to listen on (\"*\" for every interface).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port: UInt16 = 8080
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Folder of course files.") var courses = "Courses"
    @Option(help: "HTTP worker threads.") var threads = 16
    @Flag(help: "On first start, create a demo organisation and one account per role.") var demo = false
    @Option(help: "PEM certificate chain for HTTPS.") var tlsCert: String?
    @Option(help: "PEM private key for HTTPS.") var tlsKey: String?
    @Option(help: "Largest request body accepted, in bytes.") var maxBodyBytes = 8 * 1024 * 1024
    @Option(help: "Connections allowed per client address (0: unlimited, for use behind a proxy).") var perIPLimit = 64
    @Option(help: "Seconds of inactivity before a connection is closed.") var connectionTimeout = 30
    @Option(help: ArgumentHelp("Most malloc arenas (0: glibc's default, 8 per core).", valueName: "n"))
    var mallocArenas = AllocatorSettings.defaultArenaMax
    @Option(help: ArgumentHelp("Blocks of at least this many KiB are mmapped and given back when freed (0: glibc's dynamic threshold, which keeps freed password-check memory).",
                               valueName: "kib"))
    var mallocMmapThresholdKib = AllocatorSettings.defaultMmapThreshold / 1024
    @Option(help: ArgumentHelp("A reverse proxy (address or CIDR, IPv4 or IPv6) whose X-Forwarded-For names the client; repeat for several.",
                               valueName: "cidr"))
    var trustedProxy: [String] = []
    @Option(help: ArgumentHelp("A file holding the bearer token /metrics requires from every client (default: no token, loopback clients only).",
                               valueName: "file"))
    var metricsTokenFile: String?
    @Option(help: "Minutes a session lasts without use.") var sessionIdleMinutes = 30.0
    @Option(help: "Hours a session lasts at most.") var sessionAbsoluteHours = 12.0
    @Option(help: "Study hours each person should earn per year.") var yearlyHours = 90.0
    @Option(help: ArgumentHelp("The time zone (IANA name) of the study-hours year, HR reports' days and the times pages show; people may choose their own for display.",
                               valueName: "zone"))
    var timeZone = "Asia/Shanghai"
    @Option(help: "The address people reach the platform at, for certificate links and QR codes (default http://HOST:PORT).")
    var publicURL: String?
    @Option(help: "The Open Badges issuer key (PEM, created on first start with mode 0600; default next to the database).")
    var issuerKey: String?
    @OptionGroup var audit: AuditAnchorOptions
    @OptionGroup var mail: MailOptions
    @OptionGroup var secondFactor: SecondFactorOptions
    @OptionGroup var oidc: OIDCOptions
    @OptionGroup var cas: CASOptions
    @OptionGroup var identity: IdentityOptions
    @Option(help: "Minutes after which new audit rows get a signed checkpoint.") var auditCheckpointMinutes = 10.0
    @Option(help: "New audit rows that get a checkpoint before those minutes pass.") var auditCheckpointRows = 100
    @Option(help: ArgumentHelp("The folder the system page's \"back up now\" writes backups into (see the backup command); it must exist.",
                               valueName: "folder"))
    var backupDir: String?
    @Option(help: "Seconds between reminder passes (due and overdue assignments, extension decisions, certificates into notices and mail).")
    var noticePassSeconds = 300.0
    @Option(help: "Seconds between looks at whether another server on the database reloaded its course files (this one then reloads too).")
    var catalogueFollowSeconds = 5.0
    @Option(help: ArgumentHelp("For tests only: a file holding seconds to add to the clock.", visibility: .hidden))
    var testClockFile: String?

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard auditCheckpointMinutes > 0 else { throw ValidationError("--audit-checkpoint-minutes must be positive") }
        guard auditCheckpointRows > 0 else { throw ValidationError("--audit-checkpoint-rows must be positive") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        guard noticePassSeconds > 0 else { throw ValidationError("--notice-pass-seconds must be positive") }
        guard catalogueFollowSeconds > 0 else { throw ValidationError("--catalogue-follow-seconds must be positive") }
        guard (0...1024).contains(mallocArenas) else { throw ValidationError("--malloc-arenas must be between 0 and 1024") }
        guard (0...32 * 1024).contains(mallocMmapThresholdKib) else {
            throw ValidationError("--malloc-mmap-threshold-kib must be between 0 and 32768 (32 MiB)")
        }
        if let backupDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: backupDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--backup-dir: \(backupDir) is not an existing folder")
            }
        }
        guard StudyCalendar.zone(named: timeZone) != nil else {
            throw ValidationError("--time-zone: unknown time zone \"\(timeZone)\"; give an IANA name such as Asia/Shanghai, Europe/Berlin or UTC")
        }
        for proxy in trustedProxy where TrustedProxies.Network(proxy) == nil {
            throw ValidationError("--trusted-proxy \(proxy) is not an address or CIDR such as 10.0.0.0/8 or 2001:db8::/32")
        }
    }

    func run() throws {
        var app = ApplicationConfiguration()
        app.databasePath = database.db
        _ = try courseFolder(courses, option: "--courses")
        app.coursesPath = courses
        app.sessionIdleTimeout = sessionIdleMinutes * 60
        app.sessionAbsoluteTimeout = sessionAbsoluteHours * 3600
        app.yearlyRequiredHours = yearlyHours
        if let zone = StudyCalendar.zone(named: timeZone) { app.calendar = StudyCalendar(timeZone: zone) }
        app.trustedProxies = TrustedProxies(trustedProxy.compactMap(TrustedProxies.Network.init))
        if let metricsTokenFile {
            let token: String
            do {
                token = try String(contentsOfFile: metricsTokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw ValidationError("--metrics-token-file: cannot read \(metricsTokenFile): \(error.localizedDescription)")
            }
            guard !token.isEmpty else { throw ValidationError("--metrics-token-file: \(metricsTokenFile) is empty") }
            app.metricsToken = token
        }
        app.issuerKeyPath = issuerKey ?? URL(fileURLWithPath: database.db).deletingLastPathComponent()
            .appendingPathComponent("issuer-key.pem").path
        var http = HTTPServerConfiguration()
        http.host = host
        http.port = port
        http.threads = threads
        http.maxBodySize = maxBodyBytes
        http.perIPConnectionLimit = perIPLimit
        http.connectionTimeout = connectionTimeout
        if let tlsCert, let tlsKey {
            do {
                http.tls = TLSConfiguration(certificatePEM: try String(contentsOfFile: tlsCert, encoding: .utf8),
                                            keyPEM: try String(contentsOfFile: tlsKey, encoding: .utf8))
            } catch {
                throw ValidationError("cannot read the TLS files: \(error.localizedDescription)")
            }
            app.secure = true
        }
        let scheme = tlsCert == nil ? "http" : "https"
        let shownHost = host == "*" || host == "0.0.0.0" ? "127.0.0.1" : host
        app.mail = try mail.settings()
        app.identity.requireSecondFactor = try secondFactor.roles()
        app.identity.oidc = try oidc.settings()
        app.identity.cas = try cas.settings()
        try identity.apply(to: &app.identity)
        app.publicURL = (publicURL ?? "\(scheme)://\(shownHost):\(port)").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        app.backupDirectory = backupDir
        app.noticePassInterval = noticePassSeconds
        app.catalogueFollowInterval = catalogueFollowSeconds
        app.auditAnchor = audit.settings(interval: auditCheckpointMinutes * 60, rows: auditCheckpointRows)
        app.serverLimits = ServerLimits(http)
        try IdentityOptions.requireSomeWayIn(app.identity)
        var runner = ServerRunner(application: app, http: http, demo: demo, logger: Logger(label: "training-server"))
        runner.auditAnchor = app.auditAnchor
        runner.allocator = AllocatorSettings(mmapThreshold: mallocMmapThresholdKib == 0 ? nil : mallocMmapThresholdKib * 1024,
                                             arenaMax: mallocArenas == 0 ? nil : mallocArenas)
        if let testClockFile { runner.clock = ServerRunner.offsetClock(file: testClockFile) }
        let database = database
        try runner.run { clock, logger in try openStorage(database, clock: clock, serving: logger) }
    }
}
