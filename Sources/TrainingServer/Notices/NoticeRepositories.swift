import Curriculum

/// Who a notice goes to, as mail needs them.
public struct NoticeRecipient: Sendable, Hashable {
    public var userID: UserID
    public var displayName: String
    public var email: String?
    public var language: Language?
    public var reminderMail: Bool
    public var disabled: Bool
}

/// An announcement as written, before it is published.
public struct AnnouncementDraft: Sendable, Hashable {
    public var department: Department
    public var title: String
    public var body: String
    public var endsOn: ISODay?

    public init(department: Department, title: String, body: String, endsOn: ISODay?) {
        self.department = department
        self.title = title
        self.body = body
        self.endsOn = endsOn
    }
}

/// An active assignment that is required, as the reminder pass goes through them.
public struct ReminderAssignment: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var item: AssignmentItem
}

/// Which members a notice kind is for.
public enum ReminderWindow: Sendable, Hashable {
    /// Became members at or after the instant (dedupe key `assignment:<id>:assigned`).
    case assignedSince(Double)
    /// Effective due day from `from` to `to`, inclusive (key `assignment:<id>:due_soon:<day>`).
    case dueBetween(from: ISODay, to: ISODay)
    /// Effective due day before `day` (key `assignment:<id>:overdue:<day>`).
    case dueBefore(ISODay)
}

/// A member owed a notice, with their effective due day.
public struct ReminderMember: Sendable, Hashable {
    public var userID: UserID
    /// The effective due day (an approved extension's, else the assigned one), ISO text; nil: none.
    public var due: String?
}

/// A decided extension request still owed its notice.
public struct ReminderDecision: Sendable, Hashable {
    public var requestID: Int64
    public var userID: UserID
    public var approved: Bool
    public var day: String?
    public var note: String?
    public var assignmentID: Int64
    public var assignmentName: String
}

/// A certification event not yet turned into a notice.
public struct ReminderCertificationEvent: Sendable, Hashable {
    public var id: Int64
    public var userID: UserID
    /// `certification.window_opened`, `certification.revoked`, ...
    public var kind: String
    public var programID: String?
    /// The certification's expiry as stored now, if it has one.
    public var expiresAt: Double?
}

/// Notices: posted inside the transaction of whatever causes them, once per person and dedupe key; read newest
/// first; marked read one at a time or all at once.
public protocol NoticeRepository: Sendable {
    /// Stores `notice` in `transaction`; its id, or nil when the person already has a notice with its dedupe key.
    @discardableResult
    func insert(_ notice: NewNotice, at now: Double, in transaction: any StorageTransaction) throws -> Int64?
    /// Who `userID` is, as mail needs them (nil: no such person).
    func recipient(_ userID: UserID, in transaction: any StorageTransaction) throws -> NoticeRecipient?
    /// Keeps the digest of a one-click unsubscribe token for `userID`.
    func insertUnsubscribeToken(hash: String, userID: UserID, at now: Double, in transaction: any StorageTransaction) throws
    func notices(of userID: UserID, limit: Int, offset: Int) throws -> [Notice]
    func counts(of userID: UserID) throws -> (total: Int, unread: Int)
    func notice(id: Int64, of userID: UserID) throws -> Notice?
    func noticeFor(announcement id: Int64, of userID: UserID) throws -> Notice?
    @discardableResult
    func markRead(id: Int64, of userID: UserID, at now: Double) throws -> Bool
    @discardableResult
    func markAllRead(of userID: UserID, at now: Double) throws -> Int
    func reminderMail(of userID: UserID) throws -> Bool
    @discardableResult
    func setReminderMail(_ on: Bool, of userID: UserID, at now: Double) throws -> Bool
    func unsubscribeTarget(tokenHash: String) throws -> (userID: UserID, reminderMail: Bool)?
}

/// Announcements (通知公告): published to a department subtree, a notice for each person in it.
public protocol AnnouncementRepository: Sendable {
    func publish(_ draft: AnnouncementDraft, by actor: AuditActor, at now: Double) throws -> (id: Int64, recipients: Int)
    /// Announcements still shown on `today`, for people who came into their subtree after publication: each gets the
    /// notice once. Returns how many notices were posted.
    @discardableResult
    func catchUp(today: ISODay, at now: Double) throws -> Int
    func withdraw(id: Int64, by actor: AuditActor, at now: Double) throws -> Bool
    func find(id: Int64) throws -> Announcement?
    func withCounts(id: Int64) throws -> Announcement?
    func list(prefixes: [String], limit: Int, offset: Int) throws -> (announcements: [Announcement], total: Int)
}

/// What the reminder pass reads to find the notices owed, and the transactions it posts them in.
public protocol ReminderRepository: Sendable {
    /// How many items each of the reads below returns at most.
    var batchSize: Int { get }
    func activeRequiredAssignments() throws -> [ReminderAssignment]
    /// The dedupe key's text before the due day (or the whole key for `assignedSince`).
    func dedupeKeyPrefix(assignment id: Int64, _ window: ReminderWindow) -> String
    func membersOwed(_ assignment: ReminderAssignment, _ window: ReminderWindow, catalogue: Catalogue) throws -> [ReminderMember]
    func decisionsOwed(since: Double) throws -> [ReminderDecision]
    func unsentCertificationEvents() throws -> [ReminderCertificationEvent]
    /// Marks a certification event as sent; false when another server took it first.
    func claim(certificationEvent id: Int64, at now: Double, in transaction: any StorageTransaction) throws -> Bool
    /// Runs `body` in one write transaction.
    func batch<T>(_ body: (any StorageTransaction) throws -> T) throws -> T
}

extension ReminderWindow {
    /// The dedupe key's text before the due day (or the whole key for `assignedSince`).
    public func keyPrefix(assignment id: Int64) -> String {
        switch self {
        case .assignedSince: "assignment:\(id):assigned"
        case .dueBetween: "assignment:\(id):due_soon:"
        case .dueBefore: "assignment:\(id):overdue:"
        }
    }
}

/// How far the reminder pass goes in one transaction, whichever engine stores it.
public enum ReminderBatch {
    /// Most rows read and posted per transaction.
    public static let size = 500
}
