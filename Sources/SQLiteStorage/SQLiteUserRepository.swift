import Foundation
import GRDB
import TrainingServer

/// Accounts and role grants in SQLite. Changes that matter to a signed-in session (disabling, enabling, a new
/// password, language or time zone) touch the database's `ChangeStamp` after they commit.
public struct SQLiteUserRepository: UserRepository {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    public func create(_ user: NewUser, by actor: AuditActor) throws -> User {
        try create(user, grants: [], by: actor)
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
        try setDisabled(disabled, id: id, reason: nil, by: actor)
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
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    public func setLanguage(_ language: String?, id: UserID) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE users SET language = ?, updated_at = ? WHERE id = ?",
                           arguments: [language, clock(), id.rawValue])
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    public func setTimeZone(_ timeZone: String?, id: UserID) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE users SET time_zone = ?, updated_at = ? WHERE id = ?",
                           arguments: [timeZone, clock(), id.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound("user") }
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
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
            return User(UserID(rawValue: id), login: row["login"], displayName: row["display_name"],
                        employeeNumber: row["employee_number"], departmentID: DepartmentID(rawValue: row["department_id"]),
                        disabled: row["disabled"], language: row["language"],
                        accommodationFactor: row["accommodation_factor"], grants: grants.sorted { $0.role < $1.role },
                        timeZone: row["time_zone"], jobCategory: row["job_category"],
                        requiredHours: row["required_hours"], unreadNotices: row["unread_notices"] ?? 0,
                        unreadAnnouncements: row["unread_announcements"] ?? 0)
        }
    }
}

// MARK: Administration

