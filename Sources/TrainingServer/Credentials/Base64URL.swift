import Foundation

/// Base64url without padding (RFC 4648 §5): the alphabet of JWS segments, JWK members and JWK thumbprints.
/// Encoded and decoded on bytes through tables (CSRF tokens are unmasked and masked on every form request).
enum Base64URL {
    static func encode<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        let input = [UInt8](bytes)
        let length = (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: length) { output in
            var at = 0
            var index = 0
            while index + 3 <= input.count {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                output[at] = alphabet[Int(value >> 18)]
                output[at + 1] = alphabet[Int(value >> 12 & 0x3F)]
                output[at + 2] = alphabet[Int(value >> 6 & 0x3F)]
                output[at + 3] = alphabet[Int(value & 0x3F)]
                at += 4
                index += 3
            }
            switch input.count - index {
            case 1:
                let value = UInt32(input[index]) << 16
                output[at] = alphabet[Int(value >> 18)]
                output[at + 1] = alphabet[Int(value >> 12 & 0x3F)]
                at += 2
            case 2:
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                output[at] = alphabet[Int(value >> 18)]
                output[at + 1] = alphabet[Int(value >> 12 & 0x3F)]
                output[at + 2] = alphabet[Int(value >> 6 & 0x3F)]
                at += 3
            default:
                break
            }
            return at
        }
    }

    /// Decodes canonical base64url only: the url-safe alphabet, no padding, no whitespace, and unused trailing bits
    /// zero, so that every byte string has exactly one accepted spelling. Returns nil for anything else.
    static func decode(_ text: some StringProtocol) -> Data? {
        let characters = Array(text.utf8)
        let remainder = characters.count % 4
        guard remainder != 1 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(characters.count * 3 / 4)
        var value: UInt32 = 0
        var bits = 0
        for character in characters {
            let sextet = values[Int(character)]
            guard sextet < 64 else { return nil }
            value = value << 6 | UInt32(sextet)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(bits)))
                value &= (1 << UInt32(bits)) - 1
            }
        }
        // What is left over are the unused bits of the last character: zero in the canonical spelling.
        guard value == 0 else { return nil }
        return Data(bytes)
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each byte's sextet, 255 for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()
}
