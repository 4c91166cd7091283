import Foundation
import Testing
@testable import Curriculum

struct YAMLComposerTests {
    /// Every YAML text the tests can find: course, quiz and programme files and module front matter.
    private static func yamlTexts() throws -> [String] {
        var roots = [TestFiles.fixtures, TestFiles.repository.appendingPathComponent("Courses")]
        let synthetic = FileManager.default.temporaryDirectory.appendingPathComponent("composer-\(UUID().uuidString)")
        try SyntheticCatalogue.write(to: synthetic, courses: 1, modules: 6)
        defer { try? FileManager.default.removeItem(at: synthetic) }
        roots.append(synthetic)
        var texts: [String] = []
        for root in roots {
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                if url.pathExtension == "yaml" {
                    texts.append(text)
                } else if url.pathExtension == "md", let split = ModuleFile.splitFrontMatter(text) {
                    texts.append(split.frontMatter)
                }
            }
        }
        return texts
    }

    private static func yams(_ text: String) -> (node: YAMLNode?, diagnostics: [Diagnostic]) {
        let sink = DiagnosticSink(file: "f.yaml")
        return (YAMLDocument.composeWithYams(text, sink: sink), sink.diagnostics)
    }

    @Test("course files compose without Yams, to the tree Yams gives")
    func courseFiles() throws {
        let texts = try Self.yamlTexts()
        #expect(texts.count > 40)
        var composed = 0
        for text in texts {
            let slow = Self.yams(text)
            guard slow.diagnostics.isEmpty else {
                // The broken fixtures' syntax errors.
                #expect(YAMLComposer.compose(text) == nil)
                continue
            }
            let fast = try #require(YAMLComposer.compose(text), "not composed directly:\n\(text)")
            #expect(fast == slow.node)
            composed += 1
        }
        #expect(composed > 40)
    }

    @Test("on mutated course files the composer agrees with Yams or leaves the text to it")
    func mutations() throws {
        let texts = try Self.yamlTexts().map { Array($0.utf8) }
        var random = SeededGenerator(seed: 7)
        var composed = 0
        for round in 0..<4000 {
            let input = texts[round % texts.count]
            let other = texts[random.below(texts.count)]
            let text = String(decoding: FuzzMutator.mutate(input, other: other, random: &random), as: UTF8.self)
            guard YAMLAliasScanner.firstAlias(in: text) == nil, let fast = YAMLComposer.compose(text) else { continue }
            composed += 1
            let slow = Self.yams(text)
            #expect(slow.diagnostics.isEmpty, "Yams finds a problem in:\n\(text)")
            #expect(fast == slow.node, "different trees for:\n\(text)")
        }
        #expect(composed > 500)
    }

    @Test("tags, anchors, repeated keys, several documents and errors are left to Yams")
    func leftToYams() {
        for text in ["v: !!str 12\n", "a: &x 1\n", "a: 1\na: 2\n", "{a: 1, a: 2}\n", "a: 1\n---\nb: 2\n",
                     "a: [1\n", "? [a]\n: 1\n", "a: !!map {b: 1}\n", "a: \"\u{FEFF}x\"\n", ""] {
            #expect(YAMLComposer.compose(text) == nil, "composed: \(text)")
        }
    }

    @Test("keys carry the str tag, quoted values too, plain values none")
    func tags() throws {
        let root = try #require(YAMLComposer.compose("a: 1\n'b': \"2\"\nc: [x, 'y']\n") ?? nil)
        guard case .mapping(let mapping) = root else { Issue.record("not a mapping"); return }
        let tags = mapping.map { pair -> [String] in
            var tags: [String] = []
            if case .scalar(let key) = pair.key { tags.append(key.tag) }
            switch pair.value {
            case .scalar(let value): tags.append(value.tag)
            case .sequence(let list): for case .scalar(let item) in list { tags.append(item.tag) }
            case .mapping: break
            }
            return tags
        }
        let str = "tag:yaml.org,2002:str"
        #expect(tags == [[str, ""], [str, str], [str, "", str]])
        #expect(root.mark == YAMLNode.Mark(line: 1, column: 1))
        #expect(mapping[2].value.mark == YAMLNode.Mark(line: 3, column: 4))
    }

    @Test("a text of comments is an empty document")
    func commentsOnly() {
        #expect(YAMLComposer.compose("# nothing\n") == .some(nil))
    }

    @Test("long mappings are checked for repeated keys as well")
    func longMappings() {
        let keys = (0..<40).map { "k\($0): \($0)\n" }.joined()
        #expect(YAMLComposer.compose(keys) == .some(Self.yams(keys).node))
        #expect(YAMLComposer.compose(keys + "k7: again\n") == nil)
    }
}
