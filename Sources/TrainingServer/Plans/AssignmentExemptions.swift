import Foundation

/// Exemptions: a planner exempts a member of an assignment with a reason (an approved exemption request, the
/// member's `exempt_at` set: they count as exempt, not due), or lifts the exemption with a reason (the member is
/// due again as before; the exemption stays in the history with who lifted it). Both are audited
/// (`assignment.exempt`, `assignment.exemption_lift`). Whether the planner may act on this member is the
/// caller's check (the member must be in the planner's scope); the member's state is checked in the transaction.
public struct AssignmentExemptions: Sendable {
    let requests: any AssignmentRequestRepository

    public init(requests: any AssignmentRequestRepository) {
        self.requests = requests
    }

    public func exempt(assignment assignmentID: Int64, user userID: UserID, reasonText: String,
                       by planner: User) throws(AssignmentRequestFailure) -> AssignmentRequest {
        let reason = try AssignmentExtensions.text(reasonText, missing: .reasonMissing, tooLong: .reasonTooLong)
        return try requests.exempt(assignment: assignmentID, user: userID, reason: reason, by: AuditActor(planner))
    }

    public func lift(assignment assignmentID: Int64, user userID: UserID, reasonText: String,
                     by planner: User) throws(AssignmentRequestFailure) {
        let reason = try AssignmentExtensions.text(reasonText, missing: .reasonMissing, tooLong: .reasonTooLong)
        try requests.liftExemption(assignment: assignmentID, user: userID, note: reason, by: AuditActor(planner))
    }
}
