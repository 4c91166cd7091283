import Curriculum
import Foundation
import Logging

/// Runs `serve`: opens the database, seeds the demo if asked, starts HTTP, and waits for signals —
/// SIGTERM/SIGINT stop after requests in flight, SIGHUP calls `onReload`.
public struct ServerRunner: Sendable {
    public var application: ApplicationConfiguration
    public var http: HTTPServerConfiguration
    public var demo: Bool
    public var logger: Logger
    public var clock: @Sendable () -> Double
    /// The audit chain's checkpoints (see `AuditCheckpointer`).
    public var auditAnchor = AuditAnchorSettings()
    /// How malloc keeps freed memory (see `AllocatorSettings`); applied first thing in `run`.
    public var allocator = AllocatorSettings()

    public init(application: ApplicationConfiguration, http: HTTPServerConfiguration, demo: Bool, logger: Logger,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.application = application
        self.http = http
        self.demo = demo
        self.logger = logger
        self.clock = clock
    }

    /// A clock that runs `offset` seconds ahead of the wall clock, the offset read from `file` on every call
    /// (missing or unreadable means 0). End-to-end tests use it to travel in time (study time, attempt delays,
    /// expiry) without waiting.
    public static func offsetClock(file: String) -> @Sendable () -> Double {
        { @Sendable in
            let offset = (try? String(contentsOfFile: file, encoding: .utf8))
                .flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            return Date().timeIntervalSince1970 + offset
        }
    }

    /// Serves until SIGTERM or SIGINT on the storage `openStorage` opens (after the allocator and signal settings,
    /// before any other thread starts), whose repositories use `clock`.
    public func run(openStorage: (_ clock: @escaping @Sendable () -> Double, _ logger: Logger) throws -> any StorageEngine) throws {
        // Before any thread starts, so every allocation of the server's threads follows the settings.
        for refused in allocator.apply() { logger.warning("malloc refused the setting \(refused); glibc's default stays") }
        // Block the signals before any thread starts, so every thread inherits the mask and sigwait gets them.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let catalogue = try CatalogueHolder(directory: URL(fileURLWithPath: application.coursesPath),
                                            now: clock())
        let storage = try openStorage(clock, logger)
        let issuer = try CertificateIssuer(keyPath: application.issuerKeyPath, baseURL: application.publicURL,
                                           name: application.issuerName, keyRecord: storage.issuerKeys, now: clock())
        let app = Application(configuration: application, storage: storage, catalogue: catalogue, issuer: issuer,
                              logger: logger, clock: clock)
        try app.prepare()
        let auditCheckpointer = try AuditCheckpointer(storage: storage, databasePath: application.databasePath,
                                                      settings: auditAnchor, logger: logger, clock: clock)
        if demo {
            let accounts = try DemoSeed.seedIfNeeded(storage: storage, users: app.users, departments: app.departments,
                                                     hasher: app.hasher)
            if !accounts.isEmpty {
                print("Demo accounts (shown once; also saved next to the database in demo-accounts.txt):")
                let lines = accounts.map { "  \($0.login)  \($0.password)  (\($0.role.rawValue))" }
                lines.forEach { print($0) }
                let file = URL(fileURLWithPath: application.databasePath).deletingLastPathComponent()
                    .appendingPathComponent("demo-accounts.txt")
                _ = FileManager.default.createFile(atPath: file.path, contents: Data((lines.joined(separator: "\n") + "\n").utf8),
                                               attributes: [.posixPermissions: 0o600])
            } else {
                print("Demo data already present; demo passwords are in demo-accounts.txt next to the database.")
            }
        }
        // Training plans declared in Courses/plans/ become assignments, now and after every reload.
        app.startPlanFileSync()
        // A reload another server on the database made is followed here (and one made here is signalled to them).
        if let reloads = storage.catalogueReloads {
            CatalogueFollower(catalogue: catalogue, signal: reloads, logger: logger, clock: clock)
                .start(interval: application.catalogueFollowInterval)
        }
        let logger = self.logger
        let server = HTTPServer(configuration: http, messageSink: { message in
            logger.warning("http: \(message)")
        }, quickResponder: app.quickRespond, refuser: app.refuse, bodyLimiter: app.bodyLimit, responder: app.respond)
        // Certifications move with the clock: once at start, then every hour.
        let moved = try app.certification.sweep()
        logger.info("certification sweep: \(moved) people re-evaluated")
        let certification = app.certification
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 3600)
                do { _ = try certification.sweep() } catch { logger.error("certification sweep failed: \(error)") }
            }
        }
        // Study beats held by coalescing are written once their window has passed, and all of them at stop.
        let beats = app.learning as? CoalescingLearningRepository
        if let beats {
            let clock = self.clock
            Thread.detachNewThread {
                while true {
                    Thread.sleep(forTimeInterval: beats.window)
                    do { try beats.flushDue(now: clock()) } catch { logger.error("writing held study beats failed: \(error)") }
                }
            }
        }
        try server.start()
        // Memory freed by caches and pages goes back to the kernel every few seconds.
        allocator.startTrimming()
        auditCheckpointer.start()
        // Mail in the outbox goes out from here (nothing runs when mail is not configured).
        app.mail.start()
        // Assignments, extension decisions and certificate events become notices (and mail): now, then every few minutes.
        let mail = app.mail
        ReminderPass(storage: storage, notices: NoticeService(storage: storage, strings: app.strings,
                                                              publicURL: application.publicURL,
                                                              mailConfigured: mail.isConfigured, wakeMail: { mail.wake() }),
                     catalogue: catalogue, timeZone: application.calendar.timeZone, logger: logger, clock: clock,
                     interval: application.noticePassInterval).start()
        // A line per request: written in batches while serving (warnings and errors still go out at once).
        let lineHandler = logger.handler as? LineLogHandler
        lineHandler?.startBatching()
        defer { lineHandler?.stopBatching() }
        let scheme = http.tls == nil ? "http" : "https"
        let host = http.host.contains(":") ? "[\(http.host)]" : http.host
        print("Listening on \(scheme)://\(host):\(server.port)/")
        fflush(nil)

        var received: Int32 = 0
        while sigwait(&signals, &received) == 0 {
            if received == SIGHUP {
                // The log says what changed, as the trainers' page does.
                catalogue.reload(now: clock(), trigger: .signal, by: nil).log(to: logger)
                continue
            }
            logger.info("stopping after requests in flight (signal \(received))")
            server.stop(grace: 10)
            do { try beats?.flushAll() } catch { logger.error("writing held study beats failed: \(error)") }
            auditCheckpointer.checkpoint(reason: "shutdown")
            break
        }
        logger.info("stopped")
    }
}
