@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Pending OpenID Connect sign-ins on a real SQLite file: found by the state's digest, taken once, purged when lapsed.
@Suite struct SQLiteOIDCRequestsTests {
    private func request(_ nonce: String, expiresAt: Double) -> OIDCPendingRequest {
        OIDCPendingRequest(browserHash: Tokens.digest("browser"), nonce: nonce, codeVerifier: "verifier-\(nonce)",
                           next: "/courses", expiresAt: expiresAt)
    }

    @Test func aRequestIsTakenOnceByItsStatesDigest() throws {
        let temporary = try TemporaryStore()
        let requests = SQLiteOIDCRequests(store: temporary.store)
        try requests.add(stateHash: Tokens.digest("state-1"), request("n1", expiresAt: 1_000), now: 400)
        try requests.add(stateHash: Tokens.digest("state-2"), request("n2", expiresAt: 1_000), now: 400)
        #expect(try requests.take(stateHash: Tokens.digest("state-3")) == nil)
        #expect(try requests.take(stateHash: Tokens.digest("state-1")) == request("n1", expiresAt: 1_000))
        #expect(try requests.take(stateHash: Tokens.digest("state-1")) == nil)
        #expect(try requests.count() == 1)
    }

    @Test func lapsedRequestsArePurgedWhenANewOneIsAdded() throws {
        let temporary = try TemporaryStore()
        let requests = SQLiteOIDCRequests(store: temporary.store)
        try requests.add(stateHash: Tokens.digest("old"), request("old", expiresAt: 600), now: 0)
        try requests.add(stateHash: Tokens.digest("new"), request("new", expiresAt: 1_200), now: 600)
        #expect(try requests.count() == 1)
        #expect(try requests.take(stateHash: Tokens.digest("old")) == nil)
        #expect(try requests.take(stateHash: Tokens.digest("new"))?.nonce == "new")
    }
}
