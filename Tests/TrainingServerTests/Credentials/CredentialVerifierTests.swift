import Foundation
import Testing
@testable import TrainingServer

private struct VerifierSample {
    let key: IssuerKey
    let credential: OpenBadgeCredential
    let token: String
    var verifier: CredentialVerifier { CredentialVerifier(keys: key.keySet) }
    let during = CredentialFixtures.issuedAt.addingTimeInterval(86_400)

    init() throws {
        key = try CredentialFixtures.issuerKey()
        credential = CredentialFixtures.sampleCredential(key: key)
        token = try credential.signedJWT(with: key)
    }

    var segments: [String] { token.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    func json(_ segment: Int) throws -> [String: Any] {
        let data = try #require(Base64URL.decode(segments[segment]))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func encoded(_ object: [String: Any]) throws -> String {
        Base64URL.encode(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// A token with the given header and payload, correctly RS256-signed by `signer`.
    static func signed(header: [String: Any], payload: [String: Any], by signer: IssuerKey) throws -> String {
        let input = try encoded(header) + "." + encoded(payload)
        return input + "." + Base64URL.encode(try signer.rs256Signature(for: Data(input.utf8)))
    }

    /// The sample's payload changed by `edit`, re-signed properly by the issuer key.
    func resigned(_ edit: (inout [String: Any]) -> Void) throws -> String {
        var payload = try json(1)
        edit(&payload)
        return try Self.signed(header: json(0), payload: payload, by: key)
    }
}

@Suite struct CredentialVerifierTests {
    @Test func aGenuineCredentialIsValid() throws {
        let sample = try VerifierSample()
        let result = sample.verifier.verify(sample.token, now: sample.during)
        guard case .valid(let claims, let revocationChecked) = result else {
            Issue.record("expected valid, got \(result)")
            return
        }
        #expect(!revocationChecked)
        #expect(claims.credentialID == sample.credential.id)
        #expect(claims.issuerID == "https://academy.example.gov.cn/issuer")
        #expect(claims.issuerName == "省公务员学院")
        #expect(claims.subjectID == sample.credential.holder.subjectID)
        #expect(claims.holderName == "张三")
        #expect(claims.achievementID == "https://academy.example.gov.cn/programs/infosec-2025")
        #expect(claims.achievementName == "信息安全合规认证")
        #expect(claims.validFrom == CredentialFixtures.issuedAt)
        #expect(claims.validUntil == CredentialFixtures.expiresAt)
        #expect(claims.statusID == "https://academy.example.gov.cn/api/v1/credentials/status/c5Jt0q8ZbW3xYk2LmN4pQ7rS")
        #expect(claims.statusType == "1EdTechRevocationList")
        #expect(claims.keyID == CredentialFixtures.issuer.keyURL(thumbprint: sample.key.keyID))
    }

    @Test func surroundingWhitespaceFromAFileIsIgnored() throws {
        let sample = try VerifierSample()
        #expect(sample.verifier.verify("\n " + sample.token + "\r\n", now: sample.during).isValid)
    }

    @Test func aRevocationLookupThatFindsNothingMakesAFullyCheckedValidResult() throws {
        let sample = try VerifierSample()
        let verifier = CredentialVerifier(keys: sample.key.keySet) { claims in
            #expect(claims.credentialID == sample.credential.id)
            return nil
        }
        guard case .valid(_, revocationChecked: true) = verifier.verify(sample.token, now: sample.during) else {
            Issue.record("expected a valid result with revocation checked")
            return
        }
    }

    @Test func aTamperedPayloadFailsTheSignature() throws {
        let sample = try VerifierSample()
        var payload = try sample.json(1)
        var subject = try #require(payload["credentialSubject"] as? [String: Any])
        subject["identifier"] = [["type": "IdentityObject", "identityType": "name", "hashed": false,
                                  "identityHash": "李四"]]
        payload["credentialSubject"] = subject
        let forged = sample.segments[0] + "." + (try VerifierSample.encoded(payload)) + "." + sample.segments[2]
        #expect(sample.verifier.verify(forged, now: sample.during) == .invalid(.badSignature, claims: nil))
    }

    @Test func anExtendedExpiryFailsTheSignature() throws {
        let sample = try VerifierSample()
        var payload = try sample.json(1)
        payload["validUntil"] = "2099-01-01T00:00:00Z"
        payload["exp"] = 4_070_908_800
        let forged = sample.segments[0] + "." + (try VerifierSample.encoded(payload)) + "." + sample.segments[2]
        #expect(sample.verifier.verify(forged, now: sample.during) == .invalid(.badSignature, claims: nil))
    }

    @Test func aTamperedSignatureFails() throws {
        let sample = try VerifierSample()
        var signature = try #require(Base64URL.decode(sample.segments[2]))
        signature[signature.count / 2] ^= 0x01
        let forged = sample.segments[0] + "." + sample.segments[1] + "." + Base64URL.encode(signature)
        #expect(sample.verifier.verify(forged, now: sample.during) == .invalid(.badSignature, claims: nil))
    }

    @Test func algNoneIsRefused() throws {
        let sample = try VerifierSample()
        let header = try VerifierSample.encoded(["alg": "none", "typ": "JWT", "kid": sample.key.keyID])
        for signature in ["", sample.segments[2]] {
            let token = header + "." + sample.segments[1] + "." + signature
            #expect(sample.verifier.verify(token, now: sample.during)
                == .invalid(.unsupportedAlgorithm("none"), claims: nil))
        }
    }

    @Test func aHeaderWithoutAlgIsRefused() throws {
        let sample = try VerifierSample()
        let header = try VerifierSample.encoded(["typ": "JWT", "kid": sample.key.keyID])
        let token = header + "." + sample.segments[1] + "." + sample.segments[2]
        #expect(sample.verifier.verify(token, now: sample.during) == .invalid(.unsupportedAlgorithm("none"), claims: nil))
    }

    @Test(arguments: ["HS256", "RS512", "PS256", "ES256", "rs256"])
    func algorithmsOtherThanRS256AreRefused(algorithm: String) throws {
        // The HS256 case is the key-confusion attack: a MAC "keyed" with the public key. The algorithm is refused
        // before any signature is computed, whatever the third segment holds.
        let sample = try VerifierSample()
        var header = try sample.json(0)
        header["alg"] = algorithm
        let token = try VerifierSample.encoded(header) + "." + sample.segments[1] + "." + Base64URL.encode(Data(repeating: 7, count: 32))
        #expect(sample.verifier.verify(token, now: sample.during)
            == .invalid(.unsupportedAlgorithm(algorithm), claims: nil))
    }

    @Test func anotherKeyNamedByItsOwnIDIsUnknown() throws {
        let sample = try VerifierSample()
        let intruder = try IssuerKey.generate()
        let token = try sample.credential.signedJWT(with: intruder)
        #expect(sample.verifier.verify(token, now: sample.during) == .invalid(.unknownKey(CredentialFixtures.issuer.keyURL(thumbprint: intruder.keyID)), claims: nil))
    }

    @Test func anotherKeyClaimingTheIssuersIDFailsTheSignatureEvenWithItsJWKInTheHeader() throws {
        let sample = try VerifierSample()
        let intruder = try IssuerKey.generate()
        let header: [String: Any] = ["alg": "RS256", "typ": "JWT", "kid": sample.key.keyID,
                                     "jwk": ["kty": "RSA", "n": intruder.publicKey.modulus, "e": "AQAB"]]
        let token = try VerifierSample.signed(header: header, payload: sample.json(1), by: intruder)
        #expect(sample.verifier.verify(token, now: sample.during) == .invalid(.badSignature, claims: nil))
    }

    @Test func aHeaderWithoutKidNamesNoKey() throws {
        let sample = try VerifierSample()
        var header = try sample.json(0)
        header["kid"] = nil
        let token = try VerifierSample.signed(header: header, payload: sample.json(1), by: sample.key)
        #expect(sample.verifier.verify(token, now: sample.during) == .invalid(.unknownKey(nil), claims: nil))
    }

    @Test func criticalHeaderExtensionsAreRefused() throws {
        let sample = try VerifierSample()
        var header = try sample.json(0)
        header["crit"] = ["b64"]
        header["b64"] = false
        let token = try VerifierSample.signed(header: header, payload: sample.json(1), by: sample.key)
        guard case .invalid(.malformed, nil) = sample.verifier.verify(token, now: sample.during) else {
            Issue.record("expected malformed")
            return
        }
    }

    @Test func anExpiredCredentialSaysWhenItExpired() throws {
        let sample = try VerifierSample()
        let result = sample.verifier.verify(sample.token, now: CredentialFixtures.expiresAt)
        guard case .invalid(.expired(let date), let claims) = result else {
            Issue.record("expected expired, got \(result)")
            return
        }
        #expect(date == CredentialFixtures.expiresAt)
        #expect(claims?.holderName == "张三")
        #expect(result.failure?.description == "The credential expired on 2027-03-01T08:00:00Z.")
        #expect(sample.verifier.verify(sample.token, now: CredentialFixtures.expiresAt.addingTimeInterval(-1)).isValid)
    }

    @Test func aCredentialBeforeItsStartIsNotYetValid() throws {
        let sample = try VerifierSample()
        let result = sample.verifier.verify(sample.token, now: CredentialFixtures.issuedAt.addingTimeInterval(-1))
        #expect(result.failure == .notYetValid(CredentialFixtures.issuedAt))
        #expect(sample.verifier.verify(sample.token, now: CredentialFixtures.issuedAt).isValid)
    }

    @Test func aRevokedCredentialSaysWhenAndWhy() throws {
        let sample = try VerifierSample()
        let revocation = CredentialRevocation(revokedAt: Date(timeIntervalSince1970: 1_750_000_000),
                                              reason: "issued in error")
        let verifier = CredentialVerifier(keys: sample.key.keySet) { claims in
            claims.credentialID == sample.credential.id ? revocation : nil
        }
        let result = verifier.verify(sample.token, now: sample.during)
        guard case .invalid(.revoked(let reported), let claims) = result else {
            Issue.record("expected revoked, got \(result)")
            return
        }
        #expect(reported == revocation)
        #expect(claims?.credentialID == sample.credential.id)
        #expect(result.failure?.description == "The issuer revoked this credential on 2025-06-15T15:06:40Z: issued in error.")
    }

    @Test func revocationOutranksExpiry() throws {
        let sample = try VerifierSample()
        let verifier = CredentialVerifier(keys: sample.key.keySet) { _ in CredentialRevocation() }
        #expect(verifier.verify(sample.token, now: CredentialFixtures.expiresAt.addingTimeInterval(1)).failure
            == .revoked(CredentialRevocation()))
    }

