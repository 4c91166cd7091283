import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

/// The issuer's published keys: recorded in the database on start, kept after a rotation to a new key file,
/// served as a key set, one JWK per key URL, and listed in the profile.
@Suite struct CertificateIssuerTests {
    private func issuer(_ keyFile: String, in temporary: TemporaryStore, at now: Double) throws -> CertificateIssuer {
        try CertificateIssuer(keyPath: temporary.path(keyFile), baseURL: "https://academy.example", name: "Test Academy",
                              keyRecord: SQLiteIssuerKeyRepository(store: temporary.store), now: now)
    }

    private func credential(signedBy issuer: CertificateIssuer) throws -> String {
        try OpenBadgeCredential(certificateID: "C1", issuer: issuer.profile,
                                holder: BadgeHolder(id: UUID(), name: "张三"), achievement: CredentialFixtures.achievement,
                                issuedAt: CredentialFixtures.issuedAt, expiresAt: CredentialFixtures.expiresAt)
            .signedJWT(with: issuer.key)
    }

    @Test func aRotatedKeyStaysPublishedAndKeepsItsCredentialsVerifying() throws {
        let temporary = try TemporaryStore()
        let first = try issuer("first-key.pem", in: temporary, at: 1_000)
        let token = try credential(signedBy: first)
        let second = try issuer("second-key.pem", in: temporary, at: 2_000)
        #expect(first.key.keyID != second.key.keyID)

        #expect(try second.publicKeys().map(\.thumbprint) == [second.key.keyID, first.key.keyID])
        let set = try JSONWebKeySet(jsonData: second.keySetJSON())
        let kids = set.keys.map(\.keyID)
        #expect(kids.contains("https://academy.example/.well-known/jwks/" + first.key.keyID))
        #expect(kids.contains(first.key.keyID))
        #expect(kids.first == "https://academy.example/.well-known/jwks/" + second.key.keyID)

        let verifier = CredentialVerifier(keys: set)
        #expect(verifier.verify(token, now: CredentialFixtures.issuedAt.addingTimeInterval(60)).isValid)
        let jwk = try #require(try second.keyJSON(thumbprint: first.key.keyID))
        let single = try #require(try JSONSerialization.jsonObject(with: jwk) as? [String: String])
        #expect(single == first.key.publicKey.named("https://academy.example/.well-known/jwks/" + first.key.keyID).jwk)
        #expect(try second.keyJSON(thumbprint: "not-a-published-key") == nil)
    }

    @Test func aNamedIssuerSignsAndPublishesUnderItsCurrentNameAndEarlierCredentialsStillVerify() throws {
        let temporary = try TemporaryStore()
        let base = try issuer("key.pem", in: temporary, at: 1_000)
        let earlier = try credential(signedBy: base)
        let name = Mutex("测试省培训中心 / Training Centre")
        let named = base.named { name.withLock { $0 } }
        #expect(named.profile.name == "测试省培训中心 / Training Centre")
        let profile = try #require(try JSONSerialization.jsonObject(with: named.profileJSON()) as? [String: Any])
        #expect(profile["name"] as? String == "测试省培训中心 / Training Centre")
        name.withLock { $0 = "Renamed" }
        let later = try credential(signedBy: named)
        let payloadData = try #require(Base64URL.decode(String(later.split(separator: ".")[1])))
        let payload = try #require(try JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
        let vc = try #require((payload["vc"] as? [String: Any]) ?? payload)
        #expect((vc["issuer"] as? [String: Any])?["name"] as? String == "Renamed")
        let verifier = CredentialVerifier(keys: try JSONWebKeySet(jsonData: named.keySetJSON()))
        let now = CredentialFixtures.issuedAt.addingTimeInterval(60)
        #expect(verifier.verify(earlier, now: now).isValid)
        #expect(verifier.verify(later, now: now).isValid)
        #expect(base.profile.name == "Test Academy")
    }

    @Test func startingAgainWithTheSameKeyRecordsItOnce() throws {
        let temporary = try TemporaryStore()
        let first = try issuer("key.pem", in: temporary, at: 1_000)
        _ = try issuer("key.pem", in: temporary, at: 5_000)
        #expect(try SQLiteIssuerKeyRepository(store: temporary.store).published() == [first.key.publicKey])
    }

    @Test func theStatusDocumentSaysRevokedButNeverWhy() throws {
        let issuer = try TemporaryStore.issuer()
        let id = CertificateID.random()
        var certificate = StoredCertificate(id: id, userID: UserID(rawValue: 1), programID: "p", kind: .initial,
                                            issuedAt: 100, expiresAt: 10_000, credential: "jwt")
        let valid = try #require(try JSONSerialization.jsonObject(with: issuer.statusDocument(certificate)) as? [String: Any])
        #expect((valid["revokedCredentials"] as? [Any])?.isEmpty == true)

        certificate.revokedAt = 200
        certificate.revokedReason = "Dismissed for misconduct (confidential)"
        certificate.revokedBy = "hr"
        let data = issuer.statusDocument(certificate)
        #expect(!String(decoding: data, as: UTF8.self).contains("misconduct"))
        let revoked = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(revoked["revokedCredentials"] as? [[String: String]])
        #expect(entries == [["id": issuer.profile.verificationURL(certificateID: id.rawValue)]])
    }

    @Test func withoutARecordOnlyTheCurrentKeyIsPublished() throws {
        let issuer = try TemporaryStore.issuer()
        #expect(try issuer.publicKeys() == [issuer.key.publicKey])
    }

    @Test func theProfileLinksTheKeySetAndListsEveryPublishedKey() throws {
        let temporary = try TemporaryStore()
        let first = try issuer("first-key.pem", in: temporary, at: 1_000)
        let second = try issuer("second-key.pem", in: temporary, at: 2_000)
        let json = try #require(try JSONSerialization.jsonObject(with: second.profileJSON()) as? [String: Any])
        #expect(json["jwks_uri"] as? String == "https://academy.example/.well-known/jwks.json")
        let methods = try #require(json["verificationMethod"] as? [[String: Any]])
        #expect(methods.map { $0["id"] as? String } == [second.key.keyID, first.key.keyID].map {
            "https://academy.example/.well-known/jwks/" + $0
        })
        #expect(methods.allSatisfy { $0["controller"] as? String == "https://academy.example/issuer" })
        #expect(methods.allSatisfy { $0["type"] as? String == "JsonWebKey" })
        #expect((methods.first?["publicKeyJwk"] as? [String: String])?["n"] == second.key.publicKey.modulus)
        #expect(json["assertionMethod"] as? [String] == methods.compactMap { $0["id"] as? String })
    }
}
