import Foundation

/// Where a reset link came from: an administrator, the command line or the person.
public enum PasswordResetOrigin: String, Sendable {
    case admin, cli, `self`
}

/// A reset link's stored part (its digest, whose it is, when it expires and whether it was used).
public struct PasswordResetToken: Sendable, Hashable {
    public var id: Int64
    public var userID: UserID
    public var origin: PasswordResetOrigin
    public var createdAt: Double
    public var expiresAt: Double
    public var usedAt: Double?
    public var passwordDigest: String
}

/// What became of a self-service reset request (taken, or refused by the request limits).
public enum PasswordResetRequestOutcome: Sendable, Equatable {
    /// Recorded for the sender.
    case queued
    /// Not recorded: this identifier was asked for often enough lately (the answer does not say so).
    case ignored
    /// Refused: this client asked too often; it may try again after the seconds given.
    case throttled(retryAfter: Int)
}

/// Secret keys the server instances sharing one database hold in common (the anonymous CSRF cookies' key).
public protocol ServerKeyRepository: Sendable {
    /// The key named `name`, made with `make` and kept by the first instance that asks.
    func key(named name: String, now: Double, make: () -> [UInt8]) throws -> [UInt8]
}

/// OpenID Connect sign-ins under way, by the digest of their `state`.
public protocol OIDCRequestRepository: Sendable {
    func add(stateHash: String, _ request: OIDCPendingRequest, now: Double) throws
    /// Removes and returns the request with this state's digest (nil: never made, already taken or purged); whether
    /// it has lapsed is the caller's to check against `expiresAt`.
    func take(stateHash: String) throws -> OIDCPendingRequest?
}

/// Second factors: enrolments, recovery codes and sign-ins waiting for their code.
public protocol SecondFactorRepository: Sendable {
    func enrolment(of user: UserID) throws -> StoredSecondFactor?
    func startEnrolment(_ user: UserID, sealedSecret: Data, now: Double) throws -> Bool
    func confirm(_ user: UserID, step: Int64, recoveryCodes: [(salt: Data, digest: Data)], now: Double,
                 by actor: AuditActor) throws -> Bool
    func use(_ user: UserID, step: Int64) throws -> Bool
    func unusedRecoveryCodes(of user: UserID) throws -> [StoredRecoveryCode]
    func useRecoveryCode(id: Int64, now: Double) throws -> Bool
    func replaceRecoveryCodes(_ user: UserID, with codes: [(salt: Data, digest: Data)], now: Double,
                              by actor: AuditActor) throws -> Bool
    func remove(_ user: UserID, reason: String?, now: Double, by actor: AuditActor) throws -> Bool
    func createPending(tokenHash: String, _ pending: PendingSignIn, now: Double) throws
    func pending(tokenHash: String, now: Double) throws -> PendingSignIn?
    func failPending(tokenHash: String, limit: Int) throws -> Int
    func deletePending(tokenHash: String) throws
}

/// Password reset links and self-service reset requests. Issuing a link writes it, its mail and its audit entry in
/// one transaction (`write`), whose parts are the `in:` methods.
public protocol PasswordResetRepository: Sendable {
    func write<T>(_ body: (any StorageTransaction) throws -> T) throws -> T
    func read<T>(_ body: (any StorageTransaction) throws -> T) throws -> T
    /// The account's login, password hash and state.
    func account(_ userID: UserID, in transaction: any StorageTransaction) throws
        -> (login: String, passwordHash: String, disabled: Bool)?
    func user(_ userID: UserID, in transaction: any StorageTransaction) throws -> User?
    func email(of userID: UserID, in transaction: any StorageTransaction) throws -> String?
    func insert(tokenHash: String, userID: UserID, passwordDigest: String, origin: PasswordResetOrigin, now: Double,
                expiresAt: Double, in transaction: any StorageTransaction) throws
    func enqueue(_ mail: OutgoingMail, at now: Double, in transaction: any StorageTransaction) throws
    func audit(_ event: AuditEvent, by actor: AuditActor, at now: Double, in transaction: any StorageTransaction) throws
    func token(hash: String) throws -> PasswordResetToken?
    /// Sets the password of the link's account to `newHash` when `isValid` accepts the link (with the account's
    /// current hash and state), in one transaction; the account, or nil.
    func redeem(tokenHash: String, newHash: String, now: Double,
                isValid: (PasswordResetToken, _ passwordHash: String, _ disabled: Bool) -> Bool) throws -> UserID?
    func request(identifier: String, identifierKey: String, clientKey: String, now: Double, window: Double,
                 perClient: Int, perIdentifier: Int) throws -> PasswordResetRequestOutcome
    func waitingRequests(limit: Int) throws -> [(id: Int64, identifier: String)]
    /// Handles one waiting request: `issue` runs in its transaction for each account it names (with the address).
    @discardableResult
    func handleRequest(id: Int64, now: Double, window: Double, perAccount: Int,
                       issue: (any StorageTransaction, User, String) throws -> Void) throws -> Int
}
