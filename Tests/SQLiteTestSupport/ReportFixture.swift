import Assessment
import Curriculum
import Foundation
import GRDB
import SQLiteStorage
import TrainingServer

/// An organisation on a temporary database for report tests, built without password hashing:
///
///     省政府 (root)
///     ├── 数据局 (A) ── 综合处 (A1), 网络安全处 (A2)
///     ├── 人社厅 (B)                 ← holds the marker person ZZMARKER
///     └── filler departments up to an id whose path starts with A's id digits (e.g. A = /1/2/, trap = /1/20/)
package struct ReportFixture {
    package static let program = "egov-competence"
    package static let year = 2027
    /// 2027-01-15 08:00 UTC.
    package static let now: Double = 1_800_000_000

    package let temporary: TemporaryStore
    package let departments: SQLiteDepartmentRepository
    package let users: SQLiteUserRepository
    package let reports: SQLiteReportRepository

    package let root: Department
    package let a: Department
    package let a1: Department
    package let a2: Department
    package let b: Department
    /// A department under the root whose id starts with A's id, so a plain string prefix would wrongly include it.
    package let trap: Department

    package var store: Store { temporary.store }

    package init() throws {
        temporary = try TemporaryStore()
        let clock: @Sendable () -> Double = { ReportFixture.now }
        departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock)
        users = SQLiteUserRepository(store: temporary.store, clock: clock)
        reports = SQLiteReportRepository(store: temporary.store)
        root = try departments.ensure(path: ["省政府"], by: .system)
        a = try departments.ensure(path: ["省政府", "数据局"], by: .system)
        a1 = try departments.ensure(path: ["省政府", "数据局", "综合处"], by: .system)
        a2 = try departments.ensure(path: ["省政府", "数据局", "网络安全处"], by: .system)
        b = try departments.ensure(path: ["省政府", "人社厅"], by: .system)
        let trapID = Int64("\(a.id.rawValue)0")!
        var last = b
        var index = 0
        while last.id.rawValue < trapID {
            index += 1
            last = try departments.ensure(path: ["省政府", "填充\(index)"], by: .system)
        }
        trap = last
    }

    @discardableResult
    package func person(_ login: String, _ name: String, in department: Department, employeeNumber: String? = nil,
                roles: [Role] = []) throws -> User {
        try users.create(NewUser(login: login, displayName: name, employeeNumber: employeeNumber,
                                 departmentID: department.id, passwordHash: "not-a-hash", roles: roles), by: .system)
    }

    /// Grants `role` on `department` (beyond the person's own department).
    package func grant(_ role: Role, on department: Department, to user: User) throws -> User {
        try store.write { db in
            try db.execute(sql: "INSERT INTO role_grants (user_id, role, department_id) VALUES (?, ?, ?)",
                           arguments: [user.id.rawValue, role.rawValue, department.id.rawValue])
        }
        guard let granted = try users.find(id: user.id) else { throw StoreError.notFound("user \(user.login)") }
        return granted
    }

    /// Writes a certification row as the certification engine would.
    package func certify(_ user: User, _ state: CertificationStateName, program: String = ReportFixture.program,
                 certifiedAt: Double? = nil, expiresAt: Double? = nil, certificate: String? = nil) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at,
                                            certificate_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [user.id.rawValue, program, user.departmentID.rawValue, state.rawValue, certifiedAt,
                                 expiresAt, certificate, ReportFixture.now])
        }
    }

    /// Issues a certificate row.
    package func issue(_ id: String, to user: User, issuedAt: Double, expiresAt: Double, revokedAt: Double? = nil) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, revoked_at, credential)
                VALUES (?, ?, ?, 'initial', ?, ?, ?, 'jwt')
                """, arguments: [id, user.id.rawValue, ReportFixture.program, issuedAt, expiresAt, revokedAt])
        }
    }

    /// Credits study hours in the ledger (the trigger keeps the yearly sums).
    package func credit(_ user: User, _ hours: Double, year: Int = ReportFixture.year) throws {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
                VALUES (?, ?, 'module', 'course', ?, ?, ?)
                """, arguments: [user.id.rawValue, year, UUID().uuidString, hours, ReportFixture.now])
        }
    }

    package func filter(_ department: Department? = nil) -> PeopleFilter {
        PeopleFilter(departmentPath: department?.idPath ?? "/", programID: ReportFixture.program, year: ReportFixture.year)
    }

    package func scope(_ departments: Department...) -> AccessScope { AccessScope(prefixes: departments.map(\.idPath)) }

    /// Every login matching `filter` in `scope`, in the repository's order.
    package func logins(_ filter: PeopleFilter, _ scope: AccessScope) throws -> [String] {
        try reports.people(filter, scope: scope, limit: 10_000, offset: 0).map(\.login)
    }

    /// A catalogue holding one programme with `ReportFixture.program` as id (and a second one), no courses.
    package static func catalogue() -> Catalogue {
        let programs = [program, "annual-refresher"].map { id in
            Program(id: ProgramID(id), title: LocalizedText(zh: "项目 \(id)", en: "Programme \(id)"),
                    summary: LocalizedText(both: ""), courses: [], validityDays: 730, renewalWindowDays: 90,
                    expiryBase: .completion, recertification: nil,
                    source: SourceReference(file: "programs/\(id).yaml", line: 1))
        }
        return Catalogue(directory: URL(fileURLWithPath: "/nonexistent"), courses: [], programs: programs)
    }
}
