// Public initialisers for the plan values a storage engine outside this module returns.
//
// The synthesised memberwise initialisers are internal and cannot be redeclared with the same labels, so the first
// argument of each of these is unlabelled; the others are named after the stored properties they set.

extension PlanMemberLine {
    public init(_ userID: UserID, name: String, login: String, employeeNumber: String?, departmentID: DepartmentID,
                status: AssignmentStatus, dueDay: String?, extendedDay: String?, exemptAt: Double?) {
        self.userID = userID
        self.name = name
        self.login = login
        self.employeeNumber = employeeNumber
        self.departmentID = departmentID
        self.status = status
        self.dueDay = dueDay
        self.extendedDay = extendedDay
        self.exemptAt = exemptAt
    }
}

extension AssignmentRequest.Person {
    public init(_ name: String, login: String) {
        self.name = name
        self.login = login
    }
}

extension AssignmentRequest {
    public init(_ id: Int64, assignmentID: Int64, userID: UserID, kind: Kind, reason: String, requestedDay: String?,
                state: State, createdBy: UserID?, createdByName: Person?, createdAt: Double, decidedBy: UserID?,
                decidedByName: Person?, decidedAt: Double?, decisionNote: String?) {
        self.id = id
        self.assignmentID = assignmentID
        self.userID = userID
        self.kind = kind
        self.reason = reason
        self.requestedDay = requestedDay
        self.state = state
        self.createdBy = createdBy
        self.createdByName = createdByName
        self.createdAt = createdAt
        self.decidedBy = decidedBy
        self.decidedByName = decidedByName
        self.decidedAt = decidedAt
        self.decisionNote = decisionNote
    }
}

extension PendingRequest {
    public init(_ id: Int64, assignmentID: Int64, assignmentName: String, userID: UserID, name: String, login: String,
                departmentID: DepartmentID, reason: String, requestedDay: String?, createdAt: Double,
                effectiveDueDay: String?) {
        self.id = id
        self.assignmentID = assignmentID
        self.assignmentName = assignmentName
        self.userID = userID
        self.name = name
        self.login = login
        self.departmentID = departmentID
        self.reason = reason
        self.requestedDay = requestedDay
        self.createdAt = createdAt
        self.effectiveDueDay = effectiveDueDay
    }
}
