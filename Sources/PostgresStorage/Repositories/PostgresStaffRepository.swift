import Foundation
import TrainingServer

/// Applies staff imports on PostgreSQL in one transaction, as the SQLite engine does (`SQLiteStaffRepository`):
/// departments, people, role grants, disabling, assignment memberships, the history row and one audit row.
///
/// **Concurrency.** An import holds the advisory lock `PostgresLocks.staffImport`, then the department-tree lock
/// (it may create departments), for its whole transaction: two imports at two servers are applied one after the
/// other, and an import of a previewed file plans it again after the lock is taken, so it compares the preview with
/// what the previous import left, and is refused (`StaffImportChanged`) when that changed the plan.
public struct PostgresStaffRepository: StaffRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func snapshot() throws -> (people: [StaffImport.Existing], departments: Set<[String]>) {
        try pool.transaction(.repeatableRead) { connection in try Self.snapshot(connection) }
    }

    static func snapshot(_ connection: PostgresConnection) throws -> (people: [StaffImport.Existing], departments: Set<[String]>) {
        let departments = try PostgresDepartmentRepository.loadAll(connection)
        let paths = Dictionary(uniqueKeysWithValues: departments.map { ($0.id, $0.namePath) })
        var emails: [Int64: String] = [:]
        for row in try connection.query("SELECT id, email FROM users WHERE email IS NOT NULL") {
            emails[try row.decode(at: 0)] = try row.decode(String.self, at: 1)
        }
        let people = try PostgresUserRepository.load(connection, where: "true", []).map { user in
            StaffImport.Existing(user.id, employeeNumber: user.employeeNumber, login: user.login, name: user.displayName,
                                 department: paths[user.departmentID] ?? [],
                                 grants: Set(user.grants.map { StaffImport.Grant($0.role, department: paths[$0.departmentID] ?? []) }),
                                 disabled: user.disabled, timeFactor: user.accommodationFactor,
                                 jobCategory: user.jobCategory, email: emails[user.id.rawValue])
        }
        return (people, Set(departments.map(\.namePath)))
    }

    public func apply(_ plan: StaffImport.Plan, passwordHashes: [String: String], source: StaffImportSource?,
                      by actor: AuditActor) throws {
        let now = clock()
        // Grants, departments and disabled accounts change what every node's session cache holds.
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        try pool.transaction { connection in
            try Self.lock(connection)
            try Self.write(plan, passwordHashes: passwordHashes, source: source, now: now, by: actor, connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
        }
    }

    public func apply(file: StaffImport.File, reach: [[String]]?, expecting fingerprint: String, source: StaffImportSource,
                      by actor: AuditActor) throws -> StaffImport.Plan {
        let now = clock()
        defer { PostgresChangeSignal.raised(.accounts, on: pool) }
        return try pool.transaction { connection in
            try Self.lock(connection)
            let (people, departments) = try Self.snapshot(connection)
            guard case .plan(let plan) = StaffImport.plan(file: file, existing: people, departments: departments, reach: reach),
                  plan.fingerprint == fingerprint else {
                throw StaffImportChanged()
            }
            try Self.write(plan, passwordHashes: [:], source: source, now: now, by: actor, connection)
            try PostgresChangeSignal.bump(.accounts, on: connection)
            return plan
        }
    }

    private static func lock(_ connection: PostgresConnection) throws {
        try PostgresLocks.lock(PostgresLocks.staffImport, on: connection)
        try PostgresLocks.lock(PostgresLocks.departmentTree, on: connection)
    }

    private static func write(_ plan: StaffImport.Plan, passwordHashes: [String: String], source: StaffImportSource?,
                              now: Double, by actor: AuditActor, _ connection: PostgresConnection) throws {
        var departmentIDs: [[String]: Int64] = [:]
        func department(_ path: [String]) throws -> Int64 {
            if let id = departmentIDs[path] { return id }
            let id = try PostgresDepartmentRepository.ensure(path, at: now, by: actor, on: connection)
            departmentIDs[path] = id
            return id
        }
        func setGrants(_ userID: Int64, _ grants: [StaffImport.Grant]) throws {
            try connection.execute("DELETE FROM role_grants WHERE user_id = $1", userID)
            for grant in Set(grants) {
                try connection.execute("INSERT INTO role_grants (user_id, role, department_id) VALUES ($1, $2, $3)",
                                       userID, grant.role.rawValue, try department(grant.department))
            }
        }
        var changed: [UserID] = []
        for change in plan.changes {
            switch change {
            case .create(let person):
                let hash = passwordHashes[person.employeeNumber] ?? "!" + Tokens.random(bytes: 16)
                let id: Int64 = try connection.query("""
                    INSERT INTO users (login, display_name, employee_number, department_id, password_hash,
                                       accommodation_factor, job_category, email, created_at, updated_at, name_key)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id
                    """, person.login, person.name, person.employeeNumber, try department(person.department), hash,
                    person.timeFactor ?? 1, person.jobCategory.stored, person.email.stored, now,
                    Data(NameCollation.key(person.name)))[0].decode(at: 0)
                try setGrants(id, person.grants)
                changed.append(UserID(rawValue: id))
            case .update(let id, let person, _):
                try connection.execute("""
                    UPDATE users SET display_name = $1, department_id = $2, disabled = 0,
                        accommodation_factor = coalesce($3, accommodation_factor), updated_at = $4 WHERE id = $5
                    """, person.name, try department(person.department), person.timeFactor, now, id.rawValue)
                // After the name: a changed name clears the key (`users_name_key_reset`).
                try connection.execute("UPDATE users SET name_key = $1 WHERE id = $2", Data(NameCollation.key(person.name)),
                                       id.rawValue)
                try setGrants(id.rawValue, person.grants)
                // An empty cell keeps a job category or address; the clear marker removes it.
                if person.jobCategory != .keep {
                    try connection.execute("UPDATE users SET job_category = $1 WHERE id = $2", person.jobCategory.stored, id.rawValue)
                }
                if person.email != .keep {
                    try connection.execute("UPDATE users SET email = $1 WHERE id = $2", person.email.stored, id.rawValue)
                }
                changed.append(id)
            case .disable(let id, _):
                try connection.execute("UPDATE users SET disabled = 1, updated_at = $1 WHERE id = $2", now, id.rawValue)
                try connection.execute("DELETE FROM sessions WHERE user_id = $1", id.rawValue)
            }
        }
        try PostgresAssignmentSync.reconcile(userIDs: changed, at: now, on: connection)
        var details = ["created": String(plan.created), "updated": String(plan.updated), "disabled": String(plan.disabled),
                       "departments": String(plan.newDepartments.count)]
        if let source {
            details["file"] = source.fileName
            details["sha256"] = source.sha256
            try connection.execute("""
                INSERT INTO staff_imports (at, actor_user_id, actor, file_name, sha256, scope, created, updated, disabled,
                                           unchanged, departments, warnings)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                """, now, actor.userID?.rawValue, actor.name, source.fileName, source.sha256,
                source.scope.joined(separator: " "), plan.created, plan.updated, plan.disabled, plan.unchanged,
                plan.newDepartments.count, plan.warnings.count)
        }
        try PostgresAuditChain.append(AuditEvent(action: "staff.import", subject: "staff", details: details), by: actor, at: now,
                                      on: connection)
    }
}

