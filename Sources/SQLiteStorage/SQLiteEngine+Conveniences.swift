import Curriculum
import Foundation
import GRDB
import Logging
import TrainingServer

// The application and its services on a SQLite `Store` directly: each builds `SQLiteEngine` on the store and
// hands it on. For tests and tools that hold a `Store`; the server and the commands pass a `StorageEngine`.

extension Application {
    /// The application on the SQLite database of `store`.
    public convenience init(configuration: ApplicationConfiguration, store: Store, catalogue: CatalogueHolder,
                            issuer: CertificateIssuer, logger: Logger,
                            clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.init(configuration: configuration, storage: SQLiteEngine(store: store, clock: clock), catalogue: catalogue,
                  issuer: issuer, logger: logger, clock: clock)
    }
}

extension NoticeService {
    public init(store: Store, strings: Localization, publicURL: String, mailConfigured: Bool,
                wakeMail: @escaping @Sendable () -> Void = {}) {
        self.init(storage: SQLiteEngine(store: store), strings: strings, publicURL: publicURL,
                  mailConfigured: mailConfigured, wakeMail: wakeMail)
    }

    /// Posts `notice` inside the caller's SQLite write transaction `db`.
    @discardableResult
    public func post(_ notice: NewNotice, at now: Double, in db: Database) throws -> Posted {
        try post(notice, at: now, in: SQLiteTransaction(db))
    }
}

extension ReminderPass {
    public convenience init(store: Store, notices: NoticeService, catalogue: CatalogueHolder, timeZone: TimeZone,
                            logger: Logger, clock: @escaping @Sendable () -> Double, interval: Double = 300) {
        self.init(storage: SQLiteEngine(store: store, clock: clock), notices: notices, catalogue: catalogue,
                  timeZone: timeZone, logger: logger, clock: clock, interval: interval)
    }
}

extension PasswordResets {
    public init(store: Store, strings: Localization, publicURL: String, mailEnabled: Bool,
                clock: @escaping @Sendable () -> Double) {
        self.init(storage: SQLiteEngine(store: store, clock: clock), strings: strings, publicURL: publicURL,
                  mailEnabled: mailEnabled, clock: clock)
    }
}

extension SecondFactors {
    /// Second factors in the database of `store`; the seal key beside it unless `sealPath` says otherwise.
    public init(store: Store, sealPath: String? = nil, clock: @escaping @Sendable () -> Double) {
        self.init(repository: SQLiteSecondFactorStore(store: store),
                  sealPath: sealPath ?? SecondFactorSeal.keyPath(forDatabase: store.path), clock: clock)
    }
}

extension MailService {
    public convenience init(settings: MailSettings?, store: Store, transport: (any MailTransport)? = nil,
                            counters: MailCounters, logger: Logger, clock: @escaping @Sendable () -> Double) {
        self.init(settings: settings, storage: SQLiteEngine(store: store, clock: clock), transport: transport,
                  counters: counters, logger: logger, clock: clock)
    }
}

extension WeeklyDigest {
    public convenience init(store: Store, strings: Localization, catalogue: @escaping @Sendable () -> Catalogue,
                            schedule: WeeklyDigestSchedule, publicURL: String, logger: Logger,
                            clock: @escaping @Sendable () -> Double) {
        self.init(storage: SQLiteEngine(store: store, clock: clock), strings: strings, catalogue: catalogue,
                  schedule: schedule, publicURL: publicURL, logger: logger, clock: clock)
    }
}

extension StaffImportService {
    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.init(storage: SQLiteEngine(store: store, clock: clock))
    }
}

extension DepartmentAdministration {
    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.init(storage: SQLiteEngine(store: store, clock: clock))
    }
}

extension StaffAttributes {
    public static func sqlite(store: Store, clock: @escaping @Sendable () -> Double) -> StaffAttributes {
        StaffAttributes(storage: SQLiteEngine(store: store, clock: clock))
    }
}

extension IdentityProvisioner {
    public static func sqlite(store: Store, users: any UserRepository, departments: any DepartmentRepository,
                              audit: any AuditLog, throttle: LoginThrottle.Policy,
                              clock: @escaping @Sendable () -> Double) -> IdentityProvisioner {
        IdentityProvisioner(storage: SQLiteEngine(store: store, clock: clock), users: users, departments: departments,
                            audit: audit, throttle: throttle, clock: clock)
    }
}

extension DemoSeed {
    public static func seedIfNeeded(store: Store, users: any UserRepository, departments: any DepartmentRepository,
                                    hasher: PasswordHasher) throws -> [Account] {
        try seedIfNeeded(storage: SQLiteEngine(store: store), users: users, departments: departments, hasher: hasher)
    }
}

extension AuditCheckpointer {
    public convenience init(store: Store, databasePath: String, settings: AuditAnchorSettings, logger: Logger,
                            clock: @escaping @Sendable () -> Double) throws {
        try self.init(storage: SQLiteEngine(store: store, clock: clock), databasePath: databasePath, settings: settings,
                      logger: logger, clock: clock)
    }
}
