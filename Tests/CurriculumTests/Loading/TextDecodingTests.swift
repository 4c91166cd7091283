import Testing
@testable import Curriculum

struct TextDecodingTests {
    @Test("UTF-8 text decodes; a byte-order mark is dropped; line endings become \\n")
    func decodes() throws {
        #expect(try TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\n".utf8)).get() == "a\nb\nc\n")
        #expect(try TextDecoding.decode(Array("网络".utf8)).get() == "网络")
    }

    @Test("the first bad byte is located by line and column", arguments: [
        ([UInt8]("ab\ncd".utf8) + [0xE9], 2, 3),
        ([UInt8]("网\n\n  ".utf8) + [0xC3, 0x28], 3, 3),
        ([0xFF], 1, 1),
        ([UInt8]("x".utf8) + [0xED, 0xA0, 0x80], 1, 2),
        ([UInt8]("x".utf8) + [0xF0, 0x9F, 0x98], 1, 2),
    ])
    func invalid(bytes: [UInt8], line: Int, column: Int) {
        guard case .failure(let problem) = TextDecoding.decode(bytes) else {
            Issue.record("decoded invalid UTF-8")
            return
        }
        #expect(problem.line == line)
        #expect(problem.column == column)
    }
}
