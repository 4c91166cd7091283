import Foundation
import Testing
@testable import TrainingServer

private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("issuer-key-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func mode(of path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

@Suite struct IssuerKeyTests {
    @Test func firstUseCreatesAPrivate3072BitKeyAndLaterUsesReloadIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("issuer-key.pem").path

        let created = try IssuerKey.loadOrCreate(at: path)
        #expect(try mode(of: path) == 0o600)
        #expect(created.publicKey.bitCount == 3072)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["issuer-key.pem"])

        let reloaded = try IssuerKey.loadOrCreate(at: path)
        #expect(reloaded.keyID == created.keyID)
        #expect(reloaded.publicKey == created.publicKey)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func keyFilesOthersCanReadAreRefused(permissions: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("issuer-key.pem").path
        let pem = try String(contentsOf: CredentialFixtures.url("test-issuer-key.pem"), encoding: .utf8)
        try pem.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)

        let error = try #require(throws: IssuerKeyError.self) { try IssuerKey.loadOrCreate(at: path) }
        guard case .insecurePermissions(let reportedPath, let reportedMode) = error else {
            Issue.record("expected insecurePermissions, got \(error)")
            return
        }
        #expect(reportedPath == path)
        #expect(Int(reportedMode & 0o777) == permissions)
        #expect(error.description.contains("chmod 600 \(path)"))
        #expect(error.description.contains("0" + String(permissions, radix: 8)))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == pem, "the file is left alone")
    }

    @Test func anExistingPrivateKeyFileIsUsedAsItIs() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("issuer-key.pem").path
        let fixture = try CredentialFixtures.issuerKey()
        try fixture.pemRepresentation.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)

        #expect(try IssuerKey.loadOrCreate(at: path).keyID == fixture.keyID)
    }

    @Test func aKeyFileWithoutAKeyIsReportedNotReplaced() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("issuer-key.pem").path
        try "not a key\n".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)

        let error = try #require(throws: IssuerKeyError.self) { try IssuerKey.loadOrCreate(at: path) }
        guard case .unreadable = error else {
            Issue.record("expected unreadable, got \(error)")
            return
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a key\n")
    }

    @Test func aDirectoryIsNotAKeyFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: IssuerKeyError.notARegularFile(path: directory.path)) {
            try IssuerKey.loadOrCreate(at: directory.path)
        }
    }

    @Test func aMissingDirectoryIsReportedAsCannotCreate() throws {
        let path = "/nonexistent-\(UUID().uuidString)/issuer-key.pem"
        let error = try #require(throws: IssuerKeyError.self) { try IssuerKey.loadOrCreate(at: path) }
        guard case .cannotCreate(let reportedPath, _) = error else {
            Issue.record("expected cannotCreate, got \(error)")
            return
        }
        #expect(reportedPath == path)
    }

    @Test func loadNeverCreatesAKey() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("issuer-key.pem").path
        #expect(try IssuerKey.load(at: path) == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func pemTextThatIsNotAKeyIsRejected() {
        #expect(throws: IssuerKeyError.self) { try IssuerKey(pemRepresentation: "-----BEGIN PRIVATE KEY-----\n") }
    }

    @Test func pemRoundTripKeepsTheKey() throws {
        let key = try CredentialFixtures.issuerKey()
        #expect(try IssuerKey(pemRepresentation: key.pemRepresentation).keyID == key.keyID)
    }

    @Test func keyIDIsThePublicKeyThumbprint() throws {
        let key = try CredentialFixtures.issuerKey()
        #expect(key.keyID == IssuerPublicKey.thumbprint(modulus: key.publicKey.modulus, exponent: key.publicKey.exponent))
        #expect(key.keyID.count == 43)
        #expect(key.keySet.keys == [key.publicKey])
        #expect(try JSONWebKeySet(jsonData: key.jwks()) == key.keySet)
    }

    @Test func holderIDsAreStablePerLearnerAndVersion8() throws {
        let key = try CredentialFixtures.issuerKey()
        let first = key.holderID(forLearner: "42")
        #expect(key.holderID(forLearner: "42") == first)
        #expect(key.holderID(forLearner: "43") != first)
        let text = first.uuidString
        #expect(Array(text)[14] == "8", "version 8")
        #expect("89AB".contains(Array(text)[19]), "RFC 9562 variant")
    }

    @Test func holderIDsDependOnTheIssuerKey() throws {
        let fixture = try CredentialFixtures.issuerKey()
        let other = try IssuerKey.generate()
        #expect(other.holderID(forLearner: "42") != fixture.holderID(forLearner: "42"))
    }
}
