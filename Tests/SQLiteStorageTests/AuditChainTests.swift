import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct AuditChainTests {
    private func log(_ temporary: TemporaryStore, count: Int) throws -> SQLiteAuditLog {
        let clock = ManualClock(1_800_000_000.25)
        let log = SQLiteAuditLog(store: temporary.store, clock: clock.function)
        for index in 1...count {
            clock.advance(by: 1.5)
            try log.append(AuditEvent(action: "test.event", subject: "item:\(index)",
                                      details: ["index": String(index), "note": "备注 \"\(index)\"\n/"]),
                           by: index.isMultiple(of: 2) ? .system : AuditActor(userID: UserID(rawValue: Int64(index)), name: "u\(index)"))
        }
        return log
    }

    @Test func appendedRowsFormAnIntactChain() throws {
        let temporary = try TemporaryStore()
        let log = try log(temporary, count: 12)
        #expect(try log.verify() == .intact(rows: 12))
        let recent = try log.recent(limit: 3)
        #expect(recent.map(\.subject) == ["item:12", "item:11", "item:10"])
        #expect(recent[1].actorUserID == 11 && recent[1].actor == "u11")
        #expect(recent[0].actorUserID == nil && recent[0].actor == "system")
        #expect(recent[0].prevHash == recent[1].hash)
        #expect(recent[0].details == #"{"index":"12","note":"备注 \"12\"\n/"}"#)
    }

    @Test func theFirstRowLinksToTheGenesisAndHashesAreHex() throws {
        let temporary = try TemporaryStore()
        let log = try log(temporary, count: 1)
        let first = try #require(try log.recent(limit: 1).first)
        #expect(first.prevHash == String(repeating: "0", count: 64))
        #expect(first.hash.count == 64 && first.hash.allSatisfy(\.isHexDigit))
        #expect(try SQLiteAuditLog(store: temporary.store, clock: { 0 }).verify() == .intact(rows: 1))
    }

    @Test func anEmptyLogIsIntact() throws {
        let temporary = try TemporaryStore()
        #expect(try SQLiteAuditLog(store: temporary.store, clock: { 0 }).verify() == .intact(rows: 0))
    }

    @Test func updatesAndDeletesAreRefusedByTheDatabase() throws {
        let temporary = try TemporaryStore()
        let log = try log(temporary, count: 3)
        for sql in ["UPDATE audit_log SET details = '{}' WHERE id = 2", "DELETE FROM audit_log WHERE id = 3",
                    "DELETE FROM audit_log"] {
            do {
                try temporary.store.write { db in try db.execute(sql: sql) }
                Issue.record("\(sql) succeeded")
            } catch let error as DatabaseError {
                #expect(error.message == "audit_log is append-only")
            }
        }
        #expect(try log.verify() == .intact(rows: 3))
    }

    @Test func changedDetailsAreFoundInTheRowThatWasChanged() throws {
        let temporary = try TemporaryStore()
        let log = try log(temporary, count: 6)
        try temporary.store.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: #"UPDATE audit_log SET details = '{"index":"4","note":"forged"}' WHERE id = 4"#)
        }
        #expect(try log.verify() == .broken(rowID: 4, reason: "its content does not match its hash"))
    }

    @Test func aRowRehashedAfterTamperingBreaksTheNextLink() throws {
        let temporary = try TemporaryStore()
        let log = try log(temporary, count: 5)
        try temporary.store.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM audit_log WHERE id = 2"))
            let forged = AuditChain.digest(prev: row["prev_hash"], at: row["at"], actorUserID: row["actor_user_id"],
                                           actor: "someone-else", action: row["action"], subject: row["subject"],
                                           details: row["details"])
            try db.execute(sql: "UPDATE audit_log SET actor = 'someone-else', hash = ? WHERE id = 2", arguments: [forged])
        }
        #expect(try log.verify() == .broken(rowID: 3, reason: "its link to the previous row does not match"))
    }

    @Test func aDeletedRowIsFoundAtTheNextOne() throws {
        let temporary = try TemporaryStore()
        let log = try log(temporary, count: 4)
        try temporary.store.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE id = 2")
        }
        #expect(try log.verify() == .broken(rowID: 3, reason: "its link to the previous row does not match"))
    }

    @Test func digestSeparatesFieldsUnambiguously() {
        let one = AuditChain.digest(prev: "p", at: 1, actorUserID: nil, actor: "ab", action: "c", subject: "s", details: "{}")
        let two = AuditChain.digest(prev: "p", at: 1, actorUserID: nil, actor: "a", action: "bc", subject: "s", details: "{}")
        let three = AuditChain.digest(prev: "p", at: 1, actorUserID: nil, actor: "a\n1:b", action: "c", subject: "s", details: "{}")
        #expect(Set([one, two, three]).count == 3)
        #expect(one == AuditChain.digest(prev: "p", at: 1, actorUserID: nil, actor: "ab", action: "c", subject: "s", details: "{}"))
        #expect(one != AuditChain.digest(prev: "p", at: 1, actorUserID: 0, actor: "ab", action: "c", subject: "s", details: "{}"))
    }

    @Test func anActionAndItsAuditRowCommitTogetherOrNotAtAll() throws {
        let temporary = try TemporaryStore()
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try temporary.store.write { db in
                try AuditChain.append(AuditEvent(action: "x", subject: "y"), by: .system, at: 1, in: db)
                throw Abort()
            }
        }
        #expect(try SQLiteAuditLog(store: temporary.store, clock: { 0 }).verify() == .intact(rows: 0))
    }
}
