import Foundation
import Testing
@testable import Curriculum

struct CJKEmphasisTests {
    let renderer = MarkdownRenderer(mediaURLPrefix: "/media/info-security/")

    private func html(_ markdown: String) -> String {
        renderer.render(markdown).html
    }

    private func warnings(_ markdown: String) -> [MarkdownInspection.Issue] {
        MarkdownRenderer.inspect(markdown).issues.filter { $0.message.contains("literal text") }
    }

    @Test("bold ending in punctuation before a Chinese character renders as bold")
    func percentBeforeChinese() {
        #expect(html("**68%**的泄露始于钓鱼邮件。\n") == "<p><strong>68%</strong>的泄露始于钓鱼邮件。</p>\n")
    }

    @Test("bold ending in a full-width bracket before a Chinese character renders as bold")
    func fullWidthBracket() {
        #expect(html("**第4版（SP 800-63B-4）**进一步提高了要求。\n")
                == "<p><strong>第4版（SP 800-63B-4）</strong>进一步提高了要求。</p>\n")
    }

    @Test("bold starting with CJK punctuation after a Chinese character, and italics, render", arguments: [
        ("请注意**“不点链接”**原则。", "<p>请注意<strong>“不点链接”</strong>原则。</p>\n"),
        ("这是*（可选）*步骤。", "<p>这是<em>（可选）</em>步骤。</p>\n"),
        ("拨打**12387**。", "<p>拨打<strong>12387</strong>。</p>\n"),
        ("（__注意__）", "<p>（<strong>注意</strong>）</p>\n"),
        // Underscores inside a run of letters stay literal, in Chinese as in English.
        ("见__《网络安全法》__第42条。", "<p>见__《网络安全法》__第42条。</p>\n"),
        ("中_文_字", "<p>中_文_字</p>\n"),
    ])
    func otherCJKCases(markdown: String, expected: String) {
        #expect(html(markdown + "\n") == expected)
    }

    @Test("text without CJK renders exactly as cmark renders it", arguments: [
        "2 * 3 * 4", "a **b** c", "a*b*c", "snake_case_name", "**bold.**Next", "*a **b** c*", "***x*** y",
    ])
    func nonCJKUnchanged(markdown: String) {
        let prepared = CJKEmphasis(markdown)
        #expect(!prepared.hasMarkers)
        #expect(prepared.text == markdown)
    }

    @Test("asterisks between digits are multiplication and stay literal, with no warning", arguments: [
        ("2*3*4", "<p>2*3*4</p>\n"),
        ("体积为2*3*4立方米。", "<p>体积为2*3*4立方米。</p>\n"),
        ("5*6*78 and **bold**", "<p>5*6*78 and <strong>bold</strong></p>\n"),
    ])
    func multiplication(markdown: String, expected: String) {
        #expect(html(markdown + "\n") == expected)
        #expect(warnings(markdown + "\n").isEmpty)
    }

    @Test("a warning after escaped multiplication on the same line points at the original column")
    func columnsAfterEscapes() {
        #expect(warnings("2*3*4，**未闭合\n").map { [$0.line, $0.column] } == [[1, 7]])
    }

    @Test("asterisks in arithmetic, code spans, code blocks, escapes and link destinations stay literal")
    func literal() {
        #expect(html("2 * 3 * 4 等于24。\n") == "<p>2 * 3 * 4 等于24。</p>\n")
        #expect(html("运算`**`与`2*3*4`（代码）**\n") == "<p>运算<code>**</code>与<code>2*3*4</code>（代码）**</p>\n")
        #expect(html("\\*\\*不是强调\\*\\*的。\n") == "<p>**不是强调**的。</p>\n")
        #expect(html("```\n**68%**的泄露\n```\n") == "<pre><code>**68%**的泄露\n</code></pre>\n")
        #expect(html("见[指南（第**2**版）](https://example.cn/a**（b）**c)。\n")
                == "<p>见<a href=\"https://example.cn/a**%EF%BC%88b%EF%BC%89**c\">指南（第<strong>2</strong>版）</a>。</p>\n")
    }

    @Test("no marker is left in the HTML or in heading text and anchors")
    func markersRemoved() {
        let rendered = renderer.render("## **数据（个人）**保护\n\n**68%**的泄露\n")
        #expect(!rendered.html.unicodeScalars.contains(CJKEmphasis.marker))
        #expect(rendered.headings.first?.text == "数据（个人）保护")
        #expect(rendered.headings.first?.anchor == "数据个人保护")
        #expect(rendered.html.hasPrefix("<h2 id=\"数据个人保护\"><strong>数据（个人）</strong>保护</h2>"))
    }

    @Test("raw HTML stays removed around CJK emphasis")
    func rawHTMLStillRemoved() {
        let output = html("<b>**重要（注意）**</b>内容\n")
        #expect(!output.contains("<b>"))
        #expect(output.contains("<strong>重要（注意）</strong>"))
    }

    @Test("inspection warns where an emphasis marker is left as literal text, at its line and column")
    func literalWarnings() {
        let found = warnings("# 标题\n\n这是**没有结束的强调。\n\n正常**强调**。\n\n前面 x **a*** 后面\n")
        #expect(found.map { [$0.line, $0.column] } == [[3, 3], [7, 9]])
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.first?.message.contains("'**'") == true)
    }

    @Test("no warning for escapes, entities, code, spaced asterisks, underscores inside words or paired emphasis")
    func noWarnings() {
        #expect(warnings("\\*\\*不是强调\\*\\* and &ast;x&ast; and `**` and 2 * 3 * 4 and file_name_here\n").isEmpty)
        #expect(warnings("**68%**的泄露，**第4版（SP 800-63B-4）**进一步。\n\n- 列表 **项（一）**内容\n  续行 *斜体*。\n").isEmpty)
        #expect(warnings("```\n**unclosed\n```\n").isEmpty)
    }

    @Test("warnings count columns in characters of the original text, not including inserted markers")
    func columnsInOriginalText() {
        let found = warnings("**68%**的泄露和**未闭合\n")
        #expect(found.map { [$0.line, $0.column] } == [[1, 12]])
    }

    @Test("link warnings keep their columns when markers are inserted before them on the same line")
    func linkColumns() {
        let issues = MarkdownRenderer.inspect("**68%**的泄露 [x](javascript:alert(1))\n").issues
        #expect(issues.map { [$0.line, $0.column] } == [[1, 12]])
    }

    @Test("a large module full of Chinese emphasis renders quickly and completely")
    func largeModule() {
        let paragraph = "**68%**的泄露始于钓鱼，**第4版（SP 800-63B-4）**进一步收紧，`2*3*4` 与 [链接](https://example.cn/**)。\n\n"
        let markdown = String(repeating: paragraph, count: 1_500)
        let clock = ContinuousClock()
        var rendered = RenderedMarkdown(html: "", headings: [])
        let elapsed = clock.measure { rendered = renderer.render(markdown) }
        #expect(elapsed < .seconds(2), "\(elapsed)")
        #expect(rendered.html.components(separatedBy: "<strong>68%</strong>的").count == 1_501)
        #expect(!rendered.html.unicodeScalars.contains(CJKEmphasis.marker))
    }
}
