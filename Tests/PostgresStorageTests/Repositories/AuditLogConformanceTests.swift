import Foundation
@testable import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// The audit log's hash chain behaves the same on SQLite and PostgreSQL: the same rows, the same refusals, the
/// same verdicts on a tampered chain.
@Suite struct AuditLogConformanceTests {
    /// Appends `count` events with fractional times, Unicode, quotes, newlines and slashes in the details, and
    /// actors with and without an account.
    static func append(_ count: Int, to storage: StorageFixture) throws {
        for index in 1...count {
            storage.clock.advance(by: 1.5)
            try storage.audit.append(AuditEvent(action: "test.event", subject: "item:\(index)",
                                                details: ["index": String(index), "note": "备注 \"\(index)\"\n/"]),
                                     by: index.isMultiple(of: 2) ? .system
                                         : AuditActor(userID: UserID(rawValue: Int64(index)), name: "u\(index)"))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func appendedRowsFormAnIntactChainFromTheGenesis(_ kind: StorageKind) throws {
        try StorageFixture.with(kind, clock: TestClock(1_800_000_000.25)) { storage in
            #expect(try storage.audit.verify() == .intact(rows: 0))
            try Self.append(12, to: storage)
            #expect(try storage.audit.verify() == .intact(rows: 12))
            let recent = try storage.audit.recent(limit: 3)
            #expect(recent.map(\.subject) == ["item:12", "item:11", "item:10"])
            #expect(recent[1].actorUserID == 11 && recent[1].actor == "u11")
            #expect(recent[0].actorUserID == nil && recent[0].actor == "system")
            #expect(recent[0].prevHash == recent[1].hash)
            #expect(recent[0].details == #"{"index":"12","note":"备注 \"12\"\n/"}"#)
            #expect(recent[0].at == 1_800_000_018.25)
            let first = try #require(try storage.audit.recent(limit: 12).last)
            #expect(first.prevHash == String(repeating: "0", count: 64))
            #expect(first.hash.count == 64 && first.hash.allSatisfy(\.isHexDigit))
            #expect(first.hash == AuditChain.digest(prev: first.prevHash, at: first.at, actorUserID: first.actorUserID,
                                                            actor: first.actor, action: first.action,
                                                            subject: first.subject, details: first.details))
            #expect(try storage.audit.recent(limit: 0).isEmpty)
        }
    }

    @Test(arguments: StorageKind.enabled)
    func updatesAndDeletesAreRefusedByTheDatabase(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            try Self.append(3, to: storage)
            for sql in ["UPDATE audit_log SET details = '{}' WHERE id = 2", "DELETE FROM audit_log WHERE id = 3",
                        "DELETE FROM audit_log"] {
                #expect(throws: (any Error).self, "\(sql)") { try storage.execute(sql, []) }
                do {
                    try storage.execute(sql, [])
                } catch {
                    #expect("\(error)".contains("audit_log is append-only"), "\(error)")
                }
            }
            #expect(try storage.audit.verify() == .intact(rows: 3))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func changedDetailsAreFoundInTheRowThatWasChanged(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            try Self.append(6, to: storage)
            try storage.allowAuditTampering()
            try storage.execute(#"UPDATE audit_log SET details = '{"index":"4","note":"forged"}' WHERE id = 4"#, [])
            #expect(try storage.audit.verify() == .broken(rowID: 4, reason: "its content does not match its hash"))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aRowRehashedAfterTamperingBreaksTheNextLink(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            try Self.append(5, to: storage)
            let row = try #require(try storage.audit.recent(limit: 5).first { $0.id == 2 })
            let forged = AuditChain.digest(prev: row.prevHash, at: row.at, actorUserID: row.actorUserID,
                                                   actor: "someone-else", action: row.action, subject: row.subject,
                                                   details: row.details)
            try storage.allowAuditTampering()
            try storage.execute("UPDATE audit_log SET actor = 'someone-else', hash = ? WHERE id = 2", [.text(forged)])
            #expect(try storage.audit.verify() == .broken(rowID: 3, reason: "its link to the previous row does not match"))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aDeletedRowIsFoundAtTheNextOne(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            try Self.append(4, to: storage)
            try storage.allowAuditTampering()
            try storage.execute("DELETE FROM audit_log WHERE id = 2", [])
            #expect(try storage.audit.verify() == .broken(rowID: 3, reason: "its link to the previous row does not match"))
        }
    }