extension SQLiteUserRepository: AccountAdministrationRepository {
    public func accounts(_ filter: AccountFilter, limit: Int, offset: Int) throws -> [AccountLine] {
        guard !filter.prefixes.isEmpty, limit > 0 else { return [] }
        let (conditions, arguments) = Self.conditions(filter)
        let direction = filter.descending ? "DESC" : "ASC"
        // From a fixed list; the id last makes the order total, so pages neither repeat nor skip anyone.
        let order: [String] = switch filter.sort {
        case .name: ["u.name_key", "u.id"]
        case .login: ["u.login", "u.id"]
        case .employeeNumber: ["u.employee_number", "u.name_key", "u.id"]
        case .department: ["d.name", "d.id", "u.name_key", "u.id"]
        case .state: ["u.disabled", "u.name_key", "u.id"]
        }
        let sql = """
            SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.disabled,
                   (SELECT group_concat(DISTINCT g.role) FROM role_grants g WHERE g.user_id = u.id) AS roles
            FROM users u JOIN departments d ON d.id = u.department_id
            WHERE \(conditions)
            ORDER BY \(order.map { "\($0) \(direction)" }.joined(separator: ", ")) LIMIT ? OFFSET ?
            """
        return try store.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments + [limit, max(0, offset)]).map { row in
                let roles: String? = row["roles"]
                return AccountLine(id: UserID(rawValue: row["id"]), login: row["login"], name: row["display_name"],
                                   employeeNumber: row["employee_number"],
                                   departmentID: DepartmentID(rawValue: row["department_id"]), disabled: row["disabled"],
                                   roles: Set((roles ?? "").split(separator: ",").compactMap { Role(rawValue: String($0)) }))
            }
        }
    }

    public func countAccounts(_ filter: AccountFilter) throws -> Int {
        guard !filter.prefixes.isEmpty else { return 0 }
        let (conditions, arguments) = Self.conditions(filter)
        return try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id WHERE \(conditions)",
                             arguments: arguments) ?? 0
        }
    }

    /// The WHERE clause of a filter, with its bound values.
    static func conditions(_ filter: AccountFilter) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        // A subtree is a range of id paths: "/1/4/" up to "/1/40" ('0' follows '/').
        conditions.append("(" + filter.prefixes.map { _ in "(d.id_path >= ? AND d.id_path < ?)" }.joined(separator: " OR ") + ")")
        for prefix in filter.prefixes {
            arguments += [prefix, String(prefix.dropLast()) + "0"]
        }
        if let role = filter.role {
            conditions.append("EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = ?)")
            arguments += [role.rawValue]
        }
        if let disabled = filter.disabled {
            conditions.append("u.disabled = ?")
            arguments += [disabled]
        }
        if let category = filter.jobCategory {
            conditions.append("u.job_category = ?")
            arguments += [category]
        }
        if let search = filter.search, !search.isEmpty {
            var alternatives = ["u.display_name LIKE ? ESCAPE '\\'", "u.login LIKE ? ESCAPE '\\'", "u.employee_number = ?"]
            let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            arguments += [pattern, pattern, search]
            if let first = filter.initials.first {
                // The name's sort key starts with two bytes per character, the collation weight (`NameCollation`),
                // and the weights of one pinyin initial form a range: the first character is a range of keys (which
                // the name index can seek), the others a range of their two bytes.
                var parts = ["(u.name_key >= ? AND u.name_key < ?)"]
                arguments += [Data(Self.bytes(first.lowerBound)), Data(Self.bytes(first.upperBound &+ 1))]
                for (index, range) in filter.initials.enumerated().dropFirst() {
                    parts.append("substr(u.name_key, \(index * 2 + 1), 2) BETWEEN ? AND ?")
                    arguments += [Data(Self.bytes(range.lowerBound)), Data(Self.bytes(range.upperBound))]
                }
                alternatives.append("(" + parts.joined(separator: " AND ") + ")")
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
            // As the HR list does: a name or login holding the search holds each of its characters beyond ASCII,
            // and `user_name_characters` lists who has which, so the people to read start from one of them (the
            // search's first), not from everyone in the scope.
            if let character = search.unicodeScalars.first(where: { $0.value > 127 }) {
                conditions.append("(u.id IN (SELECT user_id FROM user_name_characters WHERE character = ?) OR u.employee_number = ?)")
                arguments += [String(character), search]
            }
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    private static func bytes(_ weight: UInt16) -> [UInt8] { [UInt8(weight >> 8), UInt8(weight & 0xFF)] }

    public func create(_ user: NewUser, grants: [RoleGrant], by actor: AuditActor) throws -> User {
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
            if let number = user.employeeNumber,
               try Int.fetchOne(db, sql: "SELECT 1 FROM users WHERE employee_number = ?", arguments: [number]) != nil {
                throw StoreError.conflict("the employee number \(number) belongs to another account")
            }
            let now = clock()
            try db.execute(sql: """
                INSERT INTO users (login, display_name, employee_number, department_id, password_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [login, name, user.employeeNumber, user.departmentID.rawValue, user.passwordHash, now, now])
            let id = db.lastInsertedRowID
            try SQLiteReportRepository.writeNameKey(userID: id, name: name, db)
            let all = Set(Set(user.roles + [.learner]).map { RoleGrant(role: $0, departmentID: user.departmentID) } + grants)
            for grant in all {
                try db.execute(sql: "INSERT INTO role_grants (user_id, role, department_id) VALUES (?, ?, ?)",
                               arguments: [id, grant.role.rawValue, grant.departmentID.rawValue])
            }
            var details = ["roles": Set(all.map(\.role.rawValue)).sorted().joined(separator: ","),
                           "department": String(user.departmentID.rawValue)]
            let elsewhere = all.filter { $0.departmentID != user.departmentID }
            if !elsewhere.isEmpty {
                details["grants"] = elsewhere.map { "\($0.role.rawValue)@\($0.departmentID)" }.sorted().joined(separator: ",")
            }
            try AuditChain.append(AuditEvent(action: "user.create", subject: "user:\(login)", details: details),
                                  by: actor, at: now, in: db)
            try SQLiteAssignmentRepository.reconcile(userIDs: [UserID(rawValue: id)], at: now, in: db)
            return id
        }
        guard let created = try find(id: UserID(rawValue: id)) else { throw StoreError.notFound("user") }
        return created
    }

    public func update(_ id: UserID, name: String, employeeNumber: String?, departmentID: DepartmentID,
                       by actor: AuditActor) throws {
        try store.write { db in
            guard let before = try Row.fetchOne(db, sql: "SELECT display_name, employee_number, department_id FROM users WHERE id = ?",
                                                arguments: [id.rawValue]) else { throw StoreError.notFound("user") }
            if let employeeNumber, try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE employee_number = ? AND id <> ?",
                                                      arguments: [employeeNumber, id.rawValue]) != nil {
                throw StoreError.conflict("the employee number \(employeeNumber) belongs to another account")
            }
            let oldName: String = before["display_name"]
            let oldNumber: String? = before["employee_number"]
            let oldDepartment: Int64 = before["department_id"]
            var details: [String: String] = [:]
            if oldName != name { details["name"] = name }
            if oldNumber != employeeNumber { details["employee_number"] = employeeNumber ?? "" }
            if oldDepartment != departmentID.rawValue {
                details["department"] = String(departmentID.rawValue)
                details["from_department"] = String(oldDepartment)
            }
            guard !details.isEmpty else { return }
            let now = clock()
            try db.execute(sql: """
                UPDATE users SET display_name = ?, employee_number = ?, department_id = ?, updated_at = ? WHERE id = ?
                """, arguments: [name, employeeNumber, departmentID.rawValue, now, id.rawValue])
            if oldName != name { try SQLiteReportRepository.writeNameKey(userID: id.rawValue, name: name, db) }
            if oldDepartment != departmentID.rawValue {
                // Learning belongs to the person's own department.
                try db.execute(sql: """
                    UPDATE OR IGNORE role_grants SET department_id = ? WHERE user_id = ? AND role = 'learner' AND department_id = ?
                    """, arguments: [departmentID.rawValue, id.rawValue, oldDepartment])
                try db.execute(sql: "DELETE FROM role_grants WHERE user_id = ? AND role = 'learner' AND department_id = ?",
                               arguments: [id.rawValue, oldDepartment])
            }
            try AuditChain.append(AuditEvent(action: "user.update", subject: "user:\(id)", details: details),
                                  by: actor, at: now, in: db)
            try SQLiteAssignmentRepository.reconcile(userIDs: [id], at: now, in: db)
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    public func grant(_ grant: RoleGrant, to id: UserID, by actor: AuditActor) throws -> Bool {
        let changed = try store.write { db -> Bool in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ?", arguments: [id.rawValue]) != nil else {
                throw StoreError.notFound("user")
            }
            try db.execute(sql: "INSERT OR IGNORE INTO role_grants (user_id, role, department_id) VALUES (?, ?, ?)",
                           arguments: [id.rawValue, grant.role.rawValue, grant.departmentID.rawValue])
            guard db.changesCount == 1 else { return false }
            try AuditChain.append(AuditEvent(action: "role.grant", subject: "user:\(id)",
                                             details: ["role": grant.role.rawValue, "department": String(grant.departmentID.rawValue)]),
                                  by: actor, at: clock(), in: db)
            return true
        }
        if changed { ChangeStamp.accounts(databasePath: store.path).touch() }
        return changed
    }

    public func withdraw(_ grant: RoleGrant, from id: UserID, by actor: AuditActor) throws -> Bool {
        let changed = try store.write { db -> Bool in
            try db.execute(sql: "DELETE FROM role_grants WHERE user_id = ? AND role = ? AND department_id = ?",
                           arguments: [id.rawValue, grant.role.rawValue, grant.departmentID.rawValue])
            guard db.changesCount == 1 else { return false }
            try AuditChain.append(AuditEvent(action: "role.withdraw", subject: "user:\(id)",
                                             details: ["role": grant.role.rawValue, "department": String(grant.departmentID.rawValue)]),
                                  by: actor, at: clock(), in: db)
            return true
        }
        if changed { ChangeStamp.accounts(databasePath: store.path).touch() }
        return changed
    }

    public func setDisabled(_ disabled: Bool, id: UserID, reason: String?, by actor: AuditActor) throws {
        try store.write { db in
            let now = clock()
            try db.execute(sql: "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?",
                           arguments: [disabled, now, id.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound("user") }
            var revoked = 0
            if disabled {
                try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id.rawValue])
                // Revoked, not just refused while disabled: enabling the account does not bring them back.
                revoked = try SQLiteAPITokenRepository.revokeAll(userID: id, now: now, in: db)
            }
            try db.execute(sql: """
                INSERT INTO account_state_changes (user_id, disabled, reason, actor, at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [id.rawValue, disabled, reason, actor.name, now])
            var details: [String: String] = revoked > 0 ? ["tokens_revoked": String(revoked)] : [:]
            if let reason { details["reason"] = reason }
            try AuditChain.append(AuditEvent(action: disabled ? "user.disable" : "user.enable", subject: "user:\(id)",
                                             details: details),
                                  by: actor, at: now, in: db)
            try SQLiteAssignmentRepository.reconcile(userIDs: [id], at: now, in: db)
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    public func stateChanges(of id: UserID) throws -> [AccountStateChange] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT disabled, reason, actor, at FROM account_state_changes WHERE user_id = ? ORDER BY at DESC, id DESC
                """, arguments: [id.rawValue]).map { row in
                AccountStateChange(disabled: row["disabled"], reason: row["reason"], actor: row["actor"], at: row["at"])
            }
        }
    }

    public func lastSignIn(of id: UserID) throws -> Double? {
        try store.read { db in
            guard let login = try String.fetchOne(db, sql: "SELECT login FROM users WHERE id = ?", arguments: [id.rawValue]) else {
                return nil
            }
            let session = try Double.fetchOne(db, sql: "SELECT max(created_at) FROM sessions WHERE user_id = ?",
                                              arguments: [id.rawValue])
            // Usual addresses are keyed "ADDRESS LOGIN" (see LoginThrottle) and kept 90 days after a sign-in.
            let suffix = " " + login.lowercased()
            let usual = try Double.fetchOne(db, sql: """
                SELECT max(last_success_at) FROM login_usual_addresses WHERE substr(key, -length(?)) = ?
                """, arguments: [suffix, suffix])
            let recorded = try Double.fetchOne(db, sql: "SELECT max(at) FROM sign_ins WHERE user_id = ?",
                                               arguments: [id.rawValue])
            return [session, usual, recorded].compactMap { $0 }.max()
        }
    }

    public func owner(ofEmployeeNumber number: String) throws -> UserID? {
        try store.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE employee_number = ?", arguments: [number]).map(UserID.init)
        }
    }
}

extension PeopleAdministration {
    /// The service on the database of `store`; `users` is the application's (session-caching) repository.
    public static func sqlite(store: Store, users: any UserRepository, audit: any AuditLog, throttle: LoginThrottle.Policy,
                              clock: @escaping @Sendable () -> Double) -> PeopleAdministration {
        PeopleAdministration(users: users, accounts: SQLiteUserRepository(store: store, clock: clock),
                             failures: SQLiteLoginFailureStore(store: store), throttle: throttle, audit: audit, clock: clock)
    }
}
