import Foundation
import GRDB
import TrainingServer

/// An assignment's members counted and listed by status in SQL: the status is a SQL expression over the member
/// row `m` (`AssignmentEvidence.status`), so 100,000 members are counted in one statement, never evaluated one
/// by one in Swift. Only members who count are read: in the audience now (`left_at` NULL), with an enabled
/// account, in a department inside the subtrees asked for (`id_path` prefixes).
public struct SQLiteAssignmentProgress: Sendable {
    /// A status expression and the values of its placeholders, in order.
    public typealias Status = (sql: String, arguments: StatementArguments)

    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// How many members of `assignmentID` each department (directly, not its subtree) has in each status,
    /// within `prefixes`.
    public func counts(assignment assignmentID: Int64, in prefixes: [String], status: Status) throws -> [DepartmentID: PlanCounts] {
        guard !prefixes.isEmpty else { return [:] }
        let (inRange, rangeArguments) = SQLiteReportRepository.rangeCondition(prefixes)
        return try store.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT u.department_id AS department, \(status.sql) AS status, count(*) AS people
                FROM assignment_members m
                JOIN users u ON u.id = m.user_id
                JOIN departments d ON d.id = u.department_id
                WHERE m.assignment_id = ? AND m.left_at IS NULL AND u.disabled = 0 AND \(inRange)
                GROUP BY 1, 2
                """, arguments: status.arguments + [assignmentID] + rangeArguments)
            var counts: [DepartmentID: PlanCounts] = [:]
            for row in rows {
                guard let status = AssignmentStatus(rawValue: row["status"]) else { continue }
                counts[DepartmentID(rawValue: row["department"]), default: PlanCounts()].add(status, row["people"])
            }
            return counts
        }
    }

    /// Members of `assignmentID` within `prefixes` whose status is `wanted`, in name order, at most `limit` after
    /// skipping `offset`, and how many there are.
    public func members(assignment assignmentID: Int64, in prefixes: [String], status: Status, wanted: AssignmentStatus,
                        limit: Int, offset: Int) throws -> (lines: [PlanMemberLine], total: Int) {
        guard !prefixes.isEmpty else { return ([], 0) }
        let (inRange, rangeArguments) = SQLiteReportRepository.rangeCondition(prefixes)
        let from = """
            FROM assignment_members m
            JOIN users u ON u.id = m.user_id
            JOIN departments d ON d.id = u.department_id
            WHERE m.assignment_id = ? AND m.left_at IS NULL AND u.disabled = 0 AND \(inRange) AND \(status.sql) = ?
            """
        let arguments: StatementArguments = [assignmentID] + rangeArguments + status.arguments + [wanted.rawValue]
        return try store.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: arguments) ?? 0
            let lines = try Row.fetchAll(db, sql: """
                SELECT \(Self.lineColumns), ? AS status \(from) ORDER BY u.name_key, u.id LIMIT ? OFFSET ?
                """, arguments: [wanted.rawValue] + arguments + [max(0, limit), max(0, offset)]).map(Self.line)
            return (lines, total)
        }
    }

    /// Members of `assignmentID` within `prefixes` with their status, by person id after `afterUserID` (nil:
    /// from the first), at most `limit`: one page of an export, read through the member table's key so a page
    /// costs its own rows however many members there are.
    public func page(assignment assignmentID: Int64, in prefixes: [String], status: Status, after afterUserID: Int64?,
                     limit: Int) throws -> [PlanMemberLine] {
        guard !prefixes.isEmpty else { return [] }
        let (inRange, rangeArguments) = SQLiteReportRepository.rangeCondition(prefixes)
        return try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.lineColumns), \(status.sql) AS status
                FROM assignment_members m
                JOIN users u ON u.id = m.user_id
                JOIN departments d ON d.id = u.department_id
                WHERE m.assignment_id = ? AND m.user_id > ? AND m.left_at IS NULL AND u.disabled = 0 AND \(inRange)
                ORDER BY m.user_id LIMIT ?
                """, arguments: status.arguments + [assignmentID, afterUserID ?? Int64.min] + rangeArguments + [max(0, limit)])
                .map(Self.line)
        }
    }

    /// One member's status by the same expression (nil when they are not a member).
    public func status(of userID: UserID, assignment assignmentID: Int64, status: Status) throws -> AssignmentStatus? {
        try store.read { db in
            try String.fetchOne(db, sql: """
                SELECT \(status.sql) FROM assignment_members m WHERE m.assignment_id = ? AND m.user_id = ?
                """, arguments: status.arguments + [assignmentID, userID.rawValue]).flatMap(AssignmentStatus.init(rawValue:))
        }
    }

    /// The person's certification state in a programme (nil: no certification row yet).
    public func certificationState(of userID: UserID, program: String) throws -> CertificationStateName? {
        try store.read { db in
            try String.fetchOne(db, sql: "SELECT state FROM certifications WHERE user_id = ? AND program_id = ?",
                                arguments: [userID.rawValue, program]).flatMap(CertificationStateName.init(rawValue:))
        }
    }

    static let lineColumns = """
        m.user_id, u.display_name, u.login, u.employee_number, u.department_id, m.due_day, m.extended_day, m.exempt_at
        """

    static func line(_ row: Row) -> PlanMemberLine {
        PlanMemberLine(UserID(rawValue: row["user_id"]), name: row["display_name"], login: row["login"],
                       employeeNumber: row["employee_number"], departmentID: DepartmentID(rawValue: row["department_id"]),
                       status: AssignmentStatus(rawValue: row["status"]) ?? .notStarted, dueDay: row["due_day"],
                       extendedDay: row["extended_day"], exemptAt: row["exempt_at"])
    }
}
