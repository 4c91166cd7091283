import Curriculum

/// "Overdue for assignment X" as a condition on the people list (the HR people filter): a current member whose
/// status by the assignment's status rule is overdue. Each engine writes its own query for the rule.
public struct PlanOverdueFilter: Sendable, Hashable {
    public var assignmentID: Int64
    /// The status rule the condition is made from.
    public var rule: PlanStatusRule

    /// "Overdue for assignment `assignmentID`" by `rule`.
    public init(assignmentID: Int64, rule: PlanStatusRule) {
        self.assignmentID = assignmentID
        self.rule = rule
    }

    /// The same assignment, item, day and catalogue revision: the same condition.
    public static func == (lhs: PlanOverdueFilter, rhs: PlanOverdueFilter) -> Bool {
        lhs.assignmentID == rhs.assignmentID && lhs.rule.item == rhs.rule.item && lhs.rule.today == rhs.rule.today
            && lhs.rule.catalogue.revision == rhs.rule.catalogue.revision
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(assignmentID)
        hasher.combine(rule.catalogue.revision)
    }
}
