import Foundation

/// Base64url without padding (RFC 4648 §5): the alphabet of JWS segments, JWK members and JWK thumbprints.
enum Base64URL {
    static func encode<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes canonical base64url only: the url-safe alphabet, no padding, no whitespace, and unused trailing bits
    /// zero, so that every byte string has exactly one accepted spelling. Returns nil for anything else.
    static func decode(_ text: some StringProtocol) -> Data? {
        let isAlphabet: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
        guard text.utf8.allSatisfy(isAlphabet) else { return nil }
        let remainder = text.utf8.count % 4
        guard remainder != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if remainder > 0 {
            standard += String(repeating: "=", count: 4 - remainder)
        }
        guard let bytes = Data(base64Encoded: standard), encode(bytes) == String(text) else { return nil }
        return bytes
    }
}
