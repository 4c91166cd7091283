import Assessment
import Testing
@testable import TrainingServer

@Suite struct LayoutTests {
    private func context(_ language: Language, user: User? = nil, path: String = "/courses?x=1&y=<2>") -> PageContext {
        PageContext(language: language, user: user, csrfToken: "tok\"en", currentPath: path, strings: .shipped)
    }

    private let user = User(id: UserID(rawValue: 1), login: "li", displayName: "<李明>", employeeNumber: nil,
                            departmentID: DepartmentID(rawValue: 1), disabled: false, language: nil,
                            accommodationFactor: 1, grants: [])

    @Test func theFrameNamesTheLanguageAndOffersTheOther() {
        let zh = Layout.page(title: "标题<", context: context(.zh), stylesheet: "/assets/style.css?v=1", body: "<p>正文</p>").rendered
        #expect(zh.hasPrefix("<!DOCTYPE html>"))
        #expect(zh.contains("<html lang=\"zh-CN\">"))
        #expect(zh.contains("<title>标题&lt; · 公务员学院</title>"))
        #expect(zh.contains("<link rel=\"stylesheet\" href=\"/assets/style.css?v=1\">"))
        #expect(zh.contains("href=\"/language/en?next=%2Fcourses%3Fx%3D1%26y%3D%3C2%3E\""))
        #expect(zh.contains("<main id=\"main\" tabindex=\"-1\">\n<p>正文</p>\n</main>"))
        #expect(zh.contains("<a class=\"skip-link\" href=\"#main\">跳到主要内容</a>"))
        #expect(!zh.contains("<script"))

        let en = Layout.page(title: "Title", context: context(.en), stylesheet: "/s.css", body: .empty).rendered
        #expect(en.contains("<html lang=\"en\">"))
        #expect(en.contains("href=\"/language/zh?next="))
        #expect(en.contains(">中文</a>"))
    }

    @Test func aSignedInPersonSeesTheirEscapedNameAndASignOutFormWithTheToken() {
        let html = Layout.page(title: "t", context: context(.en, user: user), stylesheet: "/s.css", body: .empty).rendered
        #expect(html.contains("Signed in as &lt;李明&gt;"))
        #expect(!html.contains("<李明>"))
        #expect(html.contains("<form class=\"signout\" method=\"post\" action=\"/logout\">"))
        #expect(html.contains("name=\"csrf_token\" value=\"tok&quot;en\""))
        let anonymous = Layout.page(title: "t", context: context(.en), stylesheet: "/s.css", body: .empty).rendered
        #expect(!anonymous.contains("/logout"))
    }

    @Test func scriptsAreDeferredTags() {
        let html = Layout.page(title: "t", context: context(.en), stylesheet: "/s.css", scripts: ["/assets/a.js"],
                               body: .empty).rendered
        #expect(html.contains("<script src=\"/assets/a.js\" defer></script>"))
    }
}
