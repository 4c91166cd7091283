/// Where a member stands in an assignment: the one rule that the dashboard, the plan pages, the HR reports, the
/// reminders and the API all use. `AssignmentEvidence` (Storage) is the same rule as SQL for bulk counts; a test
/// holds the two together.
///
/// In order: `exempt` when HR exempted the person; else `done` when the evidence says so (a course: every module of
/// the course in the current catalogue completed and its completion quiz, if any, passed, exactly
/// `CourseStatus.state == .completed`; a programme: certified or due for renewal); else `overdue` when the
/// effective due day is before today; else `dueSoon` when it is at most `PlanCalendar.dueSoonDays` days away;
/// else `inProgress` when the person has started (any module progress or quiz attempt of the course, a
/// certification past not started) or `notStarted`.
public enum AssignmentStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case exempt
    case done
    case overdue
    case dueSoon = "due_soon"
    case inProgress = "in_progress"
    case notStarted = "not_started"

    /// What the evidence says about the item, whatever the due day.
    public enum Progress: String, Sendable, Hashable {
        case notStarted = "not_started"
        case inProgress = "in_progress"
        case done
    }

    public static func of(_ member: AssignmentMember, progress: Progress, today: ISODay) -> AssignmentStatus {
        of(exempt: member.isExempt, progress: progress, dueDay: member.effectiveDueDay, today: today)
    }

    public static func of(exempt: Bool, progress: Progress, dueDay: ISODay?, today: ISODay) -> AssignmentStatus {
        if exempt { return .exempt }
        if progress == .done { return .done }
        if let dueDay {
            if dueDay < today { return .overdue }
            if dueDay <= today.adding(days: PlanCalendar.dueSoonDays) { return .dueSoon }
        }
        return progress == .inProgress ? .inProgress : .notStarted
    }

    /// Whether the member still has something to do (not exempt, not done).
    public var isOpen: Bool { self != .exempt && self != .done }
}

extension AssignmentStatus.Progress {
    /// A course's progress, by `CourseStatus` (the catalogue's current modules and completion quiz).
    public init(_ course: CourseStatus) {
        switch course.state {
        case .completed: self = .done
        case .inProgress: self = .inProgress
        case .notStarted: self = .notStarted
        }
    }

    /// A programme's progress, by the person's certification state (nil: no certification row yet).
    public init(certification state: CertificationStateName?) {
        switch state {
        case .certified?, .dueForRenewal?: self = .done
        case .inProgress?, .expired?, .revoked?: self = .inProgress
        case .notStarted?, nil: self = .notStarted
        }
    }
}
