import Foundation
import PostgresStorage
import Testing
import SQLiteStorage
import TrainingServer

/// Provider links, the issuer's published keys and the servers' shared keys give the same answers on SQLite and
/// PostgreSQL.
@Suite struct KeysAndIdentitiesConformanceTests {
    static let firstKey = """
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArmaY+W51fcMDEFFalA8T
gtxDeK+04NLs9nnwiv9KVfmyiiYummZzErfvRA0PU0DDoFBJy3n2PLHZZG0Us6dm
hFBtphMHYqKpbVynbQBEvqUEpiW+z0fWCT1UGD/1++XC8wtlQ3L4go5GPI+mDc9w
EgWtItHrXgSRFi1gYsCX6lY0h+5mGJukV67MBhN1EbbOBvrpW5YptAZHYXXynrfH
G3shfHSLe0RyORG4x2gwzGRfs0cVB3ULJO8ukxAkaVwdQ6HwJcS/9d8FZqYKgRZO
t0bfbUqqXOTimR3zU05/PXCPCumwZBPNblCaI6MDF3xccQqFCN7pAPbXMAMfC4c+
iQIDAQAB
-----END PUBLIC KEY-----
"""
    static let secondKey = """
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAss9wxQ1nFTa/sftnjziX
MNUqzKGTD5xilNrlYSWdtSPc3VXXOiIU2E4euSaUFuZbdFawniGWCUqaKVc2nLsT
5lG6pRfQQhA53QDBCn61ApprFiF4ClD7SVmFcaucCFkxpeHVL3KKYu23CdkVy8Ow
5nqrsKY/6OzzTCZnXKC1GcaIuo5R2o/a55iJtXsjiIRI7Gs0foUbWiLT0T1+nsrj
uBegSUwPITHujZx7K+tmhwzDSfWoLRauZ1MTLalwuN74YJ/xdpR7n4161mY3q/xI
riNc/7+4bATWA8KPZbCIXzMDivMCL8c6/c1FJ/ckm8J5OE9DI1gNTsjAW/31l/n0
cwIDAQAB
-----END PUBLIC KEY-----
"""

    @Test(arguments: StorageKind.enabled)
    func subjectsLinkToOneAccountEachAndAreListedInOrder(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let department = try storage.department("处")
            let li = try storage.user("li", in: department)
            let wang = try storage.user("wang", in: department)
            let links = storage.node.externalIdentities
            #expect(try links.user(method: .oidc, subject: "sub-1") == nil)
            try links.link(method: .oidc, subject: "sub-1", to: li.id, now: 10)
            try links.link(method: .ldap, subject: "uid=li,ou=people", to: li.id, now: 11)
            try links.link(method: .cas, subject: "Li", to: li.id, now: 12)
            try links.link(method: .cas, subject: "li", to: li.id, now: 13)
            #expect(try links.user(method: .oidc, subject: "sub-1") == li.id)
            #expect(try links.user(method: .cas, subject: "sub-1") == nil)
            #expect(try links.subjects(of: li.id).map { "\($0.method.rawValue) \($0.subject)" }
                        == ["cas Li", "cas li", "ldap uid=li,ou=people", "oidc sub-1"])
            // Re-linking moves the subject to the other account and notes the time.
            try links.link(method: .oidc, subject: "sub-1", to: wang.id, now: 20)
            #expect(try links.user(method: .oidc, subject: "sub-1") == wang.id)
            #expect(try storage.integer("SELECT count(*) FROM external_identities WHERE subject = 'sub-1' AND last_sign_in_at = 20", []) == 1)
            #expect(throws: (any Error).self) { try links.link(method: .oidc, subject: "x", to: UserID(rawValue: 999), now: 1) }
        }
    }

    @Test(arguments: StorageKind.enabled)
    func issuerKeysAreListedNewestFirstAndRecordedOnce(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let keys = storage.node.issuerKeys
            #expect(try keys.published().isEmpty)
            let old = try IssuerPublicKey(pemRepresentation: Self.firstKey)
            let new = try IssuerPublicKey(pemRepresentation: Self.secondKey)
            try keys.publish(old, at: 100)
            try keys.publish(new, at: 200)
            try keys.publish(old, at: 300)
            #expect(try keys.published() == [new, old])
        }
    }

    @Test(arguments: StorageKind.enabled)
    func aServerKeyIsMadeOnceAndReadByEveryServer(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let first = try storage.node.serverKey("csrf", 1) { Array(repeating: 7, count: 32) }
            #expect(first == Array(repeating: 7, count: 32))
            let other = try storage.openNode()
            let again = try other.serverKey("csrf", 2) {
                Issue.record("a key that exists is not made again")
                return Array(repeating: 9, count: 32)
            }
            #expect(again == first)
            #expect(try other.serverKey("other", 3) { Array(repeating: 1, count: 48) }.count == 48)
            #expect(throws: (any Error).self) { try storage.node.serverKey("short", 4) { [1, 2, 3] } }
        }
    }

    static func request(_ nonce: String, expiresAt: Double) -> OIDCPendingRequest {
        OIDCPendingRequest(browserHash: "browser-\(nonce)", nonce: nonce, codeVerifier: "verifier-\(nonce)", next: "/after/\(nonce)",
                           expiresAt: expiresAt)
    }

    @Test(arguments: StorageKind.enabled)
    func anOIDCRequestIsTakenOnceAndLapsedOnesArePurged(_ kind: StorageKind) throws {
        try StorageFixture.with(kind) { storage in
            let node = storage.node
            try node.oidcAdd("state-1", Self.request("n1", expiresAt: 1_000.5), 400)
            try node.oidcAdd("state-2", Self.request("n2", expiresAt: 1_000), 400)
            #expect(try node.oidcTake("state-3") == nil)
            #expect(try node.oidcTake("state-1") == Self.request("n1", expiresAt: 1_000.5))
            #expect(try node.oidcTake("state-1") == nil)
            #expect(try node.oidcCount() == 1)
            #expect(throws: (any Error).self) { try node.oidcAdd("state-2", Self.request("again", expiresAt: 2_000), 400) }
            try node.oidcAdd("state-4", Self.request("n4", expiresAt: 2_000), 1_000)
            #expect(try node.oidcCount() == 1, "the lapsed request went")
            #expect(try node.oidcTake("state-2") == nil)
            #expect(try node.oidcTake("state-4")?.nonce == "n4")
        }
    }
}
