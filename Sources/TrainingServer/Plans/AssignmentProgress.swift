import Foundation

/// A member's status in words' codes, in the order reports list them: the same six everywhere (member record,
/// due page, progress report, exports).
public enum PlanMemberStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case done
    case inProgress = "in_progress"
    case notStarted = "not_started"
    case dueSoon = "due_soon"
    case overdue
    case exempt
}

/// What the hr pages need to know of an assignment: its name, what is assigned, its anchor and whether it was
/// withdrawn.
public struct PlanAssignmentHeading: Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// `course` or `program`.
    public var itemKind: String
    public var itemID: String
    public var required: Bool
    public var departmentID: DepartmentID
    public var withdrawnAt: Double?

    public init(id: Int64, name: String, itemKind: String, itemID: String, required: Bool, departmentID: DepartmentID,
                withdrawnAt: Double?) {
        self.id = id
        self.name = name
        self.itemKind = itemKind
        self.itemID = itemID
        self.required = required
        self.departmentID = departmentID
        self.withdrawnAt = withdrawnAt
    }
}
