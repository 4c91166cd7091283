import Foundation
import Testing
@testable import Curriculum

struct MarkdownRendererTests {
    let renderer = MarkdownRenderer(mediaURLPrefix: "/media/info-security/")

    private func html(_ markdown: String) -> String {
        renderer.render(markdown).html
    }

    @Test("GFM tables, strikethrough and autolinks render")
    func gfm() {
        let output = html("| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\nSee www.gov.cn and https://flk.npc.gov.cn/x.\n")
        #expect(output.contains("<table>"))
        #expect(output.contains("<td><del>2</del></td>"))
        #expect(output.contains("<a href=\"http://www.gov.cn\">www.gov.cn</a>"))
        #expect(output.contains("<a href=\"https://flk.npc.gov.cn/x\">https://flk.npc.gov.cn/x</a>"))
    }

    @Test("headings get anchors from their text, unique per document, Chinese kept")
    func anchors() {
        let rendered = renderer.render("# Phishing & You\n\n## 情景案例：钓鱼\n\n## 情景案例：钓鱼\n\n### `code` *here*\n\n## !!!\n")
        #expect(rendered.headings.map(\.anchor) == ["phishing-you", "情景案例钓鱼", "情景案例钓鱼-1", "code-here", "section"])
        #expect(rendered.headings.map(\.level) == [1, 2, 2, 3, 2])
        #expect(rendered.headings[1].text == "情景案例：钓鱼")
        #expect(rendered.html.contains("<h2 id=\"情景案例钓鱼\">情景案例：钓鱼</h2>"))
        #expect(rendered.html.contains("<h2 id=\"情景案例钓鱼-1\">"))
        #expect(rendered.html.contains("<h1 id=\"phishing-you\">Phishing &amp; You</h1>"))
    }

    @Test("a repeated anchor never collides with a heading that already ends in -1")
    func anchorCollisions() {
        var anchors = HeadingAnchors()
        #expect(["a", "a-1", "a", "a"].map { anchors.anchor(for: $0) } == ["a", "a-1", "a-2", "a-3"])
    }

    @Test("script tags and raw HTML are dropped, in blocks and inline")
    func rawHTML() {
        let output = html("<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b> <img src=x onerror=alert(1)>\n\n<iframe src=\"https://evil\"></iframe>\n")
        #expect(!output.contains("<script"))
        #expect(!output.contains("alert(1)</script>"))
        #expect(!output.contains("<b"))
        #expect(!output.contains("onerror"))
        #expect(!output.contains("<iframe"))
        #expect(!output.contains("raw HTML omitted"))
        #expect(output.contains("bold"))
    }

    @Test("javascript:, vbscript:, data: and file: links become plain text", arguments: [
        "[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "[click](java\tscript:alert(1))",
        "[click](&#106;avascript:alert(1))", "[click](data:text/html;base64,PHNjcmlwdD4=)", "[click](vbscript:x)",
        "[click](file:///etc/passwd)", "<javascript:alert(1)>", "[click][r]\n\n[r]: javascript:alert(1)",
    ])
    func unsafeLinks(markdown: String) {
        let output = html(markdown)
        #expect(!output.contains("<a"), "\(output)")
        #expect(!output.lowercased().contains("href"))
    }

    @Test("http, https, mailto, tel and relative links are kept")
    func safeLinks() {
        let output = html("[a](https://x.cn) [b](http://x.cn) [c](mailto:a@b.cn) [d](tel:12345) [e](#section) [f](other.html)")
        #expect(output.components(separatedBy: "<a href=").count == 7)
    }

    @Test("images come only from media/; others become their description")
    func images() {
        let output = html("![map](media/map.png) ![x](https://evil.com/x.png) ![y](/etc/a.png) ![z](media/../course.yaml) ![d](data:image/png;base64,AAAA) ![n](media/sub/n.png)")
        #expect(output.contains("<img src=\"/media/info-security/map.png\" alt=\"map\" />"))
        #expect(output.contains("<img src=\"/media/info-security/sub/n.png\" alt=\"n\" />"))
        #expect(output.components(separatedBy: "<img").count == 3)
        #expect(output.contains(" x "))
        #expect(!output.contains("evil.com"))
        #expect(!output.contains("data:"))
        #expect(!output.contains("course.yaml"))
    }

    @Test("inspection reports what rendering removes, with line and character column")
    func inspection() {
        let markdown = "# 标题\n\n中文 ![图](http://x/a.png) [链接](javascript:x)\n\n<div>x</div>\n\n![ok](media/a.png)\n"
        let inspection = MarkdownRenderer.inspect(markdown)
        #expect(inspection.issues.map { "\($0.line):\($0.column) \($0.severity.rawValue)" } == ["3:4 error", "3:25 error", "5:1 warning"])
        #expect(inspection.media == [MarkdownInspection.MediaReference(path: "a.png", line: 7, column: 1)])
    }

    @Test("invalid bytes and NUL characters never break rendering")
    func oddInput() {
        let output = html("a\u{0}b \u{FFFD} " + String(repeating: "*[", count: 400))
        #expect(output.hasPrefix("<p>"))
        #expect(html(String(repeating: "> ", count: 1500) + "deep").contains("<blockquote>"))
    }
}
