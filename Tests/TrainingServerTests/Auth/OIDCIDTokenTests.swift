import Foundation
import Testing
@testable import TrainingServer

@Suite struct OIDCIDTokenTests {
    static let issuer = "https://sso.example.gov"
    static let now = 1_800_000_100.0
    let validator = IDTokenValidator(issuer: issuer, clientID: "training")

    /// ID token claims as JSON, with the given fields replaced (nil: left out).
    static func claims(_ changes: [String: String?] = [:]) -> String {
        var fields: [String: String] = ["iss": #""\#(issuer)""#, "sub": #""zhangwei""#, "aud": #""training""#,
                                        "exp": String(Int(now) + 300), "iat": String(Int(now) - 5), "nonce": #""n-1""#,
                                        "preferred_username": #""zhangwei""#]
        for (name, value) in changes { fields[name] = value }
        return "{" + fields.sorted { $0.key < $1.key }.map { #""\#($0.key)":\#($0.value)"# }.joined(separator: ",") + "}"
    }

    func validate(_ token: String, keys: [JSONWebKey], nonce: String = "n-1", now: Double = now) throws(IDTokenError) -> OIDCClaims {
        try validator.validate(token, keys: keys, nonce: nonce, now: now)
    }

    @Test func rs256AndES256TokensFromSwiftCryptoKeysAreAccepted() throws {
        let signers = [TestSigner.rsa(), TestSigner.p256()]
        for signer in signers {
            let claims = try validate(try signer.sign(Self.claims()), keys: signers.map(\.jwk))
            #expect(claims.text("sub") == "zhangwei")
            #expect(claims.text("preferred_username") == "zhangwei")
        }
    }

    @Test func pyJWTTokensAreAcceptedAsIDTokens() throws {
        let keys = try JSONWebKey.set(from: Array(PyJWTVectors.jwks.utf8))
        for token in [PyJWTVectors.rs256, PyJWTVectors.es256] {
            let claims = try validate(token, keys: keys, nonce: "n-0S6_WzA2Mj")
            #expect(claims.text("name") == "张伟")
            #expect(throws: IDTokenError.wrongNonce) { try validate(token, keys: keys, nonce: "n-other") }
            #expect(throws: IDTokenError.expired(1_900_000_000)) { try validate(token, keys: keys, nonce: "n-0S6_WzA2Mj", now: 1_900_000_061) }
        }
    }

    @Test func anotherAudienceIsRefused() throws {
        let signer = TestSigner.rsa()
        #expect(throws: IDTokenError.wrongAudience(["other-app"])) {
            try validate(try signer.sign(Self.claims(["aud": #""other-app""#])), keys: [signer.jwk])
        }
        #expect(throws: IDTokenError.wrongAudience([])) { try validate(try signer.sign(Self.claims(["aud": nil])), keys: [signer.jwk]) }
        // Several audiences: the authorised party must be this client.
        let several = Self.claims(["aud": #"["training","other-app"]"#])
        #expect(throws: IDTokenError.wrongAuthorizedParty(nil)) { try validate(try signer.sign(several), keys: [signer.jwk]) }
        let otherParty = Self.claims(["aud": #"["training","other-app"]"#, "azp": #""other-app""#])
        #expect(throws: IDTokenError.wrongAuthorizedParty("other-app")) { try validate(try signer.sign(otherParty), keys: [signer.jwk]) }
        let thisParty = Self.claims(["aud": #"["training","other-app"]"#, "azp": #""training""#])
        #expect(try validate(try signer.sign(thisParty), keys: [signer.jwk]).audience == ["training", "other-app"])
    }

    @Test func expiryAllowsSixtySecondsOfSkewAndNoMore() throws {
        let signer = TestSigner.p256()
        let token = try signer.sign(Self.claims(["exp": String(Int(Self.now))]))
        _ = try validate(token, keys: [signer.jwk], now: Self.now + 59)
        #expect(throws: IDTokenError.expired(Self.now)) { try validate(token, keys: [signer.jwk], now: Self.now + 60) }
        #expect(throws: IDTokenError.malformed("no expiry (exp)")) { try validate(try signer.sign(Self.claims(["exp": nil])), keys: [signer.jwk]) }
    }

    @Test func issueTimeMustBeSane() throws {
        let signer = TestSigner.rsa()
        let future = try signer.sign(Self.claims(["iat": String(Int(Self.now) + 120)]))
        #expect(throws: IDTokenError.issuedInTheFuture) { try validate(future, keys: [signer.jwk]) }
        _ = try validate(try signer.sign(Self.claims(["iat": String(Int(Self.now) + 30)])), keys: [signer.jwk])
        #expect(throws: IDTokenError.malformed("no issue time (iat)")) { try validate(try signer.sign(Self.claims(["iat": nil])), keys: [signer.jwk]) }
        let ancient = try signer.sign(Self.claims(["iat": String(Int(Self.now) - 3 * 86_400), "exp": String(Int(Self.now) + 86_400)]))
        #expect(throws: IDTokenError.self) { try validate(ancient, keys: [signer.jwk]) }
        let notYet = try signer.sign(Self.claims(["nbf": String(Int(Self.now) + 600)]))
        #expect(throws: IDTokenError.notYetValid) { try validate(notYet, keys: [signer.jwk]) }
    }

    @Test func aBadSignatureIsRefused() throws {
        // Same kid, another key: what a forger without the provider's key can do.
        let forger = try TestSigner.freshRSA(kid: "rsa-1")
        #expect(throws: IDTokenError.signature(.badSignature)) { try validate(try forger.sign(Self.claims()), keys: [TestSigner.rsa().jwk]) }
        let ecForger = TestSigner.p256(kid: "ec-1")
        let ec = TestSigner.p256(kid: "ec-1")
        #expect(throws: IDTokenError.signature(.badSignature)) { try validate(try ecForger.sign(Self.claims()), keys: [ec.jwk]) }
    }

    @Test func algNoneAndHS256AreRefused() throws {
        let payload = Base64URL.encode(Array(Self.claims().utf8))
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + payload + "."
        #expect(throws: IDTokenError.signature(.unsupportedAlgorithm("none"))) { try validate(none, keys: [TestSigner.rsa().jwk]) }
        let hs = Base64URL.encode(Array(#"{"alg":"HS256","kid":"rsa-1"}"#.utf8)) + "." + payload + ".c2lnbmF0dXJl"
        #expect(throws: IDTokenError.signature(.unsupportedAlgorithm("HS256"))) { try validate(hs, keys: [TestSigner.rsa().jwk]) }
    }

    @Test func anUnknownKeyIsRefused() throws {
        let token = try TestSigner.rsa(kid: "rotated-2").sign(Self.claims())
        #expect(throws: IDTokenError.signature(.unknownKey("rotated-2"))) { try validate(token, keys: [TestSigner.rsa().jwk]) }
    }

    @Test func anotherIssuerIsRefused() throws {
        let signer = TestSigner.rsa()
        let token = try signer.sign(Self.claims(["iss": #""https://evil.example""#]))
        #expect(throws: IDTokenError.wrongIssuer("https://evil.example")) { try validate(token, keys: [signer.jwk]) }
        let slash = try signer.sign(Self.claims(["iss": #""https://sso.example.gov/""#]))
        #expect(throws: IDTokenError.wrongIssuer("https://sso.example.gov/")) { try validate(slash, keys: [signer.jwk]) }
    }

    @Test func aWrongOrMissingNonceIsRefused() throws {
        let signer = TestSigner.p256()
        #expect(throws: IDTokenError.wrongNonce) { try validate(try signer.sign(Self.claims()), keys: [signer.jwk], nonce: "n-2") }
        #expect(throws: IDTokenError.wrongNonce) { try validate(try signer.sign(Self.claims(["nonce": nil])), keys: [signer.jwk]) }
        #expect(throws: IDTokenError.noSubject) { try validate(try signer.sign(Self.claims(["sub": nil])), keys: [signer.jwk]) }
    }

    @Test func claimsReadNumbersArraysAndTextAlike() throws {
        let claims = try OIDCClaims(json: Array(#"{"n":100001,"a":["x","y"],"s":" 张伟 ","e":"","b":true,"o":{"k":1}}"#.utf8))
        #expect(claims.text("n") == "100001")
        #expect(claims.text("a") == "x")
        #expect(claims.text("s") == "张伟")
        #expect(claims.text("e") == nil)
        #expect(claims.text("o") == nil)
        #expect(claims.text("missing") == nil)
        #expect(throws: IDTokenError.self) { try OIDCClaims(json: Array("[1]".utf8)) }
    }

    @Test func thePKCEChallengeIsRFC7636sExample() {
        // RFC 7636 Appendix B.
        #expect(OIDCProvider.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }
}
