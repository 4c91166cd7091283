import Foundation
import GRDB
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The engines the storage suite runs against: SQLite always, PostgreSQL when a cluster is configured (or required,
/// when its absence fails the PostgreSQL cases instead of leaving them out).
enum StorageKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var enabled: [StorageKind] { TestPostgres.isEnabled ? allCases : [.sqlite] }

    var testDescription: String { rawValue }
}

/// A settable clock for repositories that take one.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Double

    init(_ now: Double) { self.now = now }

    var current: Double {
        lock.lock(); defer { lock.unlock() }
        return now
    }

    func advance(by seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        now += seconds
    }

    var function: @Sendable () -> Double { { [self] in current } }
}

/// A value for the suite's own SQL (setting up and inspecting rows), bound on either engine.
enum SQLValue: Sendable {
    case int(Int64), double(Double), text(String), null

    var grdb: DatabaseValue {
        switch self {
        case .int(let value): value.databaseValue
        case .double(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .null: .null
        }
    }

    var postgres: (any PostgresBindable)? {
        switch self {
        case .int(let value): value
        case .double(let value): value
        case .text(let value): value
        case .null: nil
        }
    }
}

/// The department administration's changes (rename, move, delete, counts) of one engine's department repository.
struct DepartmentChanges: Sendable {
    let rename: @Sendable (DepartmentID, String, AuditActor) throws(DepartmentChangeFailure) -> Department
    let move: @Sendable (DepartmentID, DepartmentID, AuditActor) throws(DepartmentChangeFailure) -> Department
    let delete: @Sendable (DepartmentID, AuditActor) throws(DepartmentChangeFailure) -> Void
    let accountsInSubtree: @Sendable (Department) throws -> Int
    let headcounts: @Sendable () throws -> [DepartmentID: Int]

    init(_ repository: SQLiteDepartmentRepository) {
        rename = { id, name, actor throws(DepartmentChangeFailure) in try repository.rename(id, to: name, by: actor) }
        move = { id, parent, actor throws(DepartmentChangeFailure) in try repository.move(id, under: parent, by: actor) }
        delete = { id, actor throws(DepartmentChangeFailure) in try repository.delete(id, by: actor) }
        accountsInSubtree = { try repository.accounts(inSubtreeOf: $0) }
        headcounts = { try repository.headcounts() }
    }

    init(_ repository: PostgresDepartmentRepository) {
        rename = { id, name, actor throws(DepartmentChangeFailure) in try repository.rename(id, to: name, by: actor) }
        move = { id, parent, actor throws(DepartmentChangeFailure) in try repository.move(id, under: parent, by: actor) }
        delete = { id, actor throws(DepartmentChangeFailure) in try repository.delete(id, by: actor) }
        accountsInSubtree = { try repository.accounts(inSubtreeOf: $0) }
        headcounts = { try repository.headcounts() }
    }
}

/// The repositories of one server ("node") on a storage: the suite's fixture has one, and can open more on the
/// same database (another `Store` on the same file, or another pool on the same schema), as a second server would.
struct StorageNode {
    let users: any UserRepository
    let accounts: any AccountAdministrationRepository
    let tokenDirectory: any APITokenDirectory
    let departments: any DepartmentRepository
    let departmentChanges: DepartmentChanges
    let audit: any AuditLog
    let auditChain: any AuditChainReader
    let sessions: any SessionRepository
    let attempts: any AttemptRepository
    let certifications: any CertificationRepository
    let mediaWatch: any MediaWatchRepository
    let mailOutbox: any MailOutboxRepository
    let mailAddresses: any MailAddressRepository
    let weeklyDigests: any WeeklyDigestRepository
    let notices: any NoticeRepository
    let announcements: any AnnouncementRepository
    let reminders: any ReminderRepository
    let assignments: any AssignmentRepository & PlanFileAssignmentStore
    let assignmentRequests: any AssignmentRequestRepository
    let assignmentProgress: any AssignmentProgressRepository
    let tokens: any APITokenRepository
    let loginFailures: any LoginFailureStore & LoginFailureInspection
    let settings: any SettingsRepository
    let learning: any LearningRepository
    let yearlyRequirements: any YearlyRequirementRepository
    let externalIdentities: any ExternalIdentityRepository
    let issuerKeys: any IssuerKeyRepository
    let reports: any ReportRepository
    let secondFactors: any SecondFactorRepository
    let staff: any StaffRepository
    let staffImports: any StaffImportRepository
    let auditQueries: any AuditQueryRepository
    let calendarFeeds: any CalendarFeedRepository
    let passwordResets: any PasswordResetRepository
    let dashboard: any DashboardRepository
    /// The shared server keys (`SQLiteServerKeyStore.key(named:now:make:)` or PostgreSQL's).
    let serverKey: @Sendable (String, Double, () -> [UInt8]) throws -> [UInt8]
    /// Pending OpenID Connect sign-ins: add, take, count.
    let oidcAdd: @Sendable (String, OIDCPendingRequest, Double) throws -> Void
    let oidcTake: @Sendable (String) throws -> OIDCPendingRequest?
    let oidcCount: @Sendable () throws -> Int

