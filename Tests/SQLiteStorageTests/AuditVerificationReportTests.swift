import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// `verify-audit`'s report, as the command and the audit log page both use it.
@Suite struct AuditVerificationReportTests {
    private func settings(_ temporary: TemporaryStore) -> AuditAnchorSettings {
        var settings = AuditAnchorSettings()
        settings.keyPath = temporary.path("audit-key.pem")
        settings.checkpointsPath = temporary.path("checkpoints")
        return settings
    }

    @Test func withoutCheckpointsAnIntactChainOnlyWarns() throws {
        let temporary = try TemporaryStore()
        try AuditTampering.append(3, to: temporary.store, clock: ManualClock())
        let report = try AuditVerificationReport.run(store: temporary.store, databasePath: temporary.store.path,
                                                     settings: settings(temporary))
        #expect(report.chain == .intact(rows: 3) && !report.failed && report.keyMissing)
        #expect(report.lines.first == "audit log intact: 3 rows")
        #expect(report.lines.count == 2 && report.lines[1].hasPrefix("warning: audit checkpoint file"))
        #expect(report.auditDetails == ["result": "intact", "rows": "3", "findings": report.lines[1]])
    }

    @Test func anIntactChainMatchesItsCheckpointAndCountsTheRowsSince() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock()
        try AuditTampering.append(3, to: temporary.store, clock: clock)
        let settings = settings(temporary)
        let key = try AuditKey.loadOrCreate(at: settings.keyPath(databasePath: temporary.store.path))
        let anchor = AuditAnchor(store: temporary.store, key: key,
                                 file: AuditCheckpointFile(path: settings.checkpointsPath(databasePath: temporary.store.path)))
        let checkpoint = try #require(try anchor.checkpoint(reason: "command", at: clock.now))
        try AuditTampering.append(2, to: temporary.store, clock: clock)
        let report = try AuditVerificationReport.run(store: temporary.store, databasePath: temporary.store.path,
                                                     settings: settings)
        #expect(!report.failed && report.matchedCheckpoint == checkpoint && report.rowsSinceCheckpoint == 2)
        #expect(report.lines.last?.hasSuffix("; 2 rows since") == true)
        #expect(report.auditDetails["checkpoint_row"] == "3" && report.auditDetails["since"] == "2")
        try AuditTampering.deleteRows(after: 2, in: temporary.store)
        let tampered = try AuditVerificationReport.run(store: temporary.store, databasePath: temporary.store.path,
                                                       settings: settings)
        #expect(tampered.failed && tampered.auditDetails["result"] == "tampered")
        #expect(tampered.lines.contains { $0.contains("deleted after") })
    }

    @Test func aBrokenRowIsNamed() throws {
        let temporary = try TemporaryStore()
        try AuditTampering.append(3, to: temporary.store, clock: ManualClock())
        try AuditTampering.dropTriggers(temporary.store)
        try temporary.store.write { db in try db.execute(sql: "UPDATE audit_log SET details = '{}' WHERE id = 2") }
        let report = try AuditVerificationReport.run(store: temporary.store, databasePath: temporary.store.path,
                                                     settings: settings(temporary))
        #expect(report.failed && report.chain == .broken(rowID: 2, reason: "its content does not match its hash"))
        #expect(report.auditDetails["result"] == "broken" && report.auditDetails["broken_row"] == "2")
    }
}
