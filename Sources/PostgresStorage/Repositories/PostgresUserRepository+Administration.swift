import Foundation
import TrainingServer

/// What administrators change about accounts beyond `UserRepository`, on PostgreSQL, with the SQLite engine's
/// lists, orders and audit rows.
///
/// **Orders and searches.** Every sort ends with the id, so pages neither repeat nor skip anyone. Text sorts compare
/// bytes as SQLite's BINARY and NOCASE collations do (`COLLATE "C"`, logins through `lower(login COLLATE "C")`),
/// names by their collation key (`name_key`, bytea, compared bytewise like SQLite's BLOB), and NULL employee numbers
/// come first ascending and last descending, as in SQLite. A search matches names and logins containing it with
/// ASCII letters folded (SQLite's LIKE; `lower(… COLLATE "C")` folds ASCII only), or a whole employee number, or
/// pinyin initials as ranges of the name key.
///
/// **Concurrency.** Grants are keyed (user, role, department): granting is `ON CONFLICT DO NOTHING`, so of two
/// servers granting the same role at once one inserts (and audits) and the other reports that nothing changed;
/// withdrawing is one DELETE, likewise. An update locks the person's row first (`SELECT … FOR UPDATE`), so two
/// updates of one person are applied one after the other and each audits the change it made.
extension PostgresUserRepository: AccountAdministrationRepository {
    public func accounts(_ filter: AccountFilter, limit: Int, offset: Int) throws -> [AccountLine] {
        guard !filter.prefixes.isEmpty, limit > 0 else { return [] }
        var arguments: [(any PostgresBindable)?] = []
        let conditions = Self.conditions(filter, &arguments)
        let direction = filter.descending ? "DESC" : "ASC"
        let order: [String] = switch filter.sort {
        case .name: ["u.name_key", "u.id"]
        case .login: [#"lower(u.login COLLATE "C")"#, "u.id"]
        case .employeeNumber: [#"u.employee_number COLLATE "C""#, "u.name_key", "u.id"]
        case .department: [#"d.name COLLATE "C""#, "d.id", "u.name_key", "u.id"]
        case .state: ["u.disabled", "u.name_key", "u.id"]
        }
        // SQLite sorts NULL first ascending and last descending.
        let nulls = filter.descending ? "NULLS LAST" : "NULLS FIRST"
        arguments.append(limit)
        arguments.append(max(0, offset))
        let sql = """
            SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.disabled,
                   (SELECT string_agg(DISTINCT g.role, ',') FROM role_grants g WHERE g.user_id = u.id) AS roles
            FROM users u JOIN departments d ON d.id = u.department_id
            WHERE \(conditions)
            ORDER BY \(order.map { "\($0) \(direction) \(nulls)" }.joined(separator: ", "))
            LIMIT $\(arguments.count - 1) OFFSET $\(arguments.count)
            """
        return try pool.withConnection { connection in
            try connection.query(sql, arguments).map { row in
                let roles: String? = try row.decodeIfPresent(at: 6)
                return AccountLine(id: UserID(rawValue: try row.decode(at: 0)), login: try row.decode(at: 1),
                                   name: try row.decode(at: 2), employeeNumber: try row.decodeIfPresent(at: 3),
                                   departmentID: DepartmentID(rawValue: try row.decode(at: 4)),
                                   disabled: try row.decode(Int.self, at: 5) == 1,
                                   roles: Set((roles ?? "").split(separator: ",").compactMap { Role(rawValue: String($0)) }))
            }
        }
    }

    public func countAccounts(_ filter: AccountFilter) throws -> Int {
        guard !filter.prefixes.isEmpty else { return 0 }
        var arguments: [(any PostgresBindable)?] = []
        let conditions = Self.conditions(filter, &arguments)
        return try pool.withConnection { connection in
            try connection.query("SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id WHERE \(conditions)",
                                 arguments)[0].decode(at: 0)
        }
    }

    /// The WHERE clause of a filter; its values are appended to `arguments` and named by their positions.
    static func conditions(_ filter: AccountFilter, _ arguments: inout [(any PostgresBindable)?]) -> String {
        func bind(_ value: (any PostgresBindable)?) -> String {
            arguments.append(value)
            return "$\(arguments.count)"
        }
        var conditions: [String] = []
        // A subtree is a range of id paths: "/1/4/" up to "/1/40" ('0' follows '/'), compared bytewise.
        conditions.append("(" + filter.prefixes.map { prefix in
            #"(d.id_path COLLATE "C" >= \#(bind(prefix)) AND d.id_path COLLATE "C" < \#(bind(String(prefix.dropLast()) + "0")))"#
        }.joined(separator: " OR ") + ")")
        if let role = filter.role {
            conditions.append("EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = \(bind(role.rawValue)))")
        }
        if let disabled = filter.disabled {
            conditions.append("u.disabled = \(bind(disabled ? 1 : 0))")
        }
        if let category = filter.jobCategory {
            conditions.append("u.job_category = \(bind(category))")
        }
        if let search = filter.search, !search.isEmpty {
            let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let like = bind(pattern)
            var alternatives = [
                #"lower(u.display_name COLLATE "C") LIKE lower(\#(like) COLLATE "C") ESCAPE '\'"#,
                #"lower(u.login COLLATE "C") LIKE lower(\#(like) COLLATE "C") ESCAPE '\'"#,
                "u.employee_number = \(bind(search))",
            ]
            if let first = filter.initials.first {
                // The name key starts with two bytes per character, the collation weight: the first character is a
                // range of keys, the others a range of their two bytes.
                var parts = ["(u.name_key >= \(bind(Data(bytes(first.lowerBound)))) AND u.name_key < \(bind(Data(bytes(first.upperBound &+ 1)))))"]
                for (index, range) in filter.initials.enumerated().dropFirst() {
                    parts.append("substring(u.name_key from \(index * 2 + 1) for 2) BETWEEN \(bind(Data(bytes(range.lowerBound)))) AND \(bind(Data(bytes(range.upperBound))))")
                }
                alternatives.append("(" + parts.joined(separator: " AND ") + ")")
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
            // A name or login holding the search holds each of its characters beyond ASCII (`user_name_characters`).
            if let character = search.unicodeScalars.first(where: { $0.value > 127 }) {
                conditions.append("(u.id IN (SELECT user_id FROM user_name_characters WHERE character = \(bind(String(character)))) OR u.employee_number = \(bind(search)))")
            }
        }
        return conditions.joined(separator: " AND ")
    }

    private static func bytes(_ weight: UInt16) -> [UInt8] { [UInt8(weight >> 8), UInt8(weight & 0xFF)] }

    public func update(_ id: UserID, name: String, employeeNumber: String?, departmentID: DepartmentID,
                       by actor: AuditActor) throws {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        let taken = StoreError.conflict("the employee number \(employeeNumber ?? "") belongs to another account")
        do {
            try pool.transaction { connection in
                guard let before = try connection.query("""
                    SELECT display_name, employee_number, department_id FROM users WHERE id = $1 FOR UPDATE
                    """, id.rawValue).first else { throw StoreError.notFound("user") }
                if let employeeNumber, try !connection.query("SELECT 1 FROM users WHERE employee_number = $1 AND id <> $2",
                                                             employeeNumber, id.rawValue).isEmpty {
                    throw taken
                }
                let oldName: String = try before.decode(at: 0)
                let oldNumber: String? = try before.decodeIfPresent(at: 1)
                let oldDepartment: Int64 = try before.decode(at: 2)
                var details: [String: String] = [:]
                if oldName != name { details["name"] = name }
                if oldNumber != employeeNumber { details["employee_number"] = employeeNumber ?? "" }
                if oldDepartment != departmentID.rawValue {
                    details["department"] = String(departmentID.rawValue)
                    details["from_department"] = String(oldDepartment)
                }
                guard !details.isEmpty else { return }
                let now = clock()
                try connection.execute("""
                    UPDATE users SET display_name = $1, employee_number = $2, department_id = $3, updated_at = $4 WHERE id = $5
                    """, name, employeeNumber, departmentID.rawValue, now, id.rawValue)
                if oldName != name {
                    try connection.execute("UPDATE users SET name_key = $1 WHERE id = $2", Data(NameCollation.key(name)), id.rawValue)
                }
                if oldDepartment != departmentID.rawValue {
                    // Learning belongs to the person's own department: the learner grant moves unless the person
                    // holds one there already (SQLite's UPDATE OR IGNORE), and the old one goes.
                    try connection.execute("""
                        UPDATE role_grants SET department_id = $1 WHERE user_id = $2 AND role = 'learner' AND department_id = $3
                          AND NOT EXISTS (SELECT 1 FROM role_grants o WHERE o.user_id = $2 AND o.role = 'learner'
                                                                         AND o.department_id = $1)
                        """, departmentID.rawValue, id.rawValue, oldDepartment)
                    try connection.execute("DELETE FROM role_grants WHERE user_id = $1 AND role = 'learner' AND department_id = $2",
                                           id.rawValue, oldDepartment)
                }
                try PostgresAuditChain.append(AuditEvent(action: "user.update", subject: "user:\(id)", details: details),
                                              by: actor, at: now, on: connection)
                try PostgresAssignmentSync.reconcile(userIDs: [id], at: now, on: connection)
                try PostgresChangeSignal.bump(.accounts, on: connection)
            }
        } catch PostgresError.uniqueViolation(let constraint, _) where constraint == "users_employee_number_key" {
            throw taken
        }
    }

    public func grant(_ grant: RoleGrant, to id: UserID, by actor: AuditActor) throws -> Bool {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        return try pool.transaction { connection in
            guard try !connection.query("SELECT 1 FROM users WHERE id = $1", id.rawValue).isEmpty else {
                throw StoreError.notFound("user")
            }
            guard try connection.execute("""
                INSERT INTO role_grants (user_id, role, department_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING
                """, id.rawValue, grant.role.rawValue, grant.departmentID.rawValue) == 1 else { return false }
            try PostgresAuditChain.append(AuditEvent(action: "role.grant", subject: "user:\(id)",
                                                     details: ["role": grant.role.rawValue,
                                                               "department": String(grant.departmentID.rawValue)]),
                                          by: actor, at: clock(), on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
            return true
        }
    }

    public func withdraw(_ grant: RoleGrant, from id: UserID, by actor: AuditActor) throws -> Bool {
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        return try pool.transaction { connection in
            guard try connection.execute("DELETE FROM role_grants WHERE user_id = $1 AND role = $2 AND department_id = $3",
                                         id.rawValue, grant.role.rawValue, grant.departmentID.rawValue) == 1 else {
                return false
            }
            try PostgresAuditChain.append(AuditEvent(action: "role.withdraw", subject: "user:\(id)",
                                                     details: ["role": grant.role.rawValue,
                                                               "department": String(grant.departmentID.rawValue)]),
                                          by: actor, at: clock(), on: connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
            return true
        }
    }

    public func stateChanges(of id: UserID) throws -> [AccountStateChange] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT disabled, reason, actor, at FROM account_state_changes WHERE user_id = $1 ORDER BY at DESC, id DESC
                """, id.rawValue).map { row in
                AccountStateChange(disabled: try row.decode(Int.self, at: 0) == 1, reason: try row.decodeIfPresent(at: 1),
                                   actor: try row.decode(at: 2), at: try row.decode(at: 3))
            }
        }
    }

    public func lastSignIn(of id: UserID) throws -> Double? {
        try pool.withConnection { connection in
            guard let login = try connection.query("SELECT login FROM users WHERE id = $1", id.rawValue).first?
                .decode(String.self, at: 0) else { return nil }
            // Usual addresses are keyed "ADDRESS LOGIN" (see LoginThrottle) and kept 90 days after a sign-in.
            let suffix = " " + login.lowercased()
            let row = try connection.query("""
                SELECT (SELECT max(created_at) FROM sessions WHERE user_id = $1),
                       (SELECT max(last_success_at) FROM login_usual_addresses WHERE right(key, length($2)) = $2),
                       (SELECT max(at) FROM sign_ins WHERE user_id = $1)
                """, id.rawValue, suffix)[0]
            return [try row.decodeIfPresent(Double.self, at: 0), try row.decodeIfPresent(Double.self, at: 1),
                    try row.decodeIfPresent(Double.self, at: 2)].compactMap { $0 }.max()
        }
    }

    public func owner(ofEmployeeNumber number: String) throws -> UserID? {
        try pool.withConnection { connection in
            try connection.query("SELECT id FROM users WHERE employee_number = $1", number).first
                .map { UserID(rawValue: try $0.decode(at: 0)) }
        }
    }
}
