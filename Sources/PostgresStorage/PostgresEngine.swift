import Foundation
import Logging
import TrainingServer

/// The PostgreSQL storage engine: one `PostgresPool` for the process, every PostgreSQL repository made once on it,
/// the engine-level members of `StorageEngine`, and the change signals other nodes read.
///
/// Adding a repository is one line in `init` and one property.
///
/// Besides the main pool it keeps `checks`, a pool of one connection for the health probe and the change signals,
/// so a saturated main pool never delays `/healthz` or a request's cache check.
public final class PostgresEngine: StorageEngine {
    public let pool: PostgresPool
    /// One connection for `isHealthy` and the change signals' readings.
    let checks: PostgresPool
    public let clock: @Sendable () -> Double

    public let users: any UserRepository
    public let accounts: any AccountAdministrationRepository
    public let departments: any DepartmentRepository
    public let departmentAdministration: any DepartmentAdministrationRepository
    public let sessions: any SessionRepository
    public let apiTokens: any APITokenRepository
    public let apiTokenDirectory: any APITokenDirectory
    public let loginFailures: any LoginFailureStore
    public let loginFailureInspection: any LoginFailureInspection
    public let audit: any AuditLog
    public let auditQueries: any AuditQueryRepository
    public let externalIdentities: any ExternalIdentityRepository
    public let serverKeys: any ServerKeyRepository
    public let oidcRequests: any OIDCRequestRepository
    public let secondFactors: any SecondFactorRepository
    public let learning: any LearningRepository
    public let attempts: any AttemptRepository
    public let mediaWatch: any MediaWatchRepository
    public let certifications: any CertificationRepository
    public let issuerKeys: any IssuerKeyRepository
    public let reports: any ReportRepository
    public let yearlyRequirements: any YearlyRequirementRepository
    public let staff: any StaffRepository
    public let staffImports: any StaffImportRepository
    public let assignments: any AssignmentRepository & PlanFileAssignmentStore
    public let assignmentRequests: any AssignmentRequestRepository
    public let assignmentProgress: any AssignmentProgressRepository
    public let notices: any NoticeRepository
    public let announcements: any AnnouncementRepository
    public let reminders: any ReminderRepository
    public let mailOutbox: any MailOutboxRepository
    public let mailAddresses: any MailAddressRepository
    public let weeklyDigests: any WeeklyDigestRepository
    public let settings: any SettingsRepository
    public let passwordResets: any PasswordResetRepository
    public let calendarFeeds: any CalendarFeedRepository
    public let dashboard: any DashboardRepository
    public let accountChanges: (any ChangeSignal)?
    public let settingsChanges: (any ChangeSignal)?
    public let catalogueReloads: (any RaisableChangeSignal)?

