import Foundation

/// One person's row in one assignment, as stored: when they were assigned, the day it is due by, an approved
/// extension, an exemption, and when they left the audience (kept as history).
public struct PlanMembership: Sendable, Hashable {
    public var assignmentID: Int64
    public var userID: UserID
    public var assignedAt: Double
    public var dueDay: String?
    public var extendedDay: String?
    public var exemptAt: Double?
    public var leftAt: Double?

    public init(assignmentID: Int64, userID: UserID, assignedAt: Double, dueDay: String?, extendedDay: String?,
                exemptAt: Double?, leftAt: Double?) {
        self.assignmentID = assignmentID
        self.userID = userID
        self.assignedAt = assignedAt
        self.dueDay = dueDay
        self.extendedDay = extendedDay
        self.exemptAt = exemptAt
        self.leftAt = leftAt
    }

    public init(_ member: AssignmentMember) {
        self.init(assignmentID: member.assignmentID.rawValue, userID: member.userID, assignedAt: member.assignedAt,
                  dueDay: member.dueDay?.description, extendedDay: member.extendedDay?.description, exemptAt: member.exemptAt,
                  leftAt: member.leftAt)
    }

    /// The day that counts: an approved extension's, else the assigned one.
    public var effectiveDueDay: String? { extendedDay ?? dueDay }
    public var isCurrent: Bool { leftAt == nil }
}

/// An exemption (made by a planner, approved at once) or an extension request (made by the learner, decided by
/// a planner), with its decision.
public struct AssignmentRequest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case exemption
        case `extension`
    }

    /// `cancelled`: an exemption lifted later, or a pending extension request made moot by an exemption.
    public enum State: String, Sendable, Hashable {
        case pending, approved, refused, cancelled
    }

    /// Someone named on a request: their current name and login.
    public struct Person: Sendable, Hashable {
        public var name: String
        public var login: String
    }

    public var id: Int64
    public var assignmentID: Int64
    public var userID: UserID
    public var kind: Kind
    public var reason: String
    /// An extension: the due day asked for (and granted, when approved).
    public var requestedDay: String?
    public var state: State
    public var createdBy: UserID?
    public var createdByName: Person?
    public var createdAt: Double
    public var decidedBy: UserID?
    public var decidedByName: Person?
    public var decidedAt: Double?
    public var decisionNote: String?
}

/// A pending extension request as the planners' list shows it.
public struct PendingRequest: Sendable, Hashable {
    public var id: Int64
    public var assignmentID: Int64
    public var assignmentName: String
    public var userID: UserID
    public var name: String
    public var login: String
    public var departmentID: DepartmentID
    public var reason: String
    public var requestedDay: String?
    public var createdAt: Double
    public var effectiveDueDay: String?
}

/// Why an exemption or an extension request or decision was refused; nothing was changed.
public enum AssignmentRequestFailure: Error, Sendable, Equatable {
    /// The request does not exist (or is not this member's).
    case notFound
    /// The person is not (or no longer) a member of the assignment, or it was withdrawn.
    case notMember
    case alreadyExempt
    case notExempt
    /// An exempt member has nothing to extend.
    case exempt
    /// The assignment has no due day for this member.
    case noDueDay
    /// The member already waits for a decision on another request.
    case pendingExists
    /// The request was decided (or cancelled) already.
    case notPending
    case reasonMissing
    case reasonTooLong
    /// A refusal says why.
    case noteMissing
    case noteTooLong
    /// Not a real day written YYYY-MM-DD.
    case dayInvalid
    /// The day asked for is not after the current due day.
    case dayNotAfterDue(String)
    case dayInPast
    /// More than `AssignmentExtensions.maximumDays` ahead.
    case dayTooFar
    case storage(String)

