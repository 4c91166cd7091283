import Foundation

/// A deterministic mutation fuzzer for every text path of the curriculum: YAML files, module Markdown and GIFT.
///
/// Each case takes a seed sample, mutates its bytes (bit flips, interesting bytes, insertions, syntax tokens,
/// deletions, truncation, splices from other samples, duplication) and runs the matching parser, then checks
/// invariants: diagnostics point at real positions in the right file, rendered HTML is safe, GIFT output
/// imports again. A crash or hang shows as the process dying or not finishing; broken invariants are listed
/// in the report. The same seed always produces the same cases.
public enum CurriculumFuzzer {
    /// What a run did and found.
    public struct Report: Sendable, CustomStringConvertible {
        /// How many inputs were run.
        public var cases = 0
        /// The seed that reproduces the run.
        public var seed: UInt64 = 0
        /// How many inputs went to each parser.
        public var casesByKind: [FuzzCorpus.Kind: Int] = [:]
        /// How many diagnostics the parsers produced in all (mutated input is mostly wrong, as it should be).
        public var diagnostics = 0
        /// Broken invariants, each with the case number that shows it (at most 50 are kept).
        public var failures: [String] = []
        /// How long the run took.
        public var seconds: Double = 0
        /// The slowest single case, to spot near-hangs.
        public var slowestCase: (index: Int, kind: FuzzCorpus.Kind, seconds: Double)?

        /// A few lines for the console: counts, timing, the slowest case and every failure.
        public var description: String {
            var lines = ["\(cases) cases, seed \(seed), \(String(format: "%.2f", seconds)) s, \(diagnostics) diagnostics, "
                         + "\(failures.count) failures"]
            lines.append(FuzzCorpus.Kind.allCases.map { "\($0.rawValue): \(casesByKind[$0] ?? 0)" }.joined(separator: ", "))
            if let slowest = slowestCase {
                lines.append("slowest case \(slowest.index) (\(slowest.kind.rawValue)): \(String(format: "%.4f", slowest.seconds)) s")
            }
            lines.append(contentsOf: failures)
            return lines.joined(separator: "\n")
        }
    }

    /// Runs `cases` mutated inputs derived from `samples` (the built-in corpus plus any extra seeds).
    public static func run(cases: Int, seed: UInt64, samples extra: [FuzzCorpus.Sample] = []) -> Report {
        let samples = FuzzCorpus.samples + extra
        var random = SeededGenerator(seed: seed)
        var report = Report()
        report.seed = seed
        let start = Date()
        for index in 0..<max(0, cases) {
            let sample = samples[random.below(samples.count)]
            let other = samples[random.below(samples.count)]
            let bytes = FuzzMutator.mutate(sample.bytes, other: other.bytes, random: &random)
            let caseStart = Date()
            var failures: [String] = []
            report.diagnostics += runCase(sample.kind, name: sample.name, bytes: bytes, failures: &failures)
            let elapsed = Date().timeIntervalSince(caseStart)
            if elapsed > (report.slowestCase?.seconds ?? -1) { report.slowestCase = (index, sample.kind, elapsed) }
            for failure in failures where report.failures.count < 50 {
                report.failures.append("case \(index) (\(sample.kind.rawValue) \(sample.name)): \(failure)")
            }
            report.casesByKind[sample.kind, default: 0] += 1
            report.cases += 1
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Seeds from a course directory: every `.yaml`, `.md` and `.gift` file under it.
    public static func samples(fromDirectory directory: URL) -> [FuzzCorpus.Sample] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var samples: [FuzzCorpus.Sample] = []
        while let path = enumerator.nextObject() as? String {
            let kind: FuzzCorpus.Kind
            if path.hasSuffix("course.yaml") { kind = .course }
            else if path.hasPrefix("programs/") && path.hasSuffix(".yaml") { kind = .program }
            else if path.hasSuffix(".yaml") { kind = .quiz }
            else if path.contains("modules/") && path.hasSuffix(".md") { kind = .module }
            else if path.hasSuffix(".gift") { kind = .gift }
            else { continue }
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(path).path),
                  data.count <= 1 << 20 else { continue }
            samples.append(FuzzCorpus.Sample(kind: kind, name: path, bytes: [UInt8](data)))
        }
        return samples.sorted { $0.name < $1.name }
    }

