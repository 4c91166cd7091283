import Foundation
import Testing
@testable import TrainingServer

private func payload(of token: String) throws -> [String: Any] {
    let jws = try #require(CompactJWS(parsing: token))
    return try #require(try JSONSerialization.jsonObject(with: jws.payload) as? [String: Any])
}

/// Writes `token` to `$OB3_SAMPLE_DIR/name` when that variable is set, for the e2e schema check.
private func exportSample(_ token: String, as name: String) throws {
    guard let directory = ProcessInfo.processInfo.environment["OB3_SAMPLE_DIR"], !directory.isEmpty else { return }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try (token + "\n").write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
}

@Suite struct OpenBadgeCredentialTests {
    @Test func theCommittedSampleIsWhatTheCodeProduces() throws {
        let key = try CredentialFixtures.issuerKey()
        let token = try CredentialFixtures.sampleCredential(key: key).signedJWT(with: key)
        try exportSample(token, as: "sample-credential.jwt")
        let committed = try String(contentsOf: CredentialFixtures.url("sample-credential.jwt"), encoding: .utf8)
        let unchanged = committed.trimmingCharacters(in: .whitespacesAndNewlines) == token
        #expect(unchanged, "the sample no longer matches the code; if the change is intended, regenerate Tests/e2e/fixtures/sample-credential.jwt: run the tests with OB3_SAMPLE_DIR set and copy sample-credential.jwt from there")
    }

    @Test func variantsAreExportedForTheSchemaCheck() throws {
        let key = try CredentialFixtures.issuerKey()
        var credential = CredentialFixtures.sampleCredential(key: key)
        credential.expiresAt = nil
        credential.holder.email = nil
        try exportSample(try credential.signedJWT(with: key), as: "no-expiry-no-email.jwt")

        credential = CredentialFixtures.sampleCredential(key: key)
        credential.issuer = IssuerProfile(baseURL: "http://127.0.0.1:8080", name: "Civil Service Academy")
        credential.achievement = BadgeAchievement(programID: "ethics", name: "Service Ethics",
                                                  description: "Puts citizens first & acts according to law.",
                                                  criteria: "Pass the <ethics> course.", language: "en")
        let token = try credential.signedJWT(with: key)
        try exportSample(token, as: "english-local.jwt")
        #expect(try payload(of: token)["id"] as? String == "http://127.0.0.1:8080/verify/c5Jt0q8ZbW3xYk2LmN4pQ7rS")
    }

    @Test func signingIsDeterministic() throws {
        let key = try CredentialFixtures.issuerKey()
        let credential = CredentialFixtures.sampleCredential(key: key)
        #expect(try credential.signedJWT(with: key) == credential.signedJWT(with: key))
    }

    @Test func theCredentialIsAnOpenBadgeCredentialWithMatchingJWTClaims() throws {
        let key = try CredentialFixtures.issuerKey()
        let credential = CredentialFixtures.sampleCredential(key: key)
        let json = try payload(of: try credential.signedJWT(with: key))

        #expect(json["@context"] as? [String] == ["https://www.w3.org/ns/credentials/v2",
                                                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"])
        #expect(json["type"] as? [String] == ["VerifiableCredential", "OpenBadgeCredential"])
        #expect(json["id"] as? String == "https://academy.example.gov.cn/verify/c5Jt0q8ZbW3xYk2LmN4pQ7rS")
        #expect(json["validFrom"] as? String == "2025-03-01T08:00:00Z")
        #expect(json["validUntil"] as? String == "2027-03-01T08:00:00Z")
        #expect(json["name"] as? String == "信息安全合规认证")

        let issuer = try #require(json["issuer"] as? [String: Any])
        #expect(issuer["id"] as? String == "https://academy.example.gov.cn/issuer")
        #expect(issuer["type"] as? [String] == ["Profile"])
        #expect(issuer["name"] as? String == "省公务员学院")

        let subject = try #require(json["credentialSubject"] as? [String: Any])
        #expect(subject["type"] as? [String] == ["AchievementSubject"])
        #expect(subject["id"] as? String == credential.holder.subjectID)
        let achievement = try #require(subject["achievement"] as? [String: Any])
        #expect(achievement["id"] as? String == "https://academy.example.gov.cn/programs/infosec-2025")
        #expect(achievement["type"] as? [String] == ["Achievement"])
        #expect(achievement["achievementType"] as? String == "Certification")
        #expect((achievement["criteria"] as? [String: String])?["narrative"] == CredentialFixtures.achievement.criteria)
        #expect(achievement["inLanguage"] as? String == "zh-Hans")

        let status = try #require(json["credentialStatus"] as? [String: String])
        #expect(status == ["id": "https://academy.example.gov.cn/api/v1/credentials/status/c5Jt0q8ZbW3xYk2LmN4pQ7rS",
                           "type": "1EdTechRevocationList"])

        #expect(json["iss"] as? String == issuer["id"] as? String)
        #expect(json["sub"] as? String == subject["id"] as? String)
        #expect(json["jti"] as? String == json["id"] as? String)
        #expect((json["nbf"] as? NSNumber)?.int64Value == 1_740_816_000)
        #expect((json["exp"] as? NSNumber)?.int64Value == 1_803_888_000)
        #expect(json["proof"] == nil)
    }

    @Test func aCertificateWithoutExpiryHasNoValidUntilNorExp() throws {
        let key = try CredentialFixtures.issuerKey()
        var credential = CredentialFixtures.sampleCredential(key: key)
        credential.expiresAt = nil
        let json = try payload(of: try credential.signedJWT(with: key))
        #expect(json["validUntil"] == nil)
        #expect(json["exp"] == nil)
    }

    @Test func timesAreCutToWholeSecondsSoNbfEqualsValidFrom() throws {
        let key = try CredentialFixtures.issuerKey()
        var credential = CredentialFixtures.sampleCredential(key: key)
        credential.issuedAt = Date(timeIntervalSince1970: 1_740_816_000.999)
        credential.expiresAt = Date(timeIntervalSince1970: 1_803_888_000.5)
        let json = try payload(of: try credential.signedJWT(with: key))
        #expect(json["validFrom"] as? String == "2025-03-01T08:00:00Z")
        #expect((json["nbf"] as? NSNumber)?.int64Value == 1_740_816_000)
        #expect(json["validUntil"] as? String == "2027-03-01T08:00:00Z")
        #expect((json["exp"] as? NSNumber)?.int64Value == 1_803_888_000)
    }

    @Test func theEmailAppearsOnlyHashed() throws {
        let key = try CredentialFixtures.issuerKey()
        let credential = CredentialFixtures.sampleCredential(key: key)
        let text = String(decoding: credential.payloadJSON(), as: UTF8.self)
        #expect(!text.lowercased().contains("zhang.san"))
        #expect(text.contains(BadgeHolder.identityHash("zhang.san@example.gov.cn", salt: credential.certificateID)))
    }
}
