import Foundation
import GRDB
import TrainingServer

/// Applies staff imports in one transaction: departments, people, role grants, disabling, one audit row.
public struct SQLiteStaffRepository: Sendable {
    let store: Store
    let clock: @Sendable () -> Double

    public init(store: Store, clock: @escaping @Sendable () -> Double) {
        self.store = store
        self.clock = clock
    }

    /// Everyone and every department path, for planning an import.
    public func snapshot() throws -> (people: [StaffImport.Existing], departments: Set<[String]>) {
        try store.read { db in try Self.snapshot(db) }
    }

    static func snapshot(_ db: Database) throws -> (people: [StaffImport.Existing], departments: Set<[String]>) {
        let departments = try SQLiteDepartmentRepository.load(db, where: "1", [])
        let paths = Dictionary(uniqueKeysWithValues: departments.map { ($0.id, $0.namePath) })
        var emails: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, email FROM users WHERE email IS NOT NULL") { emails[row[0]] = row[1] }
        let people = try SQLiteUserRepository.load(db, where: "1", []).map { user in
            StaffImport.Existing(user.id, employeeNumber: user.employeeNumber, login: user.login, name: user.displayName,
                                 department: paths[user.departmentID] ?? [],
                                 grants: Set(user.grants.map { StaffImport.Grant($0.role, department: paths[$0.departmentID] ?? []) }),
                                 disabled: user.disabled, timeFactor: user.accommodationFactor,
                                 jobCategory: user.jobCategory, email: emails[user.id.rawValue])
        }
        return (people, Set(departments.map(\.namePath)))
    }

    /// Applies `plan`. New accounts get `passwordHashes[employeeNumber]`, or a hash no password matches (an admin
    /// sets one, or sign-in goes through the organisation's identity provider). With `source`, the import is kept
    /// in the history of imports.
    public func apply(_ plan: StaffImport.Plan, passwordHashes: [String: String], source: StaffImportSource? = nil,
                      by actor: AuditActor) throws {
        let now = clock()
        try store.write { db in
            try Self.write(plan, passwordHashes: passwordHashes, source: source, now: now, by: actor, db)
        }
        // Grants, departments and disabled accounts change what running servers' session caches hold.
        ChangeStamp.accounts(databasePath: store.path).touch()
    }

    /// Plans `file` again inside one write transaction and applies it only when the plan is exactly the one
    /// previewed (`fingerprint`): a file that no longer plans cleanly, or plans differently because people or
    /// departments changed since the dry run, changes nothing and is refused. Returns the plan applied.
    public func apply(file: StaffImport.File, reach: [[String]]?, expecting fingerprint: String, source: StaffImportSource,
                      by actor: AuditActor) throws -> StaffImport.Plan {
        let now = clock()
        let plan: StaffImport.Plan = try store.write { db in
            let (people, departments) = try Self.snapshot(db)
            guard case .plan(let plan) = StaffImport.plan(file: file, existing: people, departments: departments, reach: reach),
                  plan.fingerprint == fingerprint else {
                throw StaffImportChanged()
            }
            try Self.write(plan, passwordHashes: [:], source: source, now: now, by: actor, db)
            return plan
        }
        ChangeStamp.accounts(databasePath: store.path).touch()
        return plan
    }

    private static func write(_ plan: StaffImport.Plan, passwordHashes: [String: String], source: StaffImportSource?,
                              now: Double, by actor: AuditActor, _ db: Database) throws {
        var departmentIDs: [[String]: Int64] = [:]
        func department(_ path: [String]) throws -> Int64 {
            if let id = departmentIDs[path] { return id }
            let id = try SQLiteDepartmentRepository.ensure(path, in: db, at: now, by: actor)
            departmentIDs[path] = id
            return id
        }
        func setGrants(_ userID: Int64, _ grants: [StaffImport.Grant]) throws {
            try db.execute(sql: "DELETE FROM role_grants WHERE user_id = ?", arguments: [userID])
            for grant in Set(grants) {
                try db.execute(sql: "INSERT INTO role_grants (user_id, role, department_id) VALUES (?, ?, ?)",
                               arguments: [userID, grant.role.rawValue, try department(grant.department)])
            }
        }
        var changed: [UserID] = []
        for change in plan.changes {
            switch change {
            case .create(let person):
                let hash = passwordHashes[person.employeeNumber] ?? "!" + Tokens.random(bytes: 16)
                try db.execute(sql: """
                    INSERT INTO users (login, display_name, employee_number, department_id, password_hash,
                                       accommodation_factor, job_category, email, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [person.login, person.name, person.employeeNumber, try department(person.department),
                                     hash, person.timeFactor ?? 1, person.jobCategory.stored, person.email.stored, now, now])
                try SQLiteReportRepository.writeNameKey(userID: db.lastInsertedRowID, name: person.name, db)
                try setGrants(db.lastInsertedRowID, person.grants)
                changed.append(UserID(rawValue: db.lastInsertedRowID))
            case .update(let id, let person, _):
                try db.execute(sql: """
                    UPDATE users SET display_name = ?, department_id = ?, disabled = 0,
                        accommodation_factor = coalesce(?, accommodation_factor), updated_at = ? WHERE id = ?
                    """, arguments: [person.name, try department(person.department), person.timeFactor, now, id.rawValue])
                try SQLiteReportRepository.writeNameKey(userID: id.rawValue, name: person.name, db)
                try setGrants(id.rawValue, person.grants)
                // An empty cell keeps a job category or address; the clear marker removes it.
                if person.jobCategory != .keep {
                    try db.execute(sql: "UPDATE users SET job_category = ? WHERE id = ?",
                                   arguments: [person.jobCategory.stored, id.rawValue])
                }
                if person.email != .keep {
                    try db.execute(sql: "UPDATE users SET email = ? WHERE id = ?", arguments: [person.email.stored, id.rawValue])
                }
                changed.append(id)
            case .disable(let id, _):
                try db.execute(sql: "UPDATE users SET disabled = 1, updated_at = ? WHERE id = ?", arguments: [now, id.rawValue])
                try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id.rawValue])
            }
        }
        try SQLiteAssignmentRepository.reconcile(userIDs: changed, at: now, in: db)
        var details = ["created": String(plan.created), "updated": String(plan.updated), "disabled": String(plan.disabled),
                       "departments": String(plan.newDepartments.count)]
        if let source {
            details["file"] = source.fileName
            details["sha256"] = source.sha256
            try SQLiteStaffImportRepository.record(plan, source: source, at: now, by: actor, db)
        }
        try AuditChain.append(AuditEvent(action: "staff.import", subject: "staff", details: details), by: actor, at: now, in: db)
    }
}
