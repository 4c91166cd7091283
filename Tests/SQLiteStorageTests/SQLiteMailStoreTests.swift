import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
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

    private func deadLetter(_ outbox: SQLiteMailOutbox, sensitive: Bool = false, expiresAt: Double? = nil,
                            at now: Double) throws -> Int64 {
        let id = try outbox.enqueue(OutgoingMail(kind: "plans.overdue", recipient: "li@example.gov", subject: "提醒",
                                                 body: "正文", html: "<p>正文</p>", expiresAt: expiresAt,
                                                 sensitive: sensitive), at: now)
        _ = try outbox.claimNext(now: now) { "<m\(id)@example.gov>" }
        try outbox.attemptFailed(id: id, error: "421 down", at: now + 1, retryAt: nil)
        return id
    }

    @Test func deadLettersAreListedRetriedWithFreshAttemptsAndDiscarded() throws {
        let temporary = try TemporaryStore()
        let outbox = SQLiteMailOutbox(store: temporary.store)
        let first = try deadLetter(outbox, at: 100)
        let second = try deadLetter(outbox, at: 200)
        _ = try outbox.enqueue(OutgoingMail(kind: "x", recipient: "a@example.gov", subject: "s", body: "b"), at: 300)
        var (letters, total) = try outbox.deadLetters(limit: 10)
        #expect(total == 2 && letters.map(\.id) == [second, first], "newest first")
        #expect(letters[0].failedAt == 201 && letters[0].lastError == "421 down" && letters[0].attempts == 1)

        let retried = try temporary.store.write { db in try SQLiteMailOutbox.retry(id: first, at: 500, in: db) }
        #expect(retried.id == first)
        let stored = try #require(try outbox.find(id: first))
        #expect(stored.state == .pending && stored.attempts == 0 && stored.nextAttemptAt == 500 && stored.failedAt == nil)
        #expect(stored.messageID == "<m\(first)@example.gov>", "the same message keeps its Message-ID")
        #expect(stored.body == "正文" && stored.html == "<p>正文</p>")

        let discarded = try temporary.store.write { db in try SQLiteMailOutbox.discard(id: second, at: 600, in: db) }
        #expect(discarded?.id == second)
        let gone = try #require(try outbox.find(id: second))
        #expect(gone.state == .failed && gone.discardedAt == 600 && gone.body.isEmpty && gone.html == nil)
        (letters, total) = try outbox.deadLetters(limit: 10)
        #expect(letters.isEmpty && total == 0)
        #expect(try outbox.discardedCount() == 1)
        // Neither can happen twice, nor to a message that is not a dead letter.
        #expect(try temporary.store.write { db in try SQLiteMailOutbox.discard(id: second, at: 700, in: db) } == nil)
        #expect(throws: SQLiteMailOutbox.RetryRefusal.notDeadLetter) {
            try temporary.store.write { db in try SQLiteMailOutbox.retry(id: second, at: 700, in: db) }
        }
        #expect(throws: SQLiteMailOutbox.RetryRefusal.notDeadLetter) {
            try temporary.store.write { db in try SQLiteMailOutbox.retry(id: first, at: 700, in: db) }
        }
    }

    @Test func erasedAndExpiredDeadLettersAreNotRetried() throws {
        let temporary = try TemporaryStore()
        let outbox = SQLiteMailOutbox(store: temporary.store)
        let link = try deadLetter(outbox, sensitive: true, at: 100)
        let expiring = try deadLetter(outbox, expiresAt: 1000, at: 100)
        #expect(try outbox.find(id: link)?.body.isEmpty == true && outbox.find(id: link)?.html == nil)
        #expect(throws: SQLiteMailOutbox.RetryRefusal.contentErased) {
            try temporary.store.write { db in try SQLiteMailOutbox.retry(id: link, at: 200, in: db) }
        }
        #expect(throws: SQLiteMailOutbox.RetryRefusal.expired) {
            try temporary.store.write { db in try SQLiteMailOutbox.retry(id: expiring, at: 1000, in: db) }
        }
        #expect(try outbox.find(id: expiring)?.state == .failed, "nothing changed")
    }

    @Test func retryAndDiscardAreAuditedInTheSameTransaction() throws {
        let temporary = try TemporaryStore()
        let outbox = SQLiteMailOutbox(store: temporary.store)
        let first = try deadLetter(outbox, at: 100)
        let second = try deadLetter(outbox, at: 100)
        let link = try deadLetter(outbox, sensitive: true, at: 100)
        try outbox.retry(id: first, by: .system, at: 200)
        #expect(try outbox.discard(id: second, by: .system, at: 210) != nil)
        #expect(throws: SQLiteMailOutbox.RetryRefusal.contentErased) { try outbox.retry(id: link, by: .system, at: 220) }
        #expect(try outbox.discard(id: first, by: .system, at: 230) == nil, "no longer a dead letter")
        let entries = try SQLiteAuditLog(store: temporary.store, clock: { 300 }).recent(limit: 10)
            .filter { $0.action.hasPrefix("mail.") }
        #expect(entries.map(\.action).sorted() == ["mail.discard", "mail.retry"])
        #expect(Set(entries.map(\.subject)) == ["mail:\(first)", "mail:\(second)"])
        #expect(entries.allSatisfy { $0.details.contains("plans.overdue") && !$0.details.contains("example.gov") })
    }
}
