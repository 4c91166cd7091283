import Assessment
import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The paper's JSON text written directly must be what `JSONEncoder` with sorted keys writes, byte for byte, and
/// read back as the same paper.
@Suite("PaperJSON")
struct PaperJSONTests {
    @Test func papersAreStoredAsTheJSONEncoderWritesThem() throws {
        // Texts with everything JSON escapes (quotes, backslashes, slashes, every control character), CJK,
        // fullwidth forms and characters outside the basic plane.
        var texts = ["", "a", "pfi-ogi-name", "第 31 条", "Ａrt. 5", "\"quoted\" \\ back/slash", "😀 emoji",
                     "line\nbreak\ttab\r", "~0"]
        texts += (0..<0x20).map { "x" + String(UnicodeScalar(UInt8($0))) + "y" }
        texts.append(String((0..<0x80).map { Character(UnicodeScalar(UInt8($0))) }))
        var generator = SeededGenerator(seed: 23)
        func text() -> String { texts.randomElement(using: &generator)! }
        func choices() -> [PresentedChoice] {
            (0..<Int.random(in: 0...5, using: &generator)).map { _ in PresentedChoice(id: text(), authoredID: text()) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for round in 0..<2_000 {
            let slots = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                PaperSlot(questionID: QuestionID(text()), contentHash: text(), poolID: text(), choices: choices(),
                          prompts: choices())
            }
            let seed: UInt64 = switch round % 4 {
            case 0: 0
            case 1: UInt64.max
            default: UInt64.random(in: 0...UInt64.max, using: &generator)
            }
            let paper = Paper(quizID: QuizID(text()), quizContentHash: text(), seed: seed,
                              behaviour: Bool.random(using: &generator) ? .immediateFeedback : .deferredFeedback,
                              slots: slots)
            let written = PaperJSON.text(paper)
            #expect(written == String(decoding: try encoder.encode(paper), as: UTF8.self), "round \(round)")
            #expect(try JSONDecoder().decode(Paper.self, from: Data(written.utf8)) == paper, "round \(round)")
        }
    }

    @Test func aShippedQuizsPaperIsWrittenAsTheEncoderWritesIt() throws {
        // The shipped courses (Courses/ at the top of the repository).
        let courses = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Courses", isDirectory: true)
        let catalogue = try CatalogueHolder(directory: courses, now: 1_800_000_000).catalogue
        var papers = 0
        for course in catalogue.courses {
            for quiz in course.quizzes {
                for seed in [UInt64(1), 42, UInt64.max] {
                    let paper = Paper(quiz: quiz, seed: seed)
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    #expect(PaperJSON.text(paper) == String(decoding: try encoder.encode(paper), as: UTF8.self))
                    papers += 1
                }
            }
        }
        #expect(papers > 0)
    }
}
