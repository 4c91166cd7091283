import Testing
@testable import Curriculum

struct YAMLAliasScannerTests {
    @Test("aliases are found at their column", arguments: [
        ("a: *x\n", 1, 4),
        ("- *x\n", 1, 3),
        ("list: [a, *x]\n", 1, 11),
        ("map: {k: *x}\n", 1, 10),
        ("x:\n  - id: 1\n  - *anchor\n", 3, 5),
        ("? *x\n: v\n", 1, 3),
        ("<<: *base\n", 1, 5),
    ])
    func found(text: String, line: Int, column: Int) {
        let found = YAMLAliasScanner.firstAlias(in: text)
        #expect(found?.line == line)
        #expect(found?.column == column)
    }

    @Test("stars that are not aliases are left alone", arguments: [
        "text: \"*\"\n",
        "text: '*x'\n",
        "text: a *b c\n",
        "# *comment\nid: a\n",
        "id: a # *note\n",
        "body: |\n  - *bold* text\n  *more*\nnext: 1\n",
        "body: >-\n  *folded*\n",
        "answers:\n  - {text: \"*\", weight: 0}\n",
        "text: \"multi\n  *line\"\n",
        "text: 'it''s *fine*'\n",
    ])
    func notAliases(text: String) {
        #expect(YAMLAliasScanner.firstAlias(in: text) == nil)
    }
}
