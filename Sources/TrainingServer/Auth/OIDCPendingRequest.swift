import Foundation

/// An OpenID Connect sign-in under way: what the callback needs to finish it.
public struct OIDCPendingRequest: Sendable, Equatable {
    /// Digest of the browser-binding cookie's value.
    public var browserHash: String
    public var nonce: String
    public var codeVerifier: String
    /// Where the browser goes once signed in.
    public var next: String
    public var expiresAt: Double

    public init(browserHash: String, nonce: String, codeVerifier: String, next: String, expiresAt: Double) {
        self.browserHash = browserHash
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.next = next
        self.expiresAt = expiresAt
    }
}
