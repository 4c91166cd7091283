import Testing
@testable import TrainingServer

@Suite struct HTTPConnectionTests {
    @Test(arguments: [
        ("0", 0), ("42", 42), ("0007", 7), ("9223372036854775807", Int.max), ("9223372036854775808", Int.max),
        ("99999999999999999999", Int.max), ("", nil), ("-1", nil), ("+5", nil), (" 5", nil), ("5 ", nil), ("1e3", nil),
        ("99999999999999999999x", nil),
    ] as [(String, Int?)])
    func aContentLengthIsReadAsDecimalDigitsOnlyAndATooLargeOneAsTheLargest(_ text: String, _ expected: Int?) {
        var text = text
        #expect(text.withUTF8 { Int(contentLength: $0) } == expected, "\(text)")
    }

    @Test(arguments: [
        ("/", "/"), ("/assets/style.css", "/assets/style.css"), ("/assets/style.css?v=ab12", "/assets/style.css"),
        ("/a?x=1&y=2", "/a"), ("/a?", "/a"), ("/~a-b_c.d", "/~a-b_c.d"),
    ])
    func aPlainTargetGivesItsPath(_ target: String, _ path: String) {
        #expect(QuickRequest.plainPath(target) == Substring(path))
    }

    @Test(arguments: ["", "a", "*", "/%41", "/a+b", "/a?b+c", "/a?b?c", "/a;b", "/a=b", "/a&b", "/é", "/a b", "/a?x=%20"])
    func anyOtherTargetIsNotPlain(_ target: String) {
        #expect(QuickRequest.plainPath(target) == nil)
    }
}
