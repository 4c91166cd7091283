import Testing
@testable import TrainingServer

@Suite struct CASSettingsTests {
    @Test(arguments: ["https://cas.example.gov/cas", "https://cas.example.gov/cas/", "https://127.0.0.1:8443/cas",
                      "HTTPS://cas.example.gov"])
    func anHTTPSPrefixIsAccepted(_ url: String) {
        #expect(CASSettings.problem(url: url) == nil)
    }

    @Test func plainHTTPIsRefusedWithTheReason() throws {
        let problem = try #require(CASSettings.problem(url: "http://cas.example.gov/cas"))
        #expect(problem.contains("https"))
    }

    @Test(arguments: ["cas.example.gov/cas", "ftp://cas.example.gov", "https://", "https:///cas",
                      "https://cas.example.gov/cas?x=1", "https://cas.example.gov/cas#top",
                      "https://user:pw@cas.example.gov/cas", ""])
    func otherURLsAreRefused(_ url: String) {
        #expect(CASSettings.problem(url: url) != nil)
    }

    @Test func theURLsAreBuiltFromThePrefix() {
        var settings = CASSettings(serverURL: "https://cas.example.gov/cas/")
        #expect(settings.serverURL == "https://cas.example.gov/cas")
        let service = CASSettings.serviceURL(publicURL: "https://training.example.gov/", next: "/")
        #expect(service == "https://training.example.gov/login/cas/callback")
        let deep = CASSettings.serviceURL(publicURL: "https://training.example.gov", next: "/courses/a?x=1&y=2")
        #expect(deep == "https://training.example.gov/login/cas/callback?next=%2Fcourses%2Fa%3Fx%3D1%26y%3D2")
        #expect(settings.loginURL(service: service)
                == "https://cas.example.gov/cas/login?service=https%3A%2F%2Ftraining.example.gov%2Flogin%2Fcas%2Fcallback")
        #expect(settings.validationURL(service: service, ticket: "ST-1-a+b")
                == "https://cas.example.gov/cas/p3/serviceValidate?service=https%3A%2F%2Ftraining.example.gov%2Flogin%2Fcas%2Fcallback&ticket=ST-1-a%2Bb")
        #expect(settings.signOutURL(publicURL: "https://training.example.gov")
                == "https://cas.example.gov/cas/logout?service=https%3A%2F%2Ftraining.example.gov%2Flogin")
        settings.logout = false
        #expect(settings.signOutURL(publicURL: "https://training.example.gov") == nil)
    }

    @Test func theAttributeMapHasDefaultsAndTakesOverrides() throws {
        #expect(try CASSettings.attributes([]) == [.name: "cn", .employeeNumber: "employeeNumber", .email: "mail"])
        let map = try CASSettings.attributes(["department=ou", "job-category=title", "name=displayName",
                                              "email=", "login=uid", "employee-number = staffId"])
        #expect(map == [.department: "ou", .jobCategory: "title", .name: "displayName", .login: "uid",
                        .employeeNumber: "staffId"])
    }

    @Test(arguments: ["department", "dept=ou", "name=a b", "name=<cn>", "=cn", "login="])
    func aBadAttributeEntryIsRefused(_ entry: String) {
        #expect(throws: ProfileFieldMapError.self) { try CASSettings.attributes([entry]) }
    }

    @Test func theProfileIsMappedFromTheAttributes() throws {
        let answer = CASServiceResponse.Success(user: "zhangwei", attributes: [
            "cn": ["张伟"], "uid": ["zw"], "employeeNumber": ["100001"], "ou": ["省人民政府/省数据局/综合处", "其他"],
            "title": ["窗口岗位"], "mail": ["zhangwei@example.gov"],
        ])
        var settings = CASSettings(serverURL: "https://cas.example.gov/cas")
        settings.attributes = try CASSettings.attributes(["department=ou", "job-category=title"])
        #expect(settings.profile(answer) == ExternalProfile(
            method: .cas, subject: "zhangwei", login: "zhangwei", displayName: "张伟", employeeNumber: "100001",
            departmentPath: ["省人民政府", "省数据局", "综合处"], jobCategory: "窗口岗位", email: "zhangwei@example.gov"))
        // The login from an attribute; the subject stays the CAS user.
        settings.attributes = try CASSettings.attributes(["login=uid"])
        let byUID = settings.profile(answer)
        #expect(byUID.login == "zw" && byUID.subject == "zhangwei")
        // A named login attribute the answer lacks gives no login (the sign-in is refused), not the CAS user.
        settings.attributes = try CASSettings.attributes(["login=sAMAccountName"])
        #expect(settings.profile(answer).login.isEmpty)
        // Unreleased attributes leave the fields unset.
        settings.attributes = CASSettings.defaultAttributes
        #expect(settings.profile(.init(user: "alice")) == ExternalProfile(method: .cas, subject: "alice", login: "alice"))
    }
}
