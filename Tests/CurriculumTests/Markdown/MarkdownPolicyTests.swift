import Testing
@testable import Curriculum

struct MarkdownPolicyTests {
    @Test("schemes are read the way browsers read them", arguments: [
        ("https://a", "https"), ("JavaScript:x", "javascript"), (" java\nscript:x", "javascript"), ("#top", nil),
        ("a/b:c", nil), ("relative.html", nil), ("mailto:a@b", "mailto"), ("1http:x", nil),
    ] as [(String, String?)])
    func scheme(url: String, expected: String?) {
        #expect(MarkdownPolicy.scheme(of: url) == expected)
    }

    @Test("media paths stay inside media/", arguments: [
        ("media/a.png", "a.png"), ("media/sub/b.png", "sub/b.png"), ("media/../x", nil), ("media/", nil),
        ("media//a.png", nil), ("Media/a.png", nil), ("./media/a.png", nil), ("media/a.png?x=1", nil),
        ("media/a\\b.png", nil), ("media/图#1.png", nil), ("media/图.png", "图.png"), ("media/a#b", nil),
    ] as [(String, String?)])
    func mediaPath(url: String, expected: String?) {
        #expect(MarkdownPolicy.mediaPath(url) == expected)
    }
}
