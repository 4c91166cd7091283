/// Who may publish and withdraw announcements: anyone with an `hr` or `admin` grant, within the subtrees of those
/// grants (the same scope as training plans). Anything outside it is "not found".
public struct AnnouncementScope: ScopedDepartments {
    public let user: User
    public let access: AccessScope
    public let departments: [DepartmentID: Department]
    /// The tops of the scope's subtrees, by name path.
    public let roots: [Department]

    public init(user: User, departments: [Department]) {
        self.user = user
        let access = AccessScope.reporting(for: user, departments: departments)
        self.access = access
        self.departments = Dictionary(departments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.roots = Self.roots(of: access, in: departments)
    }

    public var isEmpty: Bool { access.isEmpty }

    public func isVisible(_ department: Department) -> Bool { access.contains(department) }

    public func isVisible(_ id: DepartmentID) -> Bool { departments[id].map(isVisible) ?? false }
}

/// What is wrong with an announcement's form.
public enum AnnouncementProblem: String, Sendable, Hashable {
    case departmentMissing = "department_missing"
    case titleMissing = "title_missing"
    case titleTooLong = "title_too_long"
    case bodyMissing = "body_missing"
    case bodyTooLong = "body_too_long"
    case endsOnInvalid = "ends_on_invalid"
    case endsOnPast = "ends_on_past"
    case titleControl = "title_control"
    case bodyControl = "body_control"

    /// The form field the problem is about.
    public var field: String {
        switch self {
        case .departmentMissing: "department"
        case .titleMissing, .titleTooLong, .titleControl: "title"
        case .bodyMissing, .bodyTooLong, .bodyControl: "body"
        case .endsOnInvalid, .endsOnPast: "ends_on"
        }
    }

    /// The problems of a draft: a title of 1 to 200 characters on one line, a body of 1 to 10,000 characters (line
    /// breaks allowed, no other control characters), an end day that is a real date, today or later.
    public static func check(title: String, body: String, endsOn: String, today: ISODay) -> (problems: [AnnouncementProblem], endsOn: ISODay?) {
        var problems: [AnnouncementProblem] = []
        if title.isEmpty { problems.append(.titleMissing) } else if title.count > 200 { problems.append(.titleTooLong) }
        if body.isEmpty { problems.append(.bodyMissing) } else if body.count > 10_000 { problems.append(.bodyTooLong) }
        let control = { (text: String, allowBreaks: Bool) in
            text.unicodeScalars.contains { scalar in
                scalar.properties.generalCategory == .control && !(allowBreaks && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
            }
        }
        if control(title, false) { problems.append(.titleControl) }
        if control(body, true) { problems.append(.bodyControl) }
        var day: ISODay?
        if !endsOn.isEmpty {
            if let parsed = ISODay(endsOn) {
                if parsed < today { problems.append(.endsOnPast) } else { day = parsed }
            } else {
                problems.append(.endsOnInvalid)
            }
        }
        return (problems, day)
    }
}
