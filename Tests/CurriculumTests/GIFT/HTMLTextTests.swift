import Testing
@testable import Curriculum

struct HTMLTextTests {
    @Test("tags dropped, breaks kept, entities decoded", arguments: [
        ("<p>One</p><p>Two</p>", "One\nTwo"),
        ("a<br>b<br />c", "a\nb\nc"),
        ("<a href=\"x\">Listen</a><br /><br />Next", "Listen\n\nNext"),
        ("A &amp; B &lt;tag&gt; &quot;q&quot; &#39;s&#x27;&nbsp;x", "A & B <tag> \"q\" 's' x"),
        ("2 < 3 and 5 > 4", "2 < 3 and 5 > 4"),
        ("<span style=\"font-style: italic;\">Modular</span> Object", "Modular Object"),
        ("&unknown; &#xZZ;", "&unknown; &#xZZ;"),
    ])
    func plainText(html: String, text: String) {
        #expect(HTMLText.plainText(from: html) == text)
    }

    @Test("text full of '<' without '>' stays fast")
    func linear() {
        let text = String(repeating: "<a", count: 200_000)
        #expect(HTMLText.plainText(from: text).count == text.count)
    }
}
