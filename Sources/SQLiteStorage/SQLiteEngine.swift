import Curriculum
import Foundation
import GRDB
import Logging
import TrainingServer

/// The SQLite storage engine: every repository of `StorageEngine` on one `Store` (a database file in WAL mode),
/// made once. The repositories take `clock` where they stamp what they write.
public struct SQLiteEngine: StorageEngine {
    public let store: Store
    public let clock: @Sendable () -> Double
    /// The shared lock a serving process holds on the database (`restore` refuses while one is held).
    let lock: DatabaseLock?

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
    public let secondFactors: any SecondFactorRepository
    public let oidcRequests: any OIDCRequestRepository
    public let passwordResets: any PasswordResetRepository
    public let learning: any LearningRepository
    public let attempts: any AttemptRepository
    public let dashboard: any DashboardRepository
    public let mediaWatch: any MediaWatchRepository
    public let certifications: any CertificationRepository
    public let issuerKeys: any IssuerKeyRepository
    public let reports: any ReportRepository
    public let assignments: any AssignmentRepository & PlanFileAssignmentStore
    public let assignmentRequests: any AssignmentRequestRepository
    public let assignmentProgress: any AssignmentProgressRepository
    public let yearlyRequirements: any YearlyRequirementRepository
    public let calendarFeeds: any CalendarFeedRepository
    public let staff: any StaffRepository
    public let staffImports: any StaffImportRepository
    public let notices: any NoticeRepository
    public let announcements: any AnnouncementRepository
    public let reminders: any ReminderRepository
    public let mailOutbox: any MailOutboxRepository
    public let mailAddresses: any MailAddressRepository
    public let weeklyDigests: any WeeklyDigestRepository
    public let settings: any SettingsRepository

    public init(store: Store, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.init(store: store, lock: nil, clock: clock)
    }

    init(store: Store, lock: DatabaseLock?, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.lock = lock
        self.clock = clock
        let users = SQLiteUserRepository(store: store, clock: clock)
        self.users = users
        accounts = users
        let departments = SQLiteDepartmentRepository(store: store, clock: clock)
        self.departments = departments
        departmentAdministration = departments
        sessions = SQLiteSessionRepository(store: store)
        let tokens = SQLiteAPITokenRepository(store: store)
        apiTokens = tokens
        apiTokenDirectory = tokens
        let failures = SQLiteLoginFailureStore(store: store)
        loginFailures = failures
        loginFailureInspection = failures
        audit = SQLiteAuditLog(store: store, clock: clock)
        auditQueries = AuditLogQueries(store: store)
        externalIdentities = SQLiteExternalIdentityRepository(store: store)
        serverKeys = SQLiteServerKeyStore(store: store)
        secondFactors = SQLiteSecondFactorStore(store: store)
        oidcRequests = SQLiteOIDCRequests(store: store)
        passwordResets = SQLitePasswordResetStore(store: store)
        learning = SQLiteLearningRepository(store: store)
        attempts = SQLiteAttemptRepository(store: store)
        dashboard = SQLiteDashboard(store: store)
        mediaWatch = SQLiteMediaWatchRepository(store: store)
        certifications = SQLiteCertificationRepository(store: store)
        issuerKeys = SQLiteIssuerKeyRepository(store: store)
        reports = SQLiteReportRepository(store: store)
        assignments = SQLiteAssignmentRepository(store: store, clock: clock)
        assignmentRequests = SQLiteAssignmentRequests(store: store, clock: clock)
        assignmentProgress = SQLiteAssignmentProgress(store: store)
        yearlyRequirements = SQLiteYearlyRequirements(store: store, clock: clock)
        calendarFeeds = SQLiteCalendarFeeds(store: store, clock: clock)
        staff = SQLiteStaffRepository(store: store, clock: clock)
        staffImports = SQLiteStaffImportRepository(store: store, clock: clock)
        notices = SQLiteNotices(store: store)
        announcements = SQLiteAnnouncements(store: store)
        reminders = SQLiteReminders(store: store)
        mailOutbox = SQLiteMailOutbox(store: store)
        mailAddresses = SQLiteMailAddressRepository(store: store, clock: clock)
        weeklyDigests = SQLiteWeeklyDigestStore(store: store)
        settings = SQLiteSettingsRepository(store: store)
    }

