/// Which encoding a GIFT file that is not UTF-8 was most likely saved in, for the hint in the import error.
enum GIFTEncodingGuess {
    /// `GB18030` when every non-ASCII byte reads as a GB18030 character and most of them are Chinese characters or
    /// Chinese punctuation (the GB2312 area: both bytes 0xA1-0xFE); otherwise `WINDOWS-1252`, the encoding of old
    /// Moodle exports from Western Windows installations.
    static func encoding(of bytes: [UInt8]) -> String {
        looksLikeChineseGB18030(bytes) ? "GB18030" : "WINDOWS-1252"
    }

    static func looksLikeChineseGB18030(_ bytes: [UInt8]) -> Bool {
        var characters = 0
        var chinese = 0
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            if first < 0x80 {
                index += 1
                continue
            }
            guard (0x81...0xFE).contains(first), index + 1 < bytes.count else { return false }
            let second = bytes[index + 1]
            if (0x30...0x39).contains(second) {
                // A four-byte sequence.
                guard index + 3 < bytes.count, (0x81...0xFE).contains(bytes[index + 2]),
                      (0x30...0x39).contains(bytes[index + 3]) else { return false }
                characters += 1
                index += 4
                continue
            }
            guard (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) else { return false }
            characters += 1
            if (0xA1...0xF7).contains(first) && (0xA1...0xFE).contains(second) { chinese += 1 }
            index += 2
        }
        return characters > 0 && chinese * 3 >= characters * 2
    }
}
