import Foundation
import GRDB
import TrainingServer

/// Whom or what each audit row is about, resolved when the row is written and kept beside the chain in
/// `audit_log_subjects` (the chained rows themselves never change). The audit log page uses it to show a unit
/// administrator only the rows about people and departments in their scope, and to name people by their current
/// login and name.
///
/// A row is about a person when its details name one (`user_id`, `user` or `holder`, as ids), or its subject is
/// `user:<id or login>` or `certificate:<id>` (the certificate's holder); it is about a department when its
/// subject is `department:<id>`. Anything else is about nobody in particular (a report, the catalogue).
extension AuditSubjects {
    struct Resolved: Equatable {
        var userID: Int64?
        var departmentID: Int64?

        var isEmpty: Bool { userID == nil && departmentID == nil }
    }

    /// Actions whose subject names the person by login even when it looks like a number.
    static let loginSubjects: Set<String> = ["user.create", "record.view"]
    /// Detail keys that hold a person's id.
    static let personKeys = ["user_id", "user", "holder"]

    static func resolve(action: String, subject: String, details: [String: String], in db: Database) throws -> Resolved {
        for key in personKeys {
            if let raw = details[key], let id = Int64(raw), try userExists(id, in: db) {
                return Resolved(userID: id)
            }
        }
        guard let colon = subject.firstIndex(of: ":") else { return Resolved() }
        let kind = subject[..<colon]
        let value = String(subject[subject.index(after: colon)...])
        switch kind {
        case "user":
            if !loginSubjects.contains(action), let id = Int64(value), try userExists(id, in: db) {
                return Resolved(userID: id)
            }
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE login = ?", arguments: [value]) {
                return Resolved(userID: id)
            }
            if let id = Int64(value), try userExists(id, in: db) { return Resolved(userID: id) }
            return Resolved()
        case "certificate":
            return Resolved(userID: try Int64.fetchOne(db, sql: "SELECT user_id FROM certificates WHERE id = ?",
                                                       arguments: [value]))
        case "department":
            guard let id = Int64(value),
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM departments WHERE id = ?", arguments: [id]) == true else {
                return Resolved()
            }
            return Resolved(departmentID: id)
        default:
            return Resolved()
        }
    }

    /// Resolves and records what row `id` is about (nothing is written when it is about nobody in particular).
    static func record(row id: Int64, action: String, subject: String, details: [String: String], in db: Database) throws {
        let resolved = try resolve(action: action, subject: subject, details: details, in: db)
        guard !resolved.isEmpty else { return }
        do {
            try db.execute(sql: "INSERT OR REPLACE INTO audit_log_subjects (audit_id, user_id, department_id) VALUES (?, ?, ?)",
                           arguments: [id, resolved.userID, resolved.departmentID])
        } catch let error as DatabaseError where error.message == "no such table: audit_log_subjects" {
            // A database of an older schema (`restore` appends its row to the backup before the server migrates
            // it): the migration that creates the table resolves this row with the others.
        }
    }

    /// Resolves every row written before the table existed (the migration that creates it).
    /// Reads the log in batches, so a long log does not have to fit in memory.
    static func backfill(in db: Database, batchSize: Int = 5000) throws {
        var after: Int64 = 0
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT id, action, subject, details FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
                                        arguments: [after, batchSize])
            for row in rows {
                try record(row: row["id"], action: row["action"], subject: row["subject"], details: decode(row["details"]),
                           in: db)
            }
            guard let last = rows.last, rows.count == batchSize else { return }
            after = last["id"]
        }
    }

    private static func userExists(_ id: Int64, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ?", arguments: [id]) == true
    }
}