    /// The engine on `pool` (already migrated: see `open`).
    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.pool = pool
        self.clock = clock
        checks = PostgresChangeSignal.readerPool(for: pool.configuration)
        let users = PostgresUserRepository(pool: pool, clock: clock)
        self.users = users
        accounts = users
        let departments = PostgresDepartmentRepository(pool: pool, clock: clock)
        self.departments = departments
        departmentAdministration = departments
        sessions = PostgresSessionRepository(pool: pool)
        let tokens = PostgresAPITokenRepository(pool: pool)
        apiTokens = tokens
        apiTokenDirectory = tokens
        let failures = PostgresLoginFailureStore(pool: pool)
        loginFailures = failures
        loginFailureInspection = failures
        audit = PostgresAuditLog(pool: pool, clock: clock)
        auditQueries = PostgresAuditQueries(pool: pool)
        externalIdentities = PostgresExternalIdentityRepository(pool: pool)
        serverKeys = PostgresServerKeyStore(pool: pool)
        oidcRequests = PostgresOIDCRequests(pool: pool)
        secondFactors = PostgresSecondFactorStore(pool: pool)
        learning = PostgresLearningRepository(pool: pool)
        attempts = PostgresAttemptRepository(pool: pool)
        mediaWatch = PostgresMediaWatchRepository(pool: pool)
        certifications = PostgresCertificationRepository(pool: pool)
        issuerKeys = PostgresIssuerKeyRepository(pool: pool)
        reports = PostgresReportRepository(pool: pool)
        yearlyRequirements = PostgresYearlyRequirements(pool: pool, clock: clock)
        staff = PostgresStaffRepository(pool: pool, clock: clock)
        staffImports = PostgresStaffImportRepository(pool: pool, clock: clock)
        assignments = PostgresAssignmentRepository(pool: pool, clock: clock)
        assignmentRequests = PostgresAssignmentRequests(pool: pool, clock: clock)
        assignmentProgress = PostgresAssignmentProgress(pool: pool)
        notices = PostgresNotices(pool: pool)
        announcements = PostgresAnnouncements(pool: pool)
        reminders = PostgresReminders(pool: pool)
        mailOutbox = PostgresMailOutbox(pool: pool)
        mailAddresses = PostgresMailAddressRepository(pool: pool, clock: clock)
        weeklyDigests = PostgresWeeklyDigestStore(pool: pool)
        settings = PostgresSettingsRepository(pool: pool)
        passwordResets = PostgresPasswordResets(pool: pool)
        calendarFeeds = PostgresCalendarFeeds(pool: pool, clock: clock)
        dashboard = PostgresDashboard(pool: pool)
        accountChanges = PostgresChangeSignal(.accounts, pool: pool, readers: checks)
        settingsChanges = PostgresChangeSignal(.settings, pool: pool, readers: checks)
        catalogueReloads = PostgresChangeSignal(.catalogue, pool: pool, readers: checks)
    }

    /// Connects, brings the schema up to date (the named migrations, each once, whichever node starts first) and
    /// makes the engine with a pool of `poolSize` connections.
    public static func open(configuration: PostgresConfiguration, poolSize: Int = 8,
                            clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                            logger: Logger = Logger(label: "postgres")) throws -> PostgresEngine {
        let pool = PostgresPool(configuration: configuration, size: poolSize, logger: logger)
        do {
            try pool.withConnection { connection in _ = try PostgresSchema.migrator().migrate(connection, logger: logger) }
        } catch {
            pool.close()
            throw error
        }
        return PostgresEngine(pool: pool, clock: clock)
    }

    // MARK: - Demo seeding

    public func demoSeeded() throws -> Bool {
        try pool.withConnection { connection in
            try !connection.query("SELECT 1 FROM settings WHERE key = 'demo_seeded'").isEmpty
        }
    }

    public func recordDemoSeeded(at date: Date) throws {
        _ = try pool.withConnection { connection in
            try connection.execute("INSERT INTO settings (key, value) VALUES ('demo_seeded', $1)",
                                   ISO8601DateFormatter().string(from: date))
        }
    }

    // MARK: - The database itself

    /// One `SELECT 1` on the checks' own connection, waiting at most a second for it.
    public func isHealthy() -> Bool {
        (try? checks.withConnection { connection in try connection.query("SELECT 1").count == 1 }) ?? false
    }

    /// What can go wrong on PostgreSQL that SQLite's `quick_check` would not see, at most `limit` lines, or `["ok"]`:
    /// migrations missing or unknown to this server, the append-only triggers of `audit_log` and `attempt_steps`
    /// missing or disabled, any other trigger disabled (the counters it keeps drift), indexes left invalid (a failed
    /// `CREATE INDEX CONCURRENTLY`), and the audit chain broken. Page corruption is the server's to detect
    /// (`data_checksums`, `pg_amcheck`).
    public func checkIntegrity(limit: Int) throws -> [String] {
        let problems: [String] = try pool.transaction(.repeatableRead) { connection in
            var problems: [String] = []
            let applied = Set(try PostgresSchema.migrator().appliedNames(connection))
            let known = PostgresSchema.migrations.map(\.name)
            for name in known where !applied.contains(name) { problems.append("migration \(name) is not applied") }
            for name in applied.subtracting(known).sorted() {
                problems.append("migration \(name) is not known to this server (a newer one migrated the database)")
            }
            let triggers = try connection.query("""
                SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
                """)
            var enabled: [String: Bool] = [:]
            for row in triggers {
                let name: String = try row.decode(at: 1)
                enabled[name] = try row.decode(String.self, at: 2) != "D"
            }
            for table in Self.appendOnlyTables {
                for operation in ["update", "delete", "truncate"] {
                    let trigger = "\(table)_no_\(operation)"
                    switch enabled[trigger] {
                    case nil: problems.append("\(table) is not append-only: the trigger \(trigger) is missing")
                    case false: problems.append("\(table) is not append-only: the trigger \(trigger) is disabled")
                    default: break
                    }
                }
            }
            for (trigger, on) in enabled.sorted(by: { $0.key < $1.key }) where !on
                && !Self.appendOnlyTables.contains(where: { trigger.hasPrefix($0 + "_no_") }) {
                problems.append("the trigger \(trigger) is disabled")
            }
            for row in try connection.query("""
                SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)
                ORDER BY c.relname
                """) {
                problems.append("the index \(try row.decode(String.self, at: 0)) is invalid (rebuild it with REINDEX)")
            }
            if case .broken(let row, let reason) = try PostgresAuditChain.verify(on: connection) {
                problems.append("the audit chain is broken at row \(row): \(reason)")
            }
            return problems
        }
        return problems.isEmpty ? ["ok"] : Array(problems.prefix(max(1, limit)))
    }

    static let appendOnlyTables = ["audit_log", "attempt_steps"]

    /// Seconds requests have waited for a connection of the pool since it was made.
    public var waitSeconds: Double { pool.totalWaitSeconds }

    /// The database as a URL without its password, and the space the platform's tables take: those of its schema
    /// (with their indexes and TOAST), which is the whole database when it has that schema to itself.
    public func describe() -> DatabaseDescription {
        let bytes: Int64? = try? checks.withConnection { connection in
            try connection.query("""
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')
                """)[0].decode(Int64.self, at: 0)
        }
        return DatabaseDescription(engine: .postgres, location: pool.configuration.description, bytes: bytes, walBytes: nil)
    }

    public func backUp(into backups: DatabaseBackups, by actor: AuditActor, now: Double) throws -> DatabaseBackups.Outcome {
        try backUp(to: try backups.newPath(now: now, extension: "dump"), by: actor, now: now)
    }

    /// `pg_dump --format=custom` of the database (the configured schema only, when one is set) to `path`, checked by
    /// reading its table of contents back (`pg_restore --list`), and recorded as `database.backup`. A dump is one
    /// consistent snapshot, restorable with `pg_restore`; it is not a point-in-time recovery: docs/operations.md says
    /// when base backups with WAL archiving are the better tool.
    public func backUp(to path: String, by actor: AuditActor, now: Double) throws -> DatabaseBackups.Outcome {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw DatabaseBackups.Failure.failed("\(path) exists already")
        }
        let dump = PostgresDump(configuration: pool.configuration)
        try dump.write(to: path)
        let integrity = dump.check(path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let file = DatabaseBackups.File(path: path, bytes: (attributes?[.size] as? NSNumber)?.int64Value ?? 0,
                                        at: (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? now)
        try PostgresAuditLog(pool: pool, clock: { now }).append(
            AuditEvent(action: "database.backup", subject: file.name,
                       details: ["bytes": String(file.bytes), "integrity": integrity == "ok" ? "ok" : "failed"]),
            by: actor)
        return DatabaseBackups.Outcome(file: file, integrity: integrity)
    }

    public var auditChain: any AuditChainReader { PostgresAuditChainReader(pool: pool) }

    /// Closes the pools; nothing may use the engine afterwards.
    public func close() throws {
        pool.close()
        checks.close()
    }
}

public enum PostgresEngineError: Error, CustomStringConvertible, Equatable {
    case backupFailed(String)

    public var description: String {
        switch self {
        case .backupFailed(let reason): "the backup failed: \(reason)"
        }
    }
}

// MARK: - Repositories whose protocol came after them

extension PostgresServerKeyStore: ServerKeyRepository {}
extension PostgresOIDCRequests: OIDCRequestRepository {}
extension PostgresDepartmentRepository: DepartmentAdministrationRepository {}
