import Foundation
import Testing
@testable import TrainingServer

@Suite struct IssuerProfileTests {
    @Test func addressesDeriveFromTheBaseURL() {
        let profile = IssuerProfile(baseURL: "https://academy.example.gov.cn//", name: "学院")
        #expect(profile.baseURL == "https://academy.example.gov.cn")
        #expect(profile.id == "https://academy.example.gov.cn/issuer")
        #expect(profile.keySetURL == "https://academy.example.gov.cn/.well-known/jwks.json")
        #expect(profile.verificationURL(certificateID: "abc_-9") == "https://academy.example.gov.cn/verify/abc_-9")
        #expect(profile.statusURL(certificateID: "abc") == "https://academy.example.gov.cn/api/v1/credentials/status/abc")
        #expect(profile.programURL(programID: "infosec") == "https://academy.example.gov.cn/programs/infosec")
    }

    @Test func pathSegmentsArePercentEncoded() {
        let profile = IssuerProfile(baseURL: "https://a.example", name: "A")
        #expect(profile.verificationURL(certificateID: "a/b?c#d") == "https://a.example/verify/a%2Fb%3Fc%23d")
        #expect(profile.programURL(programID: "安全") == "https://a.example/programs/%E5%AE%89%E5%85%A8")
    }

    @Test func certificateIDsAreReadBackFromCredentialIDs() {
        let profile = IssuerProfile(baseURL: "https://a.example", name: "A")
        for id in ["c5Jt0q8Z", "a/b?c#d", "证书"] {
            #expect(profile.certificateID(fromCredentialID: profile.verificationURL(certificateID: id)) == id)
        }
        #expect(profile.certificateID(fromCredentialID: "https://b.example/verify/x") == nil)
        #expect(profile.certificateID(fromCredentialID: "https://a.example/verify/") == nil)
        #expect(profile.certificateID(fromCredentialID: "https://a.example/verify/x/y") == nil)
    }

    @Test func profileDocumentIsAnOpenBadgesProfile() throws {
        let profile = IssuerProfile(baseURL: "https://a.example", name: "省公务员学院", email: "badges@a.example")
        let json = try #require(try JSONSerialization.jsonObject(with: profile.documentJSON()) as? [String: Any])
        #expect(json["@context"] as? [String] == CredentialPayload.contexts)
        #expect(json["id"] as? String == "https://a.example/issuer")
        #expect(json["type"] as? [String] == ["Profile"])
        #expect(json["name"] as? String == "省公务员学院")
        #expect(json["url"] as? String == "https://a.example/")
        #expect(json["email"] as? String == "badges@a.example")
    }

    @Test func eachKeyHasAURLUnderTheWellKnownKeySet() {
        let profile = IssuerProfile(baseURL: "https://a.example/", name: "x")
        #expect(profile.keyURL(thumbprint: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
            == "https://a.example/.well-known/jwks/NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test func thePublishedKeySetNamesEachKeyByURLAndByThumbprint() throws {
        let profile = IssuerProfile(baseURL: "https://a.example", name: "x")
        let key = try CredentialFixtures.issuerKey().publicKey
        let set = profile.publishedKeySet([key, key])
        #expect(set.keys.map(\.keyID) == [profile.keyURL(thumbprint: key.thumbprint), key.thumbprint])
        #expect(set.keys.allSatisfy { $0.thumbprint == key.thumbprint })
    }

    @Test func theProfileDocumentLinksTheKeySet() throws {
        let profile = IssuerProfile(baseURL: "https://a.example", name: "x")
        let json = try #require(try JSONSerialization.jsonObject(with: profile.documentJSON()) as? [String: Any])
        #expect(json["jwks_uri"] as? String == "https://a.example/.well-known/jwks.json")
        #expect(json["verificationMethod"] == nil)
    }
}
