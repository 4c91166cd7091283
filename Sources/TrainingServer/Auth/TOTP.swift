import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) as authenticator apps make them: HMAC-SHA-1 (RFC 4226's HOTP) over
/// the number of 30-second steps since the Unix epoch, dynamically truncated to 6 digits. Pure computation: what
/// was used before (replay) is the storage's business (`SecondFactorStore.use`).
public enum TOTP {
    /// Seconds per step.
    public static let period: Double = 30
    /// Digits per code.
    public static let digits = 6
    /// Steps either side of the current one that are still accepted (clock drift, a code typed as it changed).
    public static let window: Int64 = 1
    /// Secret length in bytes (160 bits, the length RFC 4226 recommends for HMAC-SHA-1).
    public static let secretLength = 20

    /// The step `time` (Unix seconds) falls in.
    public static func step(at time: Double) -> Int64 {
        Int64((time / period).rounded(.down))
    }

    /// The code for `step` (RFC 4226 §5.3: the HMAC's dynamic truncation modulo 10^digits, zero-padded).
    public static func code(secret: [UInt8], step: Int64, digits: Int = TOTP.digits) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(value % modulus)
        return String(repeating: "0", count: max(0, digits - number.count)) + number
    }

    /// The code for the step `time` falls in.
    public static func code(secret: [UInt8], at time: Double, digits: Int = TOTP.digits) -> String {
        code(secret: secret, step: step(at: time), digits: digits)
    }

    /// The step (within `window` of the one `time` falls in) whose code `typed` is, or nil. Spaces and hyphens the
    /// person typed are ignored; anything but exactly `digits` digits matches nothing. Every candidate is compared
    /// in constant time, and all of them are always computed.
    public static func matchingStep(_ typed: String, secret: [UInt8], at time: Double) -> Int64? {
        let cleaned = normalized(typed)
        guard cleaned.count == digits, cleaned.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let now = step(at: time)
        var found: Int64?
        for candidate in (now - window)...(now + window) {
            if constantTimeEqual(code(secret: secret, step: candidate), cleaned) && found == nil { found = candidate }
        }
        return found
    }

    /// What the person typed without spaces and hyphens (apps show "123 456"; recovery codes have hyphens).
    public static func normalized(_ typed: String) -> String {
        String(typed.unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "\u{3000}" }.map(Character.init))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// A new random secret (`secretLength` bytes from the system CSPRNG).
    public static func newSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<secretLength).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
    }

    // MARK: Base32 (RFC 4648 §6), as authenticator apps take secrets

    private static let base32Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Base32 without padding.
    public static func base32(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(base32Alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(base32Alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Base32 text (any case, spaces and padding ignored) as bytes; nil when it holds another character.
    public static func base32Decode(_ text: String) -> [UInt8]? {
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for scalar in text.uppercased().unicodeScalars where scalar != " " && scalar != "=" {
            guard scalar.isASCII, let index = base32Alphabet.firstIndex(of: UInt8(scalar.value)) else { return nil }
            buffer = (buffer << 5) | UInt32(index)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return output
    }

    /// The secret in groups of four for typing ("ABCD EFGH …").
    public static func grouped(_ base32: String) -> String {
        var groups: [String] = []
        var rest = Substring(base32)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }

    /// The key URI authenticator apps read from a QR code:
    /// `otpauth://totp/ISSUER:LOGIN?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`, the issuer and the
    /// login percent-encoded as UTF-8 (Chinese names are fine). A colon in the issuer would end the label's issuer
    /// part early, so it becomes a space.
    public static func keyURI(secret: [UInt8], issuer: String, account: String) -> String {
        let cleanIssuer = issuer.replacingOccurrences(of: ":", with: " ").replacingOccurrences(of: "：", with: " ")
            .trimmingCharacters(in: .whitespaces)
        let label = percentEncoded(cleanIssuer) + ":" + percentEncoded(account)
        return "otpauth://totp/\(label)?secret=\(base32(secret))&issuer=\(percentEncoded(cleanIssuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(Int(period))"
    }

    /// Every byte but RFC 3986's unreserved characters percent-encoded (a space is %20, never "+").
    static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80 && (scalar.properties.isASCIIHexDigit || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar)) {
                output.unicodeScalars.append(scalar)
            } else {
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }
}
