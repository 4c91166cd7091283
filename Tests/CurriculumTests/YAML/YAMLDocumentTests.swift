import Testing
@testable import Curriculum

struct YAMLDocumentTests {
    private func compose(_ text: String) -> (YAMLNode?, [Diagnostic]) {
        let sink = DiagnosticSink(file: "f.yaml")
        let node = YAMLDocument.compose(text, sink: sink)
        return (node, sink.diagnostics)
    }

    @Test("a syntax error is reported at its line and column")
    func syntaxError() {
        let (node, diagnostics) = compose("id: a\ntitle: {zh: x\nmode: exam\n")
        #expect(node == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.line == 3)
        #expect(diagnostics.first?.message.hasPrefix("YAML syntax error:") == true)
    }

    @Test("a tab used for indentation gets a hint")
    func tabs() {
        let (_, diagnostics) = compose("pools:\n\t- id: a\n")
        #expect(diagnostics.first?.line == 2)
        #expect(diagnostics.first?.column == 1)
        #expect(diagnostics.first?.message.contains("tabs cannot indent YAML") == true)
    }

    @Test("a duplicate key points at its second occurrence")
    func duplicateKey() {
        let (_, diagnostics) = compose("id: a\ntitle: x\nmode: exam\ntitle: y\n")
        #expect(diagnostics.map(\.description) == [
            "f.yaml:4:1: error: duplicate key 'title': each key may appear only once here (first at line 2)",
        ])
    }

    @Test("a duplicate key in a flow mapping points into the line")
    func duplicateFlowKey() {
        let (_, diagnostics) = compose("text: {zh: a, zh: b}\n")
        #expect(diagnostics.first?.line == 1)
        #expect(diagnostics.first?.column == 15)
    }

    @Test("aliases are refused before composition, at their position")
    func aliases() {
        let (node, diagnostics) = compose("a: &x [1, 2]\nb: *x\n")
        #expect(node == nil)
        #expect(diagnostics.map(\.description) == [
            "f.yaml:2:4: error: YAML aliases (*name) are not supported in course files; write the value out in full",
        ])
    }

    @Test("an exponential alias bomb in keys is refused at once")
    func aliasBomb() {
        var text = "a: &a [x, x]\n"
        for level in 1..<40 { text += "b\(level): &b\(level) [*\(level == 1 ? "a" : "b\(level - 1)"), *\(level == 1 ? "a" : "b\(level - 1)")]\n" }
        text += "? *b39\n: boom\n"
        let (node, diagnostics) = compose(text)
        #expect(node == nil)
        #expect(diagnostics.count == 1)
    }

    @Test("control characters are reported with a position")
    func controlCharacter() {
        let (_, diagnostics) = compose("id: a\ntitle: b\u{07}c\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.line == 2)
    }

    @Test("an empty text composes to nothing without a diagnostic")
    func empty() {
        let (node, diagnostics) = compose("# only a comment\n")
        #expect(node == nil)
        #expect(diagnostics.isEmpty)
    }

    @Test("deep nesting stops with an error, not a crash")
    func deepNesting() {
        let (node, diagnostics) = compose(String(repeating: "[", count: 100_000))
        #expect(node == nil)
        #expect(diagnostics.count == 1)
    }
}

extension YAMLDocumentTests {
    @Test("thousands of duplicate keys are reported briefly and quickly")
    func manyDuplicates() {
        let keys = (0..<5000).map { "k\($0): 1\n" }.joined()
        let sink = DiagnosticSink(file: "f.yaml")
        _ = YAMLDocument.compose(keys + keys, sink: sink)
        #expect(sink.diagnostics.count == 20)
    }
}
