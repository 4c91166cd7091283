import Testing
@testable import Curriculum

struct ModuleFileTests {
    static let text = """
    ---
    id: phishing
    title: 网络钓鱼
    minutes: 40
    hours: 1.5
    objectives:
      - 识别钓鱼邮件
    summary: 先核实。
    ---

    正文 ![图](media/a.png)

    """

    @Test("front matter, body and media are read")
    func reads() throws {
        let (file, diagnostics) = ModuleFile.parse(text: Self.text, fileName: "c/modules/04-phishing.zh.md")
        #expect(diagnostics.isEmpty)
        let module = try #require(file)
        #expect(module.number == 4)
        #expect(module.language == .zh)
        #expect(module.id?.value == ModuleID("phishing"))
        #expect(module.title == "网络钓鱼")
        #expect(module.minutes?.value == 40)
        #expect(module.hours?.value == 1.5)
        #expect(module.objectives == ["识别钓鱼邮件"])
        #expect(module.body == "\n正文 ![图](media/a.png)\n")
        #expect(module.bodyLine == 10)
        #expect(module.media.map(\.value) == ["a.png"])
        #expect(module.media.first?.location.line == 11)
        #expect(module.media.first?.location.column == 4)
    }

    @Test("file names follow NN-id.lang.md", arguments: [
        ("04-phishing.zh.md", true), ("1-a.en.md", true), ("phishing.zh.md", false), ("04-phishing.fr.md", false),
        ("04-Phishing.zh.md", false), ("04-phishing.md", false), ("x4-phishing.zh.md", false),
    ])
    func names(name: String, valid: Bool) {
        #expect((ModuleFile.nameParts(name) != nil) == valid)
    }

    @Test("mistakes in the front matter are reported at their lines in the file")
    func frontMatterMistakes() {
        let text = """
        ---
        id: other
        title: 标题
        minutes: 0
        hours: many
        objectives: []
        summary: 小结
        sumary: again
        ---
        Body

        """
        let (_, diagnostics) = ModuleFile.parse(text: text, fileName: "01-phishing.zh.md")
        #expect(diagnostics.sorted().map(\.description) == [
            "01-phishing.zh.md:2:5: error: the front matter says id 'other' but the file name says 'phishing'",
            "01-phishing.zh.md:4:10: error: 'minutes' must be at least 1, not 0",
            "01-phishing.zh.md:5:8: error: 'hours' must be a number, not 'many'",
            "01-phishing.zh.md:6:13: error: 'objectives' must list at least one objective",
            "01-phishing.zh.md:8:1: error: unknown key 'sumary' in the front matter; did you mean 'summary'?",
        ])
    }

    @Test("a file without front matter, or with an unclosed one, is reported")
    func missingFrontMatter() {
        #expect(ModuleFile.parse(text: "# Title\n", fileName: "01-a.en.md").1.map(\.message)
                == ["a module file must start with front matter: a line '---', the module's keys, then '---'"])
        #expect(ModuleFile.parse(text: "---\nid: a\n", fileName: "01-a.en.md").1.map(\.message)
                == ["the front matter is not closed: add a line '---' after the module's keys"])
    }

    @Test("the front matter may end with '...' and the body may be empty")
    func splitting() throws {
        let split = try #require(ModuleFile.splitFrontMatter("---\nid: a\n...\n"))
        #expect(split.frontMatter == "id: a\n")
        #expect(split.body == "")
        #expect(split.bodyLine == 4)
        #expect(ModuleFile.splitFrontMatter("--- \nid: a\n---") != nil)
    }
}
