import Curriculum

/// Why a message cannot be sent again.
public enum MailRetryRefusal: Error, Sendable, Equatable {
    /// Not a dead letter (unknown, delivered, waiting, or discarded already).
    case notDeadLetter
    /// Its body held a secret (a password link) and was erased when it was given up.
    case contentErased
    /// It expired (a link that no longer works).
    case expired
}

/// A person listed in a weekly digest as overdue.
public struct DigestOverduePerson: Sendable, Hashable {
    public var userID: UserID
    public var name: String
    public var departmentID: DepartmentID
    public var dueDay: String
}

/// The outbox: mail waits here until the sender claims it; delivered, retried, given up (a dead letter) or discarded.
public protocol MailOutboxRepository: Sendable {
    /// Queues `mail` in `transaction` (with what caused it); its id.
    @discardableResult
    func enqueue(_ mail: OutgoingMail, at now: Double, in transaction: any StorageTransaction) throws -> Int64
    /// Queues `mail` on its own; its id.
    @discardableResult
    func enqueue(_ mail: OutgoingMail, at now: Double) throws -> Int64
    /// Claims the oldest message due at `now` (it becomes `sending`, its attempt counted, its Message-ID made with
    /// `messageID` at the first attempt); nil when none is due.
    func claimNext(now: Double, messageID: () -> String) throws -> OutboxMessage?
    func delivered(id: Int64, at now: Double) throws
    func attemptFailed(id: Int64, error: String, at now: Double, retryAt: Double?) throws
    /// Messages claimed before `cutoff` and never finished (their sender stopped mid-delivery): given up rather than
    /// sent a second time. Returns their ids.
    @discardableResult
    func abandonInterrupted(claimedBefore cutoff: Double, at now: Double) throws -> [Int64]
    func find(id: Int64) throws -> OutboxMessage?
    func counts() throws -> [OutboxState: Int]
    func deadLetters(limit: Int, offset: Int) throws -> (messages: [OutboxMessage], total: Int)
    func discardedCount() throws -> Int
    /// Queues a dead letter again (audit-logged); throws `MailRetryRefusal` when it may not be.
    @discardableResult
    func retry(id: Int64, by actor: AuditActor, at now: Double) throws -> OutboxMessage
    @discardableResult
    func discard(id: Int64, by actor: AuditActor, at now: Double) throws -> OutboxMessage?
}

/// People's e-mail addresses.
public protocol MailAddressRepository: Sendable {
    func email(of id: UserID) throws -> String?
    /// Sets (or with nil, removes) a person's address; audit-logged.
    func setEmail(_ email: String?, id: UserID, by actor: AuditActor) throws
}

/// The weekly digests for planners: who gets one this week, and its queueing with its content read in the same
/// transaction.
public protocol WeeklyDigestRepository: Sendable {
    func recipientsWithoutDigest(week: String) throws -> [UserID]
    /// Queues the digest `compose` makes (nil: none) for `userID` and `week` once; the outbox id, or nil.
    func queue(for userID: UserID, week: String, at now: Double,
               compose: (any StorageTransaction) throws -> OutgoingMail?) throws -> Int64?
    /// The person (with grants) and their address; nil when there is no such person or they have no address.
    func recipient(_ userID: UserID, in transaction: any StorageTransaction) throws -> (User, String)?
    func openAssignments(in transaction: any StorageTransaction) throws -> [Assignment]
    func overdue(_ assignment: Assignment, within scope: AccessScope, catalogue: Catalogue, today: ISODay, limit: Int,
                 in transaction: any StorageTransaction) throws -> (total: Int, people: [DigestOverduePerson])
}

extension OutboxMessage {
    /// Why this dead letter may not be retried at `now`, or nil when it may.
    public func retryRefusal(now: Double) -> MailRetryRefusal? {
        if sensitive { return .contentErased }
        if let expiresAt, expiresAt <= now { return .expired }
        return nil
    }
}