    @Test func aFailingRevocationLookupIsReportedNotIgnored() throws {
        struct Offline: Error, CustomStringConvertible { var description: String { "the database is closed" } }
        let sample = try VerifierSample()
        let verifier = CredentialVerifier(keys: sample.key.keySet) { _ in throw Offline() }
        #expect(verifier.verify(sample.token, now: sample.during).failure == .statusUnavailable("the database is closed"))
    }

    @Test func forgeriesAreNeverLookedUp() throws {
        let sample = try VerifierSample()
        let verifier = CredentialVerifier(keys: sample.key.keySet) { _ in
            Issue.record("the revocation lookup ran for a bad signature")
            return nil
        }
        let forged = sample.segments[0] + "." + sample.segments[1] + "." + Base64URL.encode(Data(repeating: 1, count: 384))
        #expect(verifier.verify(forged, now: sample.during) == .invalid(.badSignature, claims: nil))
    }

    @Test(arguments: [
        ("iss", "https://elsewhere.example/issuer"),
        ("sub", "urn:uuid:00000000-0000-8000-8000-000000000000"),
        ("jti", "https://academy.example.gov.cn/verify/another"),
    ])
    func signedClaimsThatContradictTheCredentialAreRejected(claim: String, value: String) throws {
        let sample = try VerifierSample()
        let token = try sample.resigned { $0[claim] = value }
        guard case .invalid(.inconsistentClaims(let detail), nil) = sample.verifier.verify(token, now: sample.during) else {
            Issue.record("expected inconsistentClaims for \(claim)")
            return
        }
        #expect(detail.contains("(\(claim))"))
    }

