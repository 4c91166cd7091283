import Foundation
import Testing
@testable import Curriculum

struct CurriculumFuzzerTests {
    @Test("a few thousand mutated inputs: no crash, no hang, no broken invariant")
    func smoke() {
        let report = CurriculumFuzzer.run(cases: 3000, seed: 20_261_129)
        #expect(report.cases == 3000)
        #expect(report.failures == [])
        #expect(FuzzCorpus.Kind.allCases.allSatisfy { (report.casesByKind[$0] ?? 0) > 100 })
        #expect((report.slowestCase?.seconds ?? 0) < 2)
    }

    @Test("the same seed gives the same run")
    func deterministic() {
        let first = CurriculumFuzzer.run(cases: 200, seed: 7)
        let second = CurriculumFuzzer.run(cases: 200, seed: 7)
        #expect(first.diagnostics == second.diagnostics)
        #expect(first.casesByKind == second.casesByKind)
        #expect(CurriculumFuzzer.run(cases: 200, seed: 8).diagnostics != first.diagnostics)
    }

    @Test("the built-in seeds are valid files, so mutations start from real content")
    func corpusIsValid() throws {
        for sample in FuzzCorpus.samples {
            let text = try TextDecoding.decode(sample.bytes).get()
            var errors: [Diagnostic] = []
            switch sample.kind {
            case .course: errors = CourseManifest.parse(text: text, fileName: sample.name).1
            case .module: errors = ModuleFile.parse(text: text, fileName: sample.name).1
            case .quiz:
                errors = QuizFile.parse(text: text, fileName: sample.name) { name, language in
                    GIFTParser.parse(bytes: FuzzCorpus.samples.first { $0.kind == .gift }!.bytes, fileName: name,
                                     language: language)
                }.1.filter { $0.file == sample.name }
            case .program: errors = ProgramFile.parse(text: text, fileName: sample.name).1
            case .gift: errors = GIFTParser.parse(text: text, fileName: sample.name).diagnostics
            case .markdown: continue
            }
            #expect(errors.filter(\.isError) == [], "\(sample.name)")
        }
    }

    @Test("the HTML check catches what it must")
    func htmlCheck() {
        var failures: [String] = []
        CurriculumFuzzer.checkHTML("<p>ok <a href=\"https://x\">x</a> <img src=\"/media/c/a.png\" alt=\"a\" /></p>", failures: &failures)
        #expect(failures.isEmpty)
        for bad in ["<script>x</script>", "<a href=\"javascript:x\">x</a>", "<img src=\"http://x\" />", "<p onclick=\"x\">"] {
            var found: [String] = []
            CurriculumFuzzer.checkHTML(bad, failures: &found)
            #expect(!found.isEmpty, "\(bad)")
        }
    }

    @Test("seeds can come from a course directory")
    func directorySamples() {
        let samples = CurriculumFuzzer.samples(fromDirectory: TestFiles.fixtures.appendingPathComponent("Valid"))
        #expect(Set(samples.map(\.kind)) == [.course, .module, .quiz, .program, .gift])
        #expect(CurriculumFuzzer.run(cases: 300, seed: 3, samples: samples).failures == [])
    }

    @Test("a seed reproduces the same cases as it always has")
    func pinnedSequence() {
        // A seed printed by an old run must reproduce that run. The mutations are pinned on fixed texts, so that
        // growing the built-in corpus (new course-file keys) does not move the pin; the draws over the corpus are
        // pinned by the counts per kind below.
        var random = SeededGenerator(seed: 20_261_129)
        let samples = [
            FuzzCorpus.Sample(kind: .quiz, name: "q.yaml", bytes: Array("id: q\nmode: practice\npass_mark: 60\n".utf8)),
            FuzzCorpus.Sample(kind: .module, name: "m.zh.md", bytes: Array("---\ntitle: 模块\n---\n**粗体**与`代码`。\n".utf8)),
            FuzzCorpus.Sample(kind: .gift, name: "b.gift", bytes: Array("::标题::问题{=对 ~错#不对}\n".utf8)),
        ]
        var digest: UInt64 = 0xCBF2_9CE4_8422_2325
        for _ in 0..<500 {
            let sample = samples[random.below(samples.count)]
            let other = samples[random.below(samples.count)]
            for byte in FuzzMutator.mutate(sample.bytes, other: other.bytes, random: &random) {
                digest = (digest ^ UInt64(byte)) &* 0x100_0000_01B3
            }
        }
        let report = CurriculumFuzzer.run(cases: 300, seed: 7)
        #expect(digest == 0xDF59_EF74_AFF2_E567)
        // The number of diagnostics is not pinned: it grows with every new lint rule.
        #expect(report.diagnostics > 0)
        #expect(report.casesByKind == [.course: 43, .gift: 32, .markdown: 50, .module: 100, .program: 38, .quiz: 37])
    }
}
