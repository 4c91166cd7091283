import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Tampering someone with write access to the database file can do, and what the signed checkpoints reveal.
enum AuditTampering {
    static func append(_ count: Int, to store: Store, clock: ManualClock) throws {
        let log = SQLiteAuditLog(store: store, clock: clock.function)
        for index in 0..<count {
            clock.advance(by: 2)
            try log.append(AuditEvent(action: "user.create", subject: "user:\(index)", details: ["n": String(index)]),
                           by: .commandLine)
        }
    }

    /// Lifts the append-only triggers, as anyone with write access to the file can.
    static func dropTriggers(_ store: Store) throws {
        try store.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
        }
    }

    static func deleteRows(after row: Int64, in store: Store) throws {
        try dropTriggers(store)
        try store.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE id > ?", arguments: [row]) }
    }

    /// Changes row `row`'s details and recomputes its hash and every later one, so the chain walks intact.
    static func rewrite(row: Int64, in store: Store) throws {
        try dropTriggers(store)
        try store.write { db in
            try db.execute(sql: "UPDATE audit_log SET details = '{\"n\":\"forged\"}' WHERE id = ?", arguments: [row])
            var previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1",
                                               arguments: [row]) ?? AuditChain.genesis
            for entry in try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE id >= ? ORDER BY id", arguments: [row])
                .map(SQLiteAuditLog.entry) {
                let hash = AuditChain.digest(prev: previous, at: entry.at, actorUserID: entry.actorUserID, actor: entry.actor,
                                             action: entry.action, subject: entry.subject, details: entry.details)
                try db.execute(sql: "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                               arguments: [previous, hash, entry.id])
                previous = hash
            }
        }
    }
}

@Suite struct AuditAnchorTests {
    private struct Fixture {
        let temporary: TemporaryStore
        let clock = ManualClock()
        let key = AuditKey.generate()
        let file: AuditCheckpointFile
        let anchor: AuditAnchor

        init() throws {
            temporary = try TemporaryStore()
            file = AuditCheckpointFile(path: temporary.directory.appendingPathComponent("checkpoints").path)
            anchor = AuditAnchor(store: temporary.store, key: key, file: file)
        }

        var store: Store { temporary.store }

        func check(key: AuditKey? = nil) throws -> AuditAnchor.Check {
            try AuditAnchor.check(store: store, file: file, key: key ?? self.key)
        }

        @discardableResult
        func checkpoint() throws -> AuditCheckpoint? {
            clock.advance(by: 60)
            return try anchor.checkpoint(reason: "test", at: clock.now)
        }
    }

    @Test func anIntactChainMatchesItsLatestCheckpoint() throws {
        let fixture = try Fixture()
        try AuditTampering.append(4, to: fixture.store, clock: fixture.clock)
        let first = try #require(try fixture.checkpoint())
        #expect(first.row == 4 && first.rows == 4)
        try AuditTampering.append(3, to: fixture.store, clock: fixture.clock)
        let second = try #require(try fixture.checkpoint())
        #expect(second.row == 7 && second.rows == 7)
        #expect(second.hash == (try fixture.store.read { db in try AuditChain.head(in: db) }).hash)
        let check = try fixture.check()
        #expect(check.findings.isEmpty && !check.tampered)
        #expect(check.latest == second)
    }

    @Test func aCheckpointOfAnUnchangedHeadIsNotWrittenAgain() throws {
        let fixture = try Fixture()
        try AuditTampering.append(2, to: fixture.store, clock: fixture.clock)
        #expect(try fixture.checkpoint() != nil)
        #expect(try fixture.checkpoint() == nil)
        #expect(try fixture.file.read()?.count == 1)
    }

    @Test func deletedTailRowsAreNamed() throws {
        let fixture = try Fixture()
        try AuditTampering.append(6, to: fixture.store, clock: fixture.clock)
        let checkpoint = try #require(try fixture.checkpoint())
        try AuditTampering.deleteRows(after: 4, in: fixture.store)
        #expect(try SQLiteAuditLog(store: fixture.store, clock: { 0 }).verify() == .intact(rows: 4))
        let check = try fixture.check()
        #expect(check.tampered)
        #expect(check.findings == [.tailDeleted(first: 5, last: 6, checkpoint)])
        #expect(check.findings[0].message.hasPrefix("rows 5..6 deleted after checkpoint at "))
    }

