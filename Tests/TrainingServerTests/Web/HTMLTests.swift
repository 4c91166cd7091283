import Testing
@testable import TrainingServer

@Suite struct HTMLTests {
    private let hostile = "<script>alert('x')</script> & \"quoted\""
    private let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"

    @Test func escapesTheFiveSpecialCharacters() {
        #expect(HTML.escape("&<>\"'") == "&amp;&lt;&gt;&quot;&#39;")
        #expect(HTML.escape("测试 plain text") == "测试 plain text")
        #expect(HTML.escape(hostile) == escaped)
    }

    @Test func everyInterpolatedStringIsEscaped() {
        let optional: String? = hostile
        let missing: String? = nil
        let html: HTML = "<p title=\"\(hostile)\">\(optional)|\(missing)</p>"
        #expect(html.rendered == "<p title=\"\(escaped)\">\(escaped)|</p>")
    }

    @Test func literalsFragmentsAndNumbersAreNotEscaped() {
        let fragment: HTML = "<b>\("a<b")</b>"
        let list: [HTML] = ["<li>1</li>", "<li>2</li>"]
        let html: HTML = "<div>\(fragment)\(list)\(42)|\(1.5)</div>"
        #expect(html.rendered == "<div><b>a&lt;b</b><li>1</li><li>2</li>42|1.5</div>")
    }

    @Test func trustedMarkupIsKeptAsGiven() {
        let trusted = HTML(trusted: "<em>ok</em>")
        let html: HTML = "<p>\(trusted)</p>"
        #expect(html.rendered == "<p><em>ok</em></p>")
        #expect(trusted.description == "<em>ok</em>")
    }

    @Test func joiningAndAddingKeepsFragmentsAsTheyAre() {
        let parts: [HTML] = ["<a>", "\("<b>")", "<c>"]
        #expect(HTML.join(parts, separator: "<hr>").rendered == "<a><hr>&lt;b&gt;<hr><c>")
        #expect(HTML.join([]).rendered == "")
        #expect(("<i>" as HTML) + "\("&")" == HTML(trusted: "<i>&amp;"))
        #expect(HTML.empty.rendered.isEmpty)
    }

    @Test func textWithoutSpecialCharactersComesBackUnchanged() {
        for text in ["", "plain", "公务员学院 — 信息安全", "emoji 👩🏽‍💻 and é", "a\u{0}b"] {
            #expect(HTML.escape(text) == text)
        }
        #expect(HTML.escape("中<文>&\"'👩🏽‍💻") == "中&lt;文&gt;&amp;&quot;&#39;👩🏽‍💻")
    }
}
