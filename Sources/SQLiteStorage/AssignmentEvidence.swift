import Curriculum
import GRDB
import TrainingServer

/// `AssignmentStatus`'s rule as SQL expressions over a member row (`assignment_members` under an alias, `m` by
/// default), for counting and listing many members in one query. Each expression comes with its arguments, in
/// the order of its `?` placeholders, so callers can put it in their own statements:
///
///     let status = AssignmentEvidence.status(of: item, catalogue: catalogue, today: today)
///     try Row.fetchAll(db, sql: "SELECT \(status.sql) AS status, count(*) FROM assignment_members m ... GROUP BY 1",
///                      arguments: status.arguments + [assignmentID])
///
/// A course is done when every module of the course in the current catalogue is completed in `module_progress`
/// and its completion quiz (if it has one) has a passed attempt; started when it has any module progress or
/// attempt. A programme is done when the person's certification is certified or due for renewal; started when
/// the certification is past not started. An item missing from the catalogue is never done.
public enum AssignmentEvidence {
    /// A piece of SQL and the values of its `?` placeholders, in order.
    public struct Expression: Sendable {
        public var sql: String
        public var arguments: StatementArguments

        public init(sql: String, arguments: StatementArguments = []) {
            self.sql = sql
            self.arguments = arguments
        }
    }

    /// 1 when the member is done with `item`, else 0.
    public static func done(of item: AssignmentItem, catalogue: Catalogue, member m: String = "m") -> Expression {
        switch item.kind {
        case .course:
            guard let course = catalogue.course(CourseID(rawValue: item.id)) else { return Expression(sql: "0") }
            var parts: [String] = []
            var arguments: StatementArguments = []
            let modules = course.modules.map(\.id.rawValue)
            if !modules.isEmpty {
                parts.append("""
                    (SELECT count(*) FROM module_progress ep WHERE ep.user_id = \(m).user_id AND ep.course_id = ? \
                    AND ep.completed_at IS NOT NULL AND ep.module_id IN (\(Array(repeating: "?", count: modules.count).joined(separator: ", ")))) = ?
                    """)
                arguments += [course.id.rawValue]
                arguments += StatementArguments(modules)
                arguments += [modules.count]
            }
            if let quiz = course.completion.quiz {
                parts.append("""
                    EXISTS (SELECT 1 FROM quiz_attempts eq WHERE eq.user_id = \(m).user_id AND eq.course_id = ? \
                    AND eq.quiz_id = ? AND eq.passed = 1)
                    """)
                arguments += [course.id.rawValue, quiz.rawValue]
            }
            return Expression(sql: parts.isEmpty ? "1" : "(" + parts.joined(separator: " AND ") + ")", arguments: arguments)
        case .program:
            return Expression(sql: """
                EXISTS (SELECT 1 FROM certifications ec WHERE ec.user_id = \(m).user_id AND ec.program_id = ? \
                AND ec.state IN ('certified', 'due_for_renewal'))
                """, arguments: [item.id])
        }
    }

    /// 1 when the member has started `item` (whether or not done), else 0.
    public static func started(of item: AssignmentItem, member m: String = "m") -> Expression {
        switch item.kind {
        case .course:
            return Expression(sql: """
                (EXISTS (SELECT 1 FROM module_progress sp WHERE sp.user_id = \(m).user_id AND sp.course_id = ?) \
                OR EXISTS (SELECT 1 FROM quiz_attempts sq WHERE sq.user_id = \(m).user_id AND sq.course_id = ?))
                """, arguments: [item.id, item.id])
        case .program:
            return Expression(sql: """
                EXISTS (SELECT 1 FROM certifications sc WHERE sc.user_id = \(m).user_id AND sc.program_id = ? \
                AND sc.state <> 'not_started')
                """, arguments: [item.id])
        }
    }

    /// The member's `AssignmentStatus` raw value ('exempt', 'done', 'overdue', 'due_soon', 'in_progress',
    /// 'not_started') on `today`.
    public static func status(of item: AssignmentItem, catalogue: Catalogue, today: ISODay, member m: String = "m")
        -> Expression {
        let done = done(of: item, catalogue: catalogue, member: m)
        let started = started(of: item, member: m)
        var arguments = done.arguments
        arguments += [today.description, today.adding(days: PlanCalendar.dueSoonDays).description]
        arguments += started.arguments
        return Expression(sql: """
            (CASE WHEN \(m).exempt_at IS NOT NULL THEN 'exempt' \
            WHEN \(done.sql) THEN 'done' \
            WHEN coalesce(\(m).extended_day, \(m).due_day) < ? THEN 'overdue' \
            WHEN coalesce(\(m).extended_day, \(m).due_day) <= ? THEN 'due_soon' \
            WHEN \(started.sql) THEN 'in_progress' ELSE 'not_started' END)
            """, arguments: arguments)
    }

    /// The member's effective due day (an approved extension's, else the assigned one), as ISO text or NULL.
    public static func effectiveDueDay(member m: String = "m") -> String { "coalesce(\(m).extended_day, \(m).due_day)" }

    /// 1 when the member counts (in the audience now, and the person's account enabled); needs `users u` joined
    /// on the member's user.
    public static func counted(member m: String = "m", user u: String = "u") -> String {
        "(\(m).left_at IS NULL AND \(u).disabled = 0)"
    }
}
