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
}