    /// Opens (creating when missing) the database file at `path`, migrated to the current schema.
    public static func open(path: String, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 })
        throws -> SQLiteEngine {
        SQLiteEngine(store: try Store(path: path), clock: clock)
    }

    /// Opens the database file at `path` for a server: takes the shared lock `restore` waits for (held as long as
    /// the engine is), opens the database, and warns through `logger` about database files other users can read.
    public static func openForServing(path: String, clock: @escaping @Sendable () -> Double, logger: Logger) throws
        -> SQLiteEngine {
        let lock = try DatabaseLock.shared(databasePath: path)
        let store = try Store(path: path)
        for file in Store.filesReadableByOthers(databasePath: path) {
            logger.warning("\(file.path) is readable by other users (mode 0\(String(file.mode, radix: 8))); it holds password hashes and personal data: chmod 600 the database files, 700 their folder")
        }
        return SQLiteEngine(store: store, lock: lock, clock: clock)
    }

    public func demoSeeded() throws -> Bool {
        try store.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'demo_seeded'") != nil
        }
    }

    public func recordDemoSeeded(at date: Date) throws {
        try store.write { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('demo_seeded', ?)",
                           arguments: [ISO8601DateFormatter().string(from: date)])
        }
    }

    public func isHealthy() -> Bool { store.isHealthy() }

    public func checkIntegrity(limit: Int) throws -> [String] { try store.quickCheck(limit: limit) }

    public var waitSeconds: Double { store.totalWaitSeconds }

    public func describe() -> DatabaseDescription {
        let files = DatabaseFiles.measure(store.path)
        return DatabaseDescription(engine: .sqlite, location: files.path, bytes: files.bytes, walBytes: files.walBytes)
    }

    public func backUp(into backups: DatabaseBackups, by actor: AuditActor, now: Double) throws -> DatabaseBackups.Outcome {
        try backups.backUp(store, by: actor, now: now)
    }

    public func backUp(to path: String, by actor: AuditActor, now: Double) throws -> DatabaseBackups.Outcome {
        try DatabaseBackups.write(store, to: path, by: actor, now: now)
    }

    public var auditChain: any AuditChainReader { SQLiteAuditChainReader(store: store) }

    public var accountChanges: (any ChangeSignal)? { ChangeStamp.accounts(databasePath: store.path) }

    public var settingsChanges: (any ChangeSignal)? { ChangeStamp.settings(databasePath: store.path) }

    public var catalogueReloads: (any RaisableChangeSignal)? { ChangeStamp.catalogue(databasePath: store.path) }

    public func close() throws { try store.close() }
}

// MARK: - Transactions

/// A write or read transaction of the SQLite engine: the connection inside `Store.write` or `Store.read`.
public struct SQLiteTransaction: StorageTransaction {
    public let db: Database

    public init(_ db: Database) { self.db = db }
}

extension StorageTransaction {
    /// The connection of a transaction the SQLite engine opened.
    var db: Database {
        guard let transaction = self as? SQLiteTransaction else {
            preconditionFailure("a transaction of another storage engine was handed to the SQLite engine")
        }
        return transaction.db
    }
}

/// SQLite's errors as the application sees storage failures: busy, full, I/O and locked are temporary.
extension DatabaseError: StorageFailure {
    public var isTemporary: Bool {
        resultCode == .SQLITE_BUSY || resultCode == .SQLITE_FULL || resultCode == .SQLITE_IOERR
            || resultCode == .SQLITE_LOCKED
    }

    public var code: String { "\(resultCode)" }
}

// MARK: - Repositories without a protocol of their own before the engine

extension SQLiteDashboard: DashboardRepository {}
extension AuditLogQueries: AuditQueryRepository {}
extension SQLiteDepartmentRepository: DepartmentAdministrationRepository {}
extension SQLiteAnnouncements: AnnouncementRepository {}
extension SQLiteAssignmentRequests: AssignmentRequestRepository {}
extension SQLiteStaffRepository: StaffRepository {}
extension SQLiteStaffImportRepository: StaffImportRepository {}
extension SQLiteOIDCRequests: OIDCRequestRepository {}
extension SQLiteSecondFactorStore: SecondFactorRepository {}
extension SQLiteServerKeyStore: ServerKeyRepository {}
extension SQLiteMailAddressRepository: MailAddressRepository {}

extension SQLiteNotices: NoticeRepository {
    public func insert(_ notice: NewNotice, at now: Double, in transaction: any StorageTransaction) throws -> Int64? {
        try Self.insert(notice, at: now, in: transaction.db)
    }

    public func recipient(_ userID: UserID, in transaction: any StorageTransaction) throws -> NoticeRecipient? {
        try Self.recipient(userID, in: transaction.db)
    }

    public func insertUnsubscribeToken(hash: String, userID: UserID, at now: Double,
                                       in transaction: any StorageTransaction) throws {
        try Self.insertUnsubscribeToken(hash: hash, userID: userID, at: now, in: transaction.db)
    }
}

extension SQLiteReminders: ReminderRepository {
    public var batchSize: Int { Self.batchSize }

    public func dedupeKeyPrefix(assignment id: Int64, _ window: ReminderWindow) -> String {
        window.keyPrefix(assignment: id)
    }

    public func claim(certificationEvent id: Int64, at now: Double, in transaction: any StorageTransaction) throws -> Bool {
        try Self.claim(certificationEvent: id, at: now, in: transaction.db)
    }

    public func batch<T>(_ body: (any StorageTransaction) throws -> T) throws -> T {
        try store.write { db in try body(SQLiteTransaction(db)) }
    }
}

extension PlanStatusRule {
    /// The rule as SQL over `assignment_members m` (`AssignmentEvidence`).
    var sql: SQLiteAssignmentProgress.Status {
        let expression = AssignmentEvidence.status(of: item, catalogue: catalogue, today: today)
        return (expression.sql, expression.arguments)
    }
}

