import Synchronization
import Testing
@testable import TrainingServer

@Suite struct AnonymousCSRFTokenTests {
    private let signer = AnonymousCSRFToken(key: Array(repeating: 7, count: 32))

    @Test func anIssuedValueVerifies() {
        let value = signer.issue()
        #expect(value.count == 87)
        #expect(signer.isIssued(value))
        #expect(signer.issue() != value)
    }

    @Test(arguments: [
        String(repeating: "A", count: 40), String(repeating: "A", count: 87), "", ".", "a.b",
        String(repeating: "A", count: 43) + "." + String(repeating: "A", count: 43),
    ])
    func aValueTheServerDidNotIssueIsRefused(_ planted: String) {
        #expect(!signer.isIssued(planted))
    }

    @Test func aChangedNonceOrTagIsRefused() throws {
        let value = signer.issue()
        let dot = try #require(value.firstIndex(of: "."))
        let nonce = String(value[..<dot])
        let tag = String(value[value.index(after: dot)...])
        let otherNonce = String(signer.issue().prefix(43))
        #expect(!signer.isIssued(otherNonce + "." + tag))
        #expect(!signer.isIssued(nonce + "." + String(tag.dropLast()) + (tag.last == "A" ? "B" : "A")))
        #expect(!signer.isIssued(nonce + "." + tag + "."))
        #expect(!signer.isIssued(nonce + tag))
    }

    @Test func anotherKeysValueIsRefused() {
        let other = AnonymousCSRFToken(key: Array(repeating: 8, count: 32))
        #expect(!signer.isIssued(other.issue()))
        let first = AnonymousCSRFToken.newKey()
        let second = AnonymousCSRFToken.newKey()
        #expect(first.count == 32 && second.count == 32 && first != second)
        #expect(!AnonymousCSRFToken(key: first).isIssued(AnonymousCSRFToken(key: second).issue()))
    }

    @Test func theHolderLoadsTheKeyOnceAndRetriesAFailedLoad() throws {
        struct Unavailable: Error {}
        let calls = Mutex(0)
        let holder = AnonymousCSRFKeyHolder {
            let call = calls.withLock { count in
                count += 1
                return count
            }
            if call == 1 { throw Unavailable() }
            return Array(repeating: 7, count: 32)
        }
        #expect(throws: Unavailable.self) { try holder.token() }
        let value = try holder.token().issue()
        #expect(try holder.token().isIssued(value))
        #expect(signer.isIssued(value))
        #expect(calls.withLock { $0 } == 2)
    }
}
