import Foundation
import GRDB
import SQLiteStorage
import TrainingServer

/// Assignments and members written with SQL on a `ReportFixture` organisation, for the tests of exemptions,
/// extensions and progress (the rows the assignment service would write).
extension ReportFixture {
    /// An assignment of course `item` anchored on `department`, due on `dueDay` (fixed) or without a due day.
    @discardableResult
    package func assignment(_ name: String, item: String = "course-a", kind: String = "course", on department: Department,
                    dueDay: String? = "2027-01-31") throws -> Int64 {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                         due_kind, due_day, created_at)
                VALUES (?, ?, ?, 1, 'department', ?, 1, ?, ?, ?)
                """, arguments: [name, kind, item, department.id.rawValue, dueDay == nil ? "none" : "fixed", dueDay,
                                 ReportFixture.now - 86_400 * 30])
            return db.lastInsertedRowID
        }
    }

    /// Makes `user` a member of `assignment`, due on `dueDay` (replacing the row membership upkeep may have
    /// written when the person was created).
    package func member(_ user: User, of assignment: Int64, dueDay: String? = "2027-01-31", extendedDay: String? = nil,
                exempt: Bool = false, left: Bool = false) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day, extended_day, exempt_at, left_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (assignment_id, user_id) DO UPDATE SET assigned_at = excluded.assigned_at,
                    due_day = excluded.due_day, extended_day = excluded.extended_day, exempt_at = excluded.exempt_at,
                    left_at = excluded.left_at
                """, arguments: [assignment, user.id.rawValue, ReportFixture.now - 86_400 * 30, dueDay, extendedDay,
                                 exempt ? ReportFixture.now - 86_400 : nil, left ? ReportFixture.now - 86_400 : nil])
        }
    }

    /// Audit rows with `action`, oldest first, as (subject, details).
    package func auditRows(_ action: String) throws -> [(String, String)] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT subject, details FROM audit_log WHERE action = ? ORDER BY id", arguments: [action])
                .map { ($0["subject"], $0["details"]) }
        }
    }
}
