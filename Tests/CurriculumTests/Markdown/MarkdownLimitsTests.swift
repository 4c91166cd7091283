import Foundation
import Testing
@testable import Curriculum

struct MarkdownLimitsTests {
    @Test("inputs that make cmark-gfm slow are refused before parsing", arguments: [
        (String(repeating: "![[]()", count: 20_000), 1),
        ("|" + String(repeating: "a|", count: 300) + "\n", 1),
        ("intro\n\n" + String(repeating: "x", count: 5_000), 3),
        (String(repeating: "a@b.c ", count: 12_000), 1),
        (String(repeating: "word\n", count: 60_000), 1),
    ])
    func refused(text: String, line: Int) {
        let problem = MarkdownLimits.problem(in: text)
        #expect(problem?.line == line)
        let start = Date()
        let inspection = MarkdownRenderer.inspect(text)
        let html = MarkdownRenderer(mediaURLPrefix: "/m/").render(text).html
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(inspection.issues.count == 1 && inspection.issues.first?.severity == .error)
        #expect(html.hasPrefix("<pre>"))
    }

    @Test("ordinary modules are far inside the limits")
    func ordinary() {
        let module = String(repeating: "## 标题\n\n" + String(repeating: "一段正文，含[链接](https://a.cn)。", count: 40) + "\n\n"
                            + "| a | b |\n|---|---|\n" + String(repeating: "| 1 | 2 |\n", count: 200) + "\n", count: 5)
        #expect(MarkdownLimits.problem(in: module) == nil)
    }

    @Test("text that is refused still renders safely, as escaped text")
    func escapedFallback() {
        let text = "<script>alert(1)</script>" + String(repeating: "[", count: 600)
        #expect(MarkdownRenderer(mediaURLPrefix: "/m/").render(text).html.hasPrefix("<pre>&lt;script&gt;alert(1)&lt;/script&gt;[[["))
    }

    @Test("the quick pass agrees with the exact check near every limit", arguments: [
        (String(repeating: "网", count: 3_000), nil),
        (String(repeating: "a", count: 4_000), nil),
        ("x\n" + String(repeating: "a", count: 4_001), 2),
        (String(repeating: "|", count: 200) + "\n" + String(repeating: "|", count: 200), nil),
        ("a\n" + String(repeating: "|", count: 201), 2),
        (String(repeating: "[", count: 300) + "\n \t\n" + String(repeating: "[", count: 300), nil),
        (String(repeating: "[", count: 300) + "\nb\n" + String(repeating: "[", count: 300), 3),
        (String(repeating: String(repeating: "b", count: 3_000) + "\n", count: 22), 22),
        (String(repeating: String(repeating: "b", count: 3_000) + "\n\n", count: 22), nil),
    ] as [(String, Int?)])
    func nearLimits(text: String, line: Int?) {
        #expect(MarkdownLimits.problem(in: text)?.line == line)
    }
}
