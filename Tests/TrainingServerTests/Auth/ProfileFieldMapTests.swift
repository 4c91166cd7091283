import Testing
@testable import TrainingServer

@Suite struct ProfileFieldMapTests {
    private let defaults: ProfileFieldMap = [.login: "uid", .name: "cn", .email: "mail"]

    private func parse(_ texts: [String], extraFields: [String] = [],
                       isName: (String) -> Bool = { _ in true }) throws(ProfileFieldMapError) -> ProfileFieldMap {
        try ProfileFieldMap.parse(texts, defaults: defaults, option: "--x-attribute", noun: "ATTRIBUTE",
                                  extraFields: extraFields, isName: isName)
    }

    @Test func entriesAreSplitAtTheFirstEqualsSignAndTrimmed() {
        #expect(ProfileFieldMap.entry(" Employee-Number = staff=id ")! == ("employee-number", "staff=id"))
        #expect(ProfileFieldMap.entry("email=")! == ("email", ""))
        #expect(ProfileFieldMap.entry("email") == nil)
        #expect(ProfileFieldMap.entry(" =cn") == nil)
    }

    @Test func valuesApplyOverTheDefaultsInOrder() throws {
        #expect(try parse([]) == defaults)
        let map = try parse(["name=displayName", "department=ou", "email=", "Job-Category = title", "name=sn"])
        #expect(map == [.login: "uid", .name: "sn", .department: "ou", .jobCategory: "title"])
        #expect(map.sorted.map(\.field) == [.login, .name, .department, .jobCategory])
        // Every field can be left out but the login.
        let bare = try parse(ProfileFieldMap.Field.allCases.filter { $0 != .login }.map { "\($0.rawValue)=" })
        #expect(bare == [.login: "uid"])
    }

    @Test(arguments: ["colour=cn", "login=", "login", "=cn", "subject=entryUUID"])
    func unknownFieldsMissingNamesAndAnEmptyLoginAreRefusedInOneStyle(_ text: String) {
        #expect(throws: ProfileFieldMapError("--x-attribute \(text): give FIELD=ATTRIBUTE with FIELD one of login, name, employee-number, department, job-category, email (FIELD= leaves a field out; login cannot be left out)")) {
            try parse([text])
        }
    }

    @Test func aMethodsOwnFieldsGoToItAndNamesAreChecked() throws {
        var extras: [String] = []
        let map = try ProfileFieldMap.parse(["subject=entryUUID", "name=displayName", "subject="], defaults: defaults,
                                            option: "--x-attribute", noun: "ATTRIBUTE", extraFields: ["subject"], extra: {
            extras.append("\($0)=\($1)")
        })
        #expect(extras == ["subject=entryUUID", "subject="])
        #expect(map[.name] == "displayName")
        #expect(throws: ProfileFieldMapError("--x-attribute name=a b: \"a b\" is not an attribute name")) {
            try parse(["name=a b"], isName: { !$0.contains(" ") })
        }
        #expect(throws: ProfileFieldMapError("--oidc-claim name=a b: \"a b\" is not a claim name")) {
            try ProfileFieldMap.parse(["name=a b"], defaults: defaults, option: "--oidc-claim", noun: "CLAIM",
                                      isName: { !$0.contains(" ") })
        }
        #expect(try parse(["email="], isName: { !$0.isEmpty }) == [.login: "uid", .name: "cn"])
        // An unknown field is named as such before its name is judged.
        #expect(throws: ProfileFieldMapError("--x-attribute colour=a b: give FIELD=ATTRIBUTE with FIELD one of login, name, employee-number, department, job-category, email (FIELD= leaves a field out; login cannot be left out)")) {
            try parse(["colour=a b"], isName: { _ in false })
        }
    }

    @Test func aProfileIsBuiltFromTheFirstValues() {
        let values = ["uid": "zw", "cn": "张伟", "ou": "省人民政府/省数据局/综合处", "title": "窗口岗位"]
        let map: ProfileFieldMap = [.login: "uid", .name: "cn", .department: "ou", .jobCategory: "title", .email: "mail"]
        #expect(map.profile(method: .oidc, subject: "s-1", fallbackLogin: "typed", lookup: { values[$0] })
                == ExternalProfile(method: .oidc, subject: "s-1", login: "zw", displayName: "张伟",
                                   departmentPath: ["省人民政府", "省数据局", "综合处"], jobCategory: "窗口岗位"))
        // No login value: the fallback; a department given by the method replaces the mapped one.
        let other = map.profile(method: .ldap, subject: "s-2", fallbackLogin: "typed", department: ["人社厅"],
                                lookup: { $0 == "ou" ? "a/b" : nil })
        #expect(other == ExternalProfile(method: .ldap, subject: "s-2", login: "typed", departmentPath: ["人社厅"]))
        // Unmapped fields are not looked up.
        #expect(ProfileFieldMap([:]).profile(method: .cas, subject: "u", fallbackLogin: "u", lookup: { _ in "x" })
                == ExternalProfile(method: .cas, subject: "u", login: "u"))
    }
}
