import Foundation
import GRDB
import Testing
@testable import TrainingServer

@Suite struct SQLiteMailStoreTests {
    @Test func anAddressChangeIsAuditedWithoutTheAddress() throws {
        let temporary = try TemporaryStore()
        let department = try SQLiteDepartmentRepository(store: temporary.store, clock: { 1 }).ensure(path: ["处"], by: .system)
        let user = try SQLiteUserRepository(store: temporary.store, clock: { 1 }).create(
            NewUser(login: "li", displayName: "李", departmentID: department.id, passwordHash: "h", roles: []), by: .system)
        let addresses = SQLiteMailAddressRepository(store: temporary.store, clock: { 2 })
        #expect(try addresses.email(of: user.id) == nil)
        try addresses.setEmail("li@example.gov", id: user.id, by: .commandLine)
        try addresses.setEmail("li@example.gov", id: user.id, by: .commandLine)
        try addresses.setEmail("li.xue@example.gov", id: user.id, by: .commandLine)
        try addresses.setEmail(nil, id: user.id, by: .commandLine)
        #expect(try addresses.email(of: user.id) == nil)
        let entries = try SQLiteAuditLog(store: temporary.store, clock: { 3 }).recent(limit: 10).filter { $0.action == "user.email" }
        #expect(entries.map(\.details).sorted() == [#"{"change":"added"}"#, #"{"change":"changed"}"#, #"{"change":"removed"}"#].sorted())
        #expect(!entries.contains { $0.details.contains("example.gov") })
        #expect(throws: StoreError.self) { try addresses.setEmail("x@example.gov", id: UserID(rawValue: 999), by: .system) }
    }

    @Test func theOutboxRefusesUnknownStates() throws {
        let temporary = try TemporaryStore()
        #expect(throws: DatabaseError.self) {
            try temporary.store.write { db in
                try db.execute(sql: """
                    INSERT INTO mail_outbox (kind, recipient, subject, body, state, created_at, next_attempt_at)
                    VALUES ('x', 'a@b.c', 's', 'b', 'lost', 0, 0)
                    """)
            }
        }
    }
}