extension SQLiteAssignmentProgress: AssignmentProgressRepository {
    public func counts(assignment assignmentID: Int64, in prefixes: [String],
                       status: PlanStatusRule) throws -> [DepartmentID: PlanCounts] {
        try counts(assignment: assignmentID, in: prefixes, status: status.sql)
    }

    public func members(assignment assignmentID: Int64, in prefixes: [String], status: PlanStatusRule,
                        wanted: AssignmentStatus, limit: Int, offset: Int) throws -> (lines: [PlanMemberLine], total: Int) {
        try members(assignment: assignmentID, in: prefixes, status: status.sql, wanted: wanted, limit: limit, offset: offset)
    }

    public func page(assignment assignmentID: Int64, in prefixes: [String], status: PlanStatusRule,
                     after afterUserID: Int64?, limit: Int) throws -> [PlanMemberLine] {
        try page(assignment: assignmentID, in: prefixes, status: status.sql, after: afterUserID, limit: limit)
    }

    public func status(of userID: UserID, assignment assignmentID: Int64, status: PlanStatusRule) throws -> AssignmentStatus? {
        try self.status(of: userID, assignment: assignmentID, status: status.sql)
    }
}

extension PlanOverdueFilter {
    /// The condition on the person `u`, with its values: an `EXISTS` over the assignment's current members whose
    /// status by `AssignmentEvidence` is overdue.
    var condition: (sql: String, arguments: StatementArguments) {
        let status = rule.sql
        return ("""
            EXISTS (SELECT 1 FROM assignment_members m WHERE m.assignment_id = ? AND m.user_id = u.id AND m.left_at IS NULL \
            AND \(status.sql) = 'overdue')
            """, [assignmentID] + status.arguments)
    }
}

extension SQLiteMailOutbox: MailOutboxRepository {
    public func enqueue(_ mail: OutgoingMail, at now: Double, in transaction: any StorageTransaction) throws -> Int64 {
        try Self.enqueue(mail, at: now, in: transaction.db)
    }
}

extension SQLiteWeeklyDigestStore: WeeklyDigestRepository {
    public func queue(for userID: UserID, week: String, at now: Double,
                      compose: (any StorageTransaction) throws -> OutgoingMail?) throws -> Int64? {
        try queue(for: userID, week: week, at: now) { (db: Database) in try compose(SQLiteTransaction(db)) }
    }

    public func recipient(_ userID: UserID, in transaction: any StorageTransaction) throws -> (User, String)? {
        try Self.recipient(userID, in: transaction.db)
    }

    public func openAssignments(in transaction: any StorageTransaction) throws -> [Assignment] {
        try Self.openAssignments(in: transaction.db)
    }

    public func overdue(_ assignment: Assignment, within scope: AccessScope, catalogue: Catalogue, today: ISODay, limit: Int,
                        in transaction: any StorageTransaction) throws -> (total: Int, people: [DigestOverduePerson]) {
        try Self.overdue(assignment, within: scope, catalogue: catalogue, today: today, limit: limit, in: transaction.db)
    }
}

extension SQLitePasswordResetStore: PasswordResetRepository {
    public func write<T>(_ body: (any StorageTransaction) throws -> T) throws -> T {
        try store.write { db in try body(SQLiteTransaction(db)) }
    }

    public func read<T>(_ body: (any StorageTransaction) throws -> T) throws -> T {
        try store.read { db in try body(SQLiteTransaction(db)) }
    }

    public func account(_ userID: UserID, in transaction: any StorageTransaction) throws
        -> (login: String, passwordHash: String, disabled: Bool)? {
        try Self.account(userID, in: transaction.db)
    }

    public func user(_ userID: UserID, in transaction: any StorageTransaction) throws -> User? {
        try SQLiteUserRepository.load(transaction.db, where: "id = ?", [userID.rawValue]).first
    }

    public func email(of userID: UserID, in transaction: any StorageTransaction) throws -> String? {
        try SQLiteMailAddressRepository.email(of: userID, in: transaction.db)
    }

    public func insert(tokenHash: String, userID: UserID, passwordDigest: String, origin: PasswordResetOrigin, now: Double,
                       expiresAt: Double, in transaction: any StorageTransaction) throws {
        try Self.insert(tokenHash: tokenHash, userID: userID, passwordDigest: passwordDigest, origin: origin, now: now,
                        expiresAt: expiresAt, in: transaction.db)
    }

    public func enqueue(_ mail: OutgoingMail, at now: Double, in transaction: any StorageTransaction) throws {
        _ = try SQLiteMailOutbox.enqueue(mail, at: now, in: transaction.db)
    }

    public func audit(_ event: AuditEvent, by actor: AuditActor, at now: Double, in transaction: any StorageTransaction) throws {
        try AuditChain.append(event, by: actor, at: now, in: transaction.db)
    }

    public func handleRequest(id: Int64, now: Double, window: Double, perAccount: Int,
                              issue: (any StorageTransaction, User, String) throws -> Void) throws -> Int {
        try handleRequest(id: id, now: now, window: window, perAccount: perAccount) { (db: Database, user: User, email: String) in
            try issue(SQLiteTransaction(db), user, email)
        }
    }
}
