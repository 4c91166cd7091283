import Foundation
import Testing
@testable import TrainingServer

/// What the connection decides before (or instead of) talking to a server. The conversation with a real slapd is
/// tested end to end (Tests/e2e/test_identity_ldap.py).
@Suite struct LDAPConnectionTests {
    /// A port nothing listens on.
    private static let nowhere = LDAPConnection.Options(url: "ldap://127.0.0.1:9", startTLS: false, timeout: 2)

    @Test func anEmptyPasswordIsRefusedBeforeTheDirectoryIsAsked() throws {
        let connection = try LDAPConnection(Self.nowhere)
        // Would be an "unauthenticated bind" that succeeds without any check (RFC 4513 5.1.2): never sent.
        #expect(throws: LDAPError.invalidCredentials) { try connection.bind(dn: "uid=zhangwei,dc=example,dc=gov", password: "") }
        #expect(throws: LDAPError.invalidCredentials) { try connection.bind(dn: "", password: "secret") }
        // A real attempt does reach the network (and finds nobody there).
        #expect {
            try connection.bind(dn: "uid=zhangwei,dc=example,dc=gov", password: "secret")
        } throws: { error in
            if case LDAPError.unreachable = error { return true }
            return false
        }
    }

    @Test func startTLSAgainstNobodyIsUnreachable() {
        var options = Self.nowhere
        options.startTLS = true
        #expect {
            _ = try LDAPConnection(options)
        } throws: { error in
            if case LDAPError.unreachable = error { return true }
            return false
        }
    }

    @Test func aMalformedURLIsRefused() {
        #expect {
            _ = try LDAPConnection(LDAPConnection.Options(url: "http://example.gov", startTLS: false))
        } throws: { error in
            if case LDAPError.failure = error { return true }
            return false
        }
    }

    @Test func theAuthenticatorNeverContactsTheDirectoryForAnEmptyPassword() throws {
        let settings = LDAPSettings(url: "ldap://127.0.0.1:9", startTLS: false, bindDN: "cn=reader,dc=gov",
                                    bindPassword: "reader", base: "dc=gov", timeout: 2)
        let authenticator = LDAPAuthenticator(settings: settings)
        #expect(try authenticator.authenticate(login: "zhangwei", password: "") == .notFound)
        #expect(throws: (any Error).self) { try authenticator.authenticate(login: "zhangwei", password: "x") }
    }
}
