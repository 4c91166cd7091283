import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

@Suite struct SecondFactorControllerTests {
    private static let password = "correct horse battery"

    /// Turns two-step sign-in on for `user`; returns the secret.
    private func enrol(_ app: TestApplication, _ user: User) throws -> [UInt8] {
        let factors = SecondFactors(store: app.store, clock: app.clock.function)
        let secret = try #require(try factors.enrolmentSecret(for: user.id))
        _ = try #require(try factors.confirm(user.id, code: TOTP.code(secret: secret, at: app.clock.now), by: .system))
        return secret
    }

    private func csrf(_ page: Response) throws -> String {
        try #require(Browser.hiddenField("csrf_token", in: page.bodyText))
    }

    @Test func aPasswordAloneBeginsNoSessionWhenTwoStepSignInIsOn() throws {
        let app = try TestApplication()
        let user = try app.createUser(login: "li", password: Self.password)
        let secret = try enrol(app, user)
        let browser = Browser(app)
        let signIn = try browser.signIn(login: "li", password: Self.password, next: "/profile")
        #expect(signIn.status == .seeOther)
        #expect(signIn.headers["Location"] == "/login/second-factor")
        #expect(browser.cookies["csa_session"] == nil)
        #expect(browser.cookies["csa_2fa"] != nil)
        #expect(try browser.get("/profile").status == .seeOther)
        let page = try browser.get("/login/second-factor")
        #expect(page.status == .ok)
        #expect(page.bodyText.contains("autocomplete=\"one-time-code\"") && page.bodyText.contains("inputmode=\"numeric\""))
        let wrong = try browser.post("/login/second-factor", form: [("csrf_token", try csrf(page)), ("code", "12345")])
        #expect(wrong.status == .unauthorized)
        app.clock.advance(by: 30)
        let right = try browser.post("/login/second-factor",
                                     form: [("csrf_token", try csrf(wrong)), ("code", TOTP.code(secret: secret, at: app.clock.now))])
        #expect(right.status == .seeOther)
        #expect(right.headers["Location"] == "/profile")
        #expect(browser.cookies["csa_session"] != nil && browser.cookies["csa_2fa"] == nil)
        #expect(try browser.get("/profile").status == .ok)
        let record = try #require(try app.application.sessions.signIns(userID: user.id, limit: 1).first)
        #expect(record.method == .password && record.secondFactor)
    }

    @Test func anAccountDisabledWhileTheCodeIsAwaitedIsRefused() throws {
        let app = try TestApplication()
        let user = try app.createUser(login: "li", password: Self.password)
        let secret = try enrol(app, user)
        let browser = Browser(app)
        _ = try browser.signIn(login: "li", password: Self.password)
        let page = try browser.get("/login/second-factor")
        try app.application.users.setDisabled(true, id: user.id, by: .commandLine)
        app.clock.advance(by: 30)
        let refused = try browser.post("/login/second-factor",
                                       form: [("csrf_token", try csrf(page)), ("code", TOTP.code(secret: secret, at: app.clock.now))])
        #expect(refused.status == .forbidden)
        #expect(refused.bodyText.contains("此账户已停用"))
        #expect(browser.cookies["csa_session"] == nil && browser.cookies["csa_2fa"] == nil)
        #expect(try app.application.sessions.signIns(userID: user.id, limit: 5).isEmpty)
    }

    @Test func aRequiredRoleEnrolsBeforeAnyPageAndOthersAreNotAsked() throws {
        let app = try TestApplication { $0.identity.requireSecondFactor = [.hr, .admin] }
        _ = try app.createUser(login: "hr", password: Self.password, roles: [.hr])
        _ = try app.createUser(login: "learner", password: Self.password)
        let hr = Browser(app)
        let signIn = try hr.signIn(login: "hr", password: Self.password, next: "/hr")
        #expect(signIn.headers["Location"] == "/login/second-factor/setup")
        #expect(hr.cookies["csa_session"] == nil)
        #expect(try hr.get("/hr").status == .seeOther)
        #expect(try hr.get("/login/second-factor").headers["Location"] == "/login/second-factor/setup")
        let setup = try hr.get("/login/second-factor/setup")
        #expect(setup.status == .ok)
        let text = setup.bodyText
        let start = try #require(text.range(of: "<code id=\"secret\">")?.upperBound)
        let end = try #require(text[start...].range(of: "</code>")?.lowerBound)
        let secret = try #require(TOTP.base32Decode(String(text[start..<end])))
        let done = try hr.post("/login/second-factor/setup",
                               form: [("csrf_token", try csrf(setup)), ("code", TOTP.code(secret: secret, at: app.clock.now))])
        #expect(done.status == .ok)
        #expect(done.bodyText.contains("href=\"/hr\""))
        #expect(done.headers["Cache-Control"] == "no-store")
        #expect(hr.cookies["csa_session"] != nil)
        #expect(try hr.get("/hr").status == .ok)

        let learner = Browser(app)
        #expect(try learner.signIn(login: "learner", password: Self.password).headers["Location"] == "/")
        #expect(learner.cookies["csa_session"] != nil)
    }

