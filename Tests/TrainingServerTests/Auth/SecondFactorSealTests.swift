import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SecondFactorSealTests {
    typealias Fixture = SecondFactorsTests.Fixture

    @Test func theSecretIsStoredSealedForThePersonUnderAnOwnerOnlyKeyFile() throws {
        let fixture = try Fixture()
        let (secret, _) = try fixture.enrol()
        let stored = try #require(try fixture.factors.store.enrolment(of: fixture.user.id))
        #expect(stored.sealedSecret.count == 12 + secret.count + 16)
        #expect(stored.sealedSecret.range(of: Data(secret)) == nil)
        let keyPath = SecondFactorSeal.keyPath(forDatabase: fixture.temporary.store.path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let seal = try SecondFactorSeal.at(keyPath)
        #expect(try seal.open(stored.sealedSecret, for: fixture.user.id) == secret)
        #expect(throws: SecondFactorSeal.Problem.self) { try seal.open(stored.sealedSecret, for: UserID(rawValue: 999)) }
    }

    @Test func aKeyFileOthersMayReadOrThatHoldsNoKeyIsRefused() throws {
        let temporary = try TemporaryStore()
        try FileManager.default.createDirectory(at: temporary.directory, withIntermediateDirectories: true)
        let open = temporary.path("open.key")
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        #expect(FileManager.default.createFile(atPath: open, contents: Data(key.utf8), attributes: [.posixPermissions: 0o644]))
        #expect(throws: SecondFactorSeal.Problem.self) { try SecondFactorSeal.at(open) }
        let short = temporary.path("short.key")
        #expect(FileManager.default.createFile(atPath: short, contents: Data("c2hvcnQ=".utf8), attributes: [.posixPermissions: 0o600]))
        #expect(throws: SecondFactorSeal.Problem.self) { try SecondFactorSeal.at(short) }
        let good = temporary.path("good.key")
        #expect(FileManager.default.createFile(atPath: good, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600]))
        let seal = try SecondFactorSeal.at(good)
        let sealed = try seal.seal([9, 8, 7], for: UserID(rawValue: 1))
        #expect(try seal.open(sealed, for: UserID(rawValue: 1)) == [9, 8, 7])
        // Another key does not open it.
        let other = try SecondFactorSeal.at(temporary.path("made.key"))
        #expect(throws: SecondFactorSeal.Problem.self) { try other.open(sealed, for: UserID(rawValue: 1)) }
    }
}
