import Foundation
import Testing
@testable import Assessment

@Suite struct TextNormalizerTests {
    @Test(arguments: [
        ("  Hello   World ", false, "hello world"),
        ("Hello", true, "Hello"),
        ("ＡＢＣ１２３", false, "abc123"),
        ("ＡＢＣ１２３", true, "ABC123"),
        ("网络安全法，第二十一条", false, "网络安全法,第二十一条"),
        ("中华　人民　共和国", false, "中华人民共和国"),
        ("\u{3000}为人民服务\u{3000}", false, "为人民服务"),
        ("（依法行政）", false, "(依法行政)"),
        ("“信息公开”", false, "“信息公开”"),
        ("句号。顿号、", false, "句号。顿号、"),
        ("a\t\n b", false, "a b"),
        ("", false, ""),
        ("第 31 条", false, "第31条"),
        ("第　３１　条", false, "第31条"),
        ("citizen driven", false, "citizen driven"),
        ("通行密钥 passkey", false, "通行密钥passkey"),
        ("《 网络安全法 》", false, "《网络安全法》"),
        ("Art. 31", false, "art. 31"),
    ])
    func normalizes(input: String, caseSensitive: Bool, expected: String) {
        #expect(TextNormalizer.normalize(input, caseSensitive: caseSensitive) == expected)
    }

    @Test(arguments: [
        ("第31条", "31"),
        ("31条", "31"),
        ("第31", "31"),
        ("article 31", "31"),
        ("art. 31", "31"),
        ("art.31", "31"),
        ("artificial", "artificial"),
        ("《网络安全法》", "网络安全法"),
        ("《网络安全法》(2025年修正)", "网络安全法(2025年修正)"),
        ("中华人民共和国网络安全法", "网络安全法"),
        ("《中华人民共和国网络安全法》", "网络安全法"),
        ("第条", "第条"),
        ("一般级", "一般"),
    ])
    func unwraps(text: String, expected: String) {
        let wrappers = [AnswerWrapper(prefix: "第", suffix: "条"), AnswerWrapper(prefix: "Article "), AnswerWrapper(prefix: "Art."),
                        AnswerWrapper(prefix: "《", suffix: "》"), AnswerWrapper(prefix: "中华人民共和国"), AnswerWrapper(suffix: "级")]
        #expect(TextNormalizer.unwrap(text, wrappers: wrappers) == expected)
    }

    @Test func everyScalarOfTheQuickPathIsLeftAsItIsByCompatibilityNormalisation() {
        var checked = 0
        for value in UInt32(0)...0xFFFF where TextNormalizer.isStable(value) {
            let scalar = Unicode.Scalar(value)!
            let text = String(Character(scalar))
            #expect(text.precomposedStringWithCompatibilityMapping == text, "U+\(String(value, radix: 16))")
            #expect(text.unicodeScalars.count == 1 && text.count == 1)
            let lower = (0x41...0x5A).contains(value) ? String(Character(Unicode.Scalar(value | 0x20)!)) : text
            #expect(text.lowercased() == lower, "U+\(String(value, radix: 16))")
            #expect(value < 0x80 || TextNormalizer.isCJK(Character(scalar)))
            checked += 1
        }
        #expect(checked > 27_000)
    }

    @Test func theQuickPathGivesWhatFoundationsNormalisationGives() {
        // Texts mixing every kind of piece: stable ones (ASCII, Han, CJK brackets) and ones that take the full path
        // (full-width forms, the ideographic space, accents, combining marks, Hangul).
        let pieces = ["a", "B", "z", " ", "  ", "\t", "\r\n", "\n", "7", ".", "*", "\\", "第", "条", "网络", "《", "》", "、",
                      "。", "【", "】", "〔", "〕", "Ａ", "１", "\u{3000}", "é", "e\u{301}", "한", "（", "ß", "İ", "ﬁ", "\u{0}", "㐀", "鿿"]
        var generator = SystemRandomNumberGenerator()
        var quick = 0
        for _ in 0..<4_000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            for caseSensitive in [false, true] {
                let full = TextNormalizer.fullNormalize(text, caseSensitive: caseSensitive)
                if let fast = TextNormalizer.quickNormalize(text, caseSensitive: caseSensitive) {
                    #expect(fast == full, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
                    quick += 1
                }
                #expect(TextNormalizer.normalize(text, caseSensitive: caseSensitive) == full)
            }
        }
        #expect(quick > 100)
        #expect(TextNormalizer.quickNormalize("Ａ", caseSensitive: false) == nil)
        #expect(TextNormalizer.quickNormalize("第 31 条 Art  No. 5", caseSensitive: false) == "第31条art no. 5")
    }
}
