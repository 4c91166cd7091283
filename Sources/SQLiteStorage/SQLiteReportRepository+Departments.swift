import GRDB
import TrainingServer

/// What the department tree's changes need of the reports' aggregate tables. The aggregates are kept per
/// department id and summed over `id_path` ranges when read, so renaming or moving a department needs nothing here;
/// a deleted (empty) department's rows must go with it.
extension SQLiteReportRepository {
    /// Enabled people per department id, for departments with any.
    static func departmentHeadcounts(_ db: Database) throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT department_id, people FROM department_people WHERE people <> 0")
        while let row = try rows.next() { counts[row[0]] = row[1] }
        return counts
    }

    /// Removes a department's (zero) aggregate rows before the department itself is deleted, inside the caller's
    /// transaction.
    static func forgetDepartment(_ id: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM department_people WHERE department_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM certification_counts WHERE department_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM department_hours WHERE department_id = ?", arguments: [id])
    }
}
