import ArgumentParser
import Curriculum
import Foundation

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check course files: prints path:line:col: error|warning: message and a summary; exit 1 on any error.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "The course folder to check.") var directory = "Courses"
    @Option(help: "text (default) or json (for editors and CI).") var format: Format = .text
    @Option(help: "Warn about recordings larger than this, such as 200MB (the default), 500KB or 1.5GB.")
    var mediaWarnSize = "200MB"

    func validate() throws {
        guard CatalogueLoader.Options.parseSize(mediaWarnSize) != nil else {
            throw ValidationError("--media-warn-size must be a size such as 200MB, 500KB or 1.5GB, not '\(mediaWarnSize)'")
        }
    }

    func run() throws {
        let limit = CatalogueLoader.Options.parseSize(mediaWarnSize) ?? CatalogueLoader.Options.defaultMediaWarnSize
        let report = CatalogueLoader.lint(directory: try courseFolder(directory),
                                          options: CatalogueLoader.Options(mediaWarnSize: limit))
        switch format {
        case .text: print(report.formattedText, terminator: "")
        case .json: print(report.json)
        }
        if report.hasErrors { throw ExitCode(1) }
    }
}

struct ImportGIFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-gift",
        abstract: "Convert a Moodle GIFT question bank into a quiz file of this platform.",
        discussion: """
            Problems are printed as path:line:col: error|warning: message. A file with errors writes nothing. \
            An existing output file is refused before anything is read, unless --force is given.
            """)

    @Argument(help: "The GIFT file.") var file: String
    @Option(name: .shortAndLong, help: "Where to write the quiz file (default: standard output).") var output: String?
    @Flag(help: "Overwrite the output file if it exists.") var force = false
    @Option(help: "The new quiz's id (default: from the output file name, else the GIFT file name).") var quizID: String?
    @Option(help: "The language of the GIFT texts (zh or en).") var language = "zh"

    func validate() throws {
        guard Language(rawValue: language) != nil else { throw ValidationError("--language is zh or en") }
    }

    func run() throws {
        if let output { try checkOutput(output, force: force) }
        try requireReadableFile(file)
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let lang = Language(rawValue: language) ?? .zh
        let base = ((output ?? file) as NSString).lastPathComponent
        let derived = Identifier.slug(from: (base as NSString).deletingPathExtension)
        let conversion = GIFTConverter.quizYAML(fromGIFT: Array(data), fileName: file,
                                                quizID: quizID ?? (derived.isEmpty ? "imported" : derived), language: lang)
        conversion.diagnostics.forEach { FileHandle.standardError.write(Data(($0.description + "\n").utf8)) }
        guard let yaml = conversion.yaml else { throw ExitCode(1) }
        if let output {
            try writeOutput(yaml, to: output, force: force)
            print("wrote \(conversion.questionCount) questions to \(output)")
        } else {
            print(yaml, terminator: "")
        }
    }
}

struct ExportGIFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-gift",
        abstract: "Write a quiz file's questions as Moodle GIFT (one language).",
        discussion: """
            Texts missing in the chosen language fall back to the other language and are counted in one warning \
            per file (--verbose lists each). An existing output file is refused before anything is read, unless \
            --force is given.
            """)

    @Argument(help: "The quiz file (quizzes/<id>.yaml).") var file: String
    @Option(name: .shortAndLong, help: "Where to write the GIFT file (default: standard output).") var output: String?
    @Flag(help: "Overwrite the output file if it exists.") var force = false
    @Option(help: "Which language's texts to export (zh or en).") var language = "zh"
    @Flag(help: "List every text missing in the chosen language instead of a count per file.") var verbose = false

    func validate() throws {
        guard Language(rawValue: language) != nil else { throw ValidationError("--language is zh or en") }
    }

    func run() throws {
        if let output { try checkOutput(output, force: force) }
        try requireReadableFile(file)
        let lang = Language(rawValue: language) ?? .zh
        let (text, diagnostics) = GIFTConverter.gift(fromQuizFile: URL(fileURLWithPath: file), language: lang,
                                                     verbose: verbose)
        diagnostics.forEach { FileHandle.standardError.write(Data(($0.description + "\n").utf8)) }
        guard let text else { throw ExitCode(1) }
        if let output {
            try writeOutput(text, to: output, force: force)
            print("wrote \(output)")
        } else {
            print(text, terminator: "")
        }
    }
}

struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz-curriculum",
        abstract: "Run the deterministic mutation fuzzer over the YAML, Markdown and GIFT parsers.")

    @Option(help: "Number of cases.") var cases = 100_000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Also take seed samples from this course folder.") var corpus: String?

    func run() throws {
        let extra = try corpus.map { CurriculumFuzzer.samples(fromDirectory: try courseFolder($0, option: "--corpus")) } ?? []
        let report = CurriculumFuzzer.run(cases: cases, seed: seed, samples: extra)
        print(report.description)
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}

struct SyntheticCoursesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthetic-courses",
        abstract: "Write a synthetic catalogue (for load benchmarks) into an empty folder.",
        shouldDisplay: false)

    @Argument(help: "The folder to write into.") var directory: String
    @Option(help: "Courses.") var courses = 100
    @Option(help: "Modules per course.") var modules = 20

    func run() throws {
        let files = try SyntheticCatalogue.write(to: URL(fileURLWithPath: directory), courses: courses, modules: modules)
        print("wrote \(files) files")
    }
}

struct LoadCoursesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-courses",
        abstract: "Load a course folder the way the server does and report how long it took.",
        shouldDisplay: false)

    @Argument(help: "The course folder.") var directory = "Courses"
    @Option(name: .customLong("repeat"), help: "Repetitions (the median is reported).") var repetitions = 5

    func run() throws {
        var times: [Double] = []
        var courses = 0
        for _ in 0..<max(1, repetitions) {
            let start = Date()
            let (catalogue, diagnostics) = CatalogueLoader.load(directory: try courseFolder(directory))
            times.append(Date().timeIntervalSince(start))
            guard let catalogue else {
                diagnostics.filter(\.isError).prefix(5).forEach { print($0.description) }
                throw ExitCode(1)
            }
            courses = catalogue.courses.count
        }
        let median = times.sorted()[times.count / 2]
        print("loaded \(courses) courses in \(String(format: "%.3f", median)) s (median of \(times.count))")
    }
}