    /// Runs one input through its parser and the invariants; returns how many diagnostics it produced.
    static func runCase(_ kind: FuzzCorpus.Kind, name: String, bytes: [UInt8], failures: inout [String]) -> Int {
        if kind == .gift {
            let imported = GIFTParser.parse(bytes: bytes, fileName: name, language: .en)
            check(imported.diagnostics, file: name, failures: &failures)
            checkGIFTRoundTrip(imported.questions, failures: &failures)
            return imported.diagnostics.count
        }
        let text: String
        switch TextDecoding.decode(bytes) {
        case .success(let decoded): text = decoded
        case .failure(let invalid):
            if invalid.line < 1 || invalid.column < 1 { failures.append("bad UTF-8 position \(invalid)") }
            return 1
        }
        switch kind {
        case .course:
            let (_, diagnostics) = CourseManifest.parse(text: text, fileName: name)
            check(diagnostics, file: name, failures: &failures)
            return diagnostics.count
        case .module:
            let (file, diagnostics) = ModuleFile.parse(text: text, fileName: name)
            check(diagnostics, file: name, failures: &failures)
            if let file { checkHTML(MarkdownRenderer(mediaURLPrefix: "/media/c/").render(file.body).html, failures: &failures) }
            return diagnostics.count
        case .quiz:
            let giftSample = FuzzCorpus.samples.first { $0.kind == .gift }!
            let (file, diagnostics) = QuizFile.parse(text: text, fileName: name) { giftName, language in
                GIFTParser.parse(bytes: giftSample.bytes, fileName: giftName, language: language)
            }
            check(diagnostics.filter { $0.file == name }, file: name, failures: &failures)
            if let quiz = file?.definition, !diagnostics.contains(where: \.isError) {
                let yaml = QuizYAMLWriter.yaml(for: quiz)
                let (again, againDiagnostics) = QuizFile.parse(text: yaml, fileName: name)
                if again?.definition == nil || againDiagnostics.contains(where: \.isError) {
                    failures.append("the written quiz does not load again: \(againDiagnostics.first(where: \.isError)?.description ?? "")")
                }
                checkGIFTRoundTrip(quiz.allQuestions, failures: &failures)
            }
            return diagnostics.count
        case .program:
            let (_, diagnostics) = ProgramFile.parse(text: text, fileName: name)
            check(diagnostics, file: name, failures: &failures)
            return diagnostics.count
        case .markdown, .gift:
            let inspection = MarkdownRenderer.inspect(text)
            for issue in inspection.issues where issue.line < 1 || issue.column < 1 {
                failures.append("Markdown issue at \(issue.line):\(issue.column)")
            }
            checkHTML(MarkdownRenderer(mediaURLPrefix: "/media/c/").render(text).html, failures: &failures)
            return inspection.issues.count
        }
    }

    private static func check(_ diagnostics: [Diagnostic], file: String, failures: inout [String]) {
        for diagnostic in diagnostics {
            if diagnostic.line < 1 || diagnostic.column < 1 { failures.append("position \(diagnostic)") }
            if diagnostic.message.isEmpty { failures.append("empty message at \(diagnostic)") }
            if diagnostic.file != file && !diagnostic.file.hasSuffix(".gift") {
                failures.append("diagnostic names \(diagnostic.file), not \(file)")
            }
        }
    }

    /// GIFT written without warnings must import again without errors, into the same number of questions.
    private static func checkGIFTRoundTrip(_ questions: [Question], failures: inout [String]) {
        guard !questions.isEmpty else { return }
        let exported = GIFTExporter.export(questions, language: .en)
        guard exported.warnings.isEmpty else { return }
        let again = GIFTParser.parse(text: exported.text, fileName: "export.gift", language: .en)
        if again.hasErrors || again.questions.count != questions.count {
            let detail = again.diagnostics.first(where: \.isError)?.description ?? ""
            failures.append("GIFT export of \(questions.count) questions imports as \(again.questions.count) \(detail)")
        }
    }

    /// Rendered HTML may hold only the elements and attributes Markdown produces, links only to allowed
    /// schemes and images only from the media prefix.
    static func checkHTML(_ html: String, failures: inout [String]) {
        let allowedAttributes: [String: Set<String>] = [
            "a": ["href", "title"], "img": ["src", "alt", "title"], "code": ["class"], "ol": ["start"],
            "th": ["align"], "td": ["align"], "h1": ["id"], "h2": ["id"], "h3": ["id"], "h4": ["id"], "h5": ["id"],
            "h6": ["id"],
        ]
        let plainElements: Set<String> = ["p", "em", "strong", "del", "pre", "ul", "li", "blockquote", "hr", "br",
                                          "table", "thead", "tbody", "tr"]
        let scalars = Array(html.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "<" else { index += 1; continue }
            guard let end = scalars[index...].firstIndex(of: ">") else {
                failures.append("unclosed tag in rendered HTML")
                return
            }
            let tag = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
            index = end + 1
            if tag.hasPrefix("/") { continue }
            let name = String(tag.prefix { $0.isLetter || $0.isNumber }).lowercased()
            guard plainElements.contains(name) || allowedAttributes[name] != nil else {
                failures.append("rendered HTML has the element <\(name)>")
                continue
            }
            for (attribute, value) in attributes(of: tag) {
                guard allowedAttributes[name]?.contains(attribute) == true else {
                    failures.append("rendered HTML has \(attribute) on <\(name)>")
                    continue
                }
                if attribute == "src", !value.hasPrefix("/media/c/") {
                    failures.append("image source \(value)")
                }
                if attribute == "href", let scheme = MarkdownPolicy.scheme(of: value),
                   !MarkdownPolicy.allowedSchemes.contains(scheme) {
                    failures.append("link to \(value)")
                }
            }
        }
    }

    /// The `name="value"` pairs of a tag as cmark writes them (values always double-quoted).
    private static func attributes(of tag: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = Substring(tag).drop { !$0.isWhitespace }
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "/" }
            guard !rest.isEmpty else { break }
            let name = rest.prefix { $0 != "=" && !$0.isWhitespace }
            rest = rest.dropFirst(name.count)
            var value = ""
            if rest.hasPrefix("=\"") {
                rest = rest.dropFirst(2)
                value = String(rest.prefix { $0 != "\"" })
                rest = rest.dropFirst(value.count + 1)
            }
            result.append((name.lowercased(), value))
        }
        return result
    }
}