    static func sqlite(_ store: Store, clock: TestClock) -> StorageNode {
        let users = SQLiteUserRepository(store: store, clock: clock.function)
        let departments = SQLiteDepartmentRepository(store: store, clock: clock.function)
        return StorageNode(users: users, accounts: users, tokenDirectory: SQLiteAPITokenRepository(store: store),
                           departments: departments, departmentChanges: DepartmentChanges(departments),
                           audit: SQLiteAuditLog(store: store, clock: clock.function),
                           auditChain: SQLiteAuditChainReader(store: store),
                           sessions: SQLiteSessionRepository(store: store), attempts: SQLiteAttemptRepository(store: store),
                           certifications: SQLiteCertificationRepository(store: store),
                           mediaWatch: SQLiteMediaWatchRepository(store: store),
                           mailOutbox: SQLiteMailOutbox(store: store),
                           mailAddresses: SQLiteMailAddressRepository(store: store, clock: clock.function),
                           weeklyDigests: SQLiteWeeklyDigestStore(store: store),
                           notices: SQLiteNotices(store: store), announcements: SQLiteAnnouncements(store: store),
                           reminders: SQLiteReminders(store: store),
                           assignments: SQLiteAssignmentRepository(store: store, clock: clock.function),
                           assignmentRequests: SQLiteAssignmentRequests(store: store, clock: clock.function),
                           assignmentProgress: SQLiteAssignmentProgress(store: store),
                           tokens: SQLiteAPITokenRepository(store: store), loginFailures: SQLiteLoginFailureStore(store: store),
                           settings: SQLiteSettingsRepository(store: store), learning: SQLiteLearningRepository(store: store),
                           yearlyRequirements: SQLiteYearlyRequirements(store: store, clock: clock.function),
                           externalIdentities: SQLiteExternalIdentityRepository(store: store),
                           issuerKeys: SQLiteIssuerKeyRepository(store: store),
                           reports: SQLiteReportRepository(store: store),
                           secondFactors: SQLiteSecondFactorStore(store: store),
                           staff: SQLiteStaffRepository(store: store, clock: clock.function),
                           staffImports: SQLiteStaffImportRepository(store: store, clock: clock.function),
                           auditQueries: AuditLogQueries(store: store),
                           calendarFeeds: SQLiteCalendarFeeds(store: store, clock: clock.function),
                           passwordResets: SQLitePasswordResetStore(store: store),
                           dashboard: SQLiteDashboard(store: store),
                           serverKey: { [keys = SQLiteServerKeyStore(store: store)] in try keys.key(named: $0, now: $1, make: $2) },
                           oidcAdd: { [requests = SQLiteOIDCRequests(store: store)] in try requests.add(stateHash: $0, $1, now: $2) },
                           oidcTake: { [requests = SQLiteOIDCRequests(store: store)] in try requests.take(stateHash: $0) },
                           oidcCount: { [requests = SQLiteOIDCRequests(store: store)] in try requests.count() })
    }