    @Test func withoutLocalPasswordsTheProfileHasNoPasswordChangeAndTheAddressNeedsNone() throws {
        let app = try TestApplication { $0.identity.localPasswords = false }
        let department = try app.application.departments.ensure(path: ["省政府", "测试处"], by: .system)
        let user = try app.application.users.create(NewUser(login: "dir", displayName: "目录用户", departmentID: department.id,
                                                            passwordHash: "!" + Tokens.random(bytes: 16), roles: []), by: .system)
        let token = Tokens.random()
        _ = try app.application.sessions.create(tokenHash: Tokens.digest(token), userID: user.id, csrfSecret: Tokens.random(),
                                                now: app.clock.now, idleTimeout: 3600, absoluteTimeout: 36000,
                                                clientAddress: "192.0.2.10", method: .cas, secondFactor: false,
                                                providerSession: nil)
        let browser = Browser(app)
        browser.cookies["csa_session"] = token
        let profile = try browser.get("/profile")
        #expect(profile.status == .ok)
        #expect(!profile.bodyText.contains("action=\"/profile/password\""))
        #expect(!profile.bodyText.contains("email_password"))
        #expect(profile.bodyText.contains("action=\"/profile/email\""))
        let saved = try browser.post("/profile/email", form: [("csrf_token", try csrf(profile)), ("email", "dir@example.gov")])
        #expect(saved.status == .seeOther)
        #expect(try app.application.mail.addresses.email(of: user.id) == "dir@example.gov")
        let password = try browser.post("/profile/password", form: [("csrf_token", try csrf(profile)), ("current_password", "x"),
                                                                    ("new_password", "a brand new passphrase"),
                                                                    ("confirm_password", "a brand new passphrase")])
        #expect(password.status == .forbidden)
    }

    @Test func withLocalPasswordsAnAccountWithoutOneLeavesItsAddressToAnAdministrator() throws {
        let app = try TestApplication()
        let department = try app.application.departments.ensure(path: ["省政府", "测试处"], by: .system)
        let user = try app.application.users.create(NewUser(login: "dir", displayName: "目录用户", departmentID: department.id,
                                                            passwordHash: "!" + Tokens.random(bytes: 16), roles: []), by: .system)
        let token = Tokens.random()
        _ = try app.application.sessions.create(tokenHash: Tokens.digest(token), userID: user.id, csrfSecret: Tokens.random(),
                                                now: app.clock.now, idleTimeout: 3600, absoluteTimeout: 36000,
                                                clientAddress: "192.0.2.10")
        let browser = Browser(app)
        browser.cookies["csa_session"] = token
        let profile = try browser.get("/profile")
        #expect(!profile.bodyText.contains("action=\"/profile/email\""))
        #expect(!profile.bodyText.contains("action=\"/profile/password\""))
        let refused = try browser.post("/profile/email", form: [("csrf_token", try csrf(profile)), ("email", "evil@example.com")])
        #expect(refused.status == .forbidden)
        #expect(try app.application.mail.addresses.email(of: user.id) == nil)
    }

    @Test func aPasswordResetLinkStillAsksForTheSecondStep() throws {
        let app = try TestApplication { $0.identity.requireSecondFactor = [.hr] }
        let person = try app.createUser(login: "zhang", password: Self.password)
        let secret = try enrol(app, person)
        let hr = try app.createUser(login: "hr", password: Self.password, roles: [.hr])
        let resets = PasswordResets(store: app.store, strings: .shipped, publicURL: "http://training.example",
                                    mailEnabled: false, clock: app.clock.function)
        for (user, expected) in [(person, "/login/second-factor"), (hr, "/login/second-factor/setup")] {
            let link = try resets.issue(for: user, origin: .admin, by: .commandLine)
            let path = String(link.url.dropFirst("http://training.example".count))
            let browser = Browser(app)
            let page = try browser.get(path)
            let done = try browser.post(path, form: [("csrf_token", try csrf(page)), ("new_password", "Harbour-Lantern-Meadow-93"),
                                                     ("confirm_password", "Harbour-Lantern-Meadow-93")])
            #expect(done.status == .seeOther && done.headers["Location"] == expected)
            #expect(browser.cookies["csa_session"] == nil, "no session before the second step")
            if user.id == person.id {
                app.clock.advance(by: 30)
                let code = try browser.get("/login/second-factor")
                let signedIn = try browser.post("/login/second-factor", form: [
                    ("csrf_token", try csrf(code)), ("code", TOTP.code(secret: secret, at: app.clock.now))])
                #expect(signedIn.headers["Location"] == "/profile?notice=password")
                #expect(browser.cookies["csa_session"] != nil)
            }
        }
    }
}
