import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct AuditKeyTests {
    @Test func aKeyIsCreatedOnceWithMode0600AndReused() throws {
        let temporary = try TemporaryStore()
        let path = temporary.directory.appendingPathComponent("audit-key.pem").path
        #expect(try AuditKey.load(at: path) == nil)
        let created = try AuditKey.loadOrCreate(at: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let again = try AuditKey.loadOrCreate(at: path)
        #expect(again.keyID == created.keyID && created.keyID.count == 16)
        #expect(AuditKey.generate().keyID != created.keyID)
    }

    @Test func aKeyOthersMayReadIsRefused() throws {
        let temporary = try TemporaryStore()
        let path = temporary.directory.appendingPathComponent("audit-key.pem").path
        _ = try AuditKey.loadOrCreate(at: path)
        chmod(path, 0o644)
        #expect(throws: AuditKeyError.self) { try AuditKey.load(at: path) }
    }

    @Test func aFileThatIsNotAKeyIsRefused() throws {
        let temporary = try TemporaryStore()
        let path = temporary.directory.appendingPathComponent("audit-key.pem").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("not a key".utf8), attributes: [.posixPermissions: 0o600])
        #expect(throws: AuditKeyError.self) { try AuditKey.loadOrCreate(at: path) }
    }
}