    static func postgres(_ pool: PostgresPool, clock: TestClock) -> StorageNode {
        let users = PostgresUserRepository(pool: pool, clock: clock.function)
        let departments = PostgresDepartmentRepository(pool: pool, clock: clock.function)
        return StorageNode(users: users, accounts: users, tokenDirectory: PostgresAPITokenRepository(pool: pool),
                           departments: departments, departmentChanges: DepartmentChanges(departments),
                           audit: PostgresAuditLog(pool: pool, clock: clock.function),
                           auditChain: PostgresAuditChainReader(pool: pool),
                           sessions: PostgresSessionRepository(pool: pool), attempts: PostgresAttemptRepository(pool: pool),
                           certifications: PostgresCertificationRepository(pool: pool),
                           mediaWatch: PostgresMediaWatchRepository(pool: pool),
                           mailOutbox: PostgresMailOutbox(pool: pool),
                           mailAddresses: PostgresMailAddressRepository(pool: pool, clock: clock.function),
                           weeklyDigests: PostgresWeeklyDigestStore(pool: pool),
                           notices: PostgresNotices(pool: pool), announcements: PostgresAnnouncements(pool: pool),
                           reminders: PostgresReminders(pool: pool),
                           assignments: PostgresAssignmentRepository(pool: pool, clock: clock.function),
                           assignmentRequests: PostgresAssignmentRequests(pool: pool, clock: clock.function),
                           assignmentProgress: PostgresAssignmentProgress(pool: pool),
                           tokens: PostgresAPITokenRepository(pool: pool), loginFailures: PostgresLoginFailureStore(pool: pool),
                           settings: PostgresSettingsRepository(pool: pool), learning: PostgresLearningRepository(pool: pool),
                           yearlyRequirements: PostgresYearlyRequirements(pool: pool, clock: clock.function),
                           externalIdentities: PostgresExternalIdentityRepository(pool: pool),
                           issuerKeys: PostgresIssuerKeyRepository(pool: pool),
                           // Summaries of more than ten departments (the report suite's whole organisation) read
                           // the aggregate tables whole, smaller ones look each department up: both forms are tested.
                           reports: PostgresReportRepository(pool: pool, lookUpLimit: 10),
                           secondFactors: PostgresSecondFactorStore(pool: pool),
                           staff: PostgresStaffRepository(pool: pool, clock: clock.function),
                           staffImports: PostgresStaffImportRepository(pool: pool, clock: clock.function),
                           auditQueries: PostgresAuditQueries(pool: pool),
                           calendarFeeds: PostgresCalendarFeeds(pool: pool, clock: clock.function),
                           passwordResets: PostgresPasswordResets(pool: pool),
                           dashboard: PostgresDashboard(pool: pool),
                           serverKey: { [keys = PostgresServerKeyStore(pool: pool)] in try keys.key(named: $0, now: $1, make: $2) },
                           oidcAdd: { [requests = PostgresOIDCRequests(pool: pool)] in try requests.add(stateHash: $0, $1, now: $2) },
                           oidcTake: { [requests = PostgresOIDCRequests(pool: pool)] in try requests.take(stateHash: $0) },
                           oidcCount: { [requests = PostgresOIDCRequests(pool: pool)] in try requests.count() })
    }
}

/// One fresh storage on one engine: a new SQLite file, or a new PostgreSQL schema with every migration applied.
/// Repositories are typed by their protocols only, so the suite's assertions cannot reach engine details;
/// `execute`, `integer` and `text` run the suite's own SQL (written with `?` placeholders, numbered for PostgreSQL).
struct StorageFixture {
    let kind: StorageKind
    let clock: TestClock
    let node: StorageNode
    /// The repositories of another server on the same database, with their own connections and caches.
    let openNode: () throws -> StorageNode
    let execute: (String, [SQLValue]) throws -> Void
    let integer: (String, [SQLValue]) throws -> Int?
    let text: (String, [SQLValue]) throws -> String?
    /// Lets the suite tamper with the audit log (drops or disables the append-only triggers).
    let allowAuditTampering: () throws -> Void

    var users: any UserRepository { node.users }
    var accounts: any AccountAdministrationRepository { node.accounts }
    var tokenDirectory: any APITokenDirectory { node.tokenDirectory }
    var departments: any DepartmentRepository { node.departments }
    var departmentChanges: DepartmentChanges { node.departmentChanges }
    var audit: any AuditLog { node.audit }
    var auditChain: any AuditChainReader { node.auditChain }
    var sessions: any SessionRepository { node.sessions }
    var attempts: any AttemptRepository { node.attempts }
    var certifications: any CertificationRepository { node.certifications }
    var mediaWatch: any MediaWatchRepository { node.mediaWatch }
    var tokens: any APITokenRepository { node.tokens }
    var loginFailures: any LoginFailureStore & LoginFailureInspection { node.loginFailures }
    var settings: any SettingsRepository { node.settings }
    var learning: any LearningRepository { node.learning }

