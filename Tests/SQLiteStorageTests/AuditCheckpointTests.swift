import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct AuditCheckpointTests {
    private let head = AuditHead(row: 42, hash: String(repeating: "ab", count: 32), rows: 41)

    @Test func aLineRoundTripsAndKeepsItsSignature() throws {
        let key = AuditKey.generate()
        let checkpoint = try AuditCheckpoint(head: head, at: 1_800_000_000, reason: "interval", key: key)
        #expect(checkpoint.isSigned(by: key))
        #expect(!checkpoint.line.contains("\n"))
        #expect(checkpoint.line.hasPrefix(#"{"at":1800000000,"hash":"abab"#))
        let parsed = try #require(AuditCheckpoint.parse(checkpoint.line))
        #expect(parsed == checkpoint && parsed.isSigned(by: key))
        #expect(parsed.summary == "checkpoint at 2027-01-15 08:00:00 UTC (row 42)")
    }

    @Test func everySignedFieldIsCovered() throws {
        let key = AuditKey.generate()
        let checkpoint = try AuditCheckpoint(head: head, at: 1_800_000_000, reason: "interval", key: key)
        let changes: [(inout AuditCheckpoint) -> Void] = [
            { $0.row += 1 }, { $0.rows -= 1 }, { $0.hash = String(repeating: "cd", count: 32) }, { $0.at += 1 },
            { $0.reason = "restore" }, { $0.key = "0000000000000000" }, { $0.sig = "AAAA" },
        ]
        for change in changes {
            var changed = checkpoint
            change(&changed)
            #expect(!changed.isSigned(by: key))
        }
    }

    @Test func unknownVersionsAndGarbageAreNotCheckpoints() throws {
        let checkpoint = try AuditCheckpoint(head: head, at: 1, reason: "test", key: AuditKey.generate())
        #expect(AuditCheckpoint.parse(checkpoint.line.replacingOccurrences(of: #""v":1"#, with: #""v":2"#)) == nil)
        #expect(AuditCheckpoint.parse("") == nil)
        #expect(AuditCheckpoint.parse("{\"row\":1}") == nil)
    }

    @Test func theFileIsAppendedLineByLineWithMode0600() throws {
        let temporary = try TemporaryStore()
        let file = AuditCheckpointFile(path: temporary.directory.appendingPathComponent("db.audit-checkpoints").path)
        #expect(try file.read() == nil)
        let key = AuditKey.generate()
        let first = try AuditCheckpoint(head: head, at: 1, reason: "start", key: key)
        let second = try AuditCheckpoint(head: AuditHead(row: 43, hash: head.hash, rows: 42), at: 2, reason: "shutdown", key: key)
        try file.append(first)
        try file.append(second)
        #expect(try file.read() == [.checkpoint(number: 1, first), .checkpoint(number: 2, second)])
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
        #expect(AuditCheckpointFile.defaultPath(databasePath: "/var/lib/a/training.sqlite") == "/var/lib/a/training.sqlite.audit-checkpoints")
    }
}

extension AuditCheckpointTests {
    @Test func theLastLineIsFoundFromTheEndOfALongFile() throws {
        let temporary = try TemporaryStore()
        let file = AuditCheckpointFile(path: temporary.directory.appendingPathComponent("long.audit-checkpoints").path)
        #expect(try file.last() == nil)
        let key = AuditKey.generate()
        var checkpoints: [AuditCheckpoint] = []
        for row in 1...60 {
            let checkpoint = try AuditCheckpoint(head: AuditHead(row: Int64(row), hash: head.hash, rows: row), at: Int64(row),
                                                 reason: "interval", key: key)
            try file.append(checkpoint)
            checkpoints.append(checkpoint)
        }
        #expect(try file.last() == .checkpoint(number: 0, checkpoints[59]))
        let short = AuditCheckpointFile(path: temporary.directory.appendingPathComponent("short").path)
        try short.append(checkpoints[0])
        try short.append(checkpoints[1])
        #expect(try short.last() == .checkpoint(number: 2, checkpoints[1]))
    }
}
