@testable import PostgresStorage
import Testing
import TrainingServer

/// The domain values the PostgreSQL repositories build through their `Codable` mirrors carry every stored property:
/// a property added to one of these types without being added to its mirror fails here (a new required property
/// cannot be decoded; a new optional one would stay nil).
@Suite struct PostgresRecordsTests {
    /// Every stored property of `value` (by reflection) that is an optional holds a value.
    static func emptyOptionals(_ value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap { child in
            let inner = Mirror(reflecting: child.value)
            return inner.displayStyle == .optional && inner.children.isEmpty ? child.label ?? "?" : nil
        }
    }

    @Test func aUserCarriesEveryField() throws {
        let grant = RoleGrant(role: .hr, departmentID: DepartmentID(rawValue: 7))
        let user = try PostgresRecords.user(id: 1, login: "li", displayName: "李明", employeeNumber: "E-1", departmentID: 7,
                                            disabled: true, language: "en", accommodationFactor: 1.5, grants: [grant],
                                            timeZone: "UTC", jobCategory: "窗口岗位", requiredHours: 40.5, unreadNotices: 3,
                                            unreadAnnouncements: 2)
        #expect(Self.emptyOptionals(user).isEmpty)
        #expect(user.id == UserID(rawValue: 1) && user.login == "li" && user.displayName == "李明")
        #expect(user.employeeNumber == "E-1" && user.departmentID == DepartmentID(rawValue: 7) && user.disabled)
        #expect(user.language == "en" && user.accommodationFactor == 1.5 && user.grants == [grant])
        #expect(user.timeZone == "UTC" && user.jobCategory == "窗口岗位" && user.requiredHours == 40.5)
        #expect(user.unreadNotices == 3 && user.unreadAnnouncements == 2)
        #expect(Mirror(reflecting: user).children.count == 14)
    }

    @Test func aDepartmentAnAuditEntryAProgressAndACreditCarryEveryField() throws {
        let department = try PostgresRecords.department(id: 4, parentID: 1, name: "处", idPath: "/1/4/", namePath: ["厅", "处"])
        #expect(Self.emptyOptionals(department).isEmpty && Mirror(reflecting: department).children.count == 5)
        #expect(department.parentID == DepartmentID(rawValue: 1) && department.idPath == "/1/4/" && department.namePath == ["厅", "处"])

        let entry = try PostgresRecords.auditEntry(id: 9, at: 1.25, actorUserID: 3, actor: "li", action: "a", subject: "s",
                                                   details: "{}", prevHash: "p", hash: "h")
        #expect(Self.emptyOptionals(entry).isEmpty && Mirror(reflecting: entry).children.count == 9)
        #expect(entry.at == 1.25 && entry.actorUserID == 3 && entry.prevHash == "p" && entry.hash == "h")

        let progress = try PostgresRecords.moduleProgress(courseID: "c", moduleID: "m", seconds: 12.5, startedAt: 1,
                                                          lastActivityAt: 2, completedAt: 3)
        #expect(Self.emptyOptionals(progress).isEmpty && Mirror(reflecting: progress).children.count == 6)
        #expect(progress.seconds == 12.5 && progress.completedAt == 3)

        let credit = try PostgresRecords.ledgerEntry(year: 2027, source: .quiz, courseID: "c", itemID: "q", hours: 0.5, at: 9)
        #expect(Mirror(reflecting: credit).children.count == 6)
        #expect(credit.year == 2027 && credit.source == .quiz && credit.hours == 0.5 && credit.at == 9)
    }
}
