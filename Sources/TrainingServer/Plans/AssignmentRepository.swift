import Curriculum
import Foundation

/// A person's membership of an assignment, with the assignment.
public struct PersonAssignment: Sendable, Hashable {
    public var assignment: Assignment
    public var member: AssignmentMember

    public init(assignment: Assignment, member: AssignmentMember) {
        self.assignment = assignment
        self.member = member
    }
}

/// Assignments and their members, stored. Members are kept current by `reconcile` inside the transaction of
/// every change that can move a person into or out of an audience (see `SQLiteAssignmentRepository`).
public protocol AssignmentRepository: Sendable {
    /// Stores a checked assignment, its named people and its members (everyone in the audience now, with their
    /// due days), audited as `assignment.create` by `actor`, in one transaction. Throws
    /// `AssignmentProblem.personOutsideAnchor` when a named person is no longer inside the anchor's subtree.
    func create(_ new: NewAssignment, by actor: AuditActor) throws -> Assignment
    func find(_ id: AssignmentID) throws -> Assignment?
    /// Every assignment, withdrawn ones included, newest first.
    func all() throws -> [Assignment]
    /// Withdraws an assignment: its members are marked as left (kept as history). Audited as
    /// `assignment.withdraw`. Returns false when it was withdrawn already.
    @discardableResult
    func withdraw(_ id: AssignmentID, by actor: AuditActor) throws -> Bool
    /// The person's memberships, current and past, of every assignment (withdrawn ones included).
    func memberships(of userID: UserID) throws -> [PersonAssignment]
    /// One member row, current or past.
    func member(_ assignmentID: AssignmentID, userID: UserID) throws -> AssignmentMember?
    /// Members who count (in the audience, account enabled) in `scope`, by status on `today`.
    func statusCounts(of assignment: Assignment, within scope: AccessScope, catalogue: Catalogue, today: ISODay) throws
        -> [AssignmentStatus: Int]
    /// How many enabled people an audience anchored at `departmentID` reaches now.
    func audienceSize(_ audience: AssignmentAudience, departmentID: DepartmentID) throws -> Int
    /// The people named by login (any case) or employee number; keys that name nobody are left out.
    func people(named keys: [String]) throws -> [String: User]
    /// The job categories people in `scope` have, sorted.
    func jobCategories(within scope: AccessScope) throws -> [String]
    /// Brings every assignment's members up to date with the organisation (at server start).
    func reconcileAll() throws
    /// Records the platform's time zone, which due days are computed in (also by the command line).
    func recordTimeZone(_ timeZone: TimeZone) throws
}
