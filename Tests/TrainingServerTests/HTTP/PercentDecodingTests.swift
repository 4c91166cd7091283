import Testing
@testable import TrainingServer

@Suite struct PercentDecodingTests {
    private func decode(_ text: String, plusAsSpace: Bool = false, allowNUL: Bool = false) throws(PercentDecoding.Failure) -> String {
        try PercentDecoding.decode(Substring(text), plusAsSpace: plusAsSpace, allowNUL: allowNUL)
    }

    @Test func decodesEscapesInEitherCaseAndLeavesOtherTextAlone() throws {
        #expect(try decode("/a%20b/%2f%2F") == "/a b///")
        #expect(try decode("%E6%B5%8B%e8%af%95") == "测试")
        #expect(try decode("已是文字") == "已是文字")
        #expect(try decode("") == "")
    }

    @Test(arguments: ["%", "%4", "abc%", "%zz", "%g0", "%0g", "%%41", "% 41", "%-1"])
    func refusesEscapesThatAreNotTwoHexDigits(_ text: String) {
        #expect(throws: PercentDecoding.Failure.badEscape) { try decode(text) }
    }

    @Test(arguments: [
        "%C0%AF",          // overlong "/"
        "%E0%80%AF",       // overlong "/" in three bytes
        "%ED%A0%80",       // UTF-16 surrogate D800
        "%ED%BF%BF",       // surrogate DFFF
        "%FF", "%80", "%C3", "a%C3%28",
        "%F4%90%80%80",    // above U+10FFFF
    ])
    func refusesInvalidUTF8(_ text: String) {
        #expect(throws: PercentDecoding.Failure.invalidUTF8) { try decode(text) }
    }

    @Test func refusesNULUnlessAllowed() throws {
        #expect(throws: PercentDecoding.Failure.nulByte) { try decode("a%00b") }
        #expect(throws: PercentDecoding.Failure.nulByte) { try decode("%00", plusAsSpace: true) }
        #expect(try decode("a%00b", allowNUL: true) == "a\u{0}b")
        #expect(throws: PercentDecoding.Failure.nulByte) { try decode("a\u{0}b") }
        #expect(try decode("a\u{0}b", allowNUL: true) == "a\u{0}b")
    }

    @Test func plusIsASpaceOnlyInFormEncoding() throws {
        #expect(try decode("a+b", plusAsSpace: true) == "a b")
        #expect(try decode("a+b", plusAsSpace: false) == "a+b")
        #expect(try decode("a%2Bb", plusAsSpace: true) == "a+b")
    }

    @Test func encodeKeepsUnreservedCharactersAndRoundTrips() throws {
        #expect(PercentDecoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentDecoding.encode("/login?next=/a b&c") == "%2Flogin%3Fnext%3D%2Fa%20b%26c")
        #expect(PercentDecoding.encode("测") == "%E6%B5%8B")
        for text in ["a+b c", "测试/路径?x=1&y=%", "\"<'>\"", "line\nbreak"] {
            #expect(try decode(PercentDecoding.encode(text), plusAsSpace: true) == text)
        }
    }
}
