import Testing
@testable import TrainingServer

@Suite struct ControlCharactersTests {
    @Test func findsC0C1DeleteAndTheUnicodeLineSeparators() {
        for scalar: UInt32 in [0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0x2028, 0x2029] {
            let text = "张三" + String(Character(Unicode.Scalar(scalar)!)) + "x"
            #expect(text.firstControlCharacter?.value == scalar)
        }
    }

    @Test func leavesOrdinaryTextAlone() {
        for text in ["张三", "O'Brien-Smith", "省人民政府/省数据局/综合处", "zhang.san@example.gov.cn", "Ａ　全角", "\u{A0}é€", ""] {
            #expect(text.firstControlCharacter == nil)
            #expect(text.controlCharacterProblem("name") == nil)
        }
    }

    @Test func theProblemNamesTheFieldAndTheCodePoint() {
        #expect("a\u{0}b".controlCharacterProblem("--name")
            == "--name contains the control character U+0000; remove line breaks, tabs and other control characters")
        #expect("a\u{2029}".controlCharacterProblem("login")?.contains("U+2029") == true)
    }
}
