import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reverse proxies whose `X-Forwarded-For` is believed. A request from any other peer keeps the peer's
/// address, whatever headers it sends; from a trusted proxy, the client is the right-most entry of
/// `X-Forwarded-For` that is not itself a trusted proxy (entries to its left were written by the client and can
/// be anything).
public struct TrustedProxies: Sendable, Equatable {
    /// One network: an IPv4 or IPv6 address and a prefix length.
    public struct Network: Sendable, Equatable, CustomStringConvertible {
        let bytes: [UInt8]
        let prefix: Int

        /// Parses "192.0.2.0/24", "2001:db8::/32", or a single address (a /32 or /128).
        public init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = IPAddress.bytes(of: String(parts[0])) else { return nil }
            let bits = address.count * 8
            var prefix = bits
            if parts.count == 2 {
                guard let value = Int(parts[1]), (0...bits).contains(value), !parts[1].hasPrefix("+") else { return nil }
                prefix = value
            }
            self.bytes = Self.mask(address, prefix: prefix)
            self.prefix = prefix
        }

        public func contains(_ address: [UInt8]) -> Bool {
            address.count == bytes.count && Self.mask(address, prefix: prefix) == bytes
        }

        public var description: String { "\(IPAddress.text(of: bytes) ?? "?")/\(prefix)" }

        static func mask(_ address: [UInt8], prefix: Int) -> [UInt8] {
            address.enumerated().map { index, byte in
                let kept = max(0, min(8, prefix - index * 8))
                return kept == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            }
        }
    }

    public var networks: [Network]

    public init(_ networks: [Network] = []) { self.networks = networks }

    public func trusts(_ address: String) -> Bool {
        guard let bytes = IPAddress.bytes(of: address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The address to treat as the client's: the peer's, unless the peer is a trusted proxy and `forwardedFor`
    /// (every `X-Forwarded-For` header, in order) names an address.
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard !networks.isEmpty, trusts(peer) else { return peer }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for entry in entries.reversed() {
            // A malformed entry where the proxy's own should be: the chain cannot be read, so the proxy it came
            // through is the best that is known.
            guard let bytes = IPAddress.bytes(of: IPAddress.strippingPort(entry)) else { return peer }
            if networks.contains(where: { $0.contains(bytes) }) { continue }
            return IPAddress.text(of: bytes) ?? peer
        }
        return entries.isEmpty ? peer : (IPAddress.bytes(of: IPAddress.strippingPort(entries[0]))
            .flatMap(IPAddress.text(of:)) ?? peer)
    }
}

/// IPv4 and IPv6 addresses as bytes and as canonical text.
enum IPAddress {
    /// 4 bytes for IPv4, 16 for IPv6 (brackets allowed), nil for anything else.
    static func bytes(of text: String) -> [UInt8]? {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        guard !text.isEmpty, text.utf8.count < 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        // An IPv4 client on a dual-stack socket ("::ffff:192.0.2.1") is the IPv4 client.
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    /// The canonical text of an address (so that "::1" and "0:0::1" are one client).
    static func text(of bytes: [UInt8]) -> String? {
        let family = bytes.count == 4 ? AF_INET : bytes.count == 16 ? AF_INET6 : -1
        guard family != -1 else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }

    /// "192.0.2.1:8080" → "192.0.2.1", "[2001:db8::1]:443" → "2001:db8::1"; anything else unchanged.
    static func strippingPort(_ text: String) -> String {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }

    /// The key a client address is counted under: the address itself for IPv4, its /64 network for IPv6 (one
    /// subscriber usually holds a whole /64, so single IPv6 addresses are free to change).
    static func throttleKey(_ address: String) -> String {
        guard let bytes = bytes(of: address), bytes.count == 16 else { return address }
        return (text(of: TrustedProxies.Network.mask(bytes, prefix: 64)) ?? address) + "/64"
    }
}
