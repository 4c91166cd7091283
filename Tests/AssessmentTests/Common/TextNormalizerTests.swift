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
}
