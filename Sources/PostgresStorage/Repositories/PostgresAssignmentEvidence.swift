import Curriculum
import TrainingServer

/// Bound values collected while SQL is put together: `add` keeps a value and answers its placeholder (`$1`, `$2`, …),
/// so pieces of SQL built by different functions number their parameters in the order they appear.
struct PostgresArguments {
    private(set) var values: [(any PostgresBindable)?] = []

    init(_ values: [(any PostgresBindable)?] = []) { self.values = values }

    /// Keeps `value` and answers its placeholder.
    mutating func add(_ value: (any PostgresBindable)?) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}

/// `AssignmentStatus`'s rule as PostgreSQL expressions over a member row (`assignment_members` under an alias, `m`
/// by default): the counterpart of the SQLite engine's `AssignmentEvidence`, with the same meaning (see there) and
/// the parameters numbered into the caller's `PostgresArguments`.
enum PostgresAssignmentEvidence {
    /// True when the member is done with `item`.
    static func done(of item: AssignmentItem, catalogue: Catalogue, member m: String = "m",
                     _ arguments: inout PostgresArguments) -> String {
        switch item.kind {
        case .course:
            guard let course = catalogue.course(CourseID(rawValue: item.id)) else { return "false" }
            var parts: [String] = []
            let modules = course.modules.map(\.id.rawValue)
            if !modules.isEmpty {
                let courseID = arguments.add(course.id.rawValue)
                let list = modules.map { arguments.add($0) }.joined(separator: ", ")
                let count = arguments.add(modules.count)
                parts.append("""
                    (SELECT count(*) FROM module_progress ep WHERE ep.user_id = \(m).user_id AND ep.course_id = \(courseID) \
                    AND ep.completed_at IS NOT NULL AND ep.module_id IN (\(list))) = \(count)
                    """)
            }
            if let quiz = course.completion.quiz {
                let courseID = arguments.add(course.id.rawValue)
                let quizID = arguments.add(quiz.rawValue)
                parts.append("""
                    EXISTS (SELECT 1 FROM quiz_attempts eq WHERE eq.user_id = \(m).user_id AND eq.course_id = \(courseID) \
                    AND eq.quiz_id = \(quizID) AND eq.passed = 1)
                    """)
            }
            return parts.isEmpty ? "true" : "(" + parts.joined(separator: " AND ") + ")"
        case .program:
            return """
                EXISTS (SELECT 1 FROM certifications ec WHERE ec.user_id = \(m).user_id AND ec.program_id = \(arguments.add(item.id)) \
                AND ec.state IN ('certified', 'due_for_renewal'))
                """
        }
    }

    /// True when the member has started `item` (whether or not done).
    static func started(of item: AssignmentItem, member m: String = "m", _ arguments: inout PostgresArguments) -> String {
        switch item.kind {
        case .course:
            let first = arguments.add(item.id), second = arguments.add(item.id)
            return """
                (EXISTS (SELECT 1 FROM module_progress sp WHERE sp.user_id = \(m).user_id AND sp.course_id = \(first)) \
                OR EXISTS (SELECT 1 FROM quiz_attempts sq WHERE sq.user_id = \(m).user_id AND sq.course_id = \(second)))
                """
        case .program:
            return """
                EXISTS (SELECT 1 FROM certifications sc WHERE sc.user_id = \(m).user_id AND sc.program_id = \(arguments.add(item.id)) \
                AND sc.state <> 'not_started')
                """
        }
    }

    /// The member's `AssignmentStatus` raw value ('exempt', 'done', 'overdue', 'due_soon', 'in_progress',
    /// 'not_started') on `today`. Due days are ISO text, compared bytewise (`COLLATE "C"`) as SQLite does.
    static func status(of item: AssignmentItem, catalogue: Catalogue, today: ISODay, member m: String = "m",
                       _ arguments: inout PostgresArguments) -> String {
        let done = done(of: item, catalogue: catalogue, member: m, &arguments)
        let overdueBefore = arguments.add(today.description)
        let soonUntil = arguments.add(today.adding(days: PlanCalendar.dueSoonDays).description)
        let started = started(of: item, member: m, &arguments)
        let due = effectiveDueDay(member: m)
        return """
            (CASE WHEN \(m).exempt_at IS NOT NULL THEN 'exempt' \
            WHEN \(done) THEN 'done' \
            WHEN \(due) < \(overdueBefore) THEN 'overdue' \
            WHEN \(due) <= \(soonUntil) THEN 'due_soon' \
            WHEN \(started) THEN 'in_progress' ELSE 'not_started' END)
            """
    }

    /// The member's effective due day (an approved extension's, else the assigned one), as ISO text or NULL, in
    /// bytewise order.
    static func effectiveDueDay(member m: String = "m") -> String {
        #"coalesce(\#(m).extended_day, \#(m).due_day) COLLATE "C""#
    }

    /// True when the member counts (in the audience now, and the person's account enabled); needs `users u` joined
    /// on the member's user.
    static func counted(member m: String = "m", user u: String = "u") -> String {
        "(\(m).left_at IS NULL AND \(u).disabled = 0)"
    }
}
