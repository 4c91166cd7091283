import Foundation
import Testing
@testable import TrainingServer

@Suite struct CompactJWSTests {
    @Test func compactJWSSplitsAndDecodesThreeSegments() throws {
        let jws = try #require(CompactJWS(parsing: "eyJhIjoxfQ.eyJiIjoyfQ.AQID"))
        #expect(jws.header == Data(#"{"a":1}"#.utf8))
        #expect(jws.payload == Data(#"{"b":2}"#.utf8))
        #expect(jws.signature == Data([1, 2, 3]))
        #expect(jws.signingInput == Data("eyJhIjoxfQ.eyJiIjoyfQ".utf8))
    }

    @Test func anUnsecuredTokenParsesWithAnEmptySignature() throws {
        let jws = try #require(CompactJWS(parsing: "eyJhIjoxfQ.eyJiIjoyfQ."))
        #expect(jws.signature.isEmpty)
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "eyJhIjoxfQ.eyJiIjoyfQ.AQ=D", "eyJhIjoxfQ..AQID+", "e yJ.eyJ.AQID"])
    func tokensThatAreNotCompactJWSAreRejected(token: String) {
        #expect(CompactJWS(parsing: token) == nil)
    }

    @Test func oversizedTokensAreRejected() {
        let huge = String(repeating: "A", count: CompactJWS.maximumLength) + ".AA.AA"
        #expect(CompactJWS(parsing: huge) == nil)
    }

    @Test func signingProducesAHeaderNamingTheKeyAndCarryingOnlyThePublicJWK() throws {
        let key = try CredentialFixtures.issuerKey()
        let keyURL = "https://a.example/.well-known/jwks/" + key.keyID
        let token = try CompactJWS.sign(payload: Data(#"{"x":1}"#.utf8), with: key, keyID: keyURL)
        let jws = try #require(CompactJWS(parsing: token))
        let header = try #require(try JSONSerialization.jsonObject(with: jws.header) as? [String: Any])
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == keyURL)
        #expect(header["jwk"] as? [String: String] == ["kty": "RSA", "n": key.publicKey.modulus, "e": "AQAB"])
        #expect(Set(header.keys) == ["alg", "typ", "kid", "jwk"])
        #expect(jws.payload == Data(#"{"x":1}"#.utf8))
        #expect(jws.signature.count == 384, "RSA 3072 signatures are 384 bytes")
        #expect(key.publicKey.isValidRS256Signature(jws.signature, for: jws.signingInput))
    }
}
