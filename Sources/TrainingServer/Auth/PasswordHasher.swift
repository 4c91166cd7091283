import CArgon2

/// Argon2id password hashing with OWASP's parameters (19 MiB, 2 passes, 1 lane), stored as PHC strings.
/// This is the only file that calls libargon2.
public struct PasswordHasher: Sendable {
    public var memoryKiB: UInt32 = 19_456
    public var iterations: UInt32 = 2
    public var parallelism: UInt32 = 1

    public init() {}

    /// Passwords must be 12-256 characters; any characters are allowed and used as given (no truncation,
    /// no case folding, no composition rules).
    public static let minimumLength = 12
    public static let maximumLength = 256

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooShort
        case tooLong
        case tooCommon
        case hashingFailed

        public var description: String {
            switch self {
            case .tooShort: return "a password needs at least \(PasswordHasher.minimumLength) characters"
            case .tooLong: return "a password may have at most \(PasswordHasher.maximumLength) characters"
            case .tooCommon: return "this password is too common; choose a longer, unusual one"
            case .hashingFailed: return "the password could not be hashed"
            }
        }
    }

    /// Checks a new password against the policy.
    public static func validate(_ password: String) throws(Failure) {
        if password.count < minimumLength { throw .tooShort }
        if password.count > maximumLength { throw .tooLong }
        let lowered = password.lowercased()
        if commonPasswords.contains(lowered) || Set(lowered).count <= 2 { throw .tooCommon }
    }

    /// A small list of the most used passwords of 12+ characters; longer lists belong in a breach service.
    static let commonPasswords: Set<String> = [
        "password1234", "password123!", "123456789012", "qwertyuiopas", "1q2w3e4r5t6y", "qwerty123456",
        "iloveyou1234", "administrator", "password12345", "welcome12345", "abc123456789", "passw0rd1234",
        "1234567890ab", "aaaaaaaaaaaa", "zhang1234567", "woaini123456", "woaini1314520", "a123456789012",
    ]

    /// Hashes `password` with a fresh random salt.
    public func hash(_ password: String) throws(Failure) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: 0...255, using: &generator) }
        let passwordBytes = Array(password.utf8)
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let result = argon2id_hash_encoded(iterations, memoryKiB, parallelism, passwordBytes, passwordBytes.count,
                                           salt, salt.count, 32, &encoded, length)
        guard result == ARGON2_OK.rawValue else { throw .hashingFailed }
        return encoded.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Whether `password` matches `encoded`.
    public func verify(_ password: String, against encoded: String) -> Bool {
        let passwordBytes = Array(password.utf8)
        return argon2id_verify(encoded, passwordBytes, passwordBytes.count) == ARGON2_OK.rawValue
    }

    /// A hash of a random password, verified against when a login does not exist, so that an unknown login
    /// costs the same time as a wrong password.
    public static let decoy: String = (try? PasswordHasher().hash(Tokens.random(bytes: 24))) ?? ""
}