/// Staff files waiting for confirmation and the history of applied imports on PostgreSQL, as
/// `SQLiteStaffImportRepository` keeps them (an upload lives a day; only its uploader may read it).
public struct PostgresStaffImportRepository: StaffImportRepository {
    let pool: PostgresPool
    let clock: @Sendable () -> Double

    public init(pool: PostgresPool, clock: @escaping @Sendable () -> Double) {
        self.pool = pool
        self.clock = clock
    }

    public func keep(fileName: String, content: [UInt8], userID: UserID) throws -> StaffImportUpload {
        let now = clock()
        let upload = StaffImportUpload(Tokens.random(bytes: 18), userID: userID, fileName: fileName,
                                       sha256: StaffImportUpload.digest(content), content: content, createdAt: now)
        try pool.transaction { connection in
            try connection.execute("DELETE FROM staff_import_uploads WHERE created_at < $1",
                                   now - StaffImportUpload.lifetime)
            try connection.execute("""
                INSERT INTO staff_import_uploads (id, user_id, file_name, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                """, upload.id, userID.rawValue, fileName, upload.sha256, Data(content), now)
        }
        return upload
    }

    public func upload(_ id: String, userID: UserID) throws -> StaffImportUpload? {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT id, user_id, file_name, sha256, content, created_at FROM staff_import_uploads
                WHERE id = $1 AND user_id = $2 AND created_at >= $3
                """, id, userID.rawValue, clock() - StaffImportUpload.lifetime).first.map { row in
                StaffImportUpload(try row.decode(at: 0), userID: UserID(rawValue: try row.decode(at: 1)),
                                  fileName: try row.decode(at: 2), sha256: try row.decode(at: 3),
                                  content: Array(try row.decode(Data.self, at: 4)), createdAt: try row.decode(at: 5))
            }
        }
    }

    public func discard(_ id: String) throws {
        try pool.withConnection { connection in
            _ = try connection.execute("DELETE FROM staff_import_uploads WHERE id = $1", id)
        }
    }

    public func history(limit: Int, include: (StaffImportRecord) -> Bool) throws -> [StaffImportRecord] {
        guard limit > 0 else { return [] }
        return try pool.withConnection { connection in
            var records: [StaffImportRecord] = []
            var after: (at: Double, id: Int64)?
            // Newest first, a page at a time, until `limit` records are accepted.
            while records.count < limit {
                let rows = try connection.query("""
                    SELECT id, at, actor, file_name, sha256, scope, created, updated, disabled, unchanged, departments, warnings
                    FROM staff_imports WHERE $1::double precision IS NULL OR (at, id) < ($1, $2)
                    ORDER BY at DESC, id DESC LIMIT 100
                    """, after?.at, after?.id)
                for row in rows {
                    let scope: String = try row.decode(at: 5)
                    let record = StaffImportRecord(
                        try row.decode(at: 0), at: try row.decode(at: 1), actor: try row.decode(at: 2),
                        fileName: try row.decode(at: 3), sha256: try row.decode(at: 4),
                        scope: scope.split(separator: " ").map(String.init), created: try row.decode(at: 6),
                        updated: try row.decode(at: 7), disabled: try row.decode(at: 8), unchanged: try row.decode(at: 9),
                        departments: try row.decode(at: 10), warnings: try row.decode(at: 11))
                    after = (record.at, record.id)
                    if include(record) { records.append(record) }
                    if records.count == limit { break }
                }
                if rows.count < 100 { break }
            }
            return records
        }
    }
}
