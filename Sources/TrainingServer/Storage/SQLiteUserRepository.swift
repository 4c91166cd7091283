import Foundation
import GRDB

/// Accounts and role grants in SQLite. Changes that matter to a signed-in session (disabling, enabling, a new
/// password, language or time zone) touch the database's `AccountChangeStamp` after they commit.
public struct SQLiteUserRepository: UserRepository {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public func create(_ user: NewUser, by actor: AuditActor) throws -> User {
        let login = user.login.trimmingCharacters(in: .whitespaces)
        guard !login.isEmpty, login.count <= 100, !login.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw StoreError.conflict("a login is 1-100 characters without spaces")
        }
        let name = user.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw StoreError.conflict("a display name is 1-200 characters") }
        let id: Int64 = try store.write { db in
            if try Int.fetchOne(db, sql: "SELECT 1 FROM users WHERE login = ?", arguments: [login]) != nil {
                throw StoreError.conflict("the login \(login) is taken")
            }
            let now = clock()
            try db.execute(sql: """
                INSERT INTO users (login, display_name, employee_number, department_id, password_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [login, name, user.employeeNumber, user.departmentID.rawValue, user.passwordHash, now, now])
            let id = db.lastInsertedRowID
            try SQLiteReportRepository.writeNameKey(userID: id, name: name, db)
            for role in Set(user.roles + [.learner]) {
                try db.execute(sql: "INSERT INTO role_grants (user_id, role, department_id) VALUES (?, ?, ?)",
                               arguments: [id, role.rawValue, user.departmentID.rawValue])
            }
            try AuditChain.append(AuditEvent(action: "user.create", subject: "user:\(login)",
                                             details: ["roles": Set(user.roles + [.learner]).map(\.rawValue).sorted()
                                                .joined(separator: ","),
                                                       "department": String(user.departmentID.rawValue)]),
                                  by: actor, at: now, in: db)
            return id
        }
        guard let created = try find(id: UserID(rawValue: id)) else { throw StoreError.notFound("user") }
        return created
    }

    public func find(login: String) throws -> User? {
        try store.read { db in try Self.load(db, where: "login = ?", [login]).first }
    }

    public func find(id: UserID) throws -> User? {
        try store.read { db in try Self.load(db, where: "id = ?", [id.rawValue]).first }
    }

    public func passwordHash(of id: UserID) throws -> String? {
        try store.read { db in try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE id = ?", arguments: [id.rawValue]) }
    }

    public func all() throws -> [User] {
        try store.read { db in try Self.load(db, where: "1", []) }
    }

    public func setDisabled(_ disabled: Bool, id: UserID, by actor: AuditActor) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?",
                           arguments: [disabled, clock(), id.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound("user") }
            var revoked = 0
            if disabled {
                try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id.rawValue])
                // Revoked, not just refused while disabled: enabling the account does not bring them back.
                revoked = try SQLiteAPITokenRepository.revokeAll(userID: id, now: clock(), in: db)
            }
            try AuditChain.append(AuditEvent(action: disabled ? "user.disable" : "user.enable", subject: "user:\(id)",
                                             details: revoked > 0 ? ["tokens_revoked": String(revoked)] : [:]),
                                  by: actor, at: clock(), in: db)
        }
        AccountChangeStamp(databasePath: store.path).touch()
    }

    public func setPasswordHash(_ hash: String, id: UserID, by actor: AuditActor) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                           arguments: [hash, clock(), id.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound("user") }
            // A new password ends every other session of the account.
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id.rawValue])
            // And every API token: one may have been made by whoever knew the old password.
            let revoked = try SQLiteAPITokenRepository.revokeAll(userID: id, now: clock(), in: db)
            try AuditChain.append(AuditEvent(action: "user.password", subject: "user:\(id)",
                                             details: revoked > 0 ? ["tokens_revoked": String(revoked)] : [:]),
                                  by: actor, at: clock(), in: db)
        }
        AccountChangeStamp(databasePath: store.path).touch()
    }

    public func setLanguage(_ language: String?, id: UserID) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE users SET language = ?, updated_at = ? WHERE id = ?",
                           arguments: [language, clock(), id.rawValue])
        }
        AccountChangeStamp(databasePath: store.path).touch()
    }

    public func setTimeZone(_ timeZone: String?, id: UserID) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE users SET time_zone = ?, updated_at = ? WHERE id = ?",
                           arguments: [timeZone, clock(), id.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound("user") }
        }
        AccountChangeStamp(databasePath: store.path).touch()
    }

    static func load(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [User] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM users WHERE \(condition) ORDER BY login"),
                                    arguments: arguments)
        let grantsStatement = try db.cachedStatement(sql: "SELECT role, department_id FROM role_grants WHERE user_id = ?")
        return try rows.map { row in
            let id: Int64 = row["id"]
            let grants = try Row.fetchAll(grantsStatement, arguments: [id]).compactMap { grant -> RoleGrant? in
                guard let role = Role(rawValue: grant["role"]) else { return nil }
                return RoleGrant(role: role, departmentID: DepartmentID(rawValue: grant["department_id"]))
            }
            return User(id: UserID(rawValue: id), login: row["login"], displayName: row["display_name"],
                        employeeNumber: row["employee_number"], departmentID: DepartmentID(rawValue: row["department_id"]),
                        disabled: row["disabled"], language: row["language"],
                        accommodationFactor: row["accommodation_factor"], grants: grants.sorted { $0.role < $1.role },
                        timeZone: row["time_zone"])
        }
    }
}
