import Foundation
import Testing
@testable import Curriculum

/// The real Moodle files in `../shared/gift` behave as its README says.
struct GIFTSharedFilesTests {
    private func files(_ folder: String) throws -> [URL] {
        guard let shared = TestFiles.sharedGIFT else {
            print("skipped: ../shared/gift is not present next to the repository")
            return []
        }
        return try FileManager.default.contentsOfDirectory(at: shared.appendingPathComponent(folder),
                                                           includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "gift" }.sorted { $0.path < $1.path }
    }

    @Test("every file in must-import imports; essays are reported as unsupported with their line")
    func mustImport() throws {
        let expected: [String: (questions: Int, unsupportedLines: [Int])] = [
            "moodle-examples.gift": (43, []),
            "moodle-questions-in-category.gift": (4, []),
            "moodle-questions.gift": (8, [2]),
        ]
        let urls = try files("must-import")
        if TestFiles.sharedGIFT != nil { #expect(urls.count == expected.count) }
        for url in urls {
            let result = GIFTParser.parse(bytes: [UInt8](try Data(contentsOf: url)), fileName: url.lastPathComponent,
                                          language: .en)
            #expect(!result.hasErrors, "\(url.lastPathComponent): \(result.diagnostics.filter(\.isError))")
            let expectation = try #require(expected[url.lastPathComponent])
            #expect(result.questions.count == expectation.questions, "\(url.lastPathComponent)")
            let unsupported = result.diagnostics.filter { $0.message.contains("not a question type this platform supports") }
            #expect(unsupported.map(\.line) == expectation.unsupportedLines, "\(url.lastPathComponent)")
        }
    }

    @Test("the examples file keeps Moodle's reading of each question")
    func examplesInDetail() throws {
        guard let shared = TestFiles.sharedGIFT else { return }
        let url = shared.appendingPathComponent("must-import/moodle-examples.gift")
        let result = GIFTParser.parse(bytes: [UInt8](try Data(contentsOf: url)), fileName: "moodle-examples.gift",
                                      language: .en)
        let kinds = Dictionary(grouping: result.questions, by: \.kind.name).mapValues(\.count)
        #expect(kinds == ["single": 16, "multiple": 2, "truefalse": 5, "short": 9, "numeric": 8, "matching": 3])
        let thanksgiving = try #require(result.questions.first { $0.id == QuestionID("thanksgiving-date") })
        #expect(thanksgiving.text.en == "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November.")
        let control = try #require(result.questions.first { $0.id == QuestionID("gift-control-characters") })
        guard case .singleChoice(let options) = control.kind else {
            Issue.record("expected single choice")
            return
        }
        #expect(options.map { $0.text.en ?? "" } == ["~", "=", "#", "{", "}", "\\"])
        #expect(options.last?.fraction == 1)
    }

    @Test("a file that is not UTF-8 is refused with its name and first bad line, importing nothing")
    func mustReject() throws {
        let urls = try files("must-reject")
        if TestFiles.sharedGIFT != nil { #expect(!urls.isEmpty) }
        for url in urls {
            let name = url.lastPathComponent
            let result = GIFTParser.parse(bytes: [UInt8](try Data(contentsOf: url)), fileName: name)
            #expect(result.questions.isEmpty)
            #expect(result.diagnostics.count == 1)
            let error = try #require(result.diagnostics.first)
            #expect(error.isError && error.file == name)
            #expect(error.message.contains(name) && error.message.contains("line \(error.line)"))
            let conversion = GIFTConverter.quizYAML(fromGIFT: [UInt8](try Data(contentsOf: url)), fileName: name,
                                                    quizID: "imported", language: .en)
            #expect(conversion.yaml == nil)
        }
    }

    @Test("the Windows-1252 sample fails on line 15")
    func rejectLine() throws {
        guard let shared = TestFiles.sharedGIFT else { return }
        let url = shared.appendingPathComponent("must-reject/moodle-windows-1252.gift")
        let result = GIFTParser.parse(bytes: [UInt8](try Data(contentsOf: url)), fileName: "moodle-windows-1252.gift")
        #expect(result.diagnostics.first?.line == 15)
        #expect(result.diagnostics.first?.column == 7)
    }

    @Test("every must-import file converts to a quiz file that loads")
    func convertsToQuizFiles() throws {
        for url in try files("must-import") {
            let conversion = GIFTConverter.quizYAML(fromGIFT: [UInt8](try Data(contentsOf: url)),
                                                    fileName: url.lastPathComponent, quizID: "imported", language: .en)
            let yaml = try #require(conversion.yaml)
            let (file, diagnostics) = QuizFile.parse(text: yaml, fileName: "imported.yaml")
            #expect(diagnostics.allSatisfy { !$0.isError }, "\(diagnostics.filter(\.isError))")
            #expect(file?.definition?.allQuestions.count == conversion.questionCount)
        }
    }

    @Test("every must-import file goes through import-gift, export-gift and import-gift unchanged")
    func roundTrips() throws {
        for url in try files("must-import") {
            let result = try GIFTConverterTests.roundTrip([UInt8](try Data(contentsOf: url)),
                                                          fileName: url.lastPathComponent, language: .en)
            #expect(result.again == result.yaml, "\(url.lastPathComponent)")
            #expect(result.second == result.first, "\(url.lastPathComponent)")
            #expect(!result.first.isEmpty)
        }
    }

}