    /// Runs `body` on a fresh storage of `kind`, removed afterwards.
    static func with<T>(_ kind: StorageKind, clock: TestClock = TestClock(1_800_000_000),
                        _ body: (StorageFixture) throws -> T) throws -> T {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("storage-suite-\(UUID().uuidString)", isDirectory: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("training.sqlite").path
            let store = try Store(path: path)
            let fixture = StorageFixture(
                kind: kind, clock: clock, node: .sqlite(store, clock: clock),
                openNode: { .sqlite(try Store(path: path, readers: 2), clock: clock) },
                execute: { sql, values in
                    try store.write { db in try db.execute(sql: sql, arguments: StatementArguments(values.map(\.grdb))) }
                },
                integer: { sql, values in
                    try store.read { db in try Int.fetchOne(db, sql: sql, arguments: StatementArguments(values.map(\.grdb))) }
                },
                text: { sql, values in
                    try store.read { db in try String.fetchOne(db, sql: sql, arguments: StatementArguments(values.map(\.grdb))) }
                },
                allowAuditTampering: {
                    try store.write { db in
                        try db.execute(sql: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
                    }
                })
            return try body(fixture)
        case .postgres:
            return try TestPostgres.withSchema("repos") { configuration in
                let pool = PostgresPool(configuration: configuration, size: 4)
                var pools = [pool]
                defer { pools.forEach { $0.close() } }
                try pool.withConnection { connection in
                    _ = try PostgresMigrator(PostgresSchema.migrations.map { ($0.name, $0.sql) }).migrate(connection)
                }
                let fixture = StorageFixture(
                    kind: kind, clock: clock, node: .postgres(pool, clock: clock),
                    openNode: {
                        let other = PostgresPool(configuration: configuration, size: 4)
                        pools.append(other)
                        return .postgres(other, clock: clock)
                    },
                    execute: { sql, values in
                        try pool.withConnection { connection in
                            _ = try connection.execute(Self.numbered(sql), values.map(\.postgres))
                        }
                    },
                    integer: { sql, values in
                        try pool.withConnection { connection in
                            try connection.query(Self.numbered(sql), values.map(\.postgres)).first?.decodeIfPresent(Int.self, at: 0)
                        }
                    },
                    text: { sql, values in
                        try pool.withConnection { connection in
                            try connection.query(Self.numbered(sql), values.map(\.postgres)).first?.decodeIfPresent(String.self, at: 0)
                        }
                    },
                    allowAuditTampering: {
                        try pool.withConnection { connection in
                            try connection.executeScript("""
                                ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
                                ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete
                                """)
                        }
                    })
                return try body(fixture)
            }
        }
    }

    /// `?` placeholders as `$1`, `$2`, … (the suite's SQL has no `?` inside literals).
    static func numbered(_ sql: String) -> String {
        var result = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The number of rows of a table.
    func count(_ table: String) throws -> Int {
        try integer("SELECT count(*) FROM \(table)", []) ?? 0
    }

    /// A department, created (and audited) through the repository.
    func department(_ path: String...) throws -> Department {
        try departments.ensure(path: path, by: .system)
    }

    /// An account in `department`; password hashes are plain strings: the suite is about storage, not hashing.
    func user(_ login: String, in department: Department, roles: [Role] = [], employeeNumber: String? = nil,
              name: String = "李明") throws -> User {
        try users.create(NewUser(login: login, displayName: name, employeeNumber: employeeNumber,
                                 departmentID: department.id, passwordHash: "hash-of-\(login)", roles: roles),
                         by: .commandLine)
    }

    /// A live browser session row for `user` (written directly: the suite checks what account changes do to it).
    func session(for user: User, token: String) throws {
        try execute("""
            INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, idle_expires_at,
                                  absolute_expires_at, client_address, method)
            VALUES (?, ?, 'c', ?, ?, ?, ?, '127.0.0.1', 'password')
            """, [.text(token), .int(user.id.rawValue), .double(clock.current), .double(clock.current),
                  .double(clock.current + 1_800), .double(clock.current + 43_200)])
    }

    func sessionCount(of user: User) throws -> Int {
        try integer("SELECT count(*) FROM sessions WHERE user_id = ?", [.int(user.id.rawValue)]) ?? 0
    }
}
