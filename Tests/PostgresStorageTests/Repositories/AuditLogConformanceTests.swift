import Foundation
@testable import PostgresStorage
import Testing
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
}
