import Foundation
import Testing
@testable import TrainingServer

/// RFC 7638 §3.1: the example RSA key and its thumbprint.
private let rfc7638Modulus = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"

@Suite struct IssuerPublicKeyTests {
    @Test func thumbprintMatchesRFC7638() throws {
        let key = try IssuerPublicKey(modulus: rfc7638Modulus, exponent: "AQAB")
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(key.keyID == key.thumbprint)
        #expect(key.bitCount == 2048)
    }

    @Test func aKeySetMayNameTheKeyDifferently() throws {
        let key = try IssuerPublicKey(modulus: rfc7638Modulus, exponent: "AQAB", keyID: "2011-04-29")
        #expect(key.keyID == "2011-04-29")
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test func jwkHoldsOnlyPublicMembers() throws {
        let key = try CredentialFixtures.issuerKey().publicKey
        #expect(key.jwk == ["kty": "RSA", "n": key.modulus, "e": "AQAB", "kid": key.keyID, "alg": "RS256", "use": "sig"])
    }

    @Test func pemRoundTripKeepsThePublicKey() throws {
        let key = try CredentialFixtures.issuerKey().publicKey
        #expect(key.pemRepresentation.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(try IssuerPublicKey(pemRepresentation: key.pemRepresentation) == key)
    }

    @Test func keysShorterThan2048BitsAreRefused() {
        let short = String(rfc7638Modulus.prefix(171))  // 1024 bits
        #expect(throws: IssuerKeyError.self) { try IssuerPublicKey(modulus: short, exponent: "AQAB") }
    }

    @Test func membersMustBeCanonicalBase64URL() {
        #expect(throws: IssuerKeyError.self) { try IssuerPublicKey(modulus: rfc7638Modulus + "=", exponent: "AQAB") }
        #expect(throws: IssuerKeyError.self) { try IssuerPublicKey(modulus: rfc7638Modulus, exponent: "") }
    }
}
