import Foundation

/// The database behind the application: every repository it uses, by protocol, and what it needs of the database
/// itself (a health check, an integrity check, backups, the audit chain's checkpoints, change stamps, closing).
///
/// The application, its controllers, services and commands reach storage only through one value of this type
/// (`Application.storage`, `ControllerContext.storage`), never by naming an engine's types: an engine is chosen
/// once, where the process starts (`SQLiteEngine` on a `Store` today). The repositories are values the engine made
/// once; the caching and coalescing decorators (`CachedSessionRepository`, `SessionCachingUserRepository`,
/// `CoalescingLearningRepository`) wrap them in `Application` and do not depend on the engine.
public protocol StorageEngine: Sendable {
    // Accounts
    var users: any UserRepository { get }
    /// The same table as `users`, for the administration's changes (roles, state, passwords).
    var accounts: any AccountAdministrationRepository { get }
    var departments: any DepartmentRepository { get }
    var departmentAdministration: any DepartmentAdministrationRepository { get }
    var sessions: any SessionRepository { get }
    var apiTokens: any APITokenRepository { get }
    /// Every token of people in some departments (the administration's token list).
    var apiTokenDirectory: any APITokenDirectory { get }
    var loginFailures: any LoginFailureStore { get }
    var loginFailureInspection: any LoginFailureInspection { get }
    var audit: any AuditLog { get }
    var auditQueries: any AuditQueryRepository { get }
    var externalIdentities: any ExternalIdentityRepository { get }
    var serverKeys: any ServerKeyRepository { get }
    var secondFactors: any SecondFactorRepository { get }
    var oidcRequests: any OIDCRequestRepository { get }
    var passwordResets: any PasswordResetRepository { get }
    // Learning and certification
    var learning: any LearningRepository { get }
    var attempts: any AttemptRepository { get }
    var dashboard: any DashboardRepository { get }
    var mediaWatch: any MediaWatchRepository { get }
    var certifications: any CertificationRepository { get }
    var issuerKeys: any IssuerKeyRepository { get }
    var reports: any ReportRepository { get }
    // Plans
    var assignments: any AssignmentRepository & PlanFileAssignmentStore { get }
    var assignmentRequests: any AssignmentRequestRepository { get }
    var assignmentProgress: any AssignmentProgressRepository { get }
    var yearlyRequirements: any YearlyRequirementRepository { get }
    var calendarFeeds: any CalendarFeedRepository { get }
    // Organisation
    var staff: any StaffRepository { get }
    var staffImports: any StaffImportRepository { get }
    // Notices and mail
    var notices: any NoticeRepository { get }
    var announcements: any AnnouncementRepository { get }
    var reminders: any ReminderRepository { get }
    var mailOutbox: any MailOutboxRepository { get }
    var mailAddresses: any MailAddressRepository { get }
    var weeklyDigests: any WeeklyDigestRepository { get }
    // Settings
    var settings: any SettingsRepository { get }
    /// Whether `--demo`'s organisation and accounts were created in this database, and recording that they were.
    func demoSeeded() throws -> Bool
    func recordDemoSeeded(at date: Date) throws

    // The database itself
    /// Whether the database answers now (`/healthz`); cheap enough for every probe.
    func isHealthy() -> Bool
    /// The database's own consistency check: `["ok"]`, or the problems it found (at most `limit` lines).
    func checkIntegrity(limit: Int) throws -> [String]
    /// Seconds requests have waited for the database since start (`/metrics`).
    var waitSeconds: Double { get }
    /// Where the database is and how big (the administrators' system page).
    func describe() -> DatabaseDescription
    /// Writes a new backup into `backups`' folder and records `database.backup` by `actor`.
    func backUp(into backups: DatabaseBackups, by actor: AuditActor, now: Double) throws -> DatabaseBackups.Outcome
    /// Writes a backup to `path` (which must not exist) and records `database.backup` by `actor`.
    func backUp(to path: String, by actor: AuditActor, now: Double) throws -> DatabaseBackups.Outcome
    /// Reads the audit chain (walks, its head, the rows checkpoints name), each reading one consistent snapshot.
    var auditChain: any AuditChainReader { get }
    /// Raised by every committed account or session change, by any process or node (ends cached sessions); nil
    /// when the engine has no such signal (caches then only expire). SQLite: a stamp file beside the database;
    /// PostgreSQL: a counter row bumped in the change's transaction.
    var accountChanges: (any ChangeSignal)? { get }
    /// Raised by every committed change of the platform's settings, by any process or node.
    var settingsChanges: (any ChangeSignal)? { get }
    /// Raised after a catalogue reload that a server started (the button, SIGHUP): the other servers on the database
    /// reload their course files too (`CatalogueFollower`).
    var catalogueReloads: (any RaisableChangeSignal)? { get }
    /// Closes the database; nothing may use the engine afterwards.
    func close() throws
}

/// Where a database is and how big, as the system page shows it.
public struct DatabaseDescription: Sendable, Equatable {
    public enum Engine: String, Sendable {
        case sqlite, postgres
    }

    public var engine: Engine
    /// The SQLite file's path, or the PostgreSQL database as a URL without its password.
    public var location: String
    /// The file's size, or the space the platform's tables and indexes take in PostgreSQL (nil when it could not
    /// be read).
    public var bytes: Int64?
    /// SQLite's write-ahead log (nil on PostgreSQL).
    public var walBytes: Int64?

    public init(engine: Engine, location: String, bytes: Int64?, walBytes: Int64?) {
        self.engine = engine
        self.location = location
        self.bytes = bytes
        self.walBytes = walBytes
    }
}

extension StorageEngine {
    /// Walks the audit chain and compares it with the checkpoints `settings` names (resolved against `databasePath`,
    /// the folder of the node's own files).
    public func verifyAudit(databasePath: String, settings: AuditAnchorSettings) throws -> AuditVerificationReport {
        try AuditVerificationReport.run(chain: auditChain, databasePath: databasePath, settings: settings)
    }

    /// The audit chain's signed checkpoints, kept in `file` and signed with `key`.
    public func auditAnchor(key: AuditKey, file: AuditCheckpointFile) -> AuditAnchor {
        AuditAnchor(chain: auditChain, key: key, file: file)
    }
}

/// An open transaction of a storage engine, handed to work that must commit with other writes (a notice and its
/// mail, a reset link with its mail and audit entry). Only the engine that opened it can use it.
public protocol StorageTransaction {}

/// An error of a storage engine; `isTemporary` when trying again shortly may succeed (the database is busy, full
/// or failing to read or write): requests then answer 503 with `Retry-After`.
public protocol StorageFailure: Error {
    var isTemporary: Bool { get }
    /// The engine's code for the failure, for the log.
    var code: String { get }
}
