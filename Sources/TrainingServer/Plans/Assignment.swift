import Foundation

/// An assignment's database id.
public struct AssignmentID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// What an assignment asks people to complete: a course or a programme of the catalogue, by id.
public struct AssignmentItem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case course
        case program
    }

    public var kind: Kind
    public var id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// The form's and the API's one-field spelling: `course:<id>` or `program:<id>`.
    public var token: String { "\(kind.rawValue):\(id)" }

    public init?(token: String) {
        guard let colon = token.firstIndex(of: ":"), let kind = Kind(rawValue: String(token[..<colon])) else { return nil }
        let id = String(token[token.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.init(kind: kind, id: id)
    }
}

/// When members must be done by. Due days are inclusive last days, in the platform's time zone.
public enum DueRule: Sendable, Hashable {
    /// No due day (typical of electives).
    case none
    /// The same day for everybody.
    case fixed(ISODay)
    /// N days after the person became a member (the day they were assigned, plus N).
    case afterAssignment(days: Int)
    /// N days after the person joined their current department.
    case afterJoining(days: Int)

    /// The largest N a relative rule may have (about ten years).
    public static let maximumDays = 3660

    /// The stored `due_kind`.
    public var kind: String {
        switch self {
        case .none: "none"
        case .fixed: "fixed"
        case .afterAssignment: "after_assignment"
        case .afterJoining: "after_joining"
        }
    }

    /// The relative rule's N; nil for the others.
    public var days: Int? {
        switch self {
        case .afterAssignment(let days), .afterJoining(let days): days
        case .none, .fixed: nil
        }
    }

    /// The fixed rule's day; nil for the others.
    public var fixedDay: ISODay? {
        if case .fixed(let day) = self { return day }
        return nil
    }

    /// From the stored columns; nil when they do not make a rule.
    public init?(kind: String, day: String?, days: Int?) {
        switch kind {
        case "none": self = .none
        case "fixed":
            guard let day = day.flatMap(ISODay.init) else { return nil }
            self = .fixed(day)
        case "after_assignment":
            guard let days else { return nil }
            self = .afterAssignment(days: days)
        case "after_joining":
            guard let days else { return nil }
            self = .afterJoining(days: days)
        default: return nil
        }
    }

    /// The member's due day: for a person assigned at `assignedAt` who joined their department at `joinedAt`
    /// (seconds since 1970), in `calendar`'s time zone; nil for no due day.
    public func dueDay(assignedAt: Double, joinedAt: Double?, calendar: PlanCalendar) -> ISODay? {
        switch self {
        case .none: nil
        case .fixed(let day): day
        case .afterAssignment(let days): calendar.day(of: assignedAt).adding(days: days)
        case .afterJoining(let days): calendar.day(of: joinedAt ?? assignedAt).adding(days: days)
        }
    }
}

/// Who an assignment reaches.
public enum AssignmentAudience: Sendable, Hashable {
    /// Everyone in the anchor department (and below it when `includeSubtree`), of `jobCategory` when set.
    case department(includeSubtree: Bool, jobCategory: String?)
    /// The named people, each inside the anchor department's subtree.
    case people([UserID])

    public var kind: String {
        switch self {
        case .department: "department"
        case .people: "people"
        }
    }
}

/// A course or programme assigned to an audience, required or elective, with a due rule. The anchor department
/// decides who sees it (planners whose scope contains it, or lies below it) and who may change it (planners
/// whose scope contains it).
public struct Assignment: Sendable, Hashable {
    public var id: AssignmentID
    public var name: String
    public var item: AssignmentItem
    public var required: Bool
    public var audience: AssignmentAudience
    public var departmentID: DepartmentID
    public var dueRule: DueRule
    /// Set for assignments declared in a plan file under `Courses/plans/`.
    public var planKey: String?
    public var createdBy: UserID?
    public var createdAt: Double
    public var withdrawnAt: Double?
    public var withdrawnBy: UserID?

    public var isWithdrawn: Bool { withdrawnAt != nil }

    public init(id: AssignmentID, name: String, item: AssignmentItem, required: Bool, audience: AssignmentAudience,
                departmentID: DepartmentID, dueRule: DueRule, planKey: String? = nil, createdBy: UserID? = nil,
                createdAt: Double, withdrawnAt: Double? = nil, withdrawnBy: UserID? = nil) {
        self.id = id
        self.name = name
        self.item = item
        self.required = required
        self.audience = audience
        self.departmentID = departmentID
        self.dueRule = dueRule
        self.planKey = planKey
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.withdrawnAt = withdrawnAt
        self.withdrawnBy = withdrawnBy
    }
}

/// What is needed to create an assignment (checked by `AssignmentService`).
public struct NewAssignment: Sendable, Hashable {
    public var name: String
    public var item: AssignmentItem
    public var required: Bool
    public var audience: AssignmentAudience
    public var departmentID: DepartmentID
    public var dueRule: DueRule
    public var planKey: String?

    public init(name: String, item: AssignmentItem, required: Bool, audience: AssignmentAudience,
                departmentID: DepartmentID, dueRule: DueRule, planKey: String? = nil) {
        self.name = name
        self.item = item
        self.required = required
        self.audience = audience
        self.departmentID = departmentID
        self.dueRule = dueRule
        self.planKey = planKey
    }
}

/// One person in one assignment's audience, now or in the past.
public struct AssignmentMember: Sendable, Hashable {
    public var assignmentID: AssignmentID
    public var userID: UserID
    public var assignedAt: Double
    /// The inclusive last day, as assigned; nil: no due day.
    public var dueDay: ISODay?
    /// The last day after an approved extension.
    public var extendedDay: ISODay?
    public var exemptAt: Double?
    /// When the person left the audience (moved, category changed, assignment withdrawn); kept as history.
    public var leftAt: Double?

    public init(assignmentID: AssignmentID, userID: UserID, assignedAt: Double, dueDay: ISODay?, extendedDay: ISODay? = nil,
                exemptAt: Double? = nil, leftAt: Double? = nil) {
        self.assignmentID = assignmentID
        self.userID = userID
        self.assignedAt = assignedAt
        self.dueDay = dueDay
        self.extendedDay = extendedDay
        self.exemptAt = exemptAt
        self.leftAt = leftAt
    }

    /// The day that counts: an approved extension's, else the assigned one.
    public var effectiveDueDay: ISODay? { extendedDay ?? dueDay }
    public var isActive: Bool { leftAt == nil }
    public var isExempt: Bool { exemptAt != nil }
}
