import Foundation
import Testing
@testable import TrainingServer

@Suite struct JSONWebKeySetTests {
    @Test func keySetRoundTrips() throws {
        let key = try CredentialFixtures.issuerKey()
        let document = key.keySet.jsonData()
        let json = try #require(try JSONSerialization.jsonObject(with: document) as? [String: [[String: String]]])
        #expect(json["keys"]?.count == 1)
        #expect(json["keys"]?.first?["kid"] == key.keyID)
        #expect(json["keys"]?.first?["d"] == nil)
        #expect(try JSONWebKeySet(jsonData: document) == key.keySet)
        #expect(try JSONWebKeySet(jsonData: document).key(withID: key.keyID) == key.publicKey)
        #expect(key.keySet.key(withID: "someone-else") == nil)
    }

    @Test func keysThatCannotVerifyRS256AreSkipped() throws {
        let key = try CredentialFixtures.issuerKey().publicKey
        let document = """
        {"keys":[
          {"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"ec"},
          {"kty":"RSA","use":"enc","n":"\(key.modulus)","e":"AQAB","kid":"enc"},
          {"kty":"RSA","alg":"PS256","n":"\(key.modulus)","e":"AQAB","kid":"pss"},
          {"kty":"RSA","n":"\(key.modulus)","e":"AQAB","kid":"sig"}
        ]}
        """
        let set = try JSONWebKeySet(jsonData: Data(document.utf8))
        #expect(set.keys.map(\.keyID) == ["sig"])
    }

    @Test(arguments: [#"[]"#, #"{"keys":[]}"#, #"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#, "not json"])
    func keySetsWithoutAUsableKeyAreErrors(document: String) {
        #expect(throws: IssuerKeyError.self) { try JSONWebKeySet(jsonData: Data(document.utf8)) }
    }

    @Test func aKeyIsFoundByItsURLOrByItsBareThumbprintWhicheverFormTheSetUses() throws {
        let key = try CredentialFixtures.issuerKey().publicKey
        let url = "https://academy.example/.well-known/jwks/" + key.thumbprint
        let byThumbprint = JSONWebKeySet(keys: [key])
        let byURL = JSONWebKeySet(keys: [key.named(url)])
        #expect(byThumbprint.key(withID: url)?.thumbprint == key.thumbprint)
        #expect(byURL.key(withID: key.thumbprint)?.thumbprint == key.thumbprint)
        #expect(byURL.key(withID: url)?.keyID == url)
        #expect(byThumbprint.key(withID: "https://academy.example/.well-known/jwks/other") == nil)
        #expect(byThumbprint.key(withID: key.thumbprint + "x") == nil)
        let renamed = JSONWebKeySet(keys: [key.named("not-" + url), key.named("not-" + key.thumbprint)])
        #expect(renamed.key(withID: url) == nil, "a key published under another name is not the one the kid names")
        #expect(renamed.key(withID: key.thumbprint) == nil)
    }
}
