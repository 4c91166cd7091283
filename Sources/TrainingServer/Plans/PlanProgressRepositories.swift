import Curriculum

/// The rule a member's status follows, as the repositories need it to count statuses in bulk: the assignment's
/// item, the catalogue that says what completes it, and today in the platform's time zone. The engine turns it into
/// its own query (`AssignmentStatus` is the same rule for one person in Swift).
public struct PlanStatusRule: Sendable {
    public var item: AssignmentItem
    public var catalogue: Catalogue
    public var today: ISODay

    public init(item: AssignmentItem, catalogue: Catalogue, today: ISODay) {
        self.item = item
        self.catalogue = catalogue
        self.today = today
    }
}

/// Assignment follow-up: members counted and listed by status, for the progress page, its exports and the HR pages.
public protocol AssignmentProgressRepository: Sendable {
    /// How many members of `assignmentID` each department (directly, not its subtree) has in each status.
    func counts(assignment assignmentID: Int64, in prefixes: [String], status: PlanStatusRule) throws -> [DepartmentID: PlanCounts]
    /// One page of the members in status `wanted`, with their count.
    func members(assignment assignmentID: Int64, in prefixes: [String], status: PlanStatusRule, wanted: AssignmentStatus,
                 limit: Int, offset: Int) throws -> (lines: [PlanMemberLine], total: Int)
    /// Members after `afterUserID` in id order (the exports' pages).
    func page(assignment assignmentID: Int64, in prefixes: [String], status: PlanStatusRule, after afterUserID: Int64?,
              limit: Int) throws -> [PlanMemberLine]
    /// One member's status (nil: not a current member).
    func status(of userID: UserID, assignment assignmentID: Int64, status: PlanStatusRule) throws -> AssignmentStatus?
    func certificationState(of userID: UserID, program: String) throws -> CertificationStateName?
}

/// A member's own records in an assignment (exemptions, extension requests) and the planners' decisions.
public protocol AssignmentRequestRepository: Sendable {
    func membership(assignment assignmentID: Int64, user userID: UserID) throws -> PlanMembership?
    func requests(assignment assignmentID: Int64, user userID: UserID) throws -> [AssignmentRequest]
    func request(_ id: Int64) throws -> AssignmentRequest?
    func pending(in prefixes: [String], limit: Int, offset: Int) throws -> (lines: [PendingRequest], total: Int)
    func exempt(assignment assignmentID: Int64, user userID: UserID, reason: String,
                by actor: AuditActor) throws(AssignmentRequestFailure) -> AssignmentRequest
    func liftExemption(assignment assignmentID: Int64, user userID: UserID, note: String,
                       by actor: AuditActor) throws(AssignmentRequestFailure)
    func requestExtension(assignment assignmentID: Int64, user userID: UserID, day: String, reason: String,
                          by actor: AuditActor, accept: (PlanMembership) throws(AssignmentRequestFailure) -> Void)
        throws(AssignmentRequestFailure) -> AssignmentRequest
    func decide(request id: Int64, approve: Bool, note: String?,
                by actor: AuditActor) throws(AssignmentRequestFailure) -> AssignmentRequest
}