    @Test func nbfAndExpMustMatchTheValidityPeriod() throws {
        let sample = try VerifierSample()
        let earlierStart = try sample.resigned { $0["nbf"] = 1_700_000_000 }
        #expect(sample.verifier.verify(earlierStart, now: sample.during).failure
            == .inconsistentClaims("the JWT start (nbf) is not the credential's validFrom"))
        let laterEnd = try sample.resigned { $0["exp"] = 1_900_000_000 }
        #expect(sample.verifier.verify(laterEnd, now: sample.during).failure
            == .inconsistentClaims("the JWT expiry (exp) is not the credential's validUntil"))
        let missingStart = try sample.resigned { $0["nbf"] = nil }
        #expect(sample.verifier.verify(missingStart, now: sample.during).failure
            == .inconsistentClaims("the JWT start (nbf) is not the credential's validFrom"))
    }

    @Test func anExpWithoutValidUntilStillExpiresTheCredential() throws {
        let sample = try VerifierSample()
        let token = try sample.resigned { $0["validUntil"] = nil }
        #expect(sample.verifier.verify(token, now: CredentialFixtures.expiresAt).failure
            == .expired(CredentialFixtures.expiresAt))
    }

    @Test func structureOpenBadgesRequiresIsChecked() throws {
        let sample = try VerifierSample()
        let edits: [(inout [String: Any]) -> Void] = [
            { $0["@context"] = ["https://www.w3.org/2018/credentials/v1"] },
            { $0["type"] = ["VerifiableCredential"] },
            { $0["credentialSubject"] = nil },
            { $0["issuer"] = nil },
            { $0["validFrom"] = "yesterday" },
            { $0["validUntil"] = 5 },
            { $0["id"] = nil },
        ]
        for edit in edits {
            let token = try sample.resigned(edit)
            guard case .invalid(let failure, nil) = sample.verifier.verify(token, now: sample.during) else {
                Issue.record("a broken credential verified")
                continue
            }
            switch failure {
            case .malformed, .inconsistentClaims: break
            default: Issue.record("unexpected failure \(failure)")
            }
        }
    }

    @Test func anIssuerGivenAsAPlainIDIsAccepted() throws {
        let sample = try VerifierSample()
        let token = try sample.resigned { $0["issuer"] = "https://academy.example.gov.cn/issuer" }
        let result = sample.verifier.verify(token, now: sample.during)
        guard case .valid(let claims, _) = result else {
            Issue.record("expected valid, got \(result)")
            return
        }
        #expect(claims.issuerName == nil)
    }

    @Test(arguments: ["", "not a jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30"])
    func textThatIsNotAJWTIsMalformed(text: String) throws {
        let sample = try VerifierSample()
        guard case .invalid(.malformed, nil) = sample.verifier.verify(text, now: sample.during) else {
            Issue.record("expected malformed for \(text)")
            return
        }
    }

    @Test func aSignedPayloadThatIsNotJSONIsMalformed() throws {
        let sample = try VerifierSample()
        let input = sample.segments[0] + "." + Base64URL.encode(Data("hello".utf8))
        let token = input + "." + Base64URL.encode(try sample.key.rs256Signature(for: Data(input.utf8)))
        #expect(sample.verifier.verify(token, now: sample.during)
            == .invalid(.malformed("the JWT payload is not a JSON object"), claims: nil))
    }

    @Test func olderKeysInTheSetStillVerify() throws {
        let sample = try VerifierSample()
        let newer = try IssuerKey.generate()
        let verifier = CredentialVerifier(keys: JSONWebKeySet(keys: [newer.publicKey, sample.key.publicKey]))
        #expect(verifier.verify(sample.token, now: sample.during).isValid)
    }

    @Test func credentialsNamingTheKeyByURLOrByBareThumbprintBothVerify() throws {
        let sample = try VerifierSample()
        let header = try sample.json(0)
        #expect(header["kid"] as? String == CredentialFixtures.issuer.keyURL(thumbprint: sample.key.keyID))
        let published = CredentialFixtures.issuer.publishedKeySet([sample.key.publicKey])
        var legacyHeader = header
        legacyHeader["kid"] = sample.key.keyID
        let legacy = try VerifierSample.signed(header: legacyHeader, payload: try sample.json(1), by: sample.key)
        for keys in [published, sample.key.keySet] {
            let verifier = CredentialVerifier(keys: keys)
            #expect(verifier.verify(sample.token, now: sample.during).isValid)
            #expect(verifier.verify(legacy, now: sample.during).isValid)
        }
    }
}
