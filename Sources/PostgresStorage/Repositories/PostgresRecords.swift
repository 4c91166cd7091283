import Foundation
import TrainingServer

/// Builds the domain values the repositories return from PostgreSQL rows.
///
/// `User`, `Department`, `AuditEntry`, `ModuleProgress` and `LedgerEntry` have no public memberwise initialiser outside `TrainingServer`, but they are `Codable`
/// with synthesised coding keys (their property names): a value is made by decoding a mirror of every stored
/// property. `DomainRecordsTests` checks that every field arrives, so a property added to either type without
/// being added here fails a test instead of being silently dropped.
enum PostgresRecords {
    private struct UserMirror: Encodable {
        var id: UserID
        var login: String
        var displayName: String
        var employeeNumber: String?
        var departmentID: DepartmentID
        var disabled: Bool
        var language: String?
        var accommodationFactor: Double
        var grants: [RoleGrant]
        var timeZone: String?
        var jobCategory: String?
        var requiredHours: Double?
        var unreadNotices: Int
        var unreadAnnouncements: Int
    }

    private struct DepartmentMirror: Encodable {
        var id: DepartmentID
        var parentID: DepartmentID?
        var name: String
        var idPath: String
        var namePath: [String]
    }

    private struct AuditEntryMirror: Encodable {
        var id: Int64
        var at: Double
        var actorUserID: Int64?
        var actor: String
        var action: String
        var subject: String
        var details: String
        var prevHash: String
        var hash: String
    }

    static func auditEntry(id: Int64, at: Double, actorUserID: Int64?, actor: String, action: String, subject: String,
                           details: String, prevHash: String, hash: String) throws -> AuditEntry {
        try convert(AuditEntryMirror(id: id, at: at, actorUserID: actorUserID, actor: actor, action: action,
                                     subject: subject, details: details, prevHash: prevHash, hash: hash))
    }

    private struct ModuleProgressMirror: Encodable {
        var courseID: String
        var moduleID: String
        var seconds: Double
        var startedAt: Double
        var lastActivityAt: Double
        var completedAt: Double?
    }

    private struct LedgerEntryMirror: Encodable {
        var year: Int
        var source: HoursSource
        var courseID: String
        var itemID: String
        var hours: Double
        var at: Double
    }

    static func moduleProgress(courseID: String, moduleID: String, seconds: Double, startedAt: Double,
                               lastActivityAt: Double, completedAt: Double?) throws -> ModuleProgress {
        try convert(ModuleProgressMirror(courseID: courseID, moduleID: moduleID, seconds: seconds, startedAt: startedAt,
                                         lastActivityAt: lastActivityAt, completedAt: completedAt))
    }

    static func ledgerEntry(year: Int, source: HoursSource, courseID: String, itemID: String, hours: Double,
                            at: Double) throws -> LedgerEntry {
        try convert(LedgerEntryMirror(year: year, source: source, courseID: courseID, itemID: itemID, hours: hours, at: at))
    }

    static func user(id: Int64, login: String, displayName: String, employeeNumber: String?, departmentID: Int64,
                     disabled: Bool, language: String?, accommodationFactor: Double, grants: [RoleGrant],
                     timeZone: String?, jobCategory: String?, requiredHours: Double?, unreadNotices: Int,
                     unreadAnnouncements: Int) throws -> User {
        try convert(UserMirror(id: UserID(rawValue: id), login: login, displayName: displayName,
                               employeeNumber: employeeNumber, departmentID: DepartmentID(rawValue: departmentID),
                               disabled: disabled, language: language, accommodationFactor: accommodationFactor,
                               grants: grants, timeZone: timeZone, jobCategory: jobCategory,
                               requiredHours: requiredHours, unreadNotices: unreadNotices,
                               unreadAnnouncements: unreadAnnouncements))
    }

    static func department(id: Int64, parentID: Int64?, name: String, idPath: String, namePath: [String]) throws -> Department {
        try convert(DepartmentMirror(id: DepartmentID(rawValue: id), parentID: parentID.map(DepartmentID.init(rawValue:)),
                                     name: name, idPath: idPath, namePath: namePath))
    }

    private static func convert<Mirror: Encodable, Value: Decodable>(_ mirror: Mirror) throws -> Value {
        // Property-list coding keeps doubles and integers exact (JSON would too; this avoids text formatting).
        let data = try PropertyListEncoder().encode(mirror)
        return try PropertyListDecoder().decode(Value.self, from: data)
    }
}
