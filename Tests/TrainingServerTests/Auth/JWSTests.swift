import Crypto
import _CryptoExtras
import Foundation
import Testing
@testable import TrainingServer

/// Signs test tokens with keys made by swift-crypto, and publishes their JWKs.
struct TestSigner {
    enum Key {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    let kid: String
    let key: Key

    static let rsaKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func rsa(kid: String = "rsa-1") -> TestSigner { TestSigner(kid: kid, key: .rsa(rsaKey)) }
    static func freshRSA(kid: String) throws -> TestSigner { TestSigner(kid: kid, key: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))) }
    static func p256(kid: String = "ec-1") -> TestSigner { TestSigner(kid: kid, key: .p256(P256.Signing.PrivateKey())) }

    var algorithm: String {
        switch key {
        case .rsa: "RS256"
        case .p256: "ES256"
        }
    }

    var jwk: JSONWebKey {
        switch key {
        case .rsa(let privateKey): JSONWebKey(id: kid, algorithm: nil, material: .rsa(privateKey.publicKey))
        case .p256(let privateKey): JSONWebKey(id: kid, algorithm: nil, material: .p256(privateKey.publicKey))
        }
    }

    /// The public key as a JWKS entry (JSON), as a provider publishes it.
    var jwkJSON: String {
        switch key {
        case .rsa(let privateKey):
            let primitives = try! privateKey.publicKey.getKeyPrimitives()
            return #"{"kty":"RSA","kid":"\#(kid)","use":"sig","n":"\#(Base64URL.encode(primitives.modulus))","e":"\#(Base64URL.encode(primitives.publicExponent))"}"#
        case .p256(let privateKey):
            let point = [UInt8](privateKey.publicKey.x963Representation)
            return #"{"kty":"EC","crv":"P-256","kid":"\#(kid)","x":"\#(Base64URL.encode(point[1...32]))","y":"\#(Base64URL.encode(point[33...64]))"}"#
        }
    }

    func sign(_ payload: String, header: String? = nil) throws -> String {
        let head = Base64URL.encode(Array((header ?? #"{"alg":"\#(algorithm)","kid":"\#(kid)","typ":"JWT"}"#).utf8))
        let input = head + "." + Base64URL.encode(Array(payload.utf8))
        let signature: [UInt8]
        switch key {
        case .rsa(let privateKey):
            signature = [UInt8](try privateKey.signature(for: Array(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .p256(let privateKey):
            signature = [UInt8](try privateKey.signature(for: Array(input.utf8)).rawRepresentation)
        }
        return input + "." + Base64URL.encode(signature)
    }
}

/// A key set and two ID tokens made once with PyJWT 2.10.1 (Python `cryptography`), an independent implementation:
/// issuer https://sso.example.gov, audience "training", nonce "n-0S6_WzA2Mj", iat 1800000000, exp 1900000000.
enum PyJWTVectors {
    static let jwks = #"{"keys": [{"kty": "RSA", "key_ops": ["verify"], "n": "nP4F1DJp-_qv-KuLUYS9HbmSBvbcGSfdEobAV5CWMP_BohwOb3kan_BP2pL1h8iPgnLHhv-W4WjnWslTn_gNk7AWiIM66jGpS73HUEu-VCv33GV4JzMx0tDmb1pih2i8f8Q3MRLfs-AvNRp7O0LpNi_SF8yUYjL3q5Uhb26Lr6AjEjEL8EOqEYSorUlrwRQg2GAHRlzwUdgR0J7YYFKCNsGWw5Q8BMRz8plB7WxNWRlewaU2zzp85uejlPlDQGJFbht4ztpitL3AdMUc53NcaKtZVj3lIJeqt1Z2OYUj7ipv3Yh4jmQNbvGhR2rEaoH6nmQOTDdLvfbxicUcMPGIyQ", "e": "AQAB", "kid": "pyjwt-rsa", "use": "sig", "alg": "RS256"}, {"kty": "EC", "crv": "P-256", "x": "4Mj686R8HVX8H8PG1Bje1Jc9sj7gZmhsH_oRqXijgqY", "y": "JW5i1Ku5D-mu2hVqORYStnK-wbI4Scnyf4ATiKLZSpc", "kid": "pyjwt-ec", "use": "sig"}]}"#
    static let rs256 = "eyJhbGciOiJSUzI1NiIsImtpZCI6InB5and0LXJzYSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL3Nzby5leGFtcGxlLmdvdiIsInN1YiI6InpoYW5nd2VpIiwiYXVkIjoidHJhaW5pbmciLCJleHAiOjE5MDAwMDAwMDAsImlhdCI6MTgwMDAwMDAwMCwibm9uY2UiOiJuLTBTNl9XekEyTWoiLCJwcmVmZXJyZWRfdXNlcm5hbWUiOiJ6aGFuZ3dlaSIsIm5hbWUiOiJcdTVmMjBcdTRmMWYiLCJkZXBhcnRtZW50IjoiXHU3NzAxXHU0ZWJhXHU2YzExXHU2NTNmXHU1ZTljL1x1NzcwMVx1NjU3MFx1NjM2ZVx1NWM0MC9cdTdlZmNcdTU0MDhcdTU5MDQifQ.EGtXdlC-XBsbf3vJ8-OMUyZwt5nj5h2y05K2eEvxJLfxqbP8KfPcaBIIDDQHjNiJsuOjGADWG7qpFdbdlS2kgLW1cHTXjGh00wCc-bakIn_fIokZKRdhYpLT7clwRSXvGiMlLT4erGHd1j_EikdbzwX0FM4o6MSR-pkYs8_gSg4f2vL4dNlk4Ao-AX98eSbADs9rY5-b6XKqQ_-_uvPhldDIlwxzCbV1as4HyUvQUKmFfz5e5i7Bya_rgTgo0d_ER2tUh26eMldV2B0HJxAqmQNay5aOYS4Fk0X4eF7rNSRjcUCopnNH6bs6_y7M_bA-nN7k199JFgwdvj8bXXAoyQ"
    static let es256 = "eyJhbGciOiJFUzI1NiIsImtpZCI6InB5and0LWVjIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL3Nzby5leGFtcGxlLmdvdiIsInN1YiI6InpoYW5nd2VpIiwiYXVkIjoidHJhaW5pbmciLCJleHAiOjE5MDAwMDAwMDAsImlhdCI6MTgwMDAwMDAwMCwibm9uY2UiOiJuLTBTNl9XekEyTWoiLCJwcmVmZXJyZWRfdXNlcm5hbWUiOiJ6aGFuZ3dlaSIsIm5hbWUiOiJcdTVmMjBcdTRmMWYiLCJkZXBhcnRtZW50IjoiXHU3NzAxXHU0ZWJhXHU2YzExXHU2NTNmXHU1ZTljL1x1NzcwMVx1NjU3MFx1NjM2ZVx1NWM0MC9cdTdlZmNcdTU0MDhcdTU5MDQifQ.g3AvOHCU2MrW-qriZ8Hidfg79ZRK0n8_7fN2If2vT2lTmAiu0mcfD9NuOseNdZMk7xJnDVX1526EmCbaEvYCew"
}

@Suite struct JWSTests {
    @Test func keySetsFromPyJWTVerifyItsRS256AndES256Tokens() throws {
        let keys = try JSONWebKey.set(from: Array(PyJWTVectors.jwks.utf8))
        #expect(keys.map(\.id) == ["pyjwt-rsa", "pyjwt-ec"])
        for token in [PyJWTVectors.rs256, PyJWTVectors.es256] {
            let jws = try JWS(compact: token)
            try jws.verify(keys: keys)
            let claims = try OIDCClaims(json: jws.payload)
            #expect(claims.text("name") == "张伟")
            #expect(claims.text("department") == "省人民政府/省数据局/综合处")
        }
        #expect(try JWS(compact: PyJWTVectors.es256).algorithm == .es256)
    }

    @Test func aChangedPayloadOrSignatureDoesNotVerify() throws {
        let keys = try JSONWebKey.set(from: Array(PyJWTVectors.jwks.utf8))
        for token in [PyJWTVectors.rs256, PyJWTVectors.es256] {
            var parts = token.split(separator: ".").map(String.init)
            var payload = Base64URL.decode(parts[1])!
            payload[payload.firstIndex(of: UInt8(ascii: "z"))!] = UInt8(ascii: "y")  // "zhangwei" → "yhangwei"
            parts[1] = Base64URL.encode(payload)
            #expect(throws: JWSError.badSignature) { try JWS(compact: parts.joined(separator: ".")).verify(keys: keys) }
            var signature = Base64URL.decode(token.split(separator: ".")[2])!
            signature[10] ^= 1
            let flipped = token.split(separator: ".").prefix(2).joined(separator: ".") + "." + Base64URL.encode(signature)
            #expect(throws: JWSError.badSignature) { try JWS(compact: flipped).verify(keys: keys) }
        }
    }

    @Test func keysMadeBySwiftCryptoVerifyTheirOwnSignaturesThroughTheirJWKs() throws {
        for signer in [TestSigner.rsa(), TestSigner.p256()] {
            let keys = try JSONWebKey.set(from: Array(#"{"keys":[\#(signer.jwkJSON)]}"#.utf8))
            #expect(keys.count == 1)
            try JWS(compact: try signer.sign(#"{"sub":"x"}"#)).verify(keys: keys)
        }
    }

    @Test func noneAndHMACAreRefusedWhateverTheSignature() throws {
        let rsa = TestSigner.rsa()
        let payload = Base64URL.encode(Array(#"{"sub":"x"}"#.utf8))
        let none = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + payload + "."
        #expect(throws: JWSError.unsupportedAlgorithm("none")) { try JWS(compact: none) }
        // The classic confusion attack: an HMAC keyed with the provider's public key (which anyone can fetch).
        let head = Base64URL.encode(Array(#"{"alg":"HS256","kid":"rsa-1"}"#.utf8))
        let secret = SymmetricKey(data: Array(TestSigner.rsaKey.publicKey.pemRepresentation.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array((head + "." + payload).utf8), using: secret)
        let forged = head + "." + payload + "." + Base64URL.encode(Array(mac))
        #expect(throws: JWSError.unsupportedAlgorithm("HS256")) { try JWS(compact: forged).verify(keys: [rsa.jwk]) }
        #expect(throws: JWSError.unsupportedAlgorithm("RS512")) {
            try JWS(compact: Base64URL.encode(Array(#"{"alg":"RS512"}"#.utf8)) + "." + payload + ".AAAA")
        }
    }

    @Test func theKeyMustBeNamedKnownAndOfTheTokensAlgorithm() throws {
        let rsa = TestSigner.rsa()
        let ec = TestSigner.p256()
        let token = try rsa.sign(#"{"sub":"x"}"#)
        #expect(throws: JWSError.unknownKey("rsa-1")) { try JWS(compact: token).verify(keys: [ec.jwk]) }
        // An ES256 header naming the RSA key.
        let confused = try ec.sign(#"{"sub":"x"}"#, header: #"{"alg":"ES256","kid":"rsa-1"}"#)
        #expect(throws: JWSError.keyMismatch("key rsa-1 is not for ES256")) { try JWS(compact: confused).verify(keys: [rsa.jwk, ec.jwk]) }
        // A key restricted to another algorithm by the set.
        var restricted = rsa.jwk
        restricted.algorithm = "PS256"
        #expect(throws: JWSError.keyMismatch("key rsa-1 is not for RS256")) { try JWS(compact: token).verify(keys: [restricted]) }
        // Without a kid, any key that fits is tried.
        let anonymous = try rsa.sign(#"{"sub":"x"}"#, header: #"{"alg":"RS256"}"#)
        try JWS(compact: anonymous).verify(keys: [ec.jwk, rsa.jwk])
        #expect(throws: JWSError.unknownKey(nil)) { try JWS(compact: anonymous).verify(keys: [ec.jwk]) }
    }

    @Test func malformedTokensAndCriticalHeadersAreRefused() throws {
        #expect(throws: JWSError.malformed("a JWS has three parts")) { try JWS(compact: "a.b") }
        #expect(throws: JWSError.malformed("a part is not base64url")) { try JWS(compact: "a=.b.c") }
        let crit = try TestSigner.rsa().sign("{}", header: #"{"alg":"RS256","kid":"rsa-1","crit":["exp"]}"#)
        #expect(throws: JWSError.self) { try JWS(compact: crit) }
    }

    @Test func keySetsLeaveOutKeysThatCannotSign() throws {
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: _RSA.Signing.KeySize(bitCount: 1024)).publicKey.getKeyPrimitives()
        let json = #"""
        {"keys":[{"kty":"RSA","kid":"small","n":"\#(Base64URL.encode(small.modulus))","e":"AQAB"},
                 {"kty":"oct","kid":"hmac","k":"c2VjcmV0"},
                 {"kty":"EC","crv":"P-384","kid":"p384","x":"AA","y":"AA"},
                 {"kty":"RSA","kid":"enc","use":"enc","n":"AA","e":"AQAB"},
                 \#(TestSigner.p256(kid: "good").jwkJSON)]}
        """#
        #expect(try JSONWebKey.set(from: Array(json.utf8)).map(\.id) == ["good"])
        #expect(throws: JWSError.self) { try JSONWebKey.set(from: Array("[]".utf8)) }
    }
}
