import Testing
@testable import TrainingServer

@Suite struct LDAPSettingsTests {
    private func settings(url: String = "ldap://directory.example.gov", startTLS: Bool = true,
                          filter: String = LDAPSettings.defaultUserFilter,
                          attributes: ProfileFieldMap = LDAPSettings.defaultAttributes, subject: String? = nil,
                          password: String = "secret", timeout: Double = 5) -> LDAPSettings {
        LDAPSettings(url: url, startTLS: startTLS, bindDN: "cn=reader,dc=example,dc=gov", bindPassword: password,
                     base: "ou=people,dc=example,dc=gov", userFilter: filter, attributes: attributes,
                     subjectAttribute: subject, timeout: timeout)
    }

    // --- filter escaping (RFC 4515) ---

    @Test func filterMetacharactersAreEscaped() {
        #expect(ldapFilterEscape("zhangwei") == "zhangwei")
        #expect(ldapFilterEscape("*") == "\\2a")
        #expect(ldapFilterEscape("zhang*") == "zhang\\2a")
        #expect(ldapFilterEscape("*)(uid=*") == "\\2a\\29\\28uid=\\2a")
        #expect(ldapFilterEscape("a\\b") == "a\\5cb")
        #expect(ldapFilterEscape("a\u{0}b") == "a\\00b")
        #expect(ldapFilterEscape("张伟") == "张伟")
    }

    @Test func theLoginIsEscapedIntoEveryPlaceOfTheFilter() {
        let filter = settings(filter: "(|(uid={login})(mail={login}))").filter(login: "*)(uid=*")
        #expect(filter == "(|(uid=\\2a\\29\\28uid=\\2a)(mail=\\2a\\29\\28uid=\\2a))")
        #expect(settings().filter(login: "zhangwei") == "(&(objectClass=inetOrgPerson)(uid=zhangwei))")
    }

    // --- validation ---

