import Foundation
import Testing
@testable import Curriculum

struct GIFTEncodingGuessTests {
    @Test("Chinese text in GB18030 is recognised, including four-byte sequences")
    func chinese() {
        // "敏感信息：" and "€" (four bytes in GB18030: 0x81 0x30 0x81 0x30 would be U+0080; any valid one counts).
        let text: [UInt8] = Array("Q ".utf8) + [0xC3, 0xF4, 0xB8, 0xD0, 0xD0, 0xC5, 0xCF, 0xA2, 0xA3, 0xBA]
        #expect(GIFTEncodingGuess.encoding(of: text) == "GB18030")
        #expect(GIFTEncodingGuess.encoding(of: text + [0x81, 0x30, 0x81, 0x30]) == "GB18030")
    }

    @Test("Western text in Windows-1252 is not taken for Chinese")
    func western() {
        // "Café crème brûlée, naïve façade" in Windows-1252: é before a space is no GB18030 pair.
        let text: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x63, 0x72, 0xE8, 0x6D, 0x65, 0x20, 0x62, 0x72, 0xFB, 0x6C,
                             0xE9, 0x65, 0x2C, 0x20, 0x6E, 0x61, 0xEF, 0x76, 0x65, 0x20, 0x66, 0x61, 0xE7, 0x61, 0x64, 0x65]
        #expect(GIFTEncodingGuess.encoding(of: text) == "WINDOWS-1252")
        // "naïve" alone reads as one GB18030 pair, but not as a Chinese character.
        #expect(GIFTEncodingGuess.encoding(of: [0x6E, 0x61, 0xEF, 0x76, 0x65]) == "WINDOWS-1252")
        #expect(GIFTEncodingGuess.encoding(of: Array("plain ASCII".utf8)) == "WINDOWS-1252")
    }

    @Test("the Windows-1252 file from Moodle keeps the Windows-1252 hint")
    func sharedFile() throws {
        guard let shared = TestFiles.sharedGIFT else { return }
        let bytes = [UInt8](try Data(contentsOf: shared.appendingPathComponent("must-reject/moodle-windows-1252.gift")))
        #expect(GIFTEncodingGuess.encoding(of: bytes) == "WINDOWS-1252")
        let result = GIFTParser.parse(bytes: bytes, fileName: "moodle-windows-1252.gift")
        #expect(result.diagnostics.first?.message.contains("iconv -f WINDOWS-1252 -t UTF-8") == true)
    }
}
