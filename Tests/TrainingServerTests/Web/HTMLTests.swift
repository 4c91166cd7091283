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

    /// The escape check reads bytes against a mask of the five characters: a byte 64 above one of them (`f`, `b`,
    /// `g`, `|`, `~`), a UTF-8 continuation or lead byte, a long text and a non-native string must not confuse it.
    @Test func theEscapeCheckFindsEachCharacterAnywhereAndNothingElse() {
        for special in ["&", "<", ">", "\"", "'"] {
            for text in [special, "a" + special, special + "测试", String(repeating: "x", count: 100) + special + "y"] {
                #expect(HTML.needsEscaping(text), "\(text)")
                #expect(HTML.escape(text) != text)
            }
        }
        var everyOtherByte = ""
        for value in 0x01...0x7F where ![0x26, 0x3C, 0x3E, 0x22, 0x27].contains(value) {
            everyOtherByte.unicodeScalars.append(Unicode.Scalar(UInt8(value)))
        }
        everyOtherByte += "测试 ¦ü€𝄞 fbg|~"
        #expect(!HTML.needsEscaping(everyOtherByte))
        #expect(HTML.escape(everyOtherByte) == everyOtherByte)
        #expect(!HTML.needsEscaping(""))
        // A bridged or otherwise non-contiguous string takes the other branch with the same answer.
        let substring = String(Substring("ab<c"))
        #expect(HTML.needsEscaping(substring) && !HTML.needsEscaping(String(Substring("abc"))))
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
