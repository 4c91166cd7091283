import Crypto
import Foundation
import Synchronization

/// Seals TOTP secrets for the database with AES-256-GCM under a key kept in a file beside it
/// (`second-factor.key`, mode 0600, made on first use), so a copy of the database alone (a backup, a stolen file)
/// does not give anyone the codes. The person's ID is the authenticated data: a sealed secret copied onto another
/// account does not open. Back the key file up with the database: without it, every enrolment must be redone
/// (an administrator resets them).
public struct SecondFactorSeal: Sendable {
    let key: SymmetricKey

    public enum Problem: Error, CustomStringConvertible {
        case keyFile(path: String, reason: String)
        case cannotOpen

        public var description: String {
            switch self {
            case .keyFile(let path, let reason): "the two-step sign-in key \(path) cannot be used: \(reason)"
            case .cannotOpen: "a two-step sign-in secret does not open with this key"
            }
        }
    }

    init(key: SymmetricKey) { self.key = key }

    /// The key file for the database at `databasePath`.
    public static func keyPath(forDatabase databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("second-factor.key").path
    }

    private static let loaded = Mutex<[String: SymmetricKey]>([:])

    /// The seal whose key is at `path`, made there (mode 0600) when nothing exists yet; read once per process.
    public static func at(_ path: String) throws -> SecondFactorSeal {
        if let key = loaded.withLock({ $0[path] }) { return SecondFactorSeal(key: key) }
        func read() throws -> SymmetricKey? {
            let text: String?
            do {
                text = try OwnerOnlyFile.readText(at: path)
            } catch {
                if case .insecurePermissions(let mode) = error {
                    throw Problem.keyFile(path: path,
                                          reason: "group or others may use it (mode 0\(String(mode & 0o777, radix: 8))); chmod 600 it")
                }
                throw Problem.keyFile(path: path, reason: "\(error)")
            }
            guard let text else { return nil }
            guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw Problem.keyFile(path: path, reason: "it does not hold a base64 256-bit key")
            }
            return SymmetricKey(data: bytes)
        }
        var key = try read()
        if key == nil {
            let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
            if let reason = OwnerOnlyFile.createExclusively(at: path, contents: Data(fresh.utf8)) {
                throw Problem.keyFile(path: path, reason: reason)
            }
            key = try read()
        }
        guard let key else { throw Problem.keyFile(path: path, reason: "the file vanished after it was written") }
        loaded.withLock { $0[path] = key }
        return SecondFactorSeal(key: key)
    }

    /// The secret sealed for `user` (nonce, ciphertext and tag together).
    public func seal(_ secret: [UInt8], for user: UserID) throws -> Data {
        guard let combined = try AES.GCM.seal(secret, using: key, authenticating: Self.context(user)).combined else {
            throw Problem.cannotOpen
        }
        return combined
    }

    /// The secret sealed for `user`; throws when it was sealed under another key or for another person.
    public func open(_ sealed: Data, for user: UserID) throws -> [UInt8] {
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Self.context(user)))
        } catch {
            throw Problem.cannotOpen
        }
    }

    private static func context(_ user: UserID) -> Data { Data("csa-totp-secret:\(user.rawValue)".utf8) }
}
