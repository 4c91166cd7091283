import Testing
@testable import Assessment

@Suite struct TextNormalizerTests {
    @Test(arguments: [
        ("  Hello   World ", false, "hello world"),
        ("Hello", true, "Hello"),
        ("ＡＢＣ１２３", false, "abc123"),
        ("ＡＢＣ１２３", true, "ABC123"),
        ("网络安全法，第二十一条", false, "网络安全法,第二十一条"),
        ("中华　人民　共和国", false, "中华 人民 共和国"),
        ("\u{3000}为人民服务\u{3000}", false, "为人民服务"),
        ("（依法行政）", false, "(依法行政)"),
        ("“信息公开”", false, "“信息公开”"),
        ("句号。顿号、", false, "句号。顿号、"),
        ("a\t\n b", false, "a b"),
        ("", false, ""),
    ])
    func normalizes(input: String, caseSensitive: Bool, expected: String) {
        #expect(TextNormalizer.normalize(input, caseSensitive: caseSensitive) == expected)
    }
}