    @Test func usableSettingsHaveNoProblems() {
        #expect(settings().problems.isEmpty)
        #expect(settings(url: "ldaps://dc1.example.gov:636", startTLS: false).problems.isEmpty)
        #expect(settings(attributes: [.login: "sAMAccountName", .department: LDAPSettings.departmentFromDN],
                         subject: "objectGUID").problems.isEmpty)
    }

    @Test(arguments: [
        ("http://directory.example.gov", "--ldap-url"), ("ldap://", "--ldap-url"), ("directory", "--ldap-url"),
    ])
    func badURLsAreRefused(url: String, option: String) {
        #expect(settings(url: url).problems.contains { $0.hasPrefix(option) })
    }

    @Test func startTLSOnLDAPSIsRefused() {
        #expect(settings(url: "ldaps://dc1.example.gov", startTLS: true).problems.contains { $0.contains("--ldap-start-tls") })
    }

    @Test(arguments: ["(uid=zhangwei)", "uid={login}", "(&(uid={login})", "(uid={login}))(", "(uid={login})(cn=x)"])
    func badFiltersAreRefused(_ filter: String) {
        #expect(settings(filter: filter).problems.contains { $0.hasPrefix("--ldap-user-filter") })
    }

    @Test func escapedParenthesesInAFilterAreNotCounted() {
        #expect(settings(filter: "(&(uid={login})(description=a\\29b))").problems.isEmpty)
    }

    @Test func anEmptyServicePasswordOrBadAttributeNamesOrTimeoutAreRefused() {
        #expect(settings(password: "").problems.contains { $0.contains("--ldap-bind-password-file") })
        #expect(settings(attributes: [.login: "uid", .name: "c n"]).problems.contains { $0.contains("name=c n") })
        #expect(settings(attributes: [.name: "cn"]).problems.contains { $0.contains("login=") })
        #expect(settings(attributes: [.login: "2.5.4.3"]).problems.isEmpty)
        #expect(settings(attributes: [.login: "2.5..3"]).problems.count == 1)
        #expect(settings(subject: "object GUID").problems.contains { $0.contains("subject=object GUID") })
        #expect(settings(timeout: 0).problems.contains { $0.contains("--ldap-timeout") })
    }

    @Test func attributeOptionsParseOverTheDefaultsWithTheSubjectApart() throws {
        let (map, subject) = try LDAPSettings.attributes(["name=displayName", "employee-number = employeeID",
                                                          "Job-Category=title", "subject=entryUUID", "email="])
        #expect(map == [.login: "uid", .name: "displayName", .employeeNumber: "employeeID", .jobCategory: "title"])
        #expect(subject == "entryUUID")
        #expect(try LDAPSettings.attributes([]) == (LDAPSettings.defaultAttributes, nil))
        #expect(try LDAPSettings.attributes(["subject=entryUUID", "subject="]).subject == nil)
        #expect(try LDAPSettings.attributes(["department=dn:ou"]).map[.department] == LDAPSettings.departmentFromDN)
        for bad in ["colour=cn", "login=", "name"] {
            #expect(throws: ProfileFieldMapError("--ldap-attribute \(bad): give FIELD=ATTRIBUTE with FIELD one of login, name, employee-number, department, job-category, email, subject (FIELD= leaves a field out; login cannot be left out)")) {
                try LDAPSettings.attributes([bad])
            }
        }
    }

    // --- attribute mapping ---

    @Test func anEntryIsMappedThroughTheAttributeMap() {
        var map = LDAPSettings.defaultAttributes
        map[.department] = "ou"
        map[.jobCategory] = "title"
        let entry = LDAPEntry(dn: "uid=zhangwei,ou=people,dc=example,dc=gov", attributes: [
            "uid": ["zhangwei"], "CN": ["张伟", "Zhang Wei"], "employeeNumber": ["100001"],
            "ou": ["省人民政府/省数据局/综合处"], "title": ["窗口岗位"], "mail": ["zhangwei@example.gov"],
        ])
        let profile = settings(attributes: map).profile(from: entry, typedLogin: "ZhangWei")
        #expect(profile == ExternalProfile(method: .ldap, subject: "uid=zhangwei,ou=people,dc=example,dc=gov",
                                           login: "zhangwei", displayName: "张伟", employeeNumber: "100001",
                                           departmentPath: ["省人民政府", "省数据局", "综合处"], jobCategory: "窗口岗位",
                                           email: "zhangwei@example.gov"))
    }

    @Test func anActiveDirectoryMapWithAUniqueIdAndMissingValues() {
        let map: ProfileFieldMap = [.login: "sAMAccountName", .name: "displayName", .employeeNumber: "employeeID"]
        let ad = settings(attributes: map, subject: "objectGUID")
        let entry = LDAPEntry(dn: "CN=Li Si,OU=Staff,DC=example,DC=gov",
                              attributes: ["objectguid": ["0a1b2c3d"], "displayname": ["李四"]])
        let profile = ad.profile(from: entry, typedLogin: "lisi")
        #expect(profile.subject == "0a1b2c3d")
        #expect(profile.login == "lisi")  // no sAMAccountName value: the typed login
        #expect(profile.displayName == "李四" && profile.employeeNumber == nil && profile.departmentPath == nil)
        // A configured unique id the entry lacks: no subject, so the provisioner refuses the sign-in.
        #expect(ad.profile(from: LDAPEntry(dn: "CN=x", attributes: [:]), typedLogin: "x").subject.isEmpty)
        #expect(Set(ad.requestedAttributes) == ["sAMAccountName", "displayName", "employeeID", "objectGUID"])
    }

    @Test func theDepartmentCanComeFromTheDNsOrganisationalUnits() {
        #expect(LDAPSettings.organisationalUnits(of: "uid=zhangwei,ou=综合处,ou=省数据局,ou=省人民政府,dc=example,dc=gov")
                == ["省人民政府", "省数据局", "综合处"])
        #expect(LDAPSettings.organisationalUnits(of: "CN=Wang\\, Fang,OU=Office of A\\2C B,OU=Bureau,DC=gov")
                == ["Bureau", "Office of A, B"])
        #expect(LDAPSettings.organisationalUnits(of: "uid=x,ou=\\E7\\BB\\BC\\E5\\90\\88\\E5\\A4\\84,dc=gov") == ["综合处"])
        #expect(LDAPSettings.organisationalUnits(of: "uid=x,dc=example,dc=gov").isEmpty)
        var map = LDAPSettings.defaultAttributes
        map[.department] = LDAPSettings.departmentFromDN
        let profile = settings(attributes: map).profile(
            from: LDAPEntry(dn: "uid=x,ou=培训处,ou=人社厅,dc=gov", attributes: ["uid": ["x"]]), typedLogin: "x")
        #expect(profile.departmentPath == ["人社厅", "培训处"])
        #expect(!settings(attributes: map).requestedAttributes.contains(LDAPSettings.departmentFromDN))
    }
}
