import Foundation

/// The public keys the issuer has signed credentials with. A key is recorded the first time the server runs with
/// it and is never removed, so a key rotation (a new key file) keeps every earlier key published.
public protocol IssuerKeyRepository: Sendable {
    /// Records `key` as published from `now`; a key already recorded keeps its first date.
    func publish(_ key: IssuerPublicKey, at now: Double) throws
    /// Every recorded key, the most recently introduced first.
    func published() throws -> [IssuerPublicKey]
}