    /// The localisation key of the message people read.
    public var messageKey: String {
        switch self {
        case .notFound, .notPending: "plans.requests.error.not_pending"
        case .notMember: "plans.member.error.not_member"
        case .alreadyExempt: "plans.member.error.already_exempt"
        case .notExempt: "plans.member.error.not_exempt"
        case .exempt: "due.error.exempt"
        case .noDueDay: "due.error.no_due_day"
        case .pendingExists: "due.error.pending_exists"
        case .reasonMissing: "plans.member.error.reason_missing"
        case .reasonTooLong: "plans.member.error.reason_too_long"
        case .noteMissing: "plans.requests.error.note_missing"
        case .noteTooLong: "plans.requests.error.note_too_long"
        case .dayInvalid: "due.error.day_invalid"
        case .dayNotAfterDue: "due.error.day_not_after_due"
        case .dayInPast: "due.error.day_in_past"
        case .dayTooFar: "due.error.day_too_far"
        case .storage: "plans.member.error.storage"
        }
    }
}

/// Extension requests: a member asks for a later due day with a reason (one pending request at a time); a planner
/// approves (the member's due day becomes the day asked for) or refuses with a note. Text is checked here; the
/// member's state is checked again in the transaction that writes (`SQLiteAssignmentRequests`).
public struct AssignmentExtensions: Sendable {
    /// The furthest a new due day may lie ahead of today.
    public static let maximumDays = 366
    /// The longest reason or note kept, in characters.
    public static let maximumText = 1000

    let requests: any AssignmentRequestRepository
    let timeZone: TimeZone
    let clock: @Sendable () -> Double

    public init(requests: any AssignmentRequestRepository, timeZone: TimeZone, clock: @escaping @Sendable () -> Double) {
        self.requests = requests
        self.timeZone = timeZone
        self.clock = clock
    }

    /// Today in the platform's time zone.
    public var today: ISODay { PlanCalendar(timeZone: timeZone).today(clock()) }

    /// The learner `user` asks for `dayText` instead of their current due day, because of `reasonText`.
    public func request(assignment assignmentID: Int64, user: User, dayText: String,
                        reasonText: String) throws(AssignmentRequestFailure) -> AssignmentRequest {
        let reason = try Self.text(reasonText, missing: .reasonMissing, tooLong: .reasonTooLong)
        guard let day = ISODay(dayText.trimmingCharacters(in: .whitespaces)) else { throw .dayInvalid }
        let today = self.today
        guard day >= today else { throw .dayInPast }
        guard day <= today.adding(days: Self.maximumDays) else { throw .dayTooFar }
        return try requests.requestExtension(assignment: assignmentID, user: user.id, day: day.description, reason: reason,
                                             by: AuditActor(user)) { member throws(AssignmentRequestFailure) in
            if let due = member.effectiveDueDay.flatMap(ISODay.init), day <= due {
                throw AssignmentRequestFailure.dayNotAfterDue(due.description)
            }
        }
    }

    /// A planner approves request `id`; `noteText` may be empty.
    public func approve(request id: Int64, noteText: String, by planner: User) throws(AssignmentRequestFailure) -> AssignmentRequest {
        let note = noteText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= Self.maximumText else { throw .noteTooLong }
        return try requests.decide(request: id, approve: true, note: note.isEmpty ? nil : note, by: AuditActor(planner))
    }

    /// A planner refuses request `id`, saying why.
    public func refuse(request id: Int64, noteText: String, by planner: User) throws(AssignmentRequestFailure) -> AssignmentRequest {
        let note = try Self.text(noteText, missing: .noteMissing, tooLong: .noteTooLong)
        return try requests.decide(request: id, approve: false, note: note, by: AuditActor(planner))
    }

    /// `raw` trimmed; refused when empty, too long, or holding control characters other than line breaks.
    static func text(_ raw: String, missing: AssignmentRequestFailure,
                     tooLong: AssignmentRequestFailure) throws(AssignmentRequestFailure) -> String {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw missing }
        guard text.count <= maximumText else { throw tooLong }
        return String(text.unicodeScalars.filter { $0 == "\n" || $0 == "\t" || !CharacterSet.controlCharacters.contains($0) }
            .map(Character.init))
    }
}
