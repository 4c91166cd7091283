import Foundation

/// Why the issuer's signing key, or a published key set, could not be used.
public enum IssuerKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key file grants group or others some access; `mode` holds its permission bits.
    case insecurePermissions(path: String, mode: UInt32)
    /// The path names something other than a regular file (a directory, a device, a socket).
    case notARegularFile(path: String)
    /// The key file exists but could not be read or does not hold an RSA private key in PEM form.
    case unreadable(path: String, reason: String)
    /// A new key file could not be written.
    case cannotCreate(path: String, reason: String)
    /// Key material handed over in memory (PEM text, JWK members) is not a usable RSA key.
    case invalidKey(String)
    /// A JSON Web Key Set document could not be read.
    case invalidKeySet(String)

    /// The reason in plain words, for logs, the command line and pages.
    public var description: String {
        switch self {
        case .insecurePermissions(let path, let mode):
            let octal = String(mode & 0o777, radix: 8)
            return "The issuer key file \(path) is open to other accounts (mode 0\(octal)); "
                + "restrict it with `chmod 600 \(path)` and start again."
        case .notARegularFile(let path):
            return "The issuer key path \(path) is not a regular file."
        case .unreadable(let path, let reason):
            return "The issuer key file \(path) could not be used: \(reason)."
        case .cannotCreate(let path, let reason):
            return "The issuer key file \(path) could not be created: \(reason)."
        case .invalidKey(let reason):
            return "The key is not a usable RSA signing key: \(reason)."
        case .invalidKeySet(let reason):
            return "The key set is not a usable JSON Web Key Set: \(reason)."
        }
    }
}
