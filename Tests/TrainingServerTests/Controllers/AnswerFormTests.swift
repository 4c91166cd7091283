import Foundation
import Testing
@testable import TrainingServer

@Suite("AnswerForm")
struct AnswerFormTests {
    /// A typed answer of only blanks clears the question: the check must say what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` says, for every Unicode scalar alone and inside text.
    @Test func blankAnswersAreWhatFoundationCallsWhitespace() {
        var blanks = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            let foundation = text.trimmingCharacters(in: .whitespaces).isEmpty
            #expect(AnswerForm.isBlank(text) == foundation, "U+\(String(value, radix: 16))")
            #expect(AnswerForm.isBlank(" " + text + "\t") == foundation, "U+\(String(value, radix: 16)) between blanks")
            if foundation { blanks += 1 }
        }
        #expect(blanks > 10)
        #expect(AnswerForm.isBlank(""))
        #expect(AnswerForm.isBlank(" \u{3000}\t "))
        #expect(!AnswerForm.isBlank(" 20 "))
        #expect(!AnswerForm.isBlank("\n"))
    }
}
