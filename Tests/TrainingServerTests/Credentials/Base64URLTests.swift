import Foundation
import Testing
@testable import TrainingServer

@Suite struct Base64URLTests {
    @Test func base64URLUsesTheURLSafeAlphabetWithoutPadding() {
        #expect(Base64URL.encode(Data([0xFB, 0xFF, 0xBF])) == "-_-_")
        #expect(Base64URL.encode(Data("ab".utf8)) == "YWI")
        #expect(Base64URL.encode(Data()) == "")
    }

    @Test func base64URLRoundTripsEveryLength() {
        for length in 0..<40 {
            let bytes = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test func base64URLRejectsNonCanonicalSpellings() {
        #expect(Base64URL.decode("YWI=") == nil, "padding")
        #expect(Base64URL.decode("YW+I") == nil, "standard alphabet")
        #expect(Base64URL.decode("YW I") == nil, "whitespace")
        #expect(Base64URL.decode("Y") == nil, "impossible length")
        #expect(Base64URL.decode("YWJ") == nil, "non-zero unused bits")
        #expect(Base64URL.decode("YWI") == Data("ab".utf8))
    }

    @Test func encodingAndDecodingAgreeWithFoundationsBase64() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let standard = bytes.base64EncodedString()
            let expected = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(expected) == bytes)
            // Every other spelling of the last character (non-zero unused bits) is refused.
            if length % 3 != 0, let last = expected.last {
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                for other in alphabet where other != last {
                    let spelling = String(expected.dropLast()) + String(other)
                    let decoded = Base64URL.decode(spelling)
                    #expect(decoded == nil || Base64URL.encode(decoded!) == spelling)
                }
            }
        }
        #expect(Base64URL.decode("YWI\u{e9}") == nil)
        #expect(Base64URL.decode("YW.I") == nil)
    }
}
