/// The organisation tree.
public protocol DepartmentRepository: Sendable {
    /// Finds the department at `path` (names from the root), creating missing ones; audit-logged.
    func ensure(path: [String], by actor: AuditActor) throws -> Department
    func find(path: [String]) throws -> Department?
    func find(id: DepartmentID) throws -> Department?
    /// Every department, ordered root first then by name path.
    func all() throws -> [Department]
}

/// Accounts and their roles.
public protocol UserRepository: Sendable {
    func create(_ user: NewUser, by actor: AuditActor) throws -> User
    func find(login: String) throws -> User?
    func find(id: UserID) throws -> User?
    /// The stored Argon2id hash of an account's password.
    func passwordHash(of id: UserID) throws -> String?
    func all() throws -> [User]
    /// Disables or enables an account; disabling ends all its sessions and revokes its API tokens.
    func setDisabled(_ disabled: Bool, id: UserID, by actor: AuditActor) throws
    /// Sets the password; ends every session and revokes every API token of the account.
    func setPasswordHash(_ hash: String, id: UserID, by actor: AuditActor) throws
    func setLanguage(_ language: String?, id: UserID) throws
    /// Sets the time zone pages show times in (an IANA name the caller checked), or nil for the server's.
    func setTimeZone(_ timeZone: String?, id: UserID) throws
}

/// Browser sessions.
public protocol SessionRepository: Sendable {
    func create(tokenHash: String, userID: UserID, csrfSecret: String, now: Double, idleTimeout: Double,
                absoluteTimeout: Double, clientAddress: String) throws -> SessionRecord
    /// The live session with this token hash and its (enabled) user, sliding its idle expiry forward.
    func resume(tokenHash: String, now: Double, idleTimeout: Double) throws -> (SessionRecord, User)?
    func delete(tokenHash: String) throws
    func deleteAll(userID: UserID) throws
    /// Removes expired sessions; returns how many.
    func purgeExpired(now: Double) throws -> Int
}

/// Long-lived tokens for API clients.
public protocol APITokenRepository: Sendable {
    /// Stores a token ending at `expiresAt`; returns its id. Audit-logged.
    @discardableResult
    func create(tokenHash: String, userID: UserID, name: String, now: Double, expiresAt: Double,
                by actor: AuditActor) throws -> Int64
    /// The enabled user owning this live (unrevoked, unexpired) token; notes when it was used.
    func user(tokenHash: String, now: Double) throws -> User?
    /// An account's tokens, newest first, revoked and expired ones included.
    func list(userID: UserID) throws -> [APIToken]
    func find(id: Int64) throws -> APIToken?
    /// Ends a token for good; audit-logged. Throws `StoreError.notFound` for an unknown id.
    func revoke(id: Int64, now: Double, by actor: AuditActor) throws
}

/// Failed login counts for throttling.
public protocol LoginFailureStore: Sendable {
    /// In one write transaction: counts each key's failures after `since`, learns whether `usual` (an account
    /// and address) had a success after `usualSince`, and asks `decide`; unless it returns a wait, records one
    /// failure under every key at `at` and returns the recorded rows.
    func admit(keys: [String], since: Double, usual: String, usualSince: Double, at: Double,
               decide: ([String: LoginFailureCounts], Bool) -> Double?) throws -> (wait: Double?, rowIDs: [Int64])
    /// After a success: removes the attempt's rows and every failure under `clearing`, and remembers `usual`.
    func forget(rowIDs: [Int64], clearing key: String, usual: String, at: Double) throws
}

/// One event for the audit log.
public struct AuditEvent: Sendable, Hashable, Codable {
    public var action: String
    public var subject: String
    public var details: [String: String]

    public init(action: String, subject: String, details: [String: String] = [:]) {
        self.action = action
        self.subject = subject
        self.details = details
    }
}

/// A stored audit row.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Double
    public var actorUserID: Int64?
    public var actor: String
    public var action: String
    public var subject: String
    public var details: String
    public var prevHash: String
    public var hash: String
}

/// The outcome of walking the audit chain.
public enum AuditVerification: Sendable, Equatable {
    case intact(rows: Int)
    /// The first row whose stored hash or link does not match.
    case broken(rowID: Int64, reason: String)
}

/// The append-only, hash-chained audit log.
public protocol AuditLog: Sendable {
    func append(_ event: AuditEvent, by actor: AuditActor) throws
    func recent(limit: Int) throws -> [AuditEntry]
    func verify() throws -> AuditVerification
}
