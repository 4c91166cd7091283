import Testing
@testable import TrainingServer

@Suite struct TrustedProxiesTests {
    private let proxies = TrustedProxies([TrustedProxies.Network("127.0.0.1/32")!, TrustedProxies.Network("10.0.0.0/8")!,
                                          TrustedProxies.Network("2001:db8:ff::/48")!])

    @Test func withoutTrustedProxiesTheHeaderIsIgnored() {
        #expect(TrustedProxies().clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "127.0.0.1")
    }

    @Test func anUntrustedPeerKeepsItsOwnAddress() {
        #expect(proxies.clientAddress(peer: "198.51.100.4", forwardedFor: ["203.0.113.9"]) == "198.51.100.4")
        #expect(proxies.clientAddress(peer: "2001:db8:fe::1", forwardedFor: ["203.0.113.9"]) == "2001:db8:fe::1")
    }

    @Test func aTrustedPeerNamesTheRightMostUntrustedEntry() {
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        // The client wrote "1.2.3.4"; the proxies appended the real client and themselves.
        #expect(proxies.clientAddress(peer: "10.1.1.1", forwardedFor: ["1.2.3.4, 203.0.113.9", "10.2.2.2"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "::ffff:127.0.0.1", forwardedFor: ["2001:DB8::0:1"]) == "2001:db8::1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["[2001:db8::7]:4711"]) == "2001:db8::7")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9:51000"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "2001:db8:ff:1::5", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
    }

    @Test func aMalformedOrMissingEntryLeavesThePeer() {
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9, not-an-address"]) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        // Only proxies in the chain: the left-most is as far as it goes.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["10.0.0.5, 10.0.0.6"]) == "10.0.0.5")
    }

    @Test(arguments: ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "::1", "0.0.0.0/0"])
    func networksParse(_ text: String) {
        #expect(TrustedProxies.Network(text) != nil)
    }

    @Test(arguments: ["", "10.0.0.0/33", "2001:db8::/129", "10.0.0/8", "example.org", "10.0.0.0/+8", "10.0.0.0/"])
    func malformedNetworksAreRefused(_ text: String) {
        #expect(TrustedProxies.Network(text) == nil)
    }

    @Test func ipv6ClientsAreCountedPerSlash64() {
        #expect(IPAddress.throttleKey("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(IPAddress.throttleKey("192.0.2.1") == "192.0.2.1")
    }
}