    @Test func aRewrittenChainIsNamedWithTheCheckpointThatStillMatches() throws {
        let fixture = try Fixture()
        try AuditTampering.append(3, to: fixture.store, clock: fixture.clock)
        let early = try #require(try fixture.checkpoint())
        try AuditTampering.append(4, to: fixture.store, clock: fixture.clock)
        let latest = try #require(try fixture.checkpoint())
        try AuditTampering.rewrite(row: 5, in: fixture.store)
        #expect(try SQLiteAuditLog(store: fixture.store, clock: { 0 }).verify() == .intact(rows: 7))
        let check = try fixture.check()
        let found = try #require(try fixture.store.read { db in try AuditChain.hash(ofRow: 7, in: db) })
        #expect(check.findings == [.rewritten(latest, found: found, stillMatching: early)])
        #expect(check.findings[0].message.hasPrefix("chain rewritten: row 7 hash differs from checkpoint at "))
        #expect(check.findings[0].message.contains("the change lies after row 3"))
    }

    @Test func aChainThatNoLongerExtendsTheLatestCheckpointIsNotSigned() throws {
        let fixture = try Fixture()
        try AuditTampering.append(5, to: fixture.store, clock: fixture.clock)
        try fixture.checkpoint()
        try AuditTampering.rewrite(row: 2, in: fixture.store)
        try AuditTampering.append(1, to: fixture.store, clock: fixture.clock)
        #expect(throws: AuditCheckpointError.self) { try fixture.checkpoint() }
        #expect(try fixture.file.read()?.count == 1)
        // A fresh process (nothing cached) refuses too.
        let again = AuditAnchor(store: fixture.store, key: fixture.key, file: fixture.file)
        #expect(throws: AuditCheckpointError.self) { try again.checkpoint(reason: "test", at: fixture.clock.now) }
    }

    @Test func rowsAddedAfterTheCheckpointAreFine() throws {
        let fixture = try Fixture()
        try AuditTampering.append(2, to: fixture.store, clock: fixture.clock)
        try fixture.checkpoint()
        try AuditTampering.append(3, to: fixture.store, clock: fixture.clock)
        #expect(!(try fixture.check()).tampered)
        #expect(try fixture.checkpoint()?.rows == 5)
    }

    @Test func aChangedOrForeignCheckpointLineFailsItsSignature() throws {
        let fixture = try Fixture()
        try AuditTampering.append(3, to: fixture.store, clock: fixture.clock)
        let genuine = try #require(try fixture.checkpoint())
        var forged = genuine
        forged.rows = 2
        try fixture.file.append(forged)
        let check = try fixture.check()
        #expect(check.findings == [.invalidSignature(path: fixture.file.path, number: 2, forged, expectedKey: fixture.key.keyID)])
        #expect(check.findings[0].message.hasPrefix("checkpoint signature invalid: "))
        #expect(check.latest == genuine)

        let other = AuditKey.generate()
        let foreign = try AuditCheckpoint(head: AuditHead(row: 3, hash: genuine.hash, rows: 3), at: 1, reason: "test", key: other)
        #expect(!foreign.isSigned(by: fixture.key))
        #expect(try fixture.check(key: other).findings.count == 2)
    }

    @Test func aMissingOrEmptyFileIsAWarningNotTampering() throws {
        let fixture = try Fixture()
        try AuditTampering.append(1, to: fixture.store, clock: fixture.clock)
        let missing = try fixture.check()
        #expect(missing.findings == [.noCheckpoints(path: fixture.file.path, missing: true)] && !missing.tampered)
        #expect(missing.findings[0].message.hasPrefix("warning: audit checkpoint file "))
        _ = FileManager.default.createFile(atPath: fixture.file.path, contents: Data("\n".utf8))
        #expect(try fixture.check().findings == [.noCheckpoints(path: fixture.file.path, missing: false)])
    }

    @Test func anUnreadableLineIsReported() throws {
        let fixture = try Fixture()
        try AuditTampering.append(1, to: fixture.store, clock: fixture.clock)
        try fixture.checkpoint()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.file.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("not a checkpoint\n".utf8))
        try handle.close()
        #expect(try fixture.check().findings == [.unreadableLine(path: fixture.file.path, number: 2)])
        #expect(throws: AuditCheckpointError.self) {
            try AuditAnchor(store: fixture.store, key: fixture.key, file: fixture.file).checkpoint(reason: "test", at: 1)
        }
    }

    @Test func theFirstCheckpointRequiresAnIntactChain() throws {
        let fixture = try Fixture()
        try AuditTampering.append(3, to: fixture.store, clock: fixture.clock)
        try AuditTampering.dropTriggers(fixture.store)
        try fixture.store.write { db in try db.execute(sql: "UPDATE audit_log SET subject = 'x' WHERE id = 2") }
        #expect(throws: AuditCheckpointError.self) { try fixture.checkpoint() }
        #expect(try fixture.file.read() == nil)
    }
}
