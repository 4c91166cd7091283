import Testing
@testable import Curriculum

struct MarkdownCacheTests {
    private func text(_ body: String) -> ModuleText {
        ModuleText(language: .en, title: "T", objectives: [], summary: "S", body: body, bodyLine: 8,
                   source: SourceReference(file: "modules/01-t.en.md", line: 1))
    }

    @Test("renders once per content hash and media prefix")
    func caches() {
        let cache = MarkdownCache()
        let first = cache.rendered(text("# One"), mediaURLPrefix: "/m/a/")
        #expect(first.html == "<h1 id=\"one\">One</h1>\n")
        #expect(cache.rendered(text("# One"), mediaURLPrefix: "/m/a/") == first)
        #expect(cache.count == 1)
        _ = cache.rendered(text("# One"), mediaURLPrefix: "/m/b/")
        _ = cache.rendered(text("# Two"), mediaURLPrefix: "/m/a/")
        #expect(cache.count == 3)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test("starts over when full")
    func limit() {
        let cache = MarkdownCache(limit: 2)
        for index in 0..<5 { _ = cache.rendered(text("# \(index)"), mediaURLPrefix: "/") }
        #expect(cache.count <= 2)
    }

    @Test("safe to use from many tasks at once")
    func concurrent() async {
        let cache = MarkdownCache()
        let texts = (0..<20).map { text("## Part \($0)\n\nBody \($0)") }
        await withTaskGroup(of: String.self) { group in
            for index in 0..<400 {
                group.addTask { cache.rendered(texts[index % 20], mediaURLPrefix: "/m/").html }
            }
            var count = 0
            for await html in group where html.contains("<h2 id=\"part-") { count += 1 }
            #expect(count == 400)
        }
        #expect(cache.count == 20)
    }
}
