import Crypto
import Foundation

/// Random secrets and their stored digests.
public enum Tokens {
    /// `bytes` random bytes from the system CSPRNG (`getrandom`, eight bytes per call), base64url without padding.
    public static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var buffer = [UInt8]()
        buffer.reserveCapacity(bytes + 8)
        while buffer.count < bytes {
            withUnsafeBytes(of: generator.next()) { buffer.append(contentsOf: $0) }
        }
        return base64URL(buffer.prefix(bytes))
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64url without padding (RFC 4648 §5).
    static func base64URL(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            for shift in stride(from: 18, through: 0, by: -6) { output.append(base64Alphabet[Int(value >> UInt32(shift) & 63)]) }
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let value = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            output.append(base64Alphabet[Int(value >> 18 & 63)])
            output.append(base64Alphabet[Int(value >> 12 & 63)])
            if rest == 2 { output.append(base64Alphabet[Int(value >> 6 & 63)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The SHA-256 hex digest stored in place of a bearer secret.
    public static func digest(_ token: String) -> String {
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(token.utf8)) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `secret` under a fresh random mask, for pages: base64url of the mask followed by the mask XOR the secret's
    /// bytes. Every page carries a different string for the same secret, so a compressed page's length says nothing
    /// about the secret (BREACH); `unmasked` gives the secret back.
    public static func masked(_ secret: String) -> String {
        let plain = Array(secret.utf8)
        // The mask in one call of the system CSPRNG (each `SystemRandomNumberGenerator.next()` is a system call).
        var output = [UInt8](repeating: 0, count: plain.count * 2)
        output.withUnsafeMutableBytes { buffer in fillRandom(buffer.baseAddress!, count: plain.count) }
        for index in plain.indices { output[plain.count + index] = output[index] ^ plain[index] }
        return base64URL(output)
    }

    /// Fills `count` bytes at `start` from the system CSPRNG (glibc's `arc4random_buf`: `getrandom`, one call).
    private static func fillRandom(_ start: UnsafeMutableRawPointer, count: Int) {
        arc4random_buf(start, count)
    }

    /// The secret inside a `masked` token, or nil when `token` is not one.
    public static func unmasked(_ token: String) -> String? {
        guard let bytes = Base64URL.decode(token).map(Array.init), bytes.count >= 2, bytes.count % 2 == 0 else { return nil }
        let half = bytes.count / 2
        let secret = (0..<half).map { bytes[$0] ^ bytes[half + $0] }
        return String(validating: secret, as: UTF8.self)
    }

    /// Compares two secrets in time independent of where they differ.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
