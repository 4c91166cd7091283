import Testing
@testable import TrainingServer

@Suite("Text file decoding")
struct TextFileDecodingTests {
    /// "张三" in each encoding.
    static let name = "张三"
    static let gb18030: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD]

    @Test func utf8WithAndWithoutAByteOrderMark() throws {
        #expect(try TextFileDecoding.decode(Array("a,张三\n".utf8)) == ("a,张三\n", .utf8))
        #expect(try TextFileDecoding.decode([0xEF, 0xBB, 0xBF] + Array("a,张三".utf8)) == ("a,张三", .utf8))
    }

    @Test func utf16WithAByteOrderMarkInEitherOrder() throws {
        let little: [UInt8] = [0xFF, 0xFE, 0x20, 0x5F, 0x09, 0x4E, 0x0A, 0x00, 0x61, 0x00]
        let big: [UInt8] = [0xFE, 0xFF, 0x5F, 0x20, 0x4E, 0x09, 0x00, 0x0A, 0x00, 0x61]
        #expect(try TextFileDecoding.decode(little) == ("张三\na", .utf16))
        #expect(try TextFileDecoding.decode(big) == ("张三\na", .utf16))
        // A character outside the BMP, as a surrogate pair: U+20000.
        #expect(try TextFileDecoding.decode([0xFF, 0xFE, 0x40, 0xD8, 0x00, 0xDC]).text == "\u{20000}")
    }

    @Test func utf16WithABrokenSurrogateNamesTheLine() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00, 0x00, 0xD8, 0x61, 0x00]
        #expect(throws: TextFileDecoding.Failure(line: 2, message: "the file is not valid UTF-16 text (a broken surrogate pair)")) {
            try TextFileDecoding.decode(bytes)
        }
    }

    @Test func gb18030IsDetectedWhenTheBytesAreNotUTF8() throws {
        #expect(try TextFileDecoding.decode(Self.gb18030 + [10]) == ("张三\n", .gb18030))
        // Four-byte GB18030 sequences (characters GBK does not have): U+20000 and the euro sign's two-byte form.
        #expect(try TextFileDecoding.decode([0x95, 0x32, 0x82, 0x36, 0xA2, 0xE3]) == ("\u{20000}€", .gb18030))
    }

    @Test func forcedEncodings() throws {
        #expect(try TextFileDecoding.decode(Self.gb18030, as: .gb18030) == ("张三", .gb18030))
        #expect(try TextFileDecoding.decode([0x20, 0x5F, 0x09, 0x4E], as: .utf16) == ("张三", .utf16))
        #expect(throws: TextFileDecoding.Failure(line: 1, message: "the file is not valid UTF-8 text")) {
            try TextFileDecoding.decode(Self.gb18030, as: .utf8)
        }
        #expect(throws: TextFileDecoding.Failure(line: 2, message: "the file is not valid GB18030 text")) {
            try TextFileDecoding.decode(Array("a\n".utf8) + [0xFF, 0x30], as: .gb18030)
        }
    }

    @Test func nothingFitsNamesTheEncodingsTriedAndTheLineThatGotFurthest() {
        // Lines 1-2 are GB18030 (not UTF-8); line 3 is neither.
        let bytes = Self.gb18030 + [10] + Self.gb18030 + [10, 0xFF, 10]
        #expect(throws: TextFileDecoding.Failure(
            line: 3, message: "this line is not valid GB18030 (tried UTF-8, UTF-16 and GB18030); "
                + "save the file as UTF-8 CSV, or name its encoding with --encoding")) { try TextFileDecoding.decode(bytes) }
    }

    @Test func aDamagedLineInAUTF8FileIsNotReadAsGB18030() {
        // Lines 1 and 3 are UTF-8 Chinese; line 2 lost a byte (D5 C5 alone also happens to be GB18030 "张").
        let bytes = Array("张三\n".utf8) + [0xD5, 0xC5, 10] + Array("李四\n".utf8)
        #expect(throws: TextFileDecoding.Failure(
            line: 2, message: "this line is not valid UTF-8, though the rest of the file is; "
                + "correct the line, or name the file's encoding with --encoding")) { try TextFileDecoding.decode(bytes) }
    }

    @Test func utf16WithoutAByteOrderMarkIsRefusedWithAHint() throws {
        let bytes: [UInt8] = [0x61, 0x00, 0x0A, 0x00]
        #expect(throws: TextFileDecoding.Failure(
            line: 1, message: "the file holds zero bytes, as UTF-16 text without a byte-order mark does; "
                + "give --encoding utf-16, or save the file as UTF-8 CSV")) { try TextFileDecoding.decode(bytes) }
        #expect(try TextFileDecoding.decode(bytes, as: .utf16).text == "a\n")
    }
}
