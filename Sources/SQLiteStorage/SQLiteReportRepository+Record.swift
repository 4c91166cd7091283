import Foundation
import GRDB
import TrainingServer

/// One person's full record.
extension SQLiteReportRepository {
    public func record(userID: UserID, scope: AccessScope) throws -> PersonRecord? {
        let (inScope, scopeArguments) = Self.rangeCondition(scope.prefixes)
        return try store.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, u.disabled, u.required_hours
                FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ? AND \(inScope)
                """, arguments: [userID.rawValue] + scopeArguments) else { return nil }
            let certifications = try Row.fetchAll(db, sql: """
                SELECT program_id, state, certified_at, expires_at, window_opens_at, certificate_id
                FROM certifications WHERE user_id = ? ORDER BY program_id
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.Certification(row["program_id"],
                                           state: CertificationStateName(rawValue: row["state"]) ?? .notStarted,
                                           certifiedAt: row["certified_at"], expiresAt: row["expires_at"],
                                           windowOpensAt: row["window_opens_at"], certificateID: row["certificate_id"])
            }
            let certificates = try Row.fetchAll(db, sql: """
                SELECT id, program_id, kind, issued_at, expires_at, revoked_at, revoked_reason
                FROM certificates WHERE user_id = ? ORDER BY issued_at DESC, id
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.Certificate(row["id"], programID: row["program_id"], kind: row["kind"],
                                         issuedAt: row["issued_at"], expiresAt: row["expires_at"],
                                         revokedAt: row["revoked_at"], revokedReason: row["revoked_reason"])
            }
            let hours = try Row.fetchAll(db, sql: """
                SELECT year, hours FROM user_year_hours WHERE user_id = ? ORDER BY year DESC
                """, arguments: [userID.rawValue]).map { row in
                PersonRecord.YearHours(row["year"], hours: row["hours"])
            }
            return PersonRecord(userID, login: row["login"], name: row["display_name"],
                                employeeNumber: row["employee_number"],
                                departmentID: DepartmentID(rawValue: row["department_id"]),
                                disabled: row["disabled"], certifications: certifications,
                                certificates: certificates, hours: hours, requiredHours: row["required_hours"])
        }
    }
}
