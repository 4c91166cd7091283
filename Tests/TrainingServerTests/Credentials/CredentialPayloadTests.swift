import Foundation
import Testing
@testable import TrainingServer

@Suite struct CredentialPayloadTests {
    @Test(arguments: [
        ("zh-Hans", "zh-Hans"), ("zh-hans-cn", "zh-Hans-CN"), ("EN", "en"), ("en-gb", "en-GB"), ("es-419", "es-419"),
    ])
    func languageTagsAreNormalisedToTheSchemaCase(input: String, expected: String) {
        #expect(CredentialPayload.languageTag(input) == expected)
    }

    @Test(arguments: ["", "e", "english-language", "zh-Hans-CN-x", "zh_CN", "中文", "zh-12"])
    func languageTagsTheSchemaRejectsAreDropped(input: String) {
        #expect(CredentialPayload.languageTag(input) == nil)
    }

    @Test func encodingSortsKeysAndKeepsSlashesAndChineseReadable() {
        struct Sample: Encodable { var b = "https://a.example/x"; var a = "学院" }
        #expect(String(decoding: CredentialPayload.encode(Sample()), as: UTF8.self)
            == #"{"a":"学院","b":"https://a.example/x"}"#)
    }
}
