import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The trigger-kept counts behind HR summaries follow people who move department or leave.
@Suite("Certification counts")
struct CertificationCountsTests {
    @Test func countsFollowMovesAndLeavers() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock()
        let departments = SQLiteDepartmentRepository(store: temporary.store, clock: clock.function)
        let users = SQLiteUserRepository(store: temporary.store, clock: clock.function)
        let a = try departments.ensure(path: ["省", "甲"], by: .system)
        let b = try departments.ensure(path: ["省", "乙"], by: .system)
        let person = try users.create(NewUser(login: "p", displayName: "P", departmentID: a.id, passwordHash: "!", roles: []), by: .system)
        func counts() throws -> [String: Int] {
            try temporary.store.read { db in
                try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                    SELECT department_id, state, people FROM certification_counts WHERE people <> 0
                    """).map { row -> (String, Int) in ("\(row["department_id"] as Int64)/\(row["state"] as String)", row["people"]) })
            }
        }
        try temporary.store.write { db in
            try db.execute(sql: """
                INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
                VALUES (?, 'p', ?, 'certified', 0)
                """, arguments: [person.id.rawValue, a.id.rawValue])
        }
        #expect(try counts() == ["\(a.id)/certified": 1])
        try temporary.store.write { db in
            try db.execute(sql: "UPDATE users SET department_id = ? WHERE id = ?", arguments: [b.id.rawValue, person.id.rawValue])
        }
        #expect(try counts() == ["\(b.id)/certified": 1])
        try users.setDisabled(true, id: person.id, by: .system)
        #expect(try counts() == [:])
        try temporary.store.write { db in
            try db.execute(sql: "UPDATE certifications SET state = 'expired' WHERE user_id = ?", arguments: [person.id.rawValue])
        }
        #expect(try counts() == [:], "a person who left does not count, whatever their state")
        try users.setDisabled(false, id: person.id, by: .system)
        #expect(try counts() == ["\(b.id)/expired": 1])
    }
}