    @Test(arguments: StorageKind.enabled)
    func eachRowIsFiledUnderThePersonOrDepartmentItIsAbout(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            let user = try storage.user("Li.Ming", in: department)
            func about(_ event: AuditEvent) throws -> (Int?, Int?) {
                try storage.audit.append(event, by: .system)
                let id = try #require(try storage.audit.recent(limit: 1).first?.id)
                return (try storage.integer("SELECT user_id FROM audit_log_subjects WHERE audit_id = ?", [.int(id)]),
                        try storage.integer("SELECT department_id FROM audit_log_subjects WHERE audit_id = ?", [.int(id)]))
            }
            let person = Int(user.id.rawValue)
            #expect(try about(AuditEvent(action: "x", subject: "report", details: ["user_id": "\(user.id)"])) == (person, nil))
            #expect(try about(AuditEvent(action: "x", subject: "user:\(user.id)")) == (person, nil))
            // By login, without regard to case, as SQLite's NOCASE column finds it.
            #expect(try about(AuditEvent(action: "record.view", subject: "user:li.ming")) == (person, nil))
            #expect(try about(AuditEvent(action: "x", subject: "department:\(department.id)")) == (nil, Int(department.id.rawValue)))
            #expect(try about(AuditEvent(action: "x", subject: "department:999")) == (nil, nil))
            #expect(try about(AuditEvent(action: "x", subject: "certificate:none")) == (nil, nil))
            #expect(try about(AuditEvent(action: "x", subject: "catalogue")) == (nil, nil))
        }
    }

    /// A checkpoint file and key of the test's own, in a folder removed afterwards.
    static func withCheckpoints(_ body: (AuditKey, AuditCheckpointFile, String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoints-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try AuditKey.loadOrCreate(at: folder.appendingPathComponent("audit-key.pem").path)
        let databasePath = folder.appendingPathComponent("training.sqlite").path
        try body(key, AuditCheckpointFile(path: AuditCheckpointFile.defaultPath(databasePath: databasePath)), databasePath)
    }

    @Test(arguments: StorageKind.enabled)
    func signedCheckpointsFindDeletedTailRowsAndARewrittenChain(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            try Self.withCheckpoints { key, file, databasePath in
                let anchor = AuditAnchor(chain: storage.auditChain, key: key, file: file)
                try Self.append(6, to: storage)
                let first = try #require(try anchor.checkpoint(reason: "test", at: 1_800_000_100))
                #expect(first.row == 6 && first.rows == 6)
                #expect(try anchor.checkpoint(reason: "test", at: 1_800_000_101) == nil, "nothing new: no checkpoint")
                try Self.append(3, to: storage)
                let second = try #require(try anchor.checkpoint(reason: "test", at: 1_800_000_200))
                let head = try storage.auditChain.read { chain in try chain.head() }
                #expect(second.row == 9 && second.rows == 9 && second.hash == head.hash)

                let report = try AuditVerificationReport.run(chain: storage.auditChain, databasePath: databasePath,
                                                             settings: AuditAnchorSettings())
                #expect(!report.failed && report.chain == .intact(rows: 9) && report.matchedCheckpoint == second)
                try Self.append(2, to: storage)
                #expect(try AuditVerificationReport.run(chain: storage.auditChain, databasePath: databasePath,
                                                        settings: AuditAnchorSettings()).rowsSinceCheckpoint == 2)

                // The newest rows deleted: the chain still walks intact, the checkpoint finds the loss.
                try storage.allowAuditTampering()
                try storage.execute("DELETE FROM audit_log WHERE id > 7", [])
                #expect(try storage.audit.verify() == .intact(rows: 7))
                let cut = try AuditVerificationReport.run(chain: storage.auditChain, databasePath: databasePath,
                                                          settings: AuditAnchorSettings())
                #expect(cut.failed)
                #expect(cut.check?.findings == [.tailDeleted(first: 8, last: 9, second)])
                #expect(throws: AuditCheckpointError.self) { try anchor.checkpoint(reason: "test", at: 1_800_000_300) }

                // Row 3 changed and every later hash recomputed: intact as a chain, refused by the checkpoints.
                let rows = try storage.audit.recent(limit: 10).reversed()
                var previous = AuditChain.genesis
                for row in rows {
                    let details = row.id == 3 ? #"{"index":"3","note":"forged"}"# : row.details
                    let hash = AuditChain.digest(prev: previous, at: row.at, actorUserID: row.actorUserID, actor: row.actor,
                                                 action: row.action, subject: row.subject, details: details)
                    try storage.execute("UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?",
                                        [.text(details), .text(previous), .text(hash), .int(row.id)])
                    previous = hash
                }
                #expect(try storage.audit.verify() == .intact(rows: 7))
                let found = try #require(try storage.auditChain.read { chain in try chain.hash(ofRow: 6) })
                #expect(found != first.hash)
                let finding = try storage.auditChain.read { chain in try AuditAnchor.compare(first, in: chain) }
                #expect(finding == .rewritten(first, found: found, stillMatching: nil))
                #expect(try AuditAnchor.check(chain: storage.auditChain, file: file, key: key).tampered)
            }
        }
    }
}
