import Crypto
import _CryptoExtras
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Ed25519 key that signs audit checkpoints. It lives in a PEM file (PKCS#8) outside the database, mode 0600
/// (`audit-key.pem` next to the database unless `--audit-key` names another), so someone who can only write the
/// database cannot sign a checkpoint for a chain they rewrote.
public struct AuditKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    /// The first 16 hex digits of the SHA-256 of the raw public key: named in every checkpoint line.
    public var keyID: String { AuditKey.keyID(of: privateKey.publicKey) }

    /// Reads a PKCS#8 PEM Ed25519 private key.
    public init(pemRepresentation: String) throws {
        do {
            privateKey = try Curve25519.Signing.PrivateKey(pemRepresentation: pemRepresentation)
        } catch {
            throw AuditKeyError.unreadable("the text is not a PEM Ed25519 private key")
        }
    }

    init(_ key: Curve25519.Signing.PrivateKey) {
        privateKey = key
    }

    /// A fresh key in memory.
    public static func generate() -> AuditKey { AuditKey(Curve25519.Signing.PrivateKey()) }

    /// The private key as PKCS#8 PEM. Write it only to a file with mode 0600.
    public var pemRepresentation: String { privateKey.pemRepresentation }

    static func keyID(of publicKey: Curve25519.Signing.PublicKey) -> String {
        SHA256.hash(data: publicKey.rawRepresentation).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    func signature(for message: Data) throws -> Data {
        try privateKey.signature(for: message)
    }

    func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        privateKey.publicKey.isValidSignature(signature, for: message)
    }
}

public enum AuditKeyError: Error, CustomStringConvertible {
    case unreadable(String)
    case insecurePermissions(path: String, mode: UInt32)
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let reason): return "cannot read the audit key: \(reason)"
        case .insecurePermissions(let path, let mode):
            return "the audit key \(path) may be read or changed by others (mode 0\(String(mode & 0o777, radix: 8))); chmod 600 it"
        case .cannotCreate(let path, let reason): return "cannot create the audit key \(path): \(reason)"
        }
    }
}

extension AuditKey {
    /// The key at `path`, or a new key written there (mode 0600) when nothing exists: under a temporary name,
    /// synced, then hard-linked into place, so two processes starting together share one key.
    public static func loadOrCreate(at path: String) throws -> AuditKey {
        if let existing = try load(at: path) { return existing }
        if let reason = OwnerOnlyFile.createExclusively(at: path, contents: Data(generate().pemRepresentation.utf8)) {
            throw AuditKeyError.cannotCreate(path: path, reason: reason)
        }
        guard let stored = try load(at: path) else {
            throw AuditKeyError.cannotCreate(path: path, reason: "the file vanished after it was written")
        }
        return stored
    }

    /// The key at `path`, nil when nothing exists there. Refuses a file group or others may use, or that is not a
    /// regular file.
    public static func load(at path: String) throws -> AuditKey? {
        let text: String?
        do {
            text = try OwnerOnlyFile.readText(at: path)
        } catch {
            switch error {
            case .unreadable(let reason): throw AuditKeyError.unreadable("\(path): \(reason)")
            case .notARegularFile: throw AuditKeyError.unreadable("\(path) is not a regular file")
            case .insecurePermissions(let mode): throw AuditKeyError.insecurePermissions(path: path, mode: mode)
            case .notText: throw AuditKeyError.unreadable("\(path) cannot be read as UTF-8 text")
            }
        }
        guard let text else { return nil }
        do {
            return try AuditKey(pemRepresentation: text)
        } catch {
            throw AuditKeyError.unreadable("\(path) does not hold a PEM Ed25519 private key")
        }
    }
}
