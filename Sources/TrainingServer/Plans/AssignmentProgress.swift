import Foundation

/// Members counted by status. The six statuses split the members: their counts always add up to `members`.
public struct PlanCounts: Sendable, Hashable, Codable {
    public var done = 0
    public var inProgress = 0
    public var notStarted = 0
    public var dueSoon = 0
    public var overdue = 0
    public var exempt = 0

    public init() {}

    public var members: Int { done + inProgress + notStarted + dueSoon + overdue + exempt }

    /// Done among those not exempt (nil when nobody is left to do it).
    public var doneFraction: Double? {
        let expected = members - exempt
        return expected > 0 ? Double(done) / Double(expected) : nil
    }

    public func count(_ status: AssignmentStatus) -> Int {
        switch status {
        case .done: done
        case .inProgress: inProgress
        case .notStarted: notStarted
        case .dueSoon: dueSoon
        case .overdue: overdue
        case .exempt: exempt
        }
    }

    public mutating func add(_ status: AssignmentStatus, _ people: Int) {
        switch status {
        case .done: done += people
        case .inProgress: inProgress += people
        case .notStarted: notStarted += people
        case .dueSoon: dueSoon += people
        case .overdue: overdue += people
        case .exempt: exempt += people
        }
    }

    public static func + (lhs: PlanCounts, rhs: PlanCounts) -> PlanCounts {
        var sum = lhs
        for status in AssignmentStatus.allCases { sum.add(status, rhs.count(status)) }
        return sum
    }

    enum CodingKeys: String, CodingKey {
        case done, inProgress = "in_progress", notStarted = "not_started", dueSoon = "due_soon", overdue, exempt
    }
}

/// One member as the overdue list and the exports show them.
public struct PlanMemberLine: Sendable, Hashable {
    public var userID: UserID
    public var name: String
    public var login: String
    public var employeeNumber: String?
    public var departmentID: DepartmentID
    public var status: AssignmentStatus
    public var dueDay: String?
    public var extendedDay: String?
    public var exemptAt: Double?
}

/// An assignment's progress within one department (or the tops of a planner's scope): one row per department
/// below it with its whole subtree summed, and one row for the people directly in it, so the rows add up to
/// the total.
public struct PlanProgressBreakdown: Sendable {
    public struct Row: Sendable {
        /// The department the row sums (with its subtree when `subtree`); for the "directly in" row, the chosen one.
        public var department: Department
        public var subtree: Bool
        public var counts: PlanCounts
    }

    /// The department drilled into; nil: the tops of the scope.
    public var department: Department?
    public var rows: [Row]
    public var total: PlanCounts

    /// Sums `counts` (members per department, directly) into rows: below `department` one row per child (its
    /// whole subtree) and one for the department itself; at the top (`department` nil) one row per scope root.
    public init(department: Department?, roots: [Department], children: [Department], counts: [DepartmentID: PlanCounts],
                departments: [DepartmentID: Department]) {
        self.department = department
        let tops = department == nil ? roots : children
        var rows = tops.map { Row(department: $0, subtree: true, counts: PlanCounts()) }
        var direct = PlanCounts()
        for (id, count) in counts {
            guard let member = departments[id] else { continue }
            if let index = tops.firstIndex(where: { $0.contains(member) }) {
                rows[index].counts = rows[index].counts + count
            } else if let department, member.id == department.id {
                direct = direct + count
            }
        }
        if let department { rows.append(Row(department: department, subtree: false, counts: direct)) }
        self.rows = rows
        self.total = rows.reduce(PlanCounts()) { $0 + $1.counts }
    }
}
