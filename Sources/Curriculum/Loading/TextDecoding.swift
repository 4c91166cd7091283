#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns file bytes into text: strict UTF-8, byte-order mark dropped, line endings made `\n`.
public enum TextDecoding {
    /// Where a file stops being valid UTF-8 (1-based; the column counts the characters before the bad byte).
    public struct InvalidUTF8: Error, Sendable, Hashable {
        /// The line of the first bad byte.
        public let line: Int
        /// The column of the first bad byte, counting the characters before it.
        public let column: Int
        /// The offset of the first bad byte in the file.
        public let byteOffset: Int
    }

    /// The text of `bytes`, or where the first byte that is not UTF-8 sits.
    public static func decode(_ bytes: [UInt8]) -> Result<String, InvalidUTF8> {
        let skip = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let decoded = bytes.withUnsafeBufferPointer { buffer -> (String?, Bool) in
            let body = UnsafeBufferPointer(rebasing: buffer[skip...])
            let hasCR = body.baseAddress.map { memchr($0, 0x0D, body.count) != nil } ?? false
            return (String(validating: body, as: UTF8.self), hasCR)
        }
        if let text = decoded.0 {
            return .success(decoded.1 ? normalizingNewlines(text) : text)
        }
        let offset = firstInvalidOffset(bytes) ?? 0
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return .failure(InvalidUTF8(line: line, column: column, byteOffset: offset))
    }

    /// `text` with `\r\n` and lone `\r` replaced by `\n`.
    public static func normalizingNewlines(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0D {
                bytes.append(0x0A)
                previousWasCR = true
            } else {
                if !(byte == 0x0A && previousWasCR) { bytes.append(byte) }
                previousWasCR = false
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence.
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return index }
            for next in 2..<length where bytes[index + next] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }
}
