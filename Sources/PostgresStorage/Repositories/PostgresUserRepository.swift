import Foundation
import TrainingServer

/// Accounts and role grants on PostgreSQL, with the SQLite engine's rules and messages.
///
/// **Case.** SQLite's `login` column is `COLLATE NOCASE`; here look-ups compare `lower(login) = lower($1)` (the
/// `users_login_nocase` unique index) and lists sort by `lower(login COLLATE "C")`, which folds ASCII letters only
/// and compares bytes: SQLite's NOCASE order.
///
/// **Concurrency.** Creating checks the login and employee number first for a clear message; two servers creating
/// the same login at once both pass that check, and the unique indexes (`users_login_nocase`,
/// `users_employee_number_key`) refuse the second insert, which is reported as the same `StoreError.conflict`.
/// Changes to one account update its `users` row first, so a second change of the same account waits for the first
/// to commit (the row lock). Every change writes its audit row in its own transaction (`PostgresAuditChain`).
public struct PostgresUserRepository: UserRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func create(_ user: NewUser, by actor: AuditActor) throws -> User {
        try create(user, grants: [], by: actor)
    }

    public func find(login: String) throws -> User? {
        try pool.withConnection { connection in
            try Self.load(connection, where: #"lower(login COLLATE "C") = lower($1 COLLATE "C")"#, [login]).first
        }
    }

    public func find(id: UserID) throws -> User? {
        try pool.withConnection { connection in try Self.load(connection, where: "id = $1", [id.rawValue]).first }
    }

    public func passwordHash(of id: UserID) throws -> String? {
        try pool.withConnection { connection in
            try connection.query("SELECT password_hash FROM users WHERE id = $1", id.rawValue).first?.decode(String.self, at: 0)
        }
    }

    public func all() throws -> [User] {
        try pool.withConnection { connection in try Self.load(connection, where: "true", []) }
    }

    public func setDisabled(_ disabled: Bool, id: UserID, by actor: AuditActor) throws {
        try setDisabled(disabled, id: id, reason: nil, by: actor)
    }

    /// Disables or enables with a reason kept with the change: disabling ends every session and revokes every API
    /// token; the memberships of assignments follow.
    public func setDisabled(_ disabled: Bool, id: UserID, reason: String?, by actor: AuditActor) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        try pool.transaction { connection in
            let now = clock()
            guard try connection.execute("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3",
                                         disabled ? 1 : 0, now, id.rawValue) == 1 else { throw StoreError.notFound("user") }
            var revoked = 0
            if disabled {
                try connection.execute("DELETE FROM sessions WHERE user_id = $1", id.rawValue)
                // Revoked, not just refused while disabled: enabling the account does not bring them back.
                revoked = try PostgresAPITokenRepository.revokeAll(userID: id, now: now, on: connection)
            }
            try connection.execute("""
                INSERT INTO account_state_changes (user_id, disabled, reason, actor, at) VALUES ($1, $2, $3, $4, $5)
                """, id.rawValue, disabled ? 1 : 0, reason, actor.name, now)
            var details: [String: String] = revoked > 0 ? ["tokens_revoked": String(revoked)] : [:]
            if let reason { details["reason"] = reason }
            try PostgresAuditChain.append(AuditEvent(action: disabled ? "user.disable" : "user.enable", subject: "user:\(id)",
                                                     details: details),
                                          by: actor, at: now, on: connection)
            try PostgresAssignmentSync.reconcile(userIDs: [id], at: now, on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    public func setPasswordHash(_ hash: String, id: UserID, by actor: AuditActor) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        try pool.transaction { connection in
            let now = clock()
            guard try connection.execute("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
                                         hash, now, id.rawValue) == 1 else { throw StoreError.notFound("user") }
            // A new password ends every other session of the account, and every API token: one may have been made
            // by whoever knew the old password.
            try connection.execute("DELETE FROM sessions WHERE user_id = $1", id.rawValue)
            let revoked = try PostgresAPITokenRepository.revokeAll(userID: id, now: now, on: connection)
            try PostgresAuditChain.append(AuditEvent(action: "user.password", subject: "user:\(id)",
                                                     details: revoked > 0 ? ["tokens_revoked": String(revoked)] : [:]),
                                          by: actor, at: now, on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    public func setLanguage(_ language: String?, id: UserID) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        _ = try pool.transaction { connection in
            try connection.execute("UPDATE users SET language = $1, updated_at = $2 WHERE id = $3",
                                   language, clock(), id.rawValue)
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    public func setTimeZone(_ timeZone: String?, id: UserID) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        try pool.transaction { connection in
            guard try connection.execute("UPDATE users SET time_zone = $1, updated_at = $2 WHERE id = $3",
                                         timeZone, clock(), id.rawValue) == 1 else { throw StoreError.notFound("user") }
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    /// Creates an account with learner on its department and `grants` besides; audited as `user.create`. Throws
    /// `StoreError.conflict` for a bad login or name, or a login (any case) or employee number already taken.
    public func create(_ user: NewUser, grants: [RoleGrant], by actor: AuditActor) throws -> User {
        let login = user.login.trimmingCharacters(in: .whitespaces)
        guard !login.isEmpty, login.count <= 100, !login.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw StoreError.conflict("a login is 1-100 characters without spaces")
        }
        let name = user.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw StoreError.conflict("a display name is 1-200 characters") }
        let takenLogin = StoreError.conflict("the login \(login) is taken")
        let takenNumber = StoreError.conflict("the employee number \(user.employeeNumber ?? "") belongs to another account")
        do {
            let id: Int64 = try pool.transaction { connection in
                if try !connection.query(#"SELECT 1 FROM users WHERE lower(login COLLATE "C") = lower($1 COLLATE "C")"#, login).isEmpty {
                    throw takenLogin
                }
                if let number = user.employeeNumber,
                   try !connection.query("SELECT 1 FROM users WHERE employee_number = $1", number).isEmpty {
                    throw takenNumber
                }
                let now = clock()
                let id: Int64 = try connection.query("""
                    INSERT INTO users (login, display_name, employee_number, department_id, password_hash, created_at,
                                       updated_at, name_key)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                    """, login, name, user.employeeNumber, user.departmentID.rawValue, user.passwordHash, now, now,
                    Data(NameCollation.key(name)))[0].decode(at: 0)
                let all = Set(Set(user.roles + [.learner]).map { RoleGrant(role: $0, departmentID: user.departmentID) } + grants)
                for grant in all.sorted(by: Self.grantOrder) {
                    try connection.execute("INSERT INTO role_grants (user_id, role, department_id) VALUES ($1, $2, $3)",
                                           id, grant.role.rawValue, grant.departmentID.rawValue)
                }
                var details = ["roles": Set(all.map(\.role.rawValue)).sorted().joined(separator: ","),
                               "department": String(user.departmentID.rawValue)]
                let elsewhere = all.filter { $0.departmentID != user.departmentID }
                if !elsewhere.isEmpty {
                    details["grants"] = elsewhere.map { "\($0.role.rawValue)@\($0.departmentID)" }.sorted().joined(separator: ",")
                }
                try PostgresAuditChain.append(AuditEvent(action: "user.create", subject: "user:\(login)", details: details),
                                              by: actor, at: now, on: connection)
                try PostgresAssignmentSync.reconcile(userIDs: [UserID(rawValue: id)], at: now, on: connection)
                return id
            }
            guard let created = try find(id: UserID(rawValue: id)) else { throw StoreError.notFound("user") }
            return created
        } catch PostgresError.uniqueViolation(let constraint, _) where constraint == "users_login_nocase" {
            // Another server created the same login between the check and the insert.
            throw takenLogin
        } catch PostgresError.uniqueViolation(let constraint, _) where constraint == "users_employee_number_key" {
            throw takenNumber
        }
    }

    /// Grants in the order SQLite reads them: by role rank, then department.
    static func grantOrder(_ a: RoleGrant, _ b: RoleGrant) -> Bool {
        a.role != b.role ? a.role < b.role : a.departmentID.rawValue < b.departmentID.rawValue
    }

    /// The users matching `condition` (with `$n` placeholders for `arguments`) in login order, with their grants.
    static func load(_ connection: PostgresConnection, where condition: String,
                     _ arguments: [(any PostgresBindable)?]) throws -> [User] {
        let rows = try connection.query("""
            SELECT id, login, display_name, employee_number, department_id, disabled, language, accommodation_factor,
                   time_zone, job_category, required_hours, unread_notices, unread_announcements
            FROM users WHERE \(condition) ORDER BY lower(login COLLATE "C")
            """, arguments)
        guard !rows.isEmpty else { return [] }
        var ids: [Int64] = []
        for row in rows { ids.append(try row.decode(at: 0)) }
        var grants: [Int64: [RoleGrant]] = [:]
        for grant in try connection.query("""
            SELECT user_id, role, department_id FROM role_grants WHERE user_id = ANY ($1::bigint[])
            """, "{" + ids.map(String.init).joined(separator: ",") + "}") {
            guard let role = Role(rawValue: try grant.decode(at: 1)) else { continue }
            grants[try grant.decode(at: 0), default: []].append(RoleGrant(role: role, departmentID: DepartmentID(rawValue: try grant.decode(at: 2))))
        }
        return try rows.map { row in
            let id: Int64 = try row.decode(at: 0)
            return User(
                UserID(rawValue: id), login: try row.decode(at: 1), displayName: try row.decode(at: 2),
                employeeNumber: try row.decodeIfPresent(at: 3), departmentID: DepartmentID(rawValue: try row.decode(at: 4)),
                disabled: try row.decode(Int.self, at: 5) == 1, language: try row.decodeIfPresent(at: 6),
                accommodationFactor: try row.decode(at: 7), grants: (grants[id] ?? []).sorted(by: grantOrder),
                timeZone: try row.decodeIfPresent(at: 8), jobCategory: try row.decodeIfPresent(at: 9),
                requiredHours: try row.decodeIfPresent(at: 10), unreadNotices: try row.decode(at: 11),
                unreadAnnouncements: try row.decode(at: 12))
        }
    }
}
