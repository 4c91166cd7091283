import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SQLiteEngineTests {
    @Test func theEngineAnswersForItsDatabase() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("training.sqlite").path
        let engine = try SQLiteEngine.open(path: path, clock: { 1_800_000_000 })
        #expect(engine.isHealthy())
        #expect(try engine.checkIntegrity(limit: 5) == ["ok"])
        #expect((engine.accountChanges as? ChangeStamp)?.path == path + "-accounts")
        #expect((engine.settingsChanges as? ChangeStamp)?.path == path + "-settings")
        #expect(try !engine.demoSeeded())
        try engine.recordDemoSeeded(at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try engine.demoSeeded())
        // The repositories are the database's: what one writes, another engine on the same file reads.
        let department = try engine.departments.ensure(path: ["省政府", "测试处"], by: .system)
        let other = try SQLiteEngine.open(path: path)
        #expect(try other.departments.find(id: department.id)?.name == "测试处")
        try engine.close()
        #expect(!engine.isHealthy())
        let verification = try other.audit.verify()
        guard case .intact(let rows) = verification else {
            Issue.record("the audit chain written through the engine: \(verification)")
            return
        }
        #expect(rows > 0)
    }

    @Test func busyFullAndIOErrorsAreTemporaryFailures() {
        for code in [ResultCode.SQLITE_BUSY, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_LOCKED] {
            let failure: any StorageFailure = DatabaseError(resultCode: code)
            #expect(failure.isTemporary, "\(code)")
        }
        let constraint: any StorageFailure = DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE")
        #expect(!constraint.isTemporary)
        #expect(DatabaseError(resultCode: .SQLITE_BUSY).code == "\(ResultCode.SQLITE_BUSY)")
    }

    @Test func aTransactionCarriesItsConnection() throws {
        let temporary = try TemporaryStore()
        let engine = SQLiteEngine(store: temporary.store)
        let count = try engine.reminders.batch { transaction in
            try Int.fetchOne(transaction.db, sql: "SELECT count(*) FROM notices")
        }
        #expect(count == 0)
    }
}
