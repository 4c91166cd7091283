import Foundation
import Testing
@testable import TrainingServer

/// Bind-and-search against a real OpenLDAP slapd started by the test (plain LDAP on 127.0.0.1; TLS, StartTLS and
/// the whole sign-in are tested end to end in Tests/e2e/test_identity_ldap.py).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/slapd"), "needs Debian's slapd"))
struct LDAPAuthenticatorTests {
    static let base = "dc=example,dc=gov"
    static let people = "ou=people,dc=example,dc=gov"
    static let service = "cn=reader,dc=example,dc=gov"
    static let servicePassword = "Reader-Passw0rd!"

    /// A throwaway slapd with 张伟 (zhangwei), Alice (alice) and 李四 (lisi, employeeType disabled).
    final class Directory {
        let folder: URL
        let process = Process()
        let url: String

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("slapd-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("db"), withIntermediateDirectories: true)
            let conf = folder.appendingPathComponent("slapd.conf").path
            try """
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                modulepath /usr/lib/ldap
                moduleload back_mdb
                pidfile \(folder.path)/slapd.pid
                database mdb
                maxsize 10485760
                suffix "\(LDAPAuthenticatorTests.base)"
                rootdn "cn=admin,\(LDAPAuthenticatorTests.base)"
                rootpw Root-Passw0rd-Unused
                directory \(folder.path)/db
                access to attrs=userPassword by self write by anonymous auth by * none
                access to * by users read by * none

                """.write(toFile: conf, atomically: true, encoding: .utf8)
            func person(_ uid: String, _ name: String, _ number: String, _ department: String, _ password: String,
                        disabled: Bool = false) -> String {
                func encoded(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
                return """
                    dn: uid=\(uid),\(LDAPAuthenticatorTests.people)
                    objectClass: inetOrgPerson
                    uid: \(uid)
                    cn:: \(encoded(name))
                    sn:: \(encoded(name))
                    employeeNumber: \(number)
                    ou:: \(encoded(department))
                    mail: \(uid)@example.gov
                    userPassword: \(password)
                    \(disabled ? "employeeType: disabled\n" : "")
                    """
            }
            let ldif = """
                dn: \(LDAPAuthenticatorTests.base)
                objectClass: dcObject
                objectClass: organization
                dc: example
                o: Example

                dn: \(LDAPAuthenticatorTests.people)
                objectClass: organizationalUnit
                ou: people

                dn: \(LDAPAuthenticatorTests.service)
                objectClass: organizationalRole
                objectClass: simpleSecurityObject
                cn: reader
                userPassword: \(LDAPAuthenticatorTests.servicePassword)

                \(person("zhangwei", "张伟", "100001", "省人民政府/省数据局/综合处", "Zhang-Passw0rd!"))
                \(person("alice", "Alice Smith", "100002", "省人民政府/省人社厅/培训处", "Alice-Passw0rd!"))
                \(person("lisi", "李四", "100003", "省人民政府/省数据局/综合处", "Lisi-Passw0rd!", disabled: true))
                """
            let data = folder.appendingPathComponent("data.ldif").path
            try ldif.write(toFile: data, atomically: true, encoding: .utf8)
            let load = Process()
            load.executableURL = URL(fileURLWithPath: "/usr/sbin/slapadd")
            load.arguments = ["-q", "-f", conf, "-l", data]
            load.standardOutput = FileHandle.nullDevice
            load.standardError = FileHandle.nullDevice
            try load.run()
            load.waitUntilExit()
            try #require(load.terminationStatus == 0, "slapadd failed")
            let port = Int.random(in: 20_000...60_000)
            url = "ldap://127.0.0.1:\(port)"
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/slapd")
            process.arguments = ["-f", conf, "-h", "\(url)/", "-d", "0"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Ready when the service account can bind (about 0.1 s).
            let deadline = Date().addingTimeInterval(10)
            while true {
                do {
                    let connection = try LDAPConnection(.init(url: url, startTLS: false, timeout: 1))
                    try connection.bind(dn: LDAPAuthenticatorTests.service, password: LDAPAuthenticatorTests.servicePassword)
                    break
                } catch {
                    guard process.isRunning, Date() < deadline else {
                        stop()
                        throw error
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        }

        func stop() {
            if process.isRunning {
                // SIGKILL: slapd inherits the test thread's blocked signals (SIGTERM included) and would not stop.
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(at: folder)
        }

        deinit { stop() }

        func settings(filter: String = "(&(objectClass=inetOrgPerson)(uid={login})(!(employeeType=disabled)))") -> LDAPSettings {
            var attributes = LDAPSettings.defaultAttributes
            attributes[.department] = "ou"
            return LDAPSettings(url: url, startTLS: false, bindDN: LDAPAuthenticatorTests.service,
                                bindPassword: LDAPAuthenticatorTests.servicePassword, base: LDAPAuthenticatorTests.people,
                                userFilter: filter, attributes: attributes, provisioning: .create, timeout: 5)
        }
    }

    @Test func searchingReturnsEntriesWithTheirAttributesAsText() throws {
        let directory = try Directory()
        defer { directory.stop() }
        let connection = try LDAPConnection(.init(url: directory.url, startTLS: false))
        try connection.bind(dn: Self.service, password: Self.servicePassword)
        let found = try connection.search(base: Self.people, filter: "(uid=zhangwei)", attributes: ["cn", "ou", "mail"])
        #expect(found == [LDAPEntry(dn: "uid=zhangwei,\(Self.people)", attributes: [
            "cn": ["张伟"], "ou": ["省人民政府/省数据局/综合处"], "mail": ["zhangwei@example.gov"],
        ])])
        #expect(try connection.search(base: Self.people, filter: "(uid=\(ldapFilterEscape("zhang*")))", attributes: ["cn"]).isEmpty)
        #expect(try connection.search(base: Self.people, filter: "(uid=zhang*)", attributes: ["cn"]).count == 1)
        #expect(try connection.search(base: Self.people, filter: "(objectClass=inetOrgPerson)", attributes: [], limit: 2).count == 2)
        // Passwords are not readable, even when asked for.
        let withPassword = try connection.search(base: Self.people, filter: "(uid=alice)", attributes: ["userPassword"])
        #expect(withPassword.first?.attributes["userpassword"] == nil)
    }

    @Test func bindAndSearchSignsPeopleInWithTheirOwnPassword() throws {
        let directory = try Directory()
        defer { directory.stop() }
        let authenticator = LDAPAuthenticator(settings: directory.settings())
        let outcome = try authenticator.authenticate(login: "zhangwei", password: "Zhang-Passw0rd!")
        #expect(outcome == .signedIn(ExternalProfile(
            method: .ldap, subject: "uid=zhangwei,\(Self.people)", login: "zhangwei", displayName: "张伟",
            employeeNumber: "100001", departmentPath: ["省人民政府", "省数据局", "综合处"], email: "zhangwei@example.gov")))
        #expect(try authenticator.authenticate(login: "zhangwei", password: "Alice-Passw0rd!") == .wrongPassword)
        #expect(try authenticator.authenticate(login: "zhangwei", password: "") == .notFound)
        // Left out by the filter (disabled in the directory), though the password is right.
        #expect(try authenticator.authenticate(login: "lisi", password: "Lisi-Passw0rd!") == .notFound)
        #expect(try authenticator.authenticate(login: "nobody", password: "x") == .notFound)
        for typed in ["*", "zhang*", "*)(uid=*", "zhangwei)(|(uid=*"] {
            #expect(try authenticator.authenticate(login: typed, password: "Zhang-Passw0rd!") == .notFound, "\(typed)")
        }
    }

    @Test func aFilterMatchingSeveralEntriesSignsNobodyIn() throws {
        let directory = try Directory()
        defer { directory.stop() }
        let authenticator = LDAPAuthenticator(settings: directory.settings(filter: "(|(uid={login})(mail=*@example.gov))"))
        #expect(try authenticator.authenticate(login: "zhangwei", password: "Zhang-Passw0rd!") == .ambiguous)
        #expect(try authenticator.entries(login: "zhangwei").count == 2)
    }

    @Test func aRefusedServiceAccountIsAFailureNotAWrongPassword() throws {
        let directory = try Directory()
        defer { directory.stop() }
        var settings = directory.settings()
        settings.bindPassword = "not-the-password"
        #expect {
            try LDAPAuthenticator(settings: settings).authenticate(login: "zhangwei", password: "Zhang-Passw0rd!")
        } throws: { error in
            guard case LDAPError.failure(let code, let message) = error else { return false }
            return code == 49 && message.contains("service account")
        }
    }
}
